/**
 * Resource Graph rows -> Inventory machines, clusters and workspaces (pure: no I/O).
 */
import { SCALE_SET_UPGRADE_POLICIES, type InventoryCluster, type InventoryDataCollectionRule, type InventoryExtension, type InventoryMachine, type InventoryWorkspace } from "../../inventory/schema";

type ScaleSetUpgradePolicy = (typeof SCALE_SET_UPGRADE_POLICIES)[number];
import { dataCollectionRuleOf } from "./dcr";
import { isAppliance } from "../../spec/appliances";
import { isDefaultWorkspaceId } from "../../spec/naming";
import type { GraphRow } from "../graph";

import { at, str } from "./json";

export { at, str } from "./json";

function osTypeOf(value: unknown): "Windows" | "Linux" | undefined {
  const v = str(value)?.toLowerCase();
  return v === "windows" ? "Windows" : v === "linux" ? "Linux" : undefined;
}

const POWER_STATES: Record<string, InventoryMachine["powerState"]> = {
  running: "running",
  stopped: "stopped",
  deallocated: "deallocated",
  starting: "starting",
  stopping: "stopping",
  deallocating: "stopping",
};

/** "PowerState/running" -> "running". */
function powerStateOf(code: unknown): InventoryMachine["powerState"] {
  const s = str(code)?.split("/").pop()?.toLowerCase();
  return (s && POWER_STATES[s]) || "unknown";
}

/** A VM agent is present unless the VM was created without one (osProfile.*.provisionVMAgent false). */
function vmAgentOf(osProfile: unknown, agentStatus: unknown): boolean {
  const status = str(agentStatus);
  if (status) return status.toLowerCase() === "ready";
  const win = at(osProfile, "windowsConfiguration", "provisionVMAgent");
  const lin = at(osProfile, "linuxConfiguration", "provisionVMAgent");
  return win !== false && lin !== false;
}

function extensionOf(props: unknown, name?: string): InventoryExtension | undefined {
  const publisher = str(at(props, "publisher"));
  const type = str(at(props, "type"));
  if (!publisher || !type) return undefined;
  const workspaceId = str(at(props, "settings", "workspaceId"));
  const state = str(at(props, "provisioningState"));
  return {
    publisher,
    type,
    version: str(at(props, "typeHandlerVersion")) ?? "0",
    ...(name ? { name } : {}),
    ...(workspaceId ? { workspaceCustomerId: workspaceId } : {}),
    ...(state ? { provisioningState: state } : {}),
  };
}

export interface FleetRows {
  machines: InventoryMachine[];
  dataCollectionRules: InventoryDataCollectionRule[];
  clusters: InventoryCluster[];
  workspaces: InventoryWorkspace[];
  /** Rows the reader did not understand (wrong types, missing fields): reported, never guessed. */
  problems: string[];
}

