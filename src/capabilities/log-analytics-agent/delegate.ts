/**
 * Hands large batches of Log Analytics agent installs to Azure Policy, as Azure's own auto
 * provisioning did: above `threshold` VMs of one OS in one subscription going to one workspace,
 * the executor assigns the agent's Deploy-if-not-exists policy for that workspace, grants the
 * roles it lists, runs one remediation task over exactly those VMs, follows it, and removes the
 * assignment again (this tool, not the policy, decides about future machines).
 *
 * The remediation must touch no machine the plan left alone (Linux direct agents, Operations
 * Manager 2012, legacy subscriptions, ...): every other VM of that OS in the subscription that
 * lacks the extension goes into the assignment's notScopes. A batch whose exclusions exceed
 * NOT_SCOPES_LIMIT is installed step by step instead.
 */
import type { Inventory } from "../inventory/schema";
import { subscriptionOf } from "../inventory/ids";
import { LOG_ANALYTICS_AGENT, isSameExtension, type OsType } from "../spec/extensions";
import { LEGACY_AGENT_POLICIES } from "../spec/legacyPolicies";
import { BUILTIN_POLICY_PREFIX } from "../spec/policies";
import { policyAssignmentId, stableGuid, subscriptionScope } from "../reconcile/ids";
import { grantRoleStep, remediationStep } from "../reconcile/policies";
import { stepId } from "../reconcile/steps";
import type { Plan, Step } from "../reconcile/types";

/** Kept well inside ARM's request-size limits for one assignment. */
export const NOT_SCOPES_LIMIT = 400;

export interface Delegation {
  readonly plan: Plan;
  /** One line per batch handed to a remediation, or kept step by step, and why. */
  readonly notes: readonly string[];
}

export function delegateLargeBatches(plan: Plan, inventory: Inventory, threshold: number): Delegation {
  if (!(threshold > 0)) return { plan, notes: [] };
  const batches = new Map<string, Step[]>();
  for (const s of plan.steps) {
    const d = s.details;
    if (s.action !== "install-extension" || d.machineKind !== "vm" || typeof d.workspaceId !== "string") continue;
    const os = d.osType as OsType;
    if (!isSameExtension(LOG_ANALYTICS_AGENT[os], { publisher: String(d.publisher), type: String(d.type) })) continue;
    const key = `${subscriptionOf(String(d.machineId))}|${os}|${d.workspaceId.toLowerCase()}`;
    (batches.get(key) ?? batches.set(key, []).get(key)!).push(s);
  }
  const notes: string[] = [];
  const replaced = new Map<string, Step[]>(); // first step id of a batch -> its replacement
  // Every install of a delegated batch -> the remediation that stands in for it.
  const standIn = new Map<string, string>();
  for (const [key, steps] of batches) {
    if (steps.length <= threshold) continue;
    const [sub, os] = key.split("|") as [string, OsType];
    const workspaceId = String(steps[0]!.details.workspaceId);
    const inBatch = new Set(steps.map((s) => String(s.details.machineId).toLowerCase()));
    const excluded = inventory.machines
      .filter(
        (m) =>
          m.kind === "vm" &&
          m.osType === os &&
          subscriptionOf(m.id) === sub &&
          !inBatch.has(m.id.toLowerCase()) &&
          !m.extensions?.some((e) => isSameExtension(LOG_ANALYTICS_AGENT[os], e)),
      )
      .map((m) => m.id)
      .sort();
    if (excluded.length > NOT_SCOPES_LIMIT) {
      notes.push(`${steps.length} ${os} installs to ${workspaceId} stay step by step: ${excluded.length} other machines would need excluding (limit ${NOT_SCOPES_LIMIT})`);
      continue;
    }
    const instead = remediationSteps(sub, os, workspaceId, steps, excluded);
    replaced.set(steps[0]!.id, instead);
    const remediation = instead.find((x) => x.action === "create-remediation")!.id;
    for (const x of steps) standIn.set(x.id, remediation);
    notes.push(`${steps.length} ${os} installs to ${workspaceId} handed to a remediation task (${excluded.length} machines excluded)`);
  }
  if (!replaced.size) return { plan, notes };
  // A step that waited for one of the batch's installs now waits for the batch's remediation.
  const steps: Step[] = [];
  for (const s of plan.steps) {
    const instead = replaced.get(s.id);
    if (instead) steps.push(...instead);
    else if (!standIn.has(s.id)) {
      steps.push(s.dependsOn.some((d) => standIn.has(d)) ? { ...s, dependsOn: [...new Set(s.dependsOn.map((d) => standIn.get(d) ?? d))] } : s);
    }
  }
  return { plan: { ...plan, steps }, notes };
}

function remediationSteps(sub: string, os: OsType, workspaceId: string, batch: readonly Step[], notScopes: readonly string[]): Step[] {
  const policy = LEGACY_AGENT_POLICIES[os];
  const scope = subscriptionScope(sub);
  const name = `asc-la-agent-${os.toLowerCase()}-${stableGuid(workspaceId).slice(0, 8)}`;
  const assignmentId = policyAssignmentId(scope, name);
  const deps = [...new Set(batch.flatMap((s) => s.dependsOn))];
  const machines = batch.map((s) => String(s.details.machineId));
  const assign: Step = {
    id: stepId("assign-policy", assignmentId),
    action: "assign-policy",
    target: assignmentId,
    dependsOn: deps,
    details: {
      subscriptionId: sub,
      name,
      scope,
      policyDefinitionId: BUILTIN_POLICY_PREFIX + policy.definitionName,
      displayName: policy.displayName,
      location: String(batch[0]!.details.location),
      identity: "SystemAssigned",
      parameters: { [policy.workspaceParameter]: { value: workspaceId }, effect: { value: "DeployIfNotExists" } },
      notScopes,
      delegatedMachines: machines.length,
    },
  };
  const grants: Step[] = policy.roles.map((role) => {
    const grant = grantRoleStep(scope, sub, role, assignmentId, null);
    return { id: stepId("grant-role", grant.target), action: "grant-role", target: grant.target, dependsOn: [assign.id], details: grant.details };
  });
  const task = remediationStep(scope, assignmentId, name, machines, Math.max(machines.length, 1));
  const remediate: Step = {
    id: stepId("create-remediation", task.target),
    action: "create-remediation",
    target: task.target,
    dependsOn: [assign.id, ...grants.map((g) => g.id)],
    details: task.details,
  };
  const unassign: Step = {
    id: stepId("unassign-policy", assignmentId),
    action: "unassign-policy",
    target: assignmentId,
    dependsOn: [remediate.id],
    details: { policyAssignmentId: assignmentId },
  };
  return [assign, ...grants, remediate, unassign];
}
