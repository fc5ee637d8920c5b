/**
 * Hands large batches of Log Analytics agent installs to Azure Policy, as Azure's own auto
 * provisioning did: above `threshold` VMs of one OS in one subscription going to one workspace,
 * the executor assigns the agent's Deploy-if-not-exists policy for that workspace, grants the
 * roles it lists, runs one remediation task over exactly those VMs, follows it, and removes the
 * assignment again (this tool, not the policy, decides about future machines).
 *
 * The remediation must touch no machine but the batch's: it selects (up to the batch's size) the
 * VMs of that OS in the subscription that are non-compliant when it starts, and that is more than
 * those lacking the agent. So the assignment's notScopes hold every other VM of that OS in the
 * subscription that
 * - lacks the extension, or has it in a state other than Succeeded: left alone by the plan (Linux
 *   direct agents, Operations Manager 2012, legacy subscriptions, ...) or installed step by step;
 * - has its agent extension written by the plan's own steps (an upgrade, a reconnection, a
 *   removal): while such a write runs the extension is Updating, so non-compliant. The remediation
 *   now starts while the machines' steps run (readyQueue.ts); one that met an upgrade in flight
 *   took that VM in place of one of the batch's (which then got nothing: the apply exited 1) and
 *   deployed the agent over the upgrade, with the batch's workspace.
 * A batch whose exclusions exceed NOT_SCOPES_LIMIT is installed step by step instead, and so is
 * one Azure's limits leave no room for (limits.ts: the subscription's 4,000 role assignments, the
 * 200 policy assignments at it, the plan's own new assignments and grants counted, and the batches
 * delegated before it: their removal comes only after their remediation, so they may all stand at
 * once). Such a batch gets a finding naming the limit, the scope and the count.
 */
import type { Inventory } from "../../inventory/schema";
import { subscriptionOf } from "../../inventory/ids";
import { LOG_ANALYTICS_AGENT, equalsIgnoreCase, isSameExtension, type OsType } from "../../spec/extensions";
import { LEGACY_AGENT_POLICIES } from "../../spec/legacyPolicies";
import { BUILTIN_POLICY_PREFIX } from "../../spec/policies";
import { sameId } from "../../inventory/ids";
import { stableGuid, stepId, subscriptionScope, type Finding, type PlanOf, type StepOf, type StepUnion } from "../../core/kernel";
import { LimitBook, NOT_SCOPES_LIMIT, grantsBySubscription, deployIfNotExists, grantRoleStep, refusalMessage, remediationStep, type PolicySteps } from "../extension-policies";
import type { InstallExtensionDetails } from "../machine-extensions";

/** Any plan step: delegation reads the installs and adds policy steps, and passes the rest through. */
interface AnyStep {
  readonly id: string;
  readonly action: string;
  readonly target: string;
  readonly dependsOn: readonly string[];
  readonly details: unknown;
}
type PolicyStep = StepUnion<PolicySteps>;
type Install = StepOf<"install-extension", InstallExtensionDetails & { readonly workspaceId: string }>;

/**
 * A Log Analytics agent install (workspace-keyed) on a virtual machine, under the name the policy
 * deploys it under: one installed under another name (installName: another handler holds the
 * usual one) stays a step, as the policy's deployment would be refused there; the machine, lacking
 * the agent, is then in the assignment's notScopes.
 */
function isVmAgentInstall(s: AnyStep): s is Install {
  if (s.action !== "install-extension") return false;
  const d = s.details as InstallExtensionDetails;
  const agent = LOG_ANALYTICS_AGENT[d.osType];
  return d.machineKind === "vm" && d.workspaceId !== null && isSameExtension(agent, d) && equalsIgnoreCase(d.name, agent.name);
}

export interface Delegation<P> {
  readonly plan: P;
  /** One line per batch handed to a remediation, or kept step by step, and why. */
  readonly notes: readonly string[];
  /** The notes of the batches above the threshold kept step by step (shown before an apply). */
  readonly kept: readonly string[];
  /** One per batch Azure's limits keep step by step (role-assignments-over-limit, policy-assignments-over-limit). */
  readonly findings: readonly Finding[];
}

/**
 * The last delegation of each plan (plans and inventories are not changed once made): `apply` shows
 * the delegation, then runs it, on the same plan and inventory, and computed it twice (0.54 s at
 * 100k machines with the legacy agent).
 */
const delegated = new WeakMap<object, { readonly inventory: Inventory; readonly threshold: number; readonly delegation: Delegation<unknown> }>();

