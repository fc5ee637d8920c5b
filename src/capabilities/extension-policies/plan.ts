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
import { DEPENDENCY_AGENT, AKS_POLICY_ADDON, type OsType } from "../../spec/extensions";
import { SEED_POLICIES, SEED_POLICY_KEYS, policyDefinitionId, type ExtensionPolicyKey, type PolicyDefinition } from "../../spec/policies";
import { extensionId, policyAssignmentId, sortById, stableGuidOf, stepId, subscriptionScope, type PlanContext, type StepSink } from "../../core/kernel";
import {
  deployIfNotExists,
  REMEDIATION_DEFAULT_RESOURCE_COUNT,
  REMEDIATION_MAX_RESOURCE_COUNT,
  type DeployIfNotExistsBundle,
  type RoleGrantFacts,
} from "./bundle";
import type { CreateRemediationDetails, GrantRoleDetails, PolicySteps } from "./steps";
import { extensionOf, nameHolder, planInstallName, selfUpgradingInstall, type MachineExtensionSteps } from "../machine-extensions";
import { NOT_SCOPES_LIMIT, coveredBy, excludedBySeed, excludedGroupsFit, excludedGroupsIn, excludedGroupsOverLimit, leftAloneWith, sameScopes } from "./notScopes";
import { groupKeysOf, groupScopeOf, layoutByGroup } from "./groups";
import { assignmentApplies, ownerOf } from "../defender-plans";
import { ROLE_ASSIGNMENTS_PER_SUBSCRIPTION, grantsBySubscription, limitsOf, refusalMessage } from "./limits";

/** States in which a remediation still works through its resources: no second one is started. */
const ACTIVE_REMEDIATION_STATES = new Set(["accepted", "running", "evaluating"]);

/** What the toggles plan into: their policy steps, and per-machine installs where an assignment cannot leave enough out. */
export type ExtensionPolicySink = StepSink<PolicySteps & MachineExtensionSteps>;

/** Target and details of a grant-role step: one role of the bundle for its assignment's identity (null: the identity a step of this plan creates). */
export function grantRoleStep(
  bundle: DeployIfNotExistsBundle,
  grant: RoleGrantFacts,
  principalId: string | null,
  replacesPrincipalId?: string,
): { target: string; details: GrantRoleDetails } {
  return {
    target: grant.id,
    details: {
      scope: grant.scope,
      roleDefinitionId: grant.roleDefinitionId,
      roleName: grant.role.name,
      policyAssignmentId: bundle.assignmentId,
      principalId,
      ...(replacesPrincipalId ? { replacesPrincipalId } : {}),
    },
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
    // Clusters in the spec's excluded groups are in the assignment's notScopes: no task reaches them.
    const excluded = excludedGroupsIn(ctx.spec, subscriptionId);
    const clusters = ctx.inventory.clusters.filter((c) => subscriptionOf(c.id) === subscriptionId && c.addons[AKS_POLICY_ADDON] !== true && !coveredBy(excluded, c.id));
    return sortById(clusters).map((c) => c.id);
  }
  const os = policy.osType!;
  const kind = DEPENDENCY_AGENT[os];
  // One loop, no intermediate array: once per policy over a subscription's machines.
  const out: string[] = [];
  for (const m of machines) {
    if (m.kind === "vm" && m.osType === os && ineligibility(m) === undefined && !excludedBySeed(ctx, m) && !nameHolder(m, kind) && !extensionOf(m, kind)) out.push(m.id);
  }
  return out;
}

/**
 * A VM policy's notScopes (leftAloneWith), nonCompliantResources and `unreachable`: the non-compliant
 * resources besides those that Azure's discovery selects for the task, the machines a deployment cannot reach (not running, no VM agent, appliances),
 * outside the notScopes. The
 * task tries them in an order this tool does not choose, each taking one of its `resourceCount`,
 * so a count of the reachable ones alone can end before reaching any of them: at 100k machines
 * every dependency-agent task did (1,570 deployments, all to deallocated machines or machines
 * without a VM agent), and the same task was made again every round.
 * All three in one pass over the subscription's machines (three passes per policy took a few
 * hundred ms at 1M).
 */
