/** Small builders for specs and inventories, so each test states only what it is about. */
import { emptyInventory } from "../../src/inventory/load";
import type { Inventory, InventoryDataCollectionRule, InventoryDataCollectionRuleAssociation, InventoryMachine, InventoryWorkspace } from "../../src/inventory/schema";
import { DCR_ASSOCIATION_NAME, dataCollectionRuleAssociationId, dataCollectionRuleId, xPathQueriesForTier } from "../../src/spec/dcr";
import type { SecurityEventTier } from "../../src/spec/events";
import { AZURE_MONITOR_AGENT, DEPENDENCY_AGENT, LOG_ANALYTICS_AGENT, type OsType } from "../../src/spec/extensions";
import type { Spec, SpecInput } from "../../src/spec/schema";
import { parseSpec } from "../../src/spec/validate";

export const SUB = "11111111-1111-1111-1111-111111111111";
export const SUB2 = "22222222-2222-2222-2222-222222222222";

/** A spec with auto provisioning on; the agent is the seed's (mma) unless `la` says otherwise (ama is a new spec's default). */
export function spec(la: SpecInput["logAnalyticsAgent"] = {}, extensions: SpecInput["extensions"] = {}, subscriptions = [SUB]): Spec {
  return parseSpec({ subscriptions, logAnalyticsAgent: { autoProvision: true, agent: "mma", ...la }, extensions });
}

export function workspaceId(name: string, sub = SUB, rg = "rg-monitoring"): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.OperationalInsights/workspaces/${name}`;
}

export function workspace(name: string, customerId: string, extra: Partial<InventoryWorkspace> = {}, sub = SUB): InventoryWorkspace {
  return { id: workspaceId(name, sub), customerId, location: "westeurope", createdBySecurityCenter: false, solutions: [], ...extra };
}

/** A Security Center default workspace as Security Center names it. */
export function defaultWorkspace(code: string, customerId: string, location: string, sub = SUB, extra: Partial<InventoryWorkspace> = {}): InventoryWorkspace {
  return {
    id: `/subscriptions/${sub}/resourceGroups/DefaultResourceGroup-${code}/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-${sub}-${code}`,
    customerId,
    location,
    createdBySecurityCenter: true,
    solutions: ["SecurityCenterFree"],
    ...extra,
  };
}

export function machine(name: string, extra: Partial<InventoryMachine> = {}, sub = SUB): InventoryMachine {
  return {
    id: `/subscriptions/${sub}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/${name}`,
    kind: "vm",
    osType: "Windows",
    location: "westeurope",
    powerState: "running",
    vmAgent: true,
    extensions: [],
    agents: [],
    ...extra,
  };
}

export function laExtension(os: OsType, version: string, workspaceCustomerId: string) {
  const k = LOG_ANALYTICS_AGENT[os];
  return { publisher: k.publisher, type: k.type, version, name: k.name, workspaceCustomerId };
}

export function amaExtension(os: OsType, version = AZURE_MONITOR_AGENT[os].version) {
  const k = AZURE_MONITOR_AGENT[os];
  return { publisher: k.publisher, type: k.type, version, name: k.name, workspaceCustomerId: null };
}

export function dependencyExtension(os: OsType) {
  const k = DEPENDENCY_AGENT[os];
  return { publisher: k.publisher, type: k.type, version: k.version, name: k.name };
}

export const SYSTEM_IDENTITY = { type: "SystemAssigned", principalId: "00000000-0000-4000-8000-00000000aaaa" } as const;

/** The data collection rule this tool makes for a workspace, as the inventory reader records it. */
export function dcr(workspace: InventoryWorkspace | string, tier: SecurityEventTier, location = "westeurope"): InventoryDataCollectionRule {
  const wsId = typeof workspace === "string" ? workspace : workspace.id;
  return { id: dataCollectionRuleId(wsId), location, destinations: [wsId], xPathQueries: [...xPathQueriesForTier(tier)] };
}

/** This tool's association of a machine with the rule of a workspace (or with any rule id). */
export function association(m: InventoryMachine, workspaceOrRuleId: InventoryWorkspace | string, name = DCR_ASSOCIATION_NAME): InventoryDataCollectionRuleAssociation {
  const ruleId = typeof workspaceOrRuleId === "string" ? workspaceOrRuleId : dataCollectionRuleId(workspaceOrRuleId.id);
  return { id: dataCollectionRuleAssociationId(m.id, name), machineId: m.id, dataCollectionRuleId: ruleId };
}

export function inventory(parts: Partial<Inventory> = {}, onboardedAt = "2020-01-01", subs = [SUB]): Inventory {
  return {
    ...emptyInventory(),
    subscriptions: subs.map((id) => ({ id, onboardedAt })),
    settings: Object.fromEntries(subs.map((s) => [s, { autoProvision: "Off" as const, workspaceId: null, pricingTier: "Standard" as const }])),
    ...parts,
  };
}