export function delegateLargeBatches<S extends AnyStep, D extends string>(
  plan: PlanOf<S, D>,
  inventory: Inventory,
  threshold: number,
): Delegation<PlanOf<S | PolicyStep, D>> {
  const last = delegated.get(plan);
  if (last?.inventory === inventory && last.threshold === threshold) return last.delegation as Delegation<PlanOf<S | PolicyStep, D>>;
  const delegation = delegate(plan, inventory, threshold);
  delegated.set(plan, { inventory, threshold, delegation });
  return delegation;
}

function delegate<S extends AnyStep, D extends string>(plan: PlanOf<S, D>, inventory: Inventory, threshold: number): Delegation<PlanOf<S | PolicyStep, D>> {
  if (!(threshold > 0)) return { plan, notes: [], kept: [], findings: [] };
  const batches = new Map<string, Install[]>();
  for (const s of plan.steps) {
    if (!isVmAgentInstall(s)) continue;
    const d = s.details;
    const os = d.osType;
    const key = `${subscriptionOf(d.machineId)}|${os}|${d.workspaceId.toLowerCase()}`;
    (batches.get(key) ?? batches.set(key, []).get(key)!).push(s);
  }
  const agentWritten = machinesWithAgentSteps(plan.steps);
  const notes: string[] = [];
  const kept: string[] = [];
  const findings: Finding[] = [];
  // Everyone's assignments, and what the plan's own steps add.
  let limits: LimitBook | undefined;
  let selectable: Map<string, { readonly id: string; readonly key: string }[]> | undefined;
  const replaced = new Map<string, PolicyStep[]>(); // first step id of a batch -> its replacement
  // Every install of a delegated batch -> the remediation that stands in for it.
  const standIn = new Map<string, string>();
  for (const [key, steps] of batches) {
    if (steps.length <= threshold) continue;
    const [sub, os] = key.split("|") as [string, OsType];
    const workspaceId = steps[0]!.details.workspaceId;
    const inBatch = new Set(steps.map((s) => s.details.machineId.toLowerCase()));
    // The task could select those VMs of that OS in the subscription: found once for every batch (plan runs this too, at any fleet size).
    selectable ??= selectableVms(inventory, agentWritten);
    const excluded = (selectable.get(`${sub}|${os}`) ?? []).filter((m) => !inBatch.has(m.key)).map((m) => m.id);
    if (excluded.length > NOT_SCOPES_LIMIT) {
      kept.push(`${steps.length} ${os} installs to ${workspaceId} stay step by step: ${excluded.length} other machines would need excluding (limit ${NOT_SCOPES_LIMIT})`);
      notes.push(kept.at(-1)!);
      continue;
    }
    const instead = remediationSteps(sub, os, workspaceId, steps, excluded);
    const assign = instead[0]!;
    const grants = grantsBySubscription(instead.filter((x) => x.action === "grant-role").map((x) => (x.details as { scope: string }).scope));
    const scope = subscriptionScope(sub);
    // A leftover of an interrupted run is written again, not added.
    const newAt = inventory.policyAssignments.some((a) => sameId(a.id, assign.target)) ? undefined : scope;
    limits ??= bookOf(inventory, plan.steps);
    const refused = limits.refusal(grants, newAt);
    if (refused) {
      const message = refusalMessage(refused, LEGACY_AGENT_POLICIES[os].displayName, `the ${steps.length} ${os} installs to ${workspaceId} stay step by step.`);
      notes.push(message);
      kept.push(message);
      findings.push({ severity: "warning", code: refused.code, target: assign.target, message });
      continue;
    }
    limits.charge(grants, newAt);
    replaced.set(steps[0]!.id, instead);
    const remediation = instead.find((x) => x.action === "create-remediation")!.id;
    for (const x of steps) standIn.set(x.id, remediation);
    notes.push(`${steps.length} ${os} installs to ${workspaceId} handed to a remediation task (${excluded.length} machines excluded)`);
  }
  if (!replaced.size) return { plan, notes, kept, findings };
  // A step that waited for one of the batch's installs now waits for the batch's remediation.
  const steps: (S | PolicyStep)[] = [];
  for (const s of plan.steps) {
    const instead = replaced.get(s.id);
    if (instead) steps.push(...instead);
    else if (!standIn.has(s.id)) {
      steps.push(s.dependsOn.some((d) => standIn.has(d)) ? { ...s, dependsOn: [...new Set(s.dependsOn.map((d) => standIn.get(d) ?? d))] } : s);
    }
  }
  return { plan: { ...plan, steps }, notes, kept, findings };
}

