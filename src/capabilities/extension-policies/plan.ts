/**
 * The seed's "Enable auto provisioning of extensions": for each toggle, a Deploy-if-not-exists
 * assignment at the subscription with a system-assigned identity and a location, a role
 * assignment for exactly each role the definition lists, and a remediation task for the existing
 * non-compliant resources. Turning a toggle off removes the assignment this tool made; it never
 * uninstalls anything.
 */
import type { InventoryMachine, InventoryPolicyAssignment } from "../../inventory/schema";
import type { Spec } from "../../spec/schema";
import { sameId, subscriptionOf } from "../../inventory/ids";
import { ineligibility } from "../../inventory/eligibility";
import { DEPENDENCY_AGENT, AKS_POLICY_ADDON } from "../../spec/extensions";
import { SEED_POLICIES, SEED_POLICY_KEYS, policyDefinitionId, type ExtensionPolicyKey, type PolicyDefinition } from "../../spec/policies";
import { extensionId, policyAssignmentId, sortById, stableGuidOf, subscriptionScope, type PlanContext, type StepSink } from "../../core/kernel";
import {
  deployIfNotExists,
  REMEDIATION_DEFAULT_RESOURCE_COUNT,
  REMEDIATION_MAX_RESOURCE_COUNT,
  type DeployIfNotExistsBundle,
  type RoleGrantFacts,
} from "./bundle";
import type { CreateRemediationDetails, GrantRoleDetails, PolicySteps } from "./steps";
import { extensionOf, selfUpgradingInstall, type MachineExtensionSteps } from "../machine-extensions";
import { NOT_SCOPES_LIMIT, coveredBy, excludedBySeed, leftAloneNotScopes, sameScopes } from "./notScopes";

/** States in which a remediation still works through its resources: no second one is started. */
const ACTIVE_REMEDIATION_STATES = new Set(["accepted", "running", "evaluating"]);

/** What the toggles plan into: their policy steps, and per-machine installs where an assignment cannot leave enough out. */
export type ExtensionPolicySink = StepSink<PolicySteps & MachineExtensionSteps>;

/** Target and details of a grant-role step: one role of the bundle for its assignment's identity (null: the identity a step of this plan creates). */
export function grantRoleStep(bundle: DeployIfNotExistsBundle, grant: RoleGrantFacts, principalId: string | null): { target: string; details: GrantRoleDetails } {
  return {
    target: grant.id,
    details: { scope: bundle.scope, roleDefinitionId: grant.roleDefinitionId, roleName: grant.role.name, policyAssignmentId: bundle.assignmentId, principalId },
  };
}

/**
 * Target and details of the bundle's create-remediation step over `resources` (named after all of
 * them and the `unreachable` ones Azure's discovery also tries, so a new set is a new task; one
 * task lists at most REMEDIATION_MAX_RESOURCE_COUNT).
 */
export function remediationStep(
  bundle: DeployIfNotExistsBundle,
  namePrefix: string,
  resources: readonly string[],
  resourceCount: number,
  unreachable: readonly string[] = [],
): { target: string; details: CreateRemediationDetails } {
  const task = bundle.remediation(`${namePrefix}-${stableGuidOf([...resources, ...unreachable]).slice(0, 8)}`, resourceCount);
  return {
    target: task.id,
    details: {
      policyAssignmentId: task.policyAssignmentId,
      name: task.name,
      scope: task.scope,
      resourceIds: resources.slice(0, REMEDIATION_MAX_RESOURCE_COUNT),
      resourceCount: task.resourceCount,
      parallelDeployments: task.parallelDeployments,
      resourceDiscoveryMode: task.resourceDiscoveryMode,
    },
  };
}

export function policyEnabled(ctx: PlanContext, key: ExtensionPolicyKey): boolean {
  return extensionPolicyEnabled(ctx.spec.extensions, key);
}

/** Is the seed toggle behind `key` on in the spec's `extensions`? */
export function extensionPolicyEnabled(ext: Spec["extensions"], key: ExtensionPolicyKey): boolean {
  switch (key) {
    case "kubernetesPolicyAddon":
      return ext.kubernetesPolicyAddon;
    case "dependencyAgentWindows":
      return ext.dependencyAgent.windows;
    case "dependencyAgentLinux":
      return ext.dependencyAgent.linux;
  }
}