function vmPolicyScope(
  ctx: PlanContext,
  os: OsType,
  subscriptionId: string,
  machines: readonly InventoryMachine[],
): { leftAlone: string[]; resources: string[]; unreachable: string[]; byName: string[] } {
  const kind = DEPENDENCY_AGENT[os];
  const bySeed: string[] = [];
  const resources: string[] = [];
  const unreachable: string[] = [];
  const byName: string[] = [];
  for (const m of machines) {
    if (m.kind !== "vm" || m.osType !== os) continue;
    // A machine the seed's rules leave alone is in the notScopes: Azure's discovery never selects
    // it, so it is neither a resource nor an unreachable one the task would try, whatever its state.
    if (excludedBySeed(ctx, m)) {
      bySeed.push(m.id);
      continue;
    }
    // Another handler holds the agent's name, which the policy deploys under: refused there (409).
    // Left out as well (whatever its extensions, so the notScopes stay put once it has the agent),
    // and given the agent step by step under a free name.
    if (nameHolder(m, kind)) {
      bySeed.push(m.id);
      if (!extensionOf(m, kind) && ineligibility(m) === undefined) byName.push(m.id);
      continue;
    }
    if (extensionOf(m, kind)) continue;
    (ineligibility(m) === undefined ? resources : unreachable).push(m.id);
  }
  return { leftAlone: leftAloneWith(ctx, os, subscriptionId, bySeed), resources, unreachable, byName };
}

function findAssignment(ctx: PlanContext, policy: PolicyDefinition, scope: string): InventoryPolicyAssignment | undefined {
  const defId = policyDefinitionId(policy);
  const matches = ctx.inventory.policyAssignments.filter((a) => sameId(a.scope, scope) && sameId(a.policyDefinitionId, defId));
  // Prefer the assignment this tool made; otherwise use the one someone else made (ALZ, the portal).
  return matches.find((a) => sameId(a.id, policyAssignmentId(scope, policy.shortName))) ?? sortById(matches)[0];
}

export function planPolicies(ctx: PlanContext, b: ExtensionPolicySink, subscriptionId: string, machines: readonly InventoryMachine[]): void {
  const scope = subscriptionScope(subscriptionId);
  // Removals first: the room they free is the additions' (limits.ts).
  for (const { assignment: a, toggle } of togglesOffRemovals(ctx, subscriptionId)) {
    b.add("unassign-policy", a.id, { policyAssignmentId: a.id });
    noteToggleOffRemoval(b, a, toggle, subscriptionId);
  }
  for (const key of SEED_POLICY_KEYS) {
    if (!policyEnabled(ctx, key)) continue;
    const policy = SEED_POLICIES[key];
    if (key === "kubernetesPolicyAddon" && leaveAddonToOthers(ctx, b, policy, subscriptionId, machines)) continue;
    planPolicy(ctx, b, policy, subscriptionId, findAssignment(ctx, policy, scope), machines);
  }
}

/**
 * Another owner's assignment of the AKS add-on's policy that covers the whole subscription: at it,
 * or at a management group known to be above it (assignmentApplies "yes"; not on a guess), with an
 * identity to deploy with, leaving out nothing of the subscription but the spec's excluded groups.
 * Defender assigns a8eff44f itself for Defender for Containers; ALZ's Deploy-AKS-Policy, a user's.
 */
function addonAssignedByOthers(ctx: PlanContext, subscriptionId: string): InventoryPolicyAssignment | undefined {
  const policy = SEED_POLICIES.kubernetesPolicyAddon;
  const defId = policyDefinitionId(policy);
  const sub = subscriptionScope(subscriptionId);
  const own = policyAssignmentId(sub, policy.shortName);
  const excluded = excludedGroupsIn(ctx.spec, subscriptionId);
  return sortById(ctx.inventory.policyAssignments).find(
    (a) =>
      sameId(a.policyDefinitionId, defId) &&
      !sameId(a.id, own) &&
      !!a.identityPrincipalId &&
      assignmentApplies(ctx, a, subscriptionId) === "yes" &&
      (a.notScopes ?? []).every((n) => !coveredBy([sub], n) || coveredBy(excluded, n)),
  );
}