/**
 * By `subscription|OS`, sorted by id: the VMs a remediation of that OS in that subscription could
 * select besides its batch's, those without a Succeeded agent or whose agent the plan's steps write.
 */
function selectableVms(inventory: Inventory, agentWritten: ReadonlySet<string>): Map<string, { readonly id: string; readonly key: string }[]> {
  const out = new Map<string, { id: string; key: string }[]>();
  for (const m of inventory.machines) {
    if (m.kind !== "vm") continue;
    const key = m.id.toLowerCase();
    if (!agentWritten.has(key) && m.extensions?.some((e) => isSameExtension(LOG_ANALYTICS_AGENT[m.osType], e) && succeeded(e))) continue;
    const group = `${subscriptionOf(m.id)}|${m.osType}`;
    (out.get(group) ?? out.set(group, []).get(group)!).push({ id: m.id, key });
  }
  for (const list of out.values()) list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}

function bookOf(inventory: Inventory, steps: readonly AnyStep[]): LimitBook {
  const book = new LimitBook(inventory);
  book.chargeSteps(steps);
  return book;
}

/** An extension the policy counts as present: Succeeded (the inventory may not say; then it is taken as such). */
function succeeded(e: { readonly provisioningState?: string }): boolean {
  return e.provisioningState === undefined || e.provisioningState.toLowerCase() === "succeeded";
}

/** The machines (lower-case ids) whose Log Analytics agent extension a step of the plan writes. */
function machinesWithAgentSteps(steps: readonly AnyStep[]): Set<string> {
  const out = new Set<string>();
  for (const s of steps) {
    const d = s.details as Partial<{ machineId: string; osType: OsType; publisher: string; type: string }> | null;
    if (!d?.machineId || !d.osType || !d.publisher || !d.type) continue;
    const agent = LOG_ANALYTICS_AGENT[d.osType];
    if (agent && isSameExtension(agent, { publisher: d.publisher, type: d.type })) out.add(d.machineId.toLowerCase());
  }
  return out;
}

function remediationSteps(sub: string, os: OsType, workspaceId: string, batch: readonly Install[], notScopes: readonly string[]): PolicyStep[] {
  const policy = LEGACY_AGENT_POLICIES[os];
  const name = `asc-la-agent-${os.toLowerCase()}-${stableGuid(workspaceId).slice(0, 8)}`;
  const bundle = deployIfNotExists({
    subscriptionId: sub,
    assignmentName: name,
    policyDefinitionId: BUILTIN_POLICY_PREFIX + policy.definitionName,
    displayName: policy.displayName,
    identityLocation: batch[0]!.details.location,
    roles: policy.roles,
    parameters: { [policy.workspaceParameter]: { value: workspaceId }, effect: { value: "DeployIfNotExists" } },
    notScopes,
    // The workspace parameter is marked assignPermissions: a workspace in another subscription gets the roles too.
    linkedScopes: [workspaceId],
  });
  const { assignmentId } = bundle;
  const linkedGrantScopes = [...new Set(bundle.grants.filter((g) => g.scope !== bundle.scope).map((g) => g.scope))];
  const deps = [...new Set(batch.flatMap((s) => s.dependsOn))];
  const machines = batch.map((s) => s.details.machineId);
  const assign: PolicyStep = {
    id: stepId("assign-policy", assignmentId),
    action: "assign-policy",
    target: assignmentId,
    dependsOn: deps,
    details: { ...bundle.assignment, delegatedMachines: machines.length },
  };
  const grants: PolicyStep[] = bundle.grants.map((grant) => {
    const step = grantRoleStep(bundle, grant, null);
    return { id: stepId("grant-role", step.target), action: "grant-role", target: step.target, dependsOn: [assign.id], details: step.details };
  });
  const task = remediationStep(bundle, name, machines, Math.max(machines.length, 1));
  const remediate: PolicyStep = {
    id: stepId("create-remediation", task.target),
    action: "create-remediation",
    target: task.target,
    dependsOn: [assign.id, ...grants.map((g) => g.id)],
    details: task.details,
  };
  const unassign: PolicyStep = {
    id: stepId("unassign-policy", assignmentId),
    action: "unassign-policy",
    target: assignmentId,
    dependsOn: [remediate.id],
    // The grants at a hub's workspace go with the assignment too.
    details: { policyAssignmentId: assignmentId, ...(linkedGrantScopes.length ? { linkedScopes: linkedGrantScopes } : {}) },
  };
  return [assign, ...grants, remediate, unassign];
}
