/**
 * simulate(plan, inventory): the inventory as it would be once every step of the plan succeeded.
 * Pure. It lets tests check the planner's fixed point (plan, simulate, plan again: no steps) and
 * lets `plan` show what a second run would see.
 *
 * Heartbeats are not simulated: installing and associating the Azure Monitor Agent does not add
 * its "Azure Monitor Agent" heartbeat, which in the real world arrives later (tests add it
 * between rounds when they model that).
 */
import type { Inventory, InventoryDataCollectionRuleAssociation, InventoryMachine, InventoryWorkspace } from "../inventory/schema";
import { sameId } from "../inventory/ids";
import { AKS_POLICY_ADDON, DEPENDENCY_AGENT, equalsIgnoreCase } from "../spec/extensions";
import { seedPolicyByDefinitionId } from "../spec/policies";
import type { SecurityEventTier } from "../spec/events";
import { SECURITY_EVENT_STREAM, type DataCollectionRuleBody } from "../spec/dcr";
import { stableGuid } from "./ids";
import type { Plan, Step } from "./types";

/** The customerId the simulation gives a workspace it creates. */
export function simulatedCustomerId(workspaceId: string): string {
  return stableGuid("customerId", workspaceId);
}

export function simulatedPrincipalId(assignmentId: string): string {
  return stableGuid("principal", assignmentId);
}

export function simulate(plan: Plan, inventory: Inventory): Inventory {
  const inv: Inventory = structuredClone(inventory);
  const machines = new Map(inv.machines.map((m) => [m.id.toLowerCase(), m] as const));
  const workspaces = new Map(inv.workspaces.map((w) => [w.id.toLowerCase(), w] as const));
  const ws = (id: string): InventoryWorkspace => {
    const found = workspaces.get(id.toLowerCase());
    if (!found) throw new Error(`simulate: workspace ${id} does not exist`);
    return found;
  };
  const machine = (id: string): InventoryMachine => {
    const found = machines.get(id.toLowerCase());
    if (!found) throw new Error(`simulate: machine ${id} does not exist`);
    return found;
  };
  const settingsOf = (sub: string) => (inv.settings[sub] ??= {});
  let associationIndex: Map<string, InventoryDataCollectionRuleAssociation> | undefined;
  const associations = () => (associationIndex ??= new Map((inv.dataCollectionRuleAssociations ?? []).map((a) => [a.id.toLowerCase(), a] as const)));

  for (const step of plan.steps) {
    const d = step.details as Record<string, never>;
    switch (step.action) {
      case "set-pricing":
        settingsOf(d.subscriptionId).pricingTier = d.pricingTier;
        break;
      case "set-workspace-setting":
        settingsOf(d.subscriptionId).workspaceId = d.workspaceId;
        break;
      case "create-resource-group":
        break;
      case "create-workspace": {
        const created: InventoryWorkspace = {
          id: step.target,
          customerId: simulatedCustomerId(step.target),
          location: d.location,
          createdBySecurityCenter: true,
          solutions: [],
        };
        inv.workspaces.push(created);
        workspaces.set(step.target.toLowerCase(), created);
        break;
      }
      case "install-solution":
        ws(d.workspaceId).solutions.push(d.solution);
        break;
      case "set-security-events":
        ws(d.workspaceId).securityEvents = { tier: d.tier as SecurityEventTier, owner: "securityCenter" };
        break;
      case "install-extension":
      case "upgrade-extension":
      case "reconnect-extension":
        applyExtension(machine(d.machineId), step, d.workspaceId ? ws(d.workspaceId).customerId : undefined);
        break;
      case "assign-policy":
        inv.policyAssignments.push({
          id: step.target,
          name: d.name,
          policyDefinitionId: d.policyDefinitionId,
          scope: d.scope,
          identityPrincipalId: simulatedPrincipalId(step.target),
          location: d.location,
        });
        break;
      case "grant-role": {
        const assignment = inv.policyAssignments.find((a) => sameId(a.id, d.policyAssignmentId));
        inv.roleAssignments.push({
          id: step.target,
          principalId: d.principalId ?? assignment?.identityPrincipalId ?? "",
          roleDefinitionId: d.roleDefinitionId,
          scope: d.scope,
        });
        break;
      }
      case "create-remediation":
        remediate(inv, machines, step);
        break;
      case "unassign-policy":
        inv.policyAssignments = inv.policyAssignments.filter((a) => !sameId(a.id, step.target));
        break;
      case "delete-workspace":
        inv.workspaces = inv.workspaces.filter((w) => !sameId(w.id, step.target));
        workspaces.delete(step.target.toLowerCase());
        break;
      case "enable-identity":
        machine(d.machineId).identity = { type: d.identityType, principalId: simulatedPrincipalId(d.machineId) };
        break;
      case "create-dcr":
      case "update-dcr":
        putRule(inv, step.target, step.details.body as DataCollectionRuleBody);
        break;
      case "delete-dcr":
        inv.dataCollectionRules = (inv.dataCollectionRules ?? []).filter((r) => !sameId(r.id, step.target));
        break;
      case "associate-dcr": {
        const found = associations().get(step.target.toLowerCase());
        if (found) found.dataCollectionRuleId = d.dataCollectionRuleId;
        else {
          const created = { id: step.target, machineId: d.machineId, dataCollectionRuleId: d.dataCollectionRuleId };
          (inv.dataCollectionRuleAssociations ??= []).push(created);
          associations().set(step.target.toLowerCase(), created);
        }
        break;
      }
      case "remove-extension": {
        const m = machine(d.machineId);
        m.extensions = (m.extensions ?? []).filter((e) => !(equalsIgnoreCase(e.type, d.type) && equalsIgnoreCase(e.publisher, d.publisher)));
        break;
      }
    }
  }
  return inv;
}