/**
 * Where another owner's assignment of the AKS add-on's policy covers the subscription
 * (addonAssignedByOthers), this tool's own would be a second assignment of one definition: it is
 * removed (user trial 20, item 12), and none is made. At the subscription, the other is planned as
 * before (never changed, its missing roles named); above it, nothing more. True when handled.
 */
function leaveAddonToOthers(ctx: PlanContext, b: ExtensionPolicySink, policy: PolicyDefinition, subscriptionId: string, machines: readonly InventoryMachine[]): boolean {
  const other = addonAssignedByOthers(ctx, subscriptionId);
  if (!other) return false;
  const scope = subscriptionScope(subscriptionId);
  const own = ctx.inventory.policyAssignments.find((a) => sameId(a.id, policyAssignmentId(scope, policy.shortName)));
  if (own) unassign(ctx, b, own);
  const atSubscription = sameId(other.scope, scope);
  if (own || !atSubscription) {
    b.finding(
      "info",
      "policy-assigned-by-others",
      own?.id ?? policyAssignmentId(scope, policy.shortName),
      `${ownerOf(other).ownerName} assigns "${policy.displayName}" at ${other.scope}, which covers subscription ${subscriptionId}: ` +
        (own ? `this tool removes its own assignment there (${own.name ?? policy.shortName}), as two assignments of one definition would deploy the add-on twice` : "this tool makes no assignment of its own there") +
        ` (a Pulumi or CDKTF stack that declares extensions.kubernetesPolicyAddon makes it again at its next run: README, "Who owns what").`,
    );
  }
  if (atSubscription) planPolicy(ctx, b, policy, subscriptionId, other, machines);
  return true;
}

/**
 * This tool's assignments at `subscriptionId` of the toggles that are off: the plan removes them
 * before it adds anything there, and what they hold is given back to the limits first (once per
 * subscription, whoever asks first: the policies' planning or Defender for Containers').
 */
function togglesOffRemovals(ctx: PlanContext, subscriptionId: string): readonly ToggleOffRemoval[] {
  const known = ctx.memo(TOGGLES_OFF, () => new Map<string, ToggleOffRemoval[]>());
  const key = subscriptionId.toLowerCase();
  let removed = known.get(key);
  if (removed === undefined) {
    const scope = subscriptionScope(subscriptionId);
    removed = [];
    for (const k of SEED_POLICY_KEYS) {
      if (policyEnabled(ctx, k)) continue;
      const policy = SEED_POLICIES[k];
      const existing = findAssignment(ctx, policy, scope);
      if (existing && sameId(existing.id, policyAssignmentId(scope, policy.shortName))) removed.push({ assignment: existing, toggle: k });
    }
    for (const { assignment: a } of removed) limitsOf(ctx).credit(a, stepId("unassign-policy", a.id));
    known.set(key, removed);
  }
  return removed;
}

const TOGGLES_OFF = {};

/** This tool's assignment of a toggle that is off, with the toggle. */
interface ToggleOffRemoval {
  readonly assignment: InventoryPolicyAssignment;
  readonly toggle: ExtensionPolicyKey;
}

/** Each seed toggle's field in the spec. */
const TOGGLE_FIELDS: Readonly<Record<ExtensionPolicyKey, string>> = {
  kubernetesPolicyAddon: "extensions.kubernetesPolicyAddon",
  dependencyAgentWindows: "extensions.dependencyAgent.windows",
  dependencyAgentLinux: "extensions.dependencyAgent.linux",
};

/**
 * A toggle off removes this tool's assignment, as the seed's toggle did; the toggles default to
 * off, so a spec that leaves `extensions` out removes them too, where a `defender` section left
 * out changes nothing (user trial 20, item 17): said, with what it means for new resources.
 */
function noteToggleOffRemoval(b: ExtensionPolicySink, a: InventoryPolicyAssignment, key: ExtensionPolicyKey, subscriptionId: string): void {
  const field = TOGGLE_FIELDS[key];
  b.finding(
    "warning",
    "extension-policy-removed",
    a.id,
    `${field} is off (false, its default when the spec leaves it out): this tool removes its own assignment ${a.name ?? SEED_POLICIES[key].shortName} of "${SEED_POLICIES[key].displayName}" in subscription ${subscriptionId}. What it deployed stays; new resources no longer get it. Set ${field} to true to keep it.`,
  );
}