/** Resources of the subscription the policy would deploy to today (sorted by id); `machines` are the subscription's, sorted. */
export function nonCompliantResources(ctx: PlanContext, policy: PolicyDefinition, subscriptionId: string, machines: readonly InventoryMachine[]): string[] {
  if (policy.targetResourceType === "Microsoft.ContainerService/managedClusters") {
    const clusters = ctx.inventory.clusters.filter((c) => subscriptionOf(c.id) === subscriptionId && c.addons[AKS_POLICY_ADDON] !== true);
    return sortById(clusters).map((c) => c.id);
  }
  const os = policy.osType!;
  const kind = DEPENDENCY_AGENT[os];
  // One loop, no intermediate array: once per policy over a subscription's machines.
  const out: string[] = [];
  for (const m of machines) {
    if (m.kind === "vm" && m.osType === os && ineligibility(m) === undefined && !excludedBySeed(ctx, m) && !extensionOf(m, kind)) out.push(m.id);
  }
  return out;
}

/**
 * The non-compliant resources besides `nonCompliantResources` that Azure's discovery selects for
 * the task: the machines a deployment cannot reach (not running, no VM agent, appliances). The
 * task tries them in an order this tool does not choose, each taking one of its `resourceCount`,
 * so a count of the reachable ones alone can end before reaching any of them: at 100k machines
 * every dependency-agent task did (1,570 deployments, all to deallocated machines or machines
 * without a VM agent), and the same task was made again every round.
 */
export function unreachableNonCompliant(policy: PolicyDefinition, machines: readonly InventoryMachine[]): string[] {
  if (policy.targetResourceType === "Microsoft.ContainerService/managedClusters") return [];
  const os = policy.osType!;
  const kind = DEPENDENCY_AGENT[os];
  return machines.filter((m) => m.kind === "vm" && m.osType === os && ineligibility(m) !== undefined && !extensionOf(m, kind)).map((m) => m.id);
}

function findAssignment(ctx: PlanContext, policy: PolicyDefinition, scope: string): InventoryPolicyAssignment | undefined {
  const defId = policyDefinitionId(policy);
  const matches = ctx.inventory.policyAssignments.filter((a) => sameId(a.scope, scope) && sameId(a.policyDefinitionId, defId));
  // Prefer the assignment this tool made; otherwise use the one someone else made (ALZ, the portal).
  return matches.find((a) => sameId(a.id, policyAssignmentId(scope, policy.shortName))) ?? sortById(matches)[0];
}

export function planPolicies(ctx: PlanContext, b: ExtensionPolicySink, subscriptionId: string, machines: readonly InventoryMachine[]): void {
  const scope = subscriptionScope(subscriptionId);
  for (const key of SEED_POLICY_KEYS) {
    const policy = SEED_POLICIES[key];
    const existing = findAssignment(ctx, policy, scope);
    if (!policyEnabled(ctx, key)) {
      if (existing && sameId(existing.id, policyAssignmentId(scope, policy.shortName))) {
        b.add("unassign-policy", existing.id, { policyAssignmentId: existing.id });
      }
      continue;
    }
    planPolicy(ctx, b, policy, subscriptionId, existing, machines);
  }
}