/** `keepTags`: the machine tags to keep (lower-case names; the spec's exclusions), so a fleet's other tags cost nothing. */
export function fleetFromRows(rows: readonly GraphRow[], keepTags: ReadonlySet<string> = new Set()): FleetRows {
  const out: FleetRows = { machines: [], dataCollectionRules: [], clusters: [], workspaces: [], problems: [] };
  const machineById = new Map<string, InventoryMachine>();
  const extensionRows: GraphRow[] = [];
  const solutionRows: GraphRow[] = [];
  for (const row of rows) {
    const type = row.type.toLowerCase();
    switch (type) {
      case "microsoft.compute/virtualmachines":
      case "microsoft.compute/virtualmachinescalesets":
      case "microsoft.hybridcompute/machines": {
        const m = machineOf(row, type, keepTags);
        if (typeof m === "string") out.problems.push(m);
        else {
          out.machines.push(m);
          machineById.set(m.id.toLowerCase(), m);
        }
        break;
      }
      case "microsoft.compute/virtualmachines/extensions":
      case "microsoft.hybridcompute/machines/extensions":
        extensionRows.push(row);
        break;
      case "microsoft.containerservice/managedclusters":
        out.clusters.push(clusterOf(row));
        break;
      case "microsoft.operationalinsights/workspaces": {
        const ws = workspaceOf(row);
        if (typeof ws === "string") out.problems.push(ws);
        else out.workspaces.push(ws);
        break;
      }
      case "microsoft.operationsmanagement/solutions":
        solutionRows.push(row);
        break;
      case "microsoft.insights/datacollectionrules":
        out.dataCollectionRules.push(dataCollectionRuleOf(row));
        break;
    }
  }
  for (const row of extensionRows) {
    const parent = row.id.slice(0, row.id.toLowerCase().lastIndexOf("/extensions/"));
    const m = machineById.get(parent.toLowerCase());
    const ext = extensionOf(row.properties, row.name);
    if (m && ext) (m.extensions ??= []).push(ext);
  }
  const wsById = new Map(out.workspaces.map((w) => [w.id.toLowerCase(), w] as const));
  for (const row of solutionRows) {
    const wsId = str(at(row.properties, "workspaceResourceId"));
    const product = str(at(row.plan, "product")) ?? row.name?.split("(")[0];
    const ws = wsId ? wsById.get(wsId.toLowerCase()) : undefined;
    if (ws && product) ws.solutions.push(product.replace(/^OMSGallery\//i, ""));
  }
  return out;
}

/** The row's tags whose names are in `keep` (names as Azure spells them), undefined when none. */
function keptTags(tags: GraphRow["tags"], keep: ReadonlySet<string>): Record<string, string> | undefined {
  if (!tags || keep.size === 0) return undefined;
  const out = Object.entries(tags).filter(([name]) => keep.has(name.toLowerCase()));
  return out.length ? Object.fromEntries(out) : undefined;
}

function machineOf(row: GraphRow, type: string, keepTags: ReadonlySet<string>): InventoryMachine | string {
  const p = row.properties ?? {};
  const tags = keptTags(row.tags, keepTags);
  const base = {
    id: row.id,
    ...(tags ? { tags } : {}),
    location: row.location ?? "",
    appliance: isAppliance(row.plan?.publisher, row.tags),
    ...(row.identity?.type ? { identity: { type: row.identity.type, ...(row.identity.principalId ? { principalId: row.identity.principalId } : {}) } } : {}),
  };
  if (type === "microsoft.compute/virtualmachines") {
    const osType = osTypeOf(at(p, "storageProfile", "osDisk", "osType"));
    if (!osType) return `${row.id}: no properties.storageProfile.osDisk.osType`;
    const osName = str(at(p, "extended", "instanceView", "osName"));
    return {
      ...base,
      ...(osName ? { osName } : {}),
      // UNCONFIRMED that Resource Graph carries it (the instance view's OSState/generalized).
      ...(str(at(p, "extended", "instanceView", "osState"))?.toLowerCase() === "generalized" ? { generalized: true } : {}),
      kind: "vm",
      osType,
      powerState: powerStateOf(at(p, "extended", "instanceView", "powerState", "code")),
      vmAgent: vmAgentOf(at(p, "osProfile"), at(p, "extended", "instanceView", "vmAgent", "statuses", "0", "displayStatus")),
      extensions: [],
      agents: [],
    };
  }
  if (type === "microsoft.compute/virtualmachinescalesets") {
    const profile = at(p, "virtualMachineProfile");
    const osType = osTypeOf(at(profile, "storageProfile", "osDisk", "osType"));
    if (!osType) return `${row.id}: no properties.virtualMachineProfile.storageProfile.osDisk.osType`;
    const exts = at(profile, "extensionProfile", "extensions");
    const upgradePolicy = upgradePolicyOf(at(p, "upgradePolicy", "mode"));
    return {
      ...base,
      ...(upgradePolicy ? { scaleSet: { upgradePolicy } } : {}),
      kind: "vmss",
      osType,
      // A scale set's model has no power state; its instances follow the model.
      powerState: "running",
      vmAgent: vmAgentOf(at(profile, "osProfile"), undefined),
      extensions: Array.isArray(exts) ? exts.map((e) => extensionOf(at(e, "properties"), str(at(e, "name")))).filter((e): e is InventoryExtension => !!e) : [],
      agents: [],
    };
  }
  const osType = osTypeOf(at(p, "osType"));
  if (!osType) return `${row.id}: no properties.osType`;
  const connected = str(at(p, "status"))?.toLowerCase() === "connected";
  const osSku = str(at(p, "osSku"));
  return { ...base, ...(osSku ? { osName: osSku } : {}), kind: "arc", osType, powerState: connected ? "running" : "unknown", vmAgent: connected, extensions: [], agents: [] };
}

/** `upgradePolicy.mode` as the spec spells it (ARM compares it without case); undefined when absent or unknown. */
function upgradePolicyOf(mode: unknown): ScaleSetUpgradePolicy | undefined {
  const v = str(mode)?.toLowerCase();
  return SCALE_SET_UPGRADE_POLICIES.find((p) => p.toLowerCase() === v);
}

function clusterOf(row: GraphRow): InventoryCluster {
  const addons: Record<string, boolean> = {};
  const profiles = at(row.properties, "addonProfiles");
  if (profiles && typeof profiles === "object") {
    for (const [name, profile] of Object.entries(profiles as Record<string, unknown>)) addons[name.toLowerCase()] = at(profile, "enabled") === true;
  }
  const sensor = at(row.properties, "securityProfile", "defender", "securityMonitoring", "enabled") === true;
  return { id: row.id, location: row.location ?? "", addons, ...(sensor ? { defenderSensor: true } : {}) };
}

function workspaceOf(row: GraphRow): InventoryWorkspace | string {
  const customerId = str(at(row.properties, "customerId"));
  if (!customerId) return `${row.id}: no properties.customerId`;
  return { id: row.id, customerId, location: row.location ?? "", createdBySecurityCenter: isDefaultWorkspaceId(row.id), solutions: [] };
}