/** Removes this tool's assignment `a`, giving back to the limits what it holds. */
function unassign(ctx: PlanContext, b: ExtensionPolicySink, a: InventoryPolicyAssignment): void {
  limitsOf(ctx).credit(a, b.add("unassign-policy", a.id, { policyAssignmentId: a.id }));
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
  const { leftAlone, resources, unreachable, byName } = policy.osType
    ? vmPolicyScope(ctx, policy.osType, subscriptionId, machines)
    : { leftAlone: excludedGroupsIn(ctx.spec, subscriptionId), resources: nonCompliantResources(ctx, policy, subscriptionId, machines), unreachable: [], byName: [] };
  planInstalls(b, policy, machines, new Set(byName));
  const subscription = { subscriptionId, scope: subscriptionScope(subscriptionId) };
  const ownGroups = policy.osType ? ownGroupAssignments(ctx, policy, subscriptionId) : [];
  // The spec's excluded groups alone overflow the notScopes: no assignment, as the front ends declare none (excludedGroupsFit).
  if (!excludedGroupsFit(ctx.spec, subscriptionId)) {
    const why = excludedGroupsOverLimit(ctx.spec, subscriptionId, policy.displayName);
    if (!policy.osType) planClusterPolicyOverLimit(ctx, b, policy, subscriptionId, existing, why);
    else {
      unassignGroups(ctx, b, ownGroups, new Set());
      planInstallsInstead(ctx, b, policy, subscriptionId, existing, machines, resources, why, false);
    }
    return;
  }
  if (leftAlone.length <= NOT_SCOPES_LIMIT) {
    unassignGroups(ctx, b, ownGroups, new Set());
    if (!planAssignment(ctx, b, policy, subscription, existing, leftAlone, resources, unreachable) && policy.osType) planInstalls(b, policy, machines, new Set(resources));
    return;
  }
  const resourceGroups = groupKeysOf(resources);
  const needing = byGroup(resources, resourceGroups);
  const assignedNow = new Set(ownGroups.map((a) => a.scope.toLowerCase()));
  const layout = layoutByGroup(leftAlone, new Map([...needing].map(([g, ids]) => [g, ids.length])), maxGroupAssignments(ctx, policy, subscriptionId), assignedNow);
  if (!layout) {
    unassignGroups(ctx, b, ownGroups, new Set());
    const why = `${leftAlone.length} machines and resource groups of subscription ${subscriptionId} must be left out of "${policy.displayName}", more than an assignment's ${NOT_SCOPES_LIMIT} notScopes: no assignment there`;
    planInstallsInstead(ctx, b, policy, subscriptionId, existing, machines, resources, why, true);
    return;
  }
  const unreachableGroups = groupKeysOf(unreachable);
  const outside = (groups: readonly string[]) => (_: string, i: number) => !layout.leftOut.has(groups[i]!);
  const installs = new Set<string>();
  const outsideGroups = resources.filter(outside(resourceGroups));
  // Refused by Azure's limits (a finding says which): the machines it would reach get the agent one by one.
  if (!planAssignment(ctx, b, policy, subscription, existing, layout.notScopes, outsideGroups, unreachable.filter(outside(unreachableGroups)))) for (const id of outsideGroups) installs.add(id);
  unassignGroups(ctx, b, ownGroups, new Set([...layout.assigned.keys()].map((g) => g.toLowerCase())));
  const unreachableByGroup = byGroup(unreachable, unreachableGroups);
  for (const [scope, notScopes] of layout.assigned) {
    const key = scope.toLowerCase();
    const there = needing.get(key) ?? [];
    if (!planAssignment(ctx, b, policy, { subscriptionId, scope }, findAssignment(ctx, policy, scope), notScopes, there, unreachableByGroup.get(key) ?? [])) for (const id of there) installs.add(id);
  }
  for (const scope of layout.installed.keys()) for (const id of needing.get(scope.toLowerCase()) ?? []) installs.add(id);
  planInstalls(b, policy, machines, installs);
  const overLimit = [...layout.installed].filter(([, why]) => why === "not-scopes").map(([g]) => g);
  const overRoles = layout.installed.size - overLimit.length;
  b.finding(
    layout.installed.size ? "warning" : "info",
    "policy-by-resource-group",
    policyAssignmentId(subscription.scope, policy.shortName),
    `${leftAlone.length} machines and resource groups of subscription ${subscriptionId} must be left out of "${policy.displayName}", more than an assignment's ${NOT_SCOPES_LIMIT} notScopes: ` +
      `its assignment leaves out ${layout.leftOut.size} resource groups whole, and ${layout.assigned.size} of them get an assignment of their own that leaves out their own machines` +
      (layout.installed.size
        ? `; the agent is installed step by step on the ${installs.size} machines that need it in the other ${layout.installed.size}` +
          ` (${overLimit.length} with more than ${NOT_SCOPES_LIMIT} machines to leave out${overLimit.length ? `: ${overLimit.slice(0, 3).join(", ")}${overLimit.length > 3 ? ", ..." : ""}` : ""}` +
          `${overRoles ? `; ${overRoles} beyond the subscription's room for role assignments, ${ROLE_ASSIGNMENTS_PER_SUBSCRIPTION} at most` : ""}), and on machines created there later at the next plan.`
        : "."),
  );
}