/** The rule as the inventory reader records it: destinations and the security-event queries. */
function putRule(inv: Inventory, id: string, body: DataCollectionRuleBody): void {
  const rules = (inv.dataCollectionRules ??= []);
  const rule = {
    id,
    location: body.location,
    destinations: body.properties.destinations.logAnalytics.map((d) => d.workspaceResourceId),
    xPathQueries: (body.properties.dataSources.windowsEventLogs ?? []).filter((s) => s.streams.includes(SECURITY_EVENT_STREAM)).flatMap((s) => s.xPathQueries),
  };
  const i = rules.findIndex((r) => sameId(r.id, id));
  if (i >= 0) rules[i] = { ...rules[i], ...rule, location: rules[i]!.location };
  else rules.push(rule);
}

function applyExtension(m: InventoryMachine, step: Step, customerId: string | undefined): void {
  const d = step.details as Record<string, string>;
  const list = (m.extensions ??= []);
  const existing = list.find((e) => e.type.toLowerCase() === d.type!.toLowerCase());
  if (existing) {
    existing.version = d.typeHandlerVersion!;
    if (existing.provisioningState !== undefined) existing.provisioningState = "Succeeded";
    if (customerId !== undefined && step.action !== "upgrade-extension") existing.workspaceCustomerId = customerId;
  } else {
    list.push({ publisher: d.publisher!, type: d.type!, version: d.typeHandlerVersion!, name: d.name!, workspaceCustomerId: customerId ?? null });
  }
}

function remediate(inv: Inventory, machines: Map<string, InventoryMachine>, step: Step): void {
  const d = step.details as { policyAssignmentId: string; resourceIds: string[] };
  inv.remediations.push({ id: step.target, policyAssignmentId: d.policyAssignmentId, provisioningState: "Succeeded" });
  const assignment = inv.policyAssignments.find((a) => sameId(a.id, d.policyAssignmentId));
  const policy = assignment && seedPolicyByDefinitionId(assignment.policyDefinitionId);
  if (!policy) return;
  for (const id of d.resourceIds) {
    if (policy.key === "kubernetesPolicyAddon") {
      const cluster = inv.clusters.find((c) => sameId(c.id, id));
      if (cluster) cluster.addons[AKS_POLICY_ADDON] = true;
      continue;
    }
    const m = machines.get(id.toLowerCase());
    const kind = DEPENDENCY_AGENT[policy.osType!];
    if (m) (m.extensions ??= []).push({ publisher: kind.publisher, type: kind.type, version: kind.version, name: kind.name });
  }
}