function planPolicy(
  ctx: PlanContext,
  b: ExtensionPolicySink,
  policy: PolicyDefinition,
  subscriptionId: string,
  existing: InventoryPolicyAssignment | undefined,
  machines: readonly InventoryMachine[],
): void {
  // Azure's discovery evaluates the whole scope: what the spec and the seed leave alone is left out of it.
  const notScopes = policy.osType ? leftAloneNotScopes(ctx, policy.osType, subscriptionId, machines) : [];
  if (notScopes.length > NOT_SCOPES_LIMIT) {
    planInstallsInstead(ctx, b, policy, subscriptionId, existing, machines, notScopes.length);
    return;
  }
  const bundle = deployIfNotExists({
    subscriptionId,
    assignmentName: policy.shortName,
    ...(existing ? { assignmentId: existing.id } : {}),
    policyDefinitionId: policyDefinitionId(policy),
    displayName: policy.displayName,
    identityLocation: ctx.spec.extensions.identityLocation,
    roles: policy.roles,
    ...(notScopes.length ? { notScopes } : {}),
  });
  const { scope, assignmentId } = bundle;
  if (existing && !existing.identityPrincipalId) {
    b.finding(
      "error",
      "assignment-without-identity",
      existing.id,
      `The assignment of "${policy.displayName}" has no managed identity, so it cannot deploy anything: re-create it with a system-assigned identity and a location.`,
    );
    return;
  }
  let assignStep: string | undefined;
  let notScopesStep: string | undefined;
  let leavesAlone = true;
  if (!existing) {
    assignStep = b.add("assign-policy", assignmentId, bundle.assignment);
  } else if (sameId(existing.id, policyAssignmentId(scope, policy.shortName))) {
    notScopesStep = planNotScopes(b, existing, notScopes);
  } else {
    // Someone else's assignment (ALZ, the portal) is not changed; no remediation of it is started while it would reach those machines.
    const reached = notScopes.filter((n) => !coveredBy(existing.notScopes ?? [], n));
    leavesAlone = reached.length === 0;
    if (!leavesAlone) {
      b.finding(
        "warning",
        "assignment-reaches-left-alone",
        existing.id,
        `The assignment of "${policy.displayName}" (not this tool's) does not leave out ${reached.length} machines or resource groups the spec or the seed's rules leave alone (${reached.slice(0, 3).join(", ")}${reached.length > 3 ? ", ..." : ""}): no remediation is started for it until its notScopes do.`,
      );
    }
  }
  const principalId = existing?.identityPrincipalId ?? null;
  const grants: string[] = [];
  for (const grant of bundle.grants) {
    const granted =
      principalId !== null &&
      ctx.inventory.roleAssignments.some(
        (r) => sameId(r.principalId, principalId) && sameId(r.scope, scope) && r.roleDefinitionId.toLowerCase().endsWith("/" + grant.role.id),
      );
    if (granted) continue;
    const step = grantRoleStep(bundle, grant, principalId);
    grants.push(b.add("grant-role", step.target, step.details, [assignStep]));
  }
  const resources = nonCompliantResources(ctx, policy, subscriptionId, machines);
  if (resources.length === 0 || !leavesAlone) return;
  const active = ctx.inventory.remediations.some(
    (r) => sameId(r.policyAssignmentId, assignmentId) && ACTIVE_REMEDIATION_STATES.has(r.provisioningState.toLowerCase()),
  );
  if (active) return;
  if (resources.length > REMEDIATION_MAX_RESOURCE_COUNT) {
    b.finding(
      "info",
      "remediation-over-limit",
      assignmentId,
      `${resources.length} resources need "${policy.displayName}"; one remediation covers at most ${REMEDIATION_MAX_RESOURCE_COUNT}, so the rest follow in the next run.`,
    );
  }
  // The count covers the unreachable ones the task also tries, so that it reaches the others; and
  // the name follows them too: a task of the same name that has ended is not run again by a PUT.
  const unreachable = unreachableNonCompliant(policy, machines);
  const discovered = resources.length + unreachable.length;
  const task = remediationStep(bundle, policy.shortName, resources, Math.min(REMEDIATION_MAX_RESOURCE_COUNT, Math.max(REMEDIATION_DEFAULT_RESOURCE_COUNT, discovered)), unreachable);
  b.add("create-remediation", task.target, task.details, [assignStep, notScopesStep, ...grants]);
}

/** The step that gives this tool's existing assignment the notScopes it needs, if they differ (its id, else undefined). */
function planNotScopes(b: StepSink<PolicySteps>, existing: InventoryPolicyAssignment, notScopes: readonly string[]): string | undefined {
  const current = existing.notScopes ?? [];
  if (sameScopes(current, notScopes)) return undefined;
  const has = (list: readonly string[], id: string) => list.some((s) => sameId(s, id));
  return b.add("set-policy-not-scopes", existing.id, {
    policyAssignmentId: existing.id,
    name: existing.name ?? existing.id.slice(existing.id.lastIndexOf("/") + 1),
    scope: existing.scope,
    notScopes,
    added: notScopes.filter((n) => !has(current, n)),
    removed: current.filter((n) => !has(notScopes, n)),
  });
}

/**
 * More machines to leave out than an assignment's notScopes hold: as the Log Analytics agent's
 * delegation keeps such a batch step by step, the Dependency agent is installed machine by machine
 * on those that need it (`nonCompliantResources`), and there is no assignment in the subscription
 * (this tool's, if an earlier plan made one, is removed: Azure would deploy it to the machines left
 * alone when they are next updated). Machines created later get it at the next plan.
 */
function planInstallsInstead(
  ctx: PlanContext,
  b: ExtensionPolicySink,
  policy: PolicyDefinition,
  subscriptionId: string,
  existing: InventoryPolicyAssignment | undefined,
  machines: readonly InventoryMachine[],
  leftOut: number,
): void {
  const own = policyAssignmentId(subscriptionScope(subscriptionId), policy.shortName);
  if (existing && sameId(existing.id, own)) b.add("unassign-policy", existing.id, { policyAssignmentId: existing.id });
  const kind = DEPENDENCY_AGENT[policy.osType!];
  const needing = new Set(nonCompliantResources(ctx, policy, subscriptionId, machines));
  for (const m of machines) if (needing.has(m.id)) b.addUnique("install-extension", extensionId(m.id, kind.name), selfUpgradingInstall(m, kind));
  b.finding(
    "warning",
    "not-scopes-over-limit",
    existing?.id ?? own,
    `${leftOut} machines and resource groups of subscription ${subscriptionId} must be left out of "${policy.displayName}", more than an assignment's ${NOT_SCOPES_LIMIT} notScopes: ` +
      `no assignment there; the agent is installed step by step on the ${needing.size} machines that need it, and on machines created later at the next plan.`,
  );
}