/** Where an assignment of a policy goes: its subscription, at the subscription or one of its resource groups. */
interface AssignmentScope {
  readonly subscriptionId: string;
  readonly scope: string;
}

/**
 * One assignment of `policy` at `at`, leaving out `notScopes`, with its roles and a remediation
 * over `resources` (those of its scope that need it; `unreachable`: the ones Azure's discovery
 * also tries). False when Azure's limits (limits.ts) leave no room for the assignment or its
 * roles: then nothing is planned for it but a finding, and the caller installs instead.
 */
function planAssignment(
  ctx: PlanContext,
  b: ExtensionPolicySink,
  policy: PolicyDefinition,
  at: AssignmentScope,
  existing: InventoryPolicyAssignment | undefined,
  notScopes: readonly string[],
  resources: readonly string[],
  unreachable: readonly string[],
): boolean {
  const bundle = deployIfNotExists({
    subscriptionId: at.subscriptionId,
    scope: at.scope,
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
    return true;
  }
  const principalId = existing?.identityPrincipalId ?? null;
  const lacking = missingGrants(ctx, bundle, principalId);
  // Another owner's identity is never granted a role (a privilege change on their principal): they are told what it lacks.
  const foreign = notOurs(existing, scope, policy);
  const missing = foreign ? [] : lacking;
  if (existing && foreign && lacking.length) {
    b.finding(
      "warning",
      "assignment-lacks-role",
      existing.id,
      `The assignment of "${policy.displayName}" (not this tool's) lacks ${lacking.map((g) => `"${g.role.name}"`).join(", ")} at ${scope} for its identity ${principalId}, so it cannot deploy what it assigns: ` +
        `this tool grants no role to an identity it does not own, and starts no remediation of it; its owner grants the role${lacking.length > 1 ? "s" : ""}.`,
    );
  }
  if (existing && foreign) noteEarlierGrants(ctx, b, bundle, existing, policy);
  const orphans = orphanedGrants(ctx, missing, principalId);
  // A replaced grant adds no role assignment: it takes the orphan's place.
  const added = grantsBySubscription(missing.filter((g) => !orphans.has(g.id)).map((g) => g.scope));
  const limits = limitsOf(ctx);
  const newAt = existing ? undefined : scope;
  const refused = limits.refusal(added, newAt);
  if (refused) {
    const instead = policy.osType
      ? "no such assignment or role is planned; the agent is installed step by step on the machines it would reach, and on machines created there later at the next plan."
      : "no such assignment or role is planned; with Defender for Containers' azurePolicy on, the add-on is enabled cluster by cluster.";
    b.finding("warning", refused.code, assignmentId, refusalMessage(refused, policy.displayName, instead));
    return false;
  }
  // Where the room is what this plan's removals freed, the additions wait for them.
  const waitFor = limits.charge(added, newAt);
  let assignStep: string | undefined;
  let notScopesStep: string | undefined;
  let leavesAlone = true;
  if (!existing) {
    assignStep = b.add("assign-policy", assignmentId, bundle.assignment, waitFor);
  } else if (!foreign) {
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
  const grants: string[] = [];
  for (const grant of missing) {
    const step = grantRoleStep(bundle, grant, principalId, orphans.get(grant.id));
    grants.push(b.add("grant-role", step.target, step.details, [assignStep, ...waitFor]));
  }
  if (resources.length === 0 || !leavesAlone || (foreign && lacking.length)) return true;
  const active = ctx.inventory.remediations.some(
    (r) => sameId(r.policyAssignmentId, assignmentId) && ACTIVE_REMEDIATION_STATES.has(r.provisioningState.toLowerCase()),
  );
  if (active) return true;
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
  const discovered = resources.length + unreachable.length;
  const task = remediationStep(bundle, policy.shortName, resources, Math.min(REMEDIATION_MAX_RESOURCE_COUNT, Math.max(REMEDIATION_DEFAULT_RESOURCE_COUNT, discovered)), unreachable);
  b.add("create-remediation", task.target, task.details, [assignStep, notScopesStep, ...grants]);
  return true;
}

/**
 * Roles earlier versions of this tool granted to another owner's assignment's identity (their
 * role assignment ids are the ones this tool names its grants with): named in a finding, for
 * their owner or an administrator to keep or remove; this tool removes no role assignment.
 */
function noteEarlierGrants(ctx: PlanContext, b: ExtensionPolicySink, bundle: DeployIfNotExistsBundle, existing: InventoryPolicyAssignment, policy: PolicyDefinition): void {
  const granted = bundle.grants.filter((g) => ctx.inventory.roleAssignments.some((r) => sameId(r.id, g.id)));
  if (!granted.length) return;
  b.finding(
    "warning",
    "role-granted-to-others-identity",
    existing.id,
    `Earlier versions of this tool granted ${granted.map((g) => `"${g.role.name}" (${g.id})`).join(", ")} to the identity of the assignment of "${policy.displayName}" (not this tool's); it grants none now and removes none: its owner keeps or removes ${granted.length > 1 ? "them" : "it"}.`,
  );
}

/** An assignment of `policy` at `scope` that this tool did not make (ALZ's, the portal's, a user's): never changed, its identity never granted a role. */
function notOurs(existing: InventoryPolicyAssignment | undefined, scope: string, policy: PolicyDefinition): boolean {
  return existing !== undefined && !sameId(existing.id, policyAssignmentId(scope, policy.shortName));
}

/**
 * The grants among `missing` whose name (this tool's, of the assignment's id and the role) is
 * held by another principal: an identity of the assignment before someone deleted it, whose
 * grants Azure keeps. A PUT of the name for the new identity is RoleAssignmentUpdateNotPermitted,
 * so the plan shows each one replaced. Keyed by grant id, the orphan's principal as value.
 */
function orphanedGrants(ctx: PlanContext, missing: readonly RoleGrantFacts[], principalId: string | null): Map<string, string> {
  const orphans = new Map<string, string>();
  for (const grant of missing) {
    const held = ctx.inventory.roleAssignments.find((r) => sameId(r.id, grant.id));
    if (held && (principalId === null || !sameId(held.principalId, principalId))) orphans.set(grant.id, held.principalId);
  }
  return orphans;
}

/** The bundle's roles that `principalId` (null: an identity still to be created) lacks at the bundle's scope. */
function missingGrants(ctx: PlanContext, bundle: DeployIfNotExistsBundle, principalId: string | null): RoleGrantFacts[] {
  if (principalId === null) return [...bundle.grants];
  const lacks = (grant: RoleGrantFacts) =>
    !ctx.inventory.roleAssignments.some(
      (r) => sameId(r.principalId, principalId) && sameId(r.scope, grant.scope) && r.roleDefinitionId.toLowerCase().endsWith("/" + grant.role.id),
    );
  return bundle.grants.filter(lacks);
}

/**
 * Will this plan keep the spec's AKS add-on assignment at `subscriptionId` (extensions.
 * kubernetesPolicyAddon)? Not when the excluded groups there overflow its notScopes, nor when
 * Azure's limits leave no room for it or its roles. Read before the policies are planned (the
 * add-on's is the first of them, so nothing of this plan is charged yet; what the toggles that are
 * off free is given back first): Defender for Containers then enables the add-on cluster by
 * cluster instead.
 */
export function kubernetesAddonAssigned(ctx: PlanContext, subscriptionId: string): boolean {
  // Asked once per cluster: answered once per subscription.
  const known = ctx.memo(ADDON_ASSIGNED, () => new Map<string, boolean>());
  const key = subscriptionId.toLowerCase();
  let answer = known.get(key);
  if (answer === undefined) known.set(key, (answer = addonAssignable(ctx, subscriptionId)));
  return answer;
}

const ADDON_ASSIGNED = {};

function addonAssignable(ctx: PlanContext, subscriptionId: string): boolean {
  // What the toggles that are off free is the add-on's too: asked before the policies are planned.
  togglesOffRemovals(ctx, subscriptionId);
  if (!ctx.spec.extensions.kubernetesPolicyAddon || !excludedGroupsFit(ctx.spec, subscriptionId)) return false;
  // Another owner's assignment covers it (leaveAddonToOthers): that one deploys the add-on, not the spec's.
  if (addonAssignedByOthers(ctx, subscriptionId)) return false;
  const policy = SEED_POLICIES.kubernetesPolicyAddon;
  const scope = subscriptionScope(subscriptionId);
  const existing = findAssignment(ctx, policy, scope);
  if (existing && !existing.identityPrincipalId) return true;
  const bundle = deployIfNotExists({
    subscriptionId,
    assignmentName: policy.shortName,
    policyDefinitionId: policyDefinitionId(policy),
    displayName: policy.displayName,
    identityLocation: ctx.spec.extensions.identityLocation,
    roles: policy.roles,
  });
  // Another owner's assignment is granted nothing here (planAssignment): it takes no room for roles.
  const missing = notOurs(existing, scope, policy) ? [] : missingGrants(ctx, bundle, existing?.identityPrincipalId ?? null);
  return limitsOf(ctx).refusal(grantsBySubscription(missing.map((g) => g.scope)), existing ? undefined : scope) === undefined;
}

/** `ids` by the lower-case resource group scope they are in (`groups[i]`: `ids[i]`'s, from groupKeysOf). */
function byGroup(ids: readonly string[], groups: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i++) {
    const key = groups[i]!;
    (out.get(key) ?? out.set(key, []).get(key)!).push(ids[i]!);
  }
  return out;
}

/** This tool's assignments of `policy` at resource groups of the subscription (named as at the subscription). */
function ownGroupAssignments(ctx: PlanContext, policy: PolicyDefinition, subscriptionId: string): InventoryPolicyAssignment[] {
  const defId = policyDefinitionId(policy);
  const sub = subscriptionScope(subscriptionId).toLowerCase();
  return ctx.inventory.policyAssignments.filter((a) => {
    const scope = a.scope.toLowerCase();
    return scope.startsWith(sub + "/resourcegroups/") && groupScopeOf(a.scope)?.length === a.scope.length && sameId(a.policyDefinitionId, defId) && sameId(a.id, policyAssignmentId(a.scope, policy.shortName));
  });
}

/** Removes this tool's group assignments whose group (lower-case scope) is not in `keep`. */
function unassignGroups(ctx: PlanContext, b: ExtensionPolicySink, own: readonly InventoryPolicyAssignment[], keep: ReadonlySet<string>): void {
  for (const a of own) if (!keep.has(a.scope.toLowerCase())) unassign(ctx, b, a);
}

/**
 * How many group assignments of `policy` the subscription has room for: its role-assignment limit
 * less the role assignments of others (not granted to this tool's VM-policy assignments, so the
 * room does not shrink as this tool's own grants are made) and less the grants of the
 * subscription's own assignments, shared by the VM policies that are on, each group assignment
 * taking one per role of the definition.
 */
function maxGroupAssignments(ctx: PlanContext, policy: PolicyDefinition, subscriptionId: string): number {
  const subScope = subscriptionScope(subscriptionId);
  const sub = subScope.toLowerCase();
  const vmPolicies = SEED_POLICY_KEYS.filter((k) => SEED_POLICIES[k].osType !== undefined && policyEnabled(ctx, k)).map((k) => SEED_POLICIES[k]);
  const ours = new Set<string>();
  for (const p of vmPolicies) {
    const own = ctx.inventory.policyAssignments.find((a) => sameId(a.id, policyAssignmentId(subScope, p.shortName)));
    for (const a of [...(own ? [own] : []), ...ownGroupAssignments(ctx, p, subscriptionId)]) if (a.identityPrincipalId) ours.add(a.identityPrincipalId.toLowerCase());
  }
  let others = 0;
  for (const r of ctx.inventory.roleAssignments) {
    const scope = r.scope.toLowerCase();
    if ((scope === sub || scope.startsWith(sub + "/")) && !ours.has(r.principalId.toLowerCase())) others++;
  }
  const perAssignment = vmPolicies.reduce((n, p) => n + p.roles.length, 0) || policy.roles.length;
  return Math.max(0, Math.floor((ROLE_ASSIGNMENTS_PER_SUBSCRIPTION - others - perAssignment) / perAssignment));
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
 * More machines to leave out than an assignment's notScopes hold (`why` says so, ending "no ...
 * assignment there"): as the Log Analytics agent's delegation keeps such a batch step by step, the
 * Dependency agent is installed machine by machine on those that need it (`resources`:
 * nonCompliantResources), and there is no assignment in the subscription (this tool's, if an
 * earlier plan made one, is removed: Azure would deploy it to the machines left alone when they
 * are next updated). Machines created later get it at the next plan. `frontEndsDeclare`: a front
 * end still declares the assignment (only the inventory shows why there is none), so says so.
 */
function planInstallsInstead(
  ctx: PlanContext,
  b: ExtensionPolicySink,
  policy: PolicyDefinition,
  subscriptionId: string,
  existing: InventoryPolicyAssignment | undefined,
  machines: readonly InventoryMachine[],
  resources: readonly string[],
  why: string,
  frontEndsDeclare: boolean,
): void {
  const own = policyAssignmentId(subscriptionScope(subscriptionId), policy.shortName);
  if (existing && sameId(existing.id, own)) unassign(ctx, b, existing);
  const needing = new Set(resources);
  planInstalls(b, policy, machines, needing);
  b.finding(
    "warning",
    "not-scopes-over-limit",
    existing?.id ?? own,
    `${why}; the agent is installed step by step on the ${needing.size} machines that need it, and on machines created later at the next plan` +
      (frontEndsDeclare ? ` (a Pulumi or CDKTF stack that declares this toggle makes the assignment again at its next run: README, "Who owns what").` : "."),
  );
}

/**
 * More excluded resource groups in the subscription than the AKS add-on's assignment can leave
 * out (`why`): no assignment (this tool's is removed; it would reach their clusters), and Defender
 * for Containers enables the add-on cluster by cluster instead (excludedGroupsFit).
 */
function planClusterPolicyOverLimit(ctx: PlanContext, b: ExtensionPolicySink, policy: PolicyDefinition, subscriptionId: string, existing: InventoryPolicyAssignment | undefined, why: string): void {
  const own = policyAssignmentId(subscriptionScope(subscriptionId), policy.shortName);
  if (existing && sameId(existing.id, own)) unassign(ctx, b, existing);
  b.finding("warning", "not-scopes-over-limit", existing?.id ?? own, `${why}; with Defender for Containers' azurePolicy on, the add-on is enabled cluster by cluster outside them.`);
}

/** A VM policy's extension installed machine by machine on `ids` (of `machines`, in their order). */
function planInstalls(b: ExtensionPolicySink, policy: PolicyDefinition, machines: readonly InventoryMachine[], ids: ReadonlySet<string>): void {
  if (ids.size === 0) return;
  const kind = DEPENDENCY_AGENT[policy.osType!];
  for (const m of machines) {
    if (!ids.has(m.id)) continue;
    const name = planInstallName(b, m, kind);
    b.addUnique("install-extension", extensionId(m.id, name), selfUpgradingInstall(m, kind, name));
  }
}
