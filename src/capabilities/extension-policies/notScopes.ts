/**
 * What a Deploy-if-not-exists assignment at a subscription must leave out. Azure's remediation
 * discovery evaluates the assignment's whole scope, not the plan's list of machines, so every
 * machine the spec or the seed's rules leave alone goes into the assignment's notScopes: at 100k
 * machines a dependency-agent task without them installed the agent on 154 Operations Manager
 * 2012 machines of one subscription.
 */
import type { InventoryMachine } from "../../inventory/schema";
import { subscriptionOf } from "../../inventory/ids";
import { isOperationsManager2012 } from "../../spec/operationsManager";
import { onboardedBeforeCutoff } from "../../spec/onboarding";
import type { OsType } from "../../spec/extensions";
import { excludedMachine, type PlanContext } from "../../core/kernel";
import type { Spec } from "../../spec/schema";

/** notScopes per assignment, kept well inside Azure Policy's limit and ARM's request size. */
export const NOT_SCOPES_LIMIT = 400;

/**
 * Machines the seed's rules leave alone, which a remediation task must not reach either: an
 * Operations Manager 2012 agent ("do not enable automatic provisioning"), and an existing agent on
 * a subscription onboarded before 2019-03-17.
 */
export function excludedBySeed(ctx: PlanContext, m: InventoryMachine): boolean {
  const scom = m.agents?.find((a) => a.kind === "scom");
  if (isOperationsManager2012(scom?.version)) return true;
  const existingAgent = scom !== undefined || m.agents?.some((a) => a.kind === "direct") === true;
  return existingAgent && onboardedBeforeCutoff(ctx.onboardedAt.get(subscriptionOf(m.id)));
}

/** The machines `exclude.machineTags` leaves out (outside `exclude.resourceGroups`), by lower-case subscription; built once per plan. */
const TAG_EXCLUDED = {};
function tagExcluded(ctx: PlanContext): ReadonlyMap<string, readonly InventoryMachine[]> {
  return ctx.memo(TAG_EXCLUDED, () => {
    const out = new Map<string, InventoryMachine[]>();
    const { exclude } = ctx.spec;
    if (!Object.keys(exclude.machineTags).length) return out;
    const byTagOrGroup = excludedMachine(exclude);
    const byGroup = excludedMachine({ ...exclude, machineTags: {} });
    for (const m of ctx.inventory.machines) {
      if (!byTagOrGroup(m) || byGroup(m)) continue;
      const sub = subscriptionOf(m.id).toLowerCase();
      (out.get(sub) ?? out.set(sub, []).get(sub)!).push(m);
    }
    return out;
  });
}

/**
 * The notScopes of a VM policy of `os` at `subscriptionId` (sorted): the spec's
 * `exclude.resourceGroups` there, the VMs of that OS `exclude.machineTags` leaves out, and
 * `bySeed` (appended to): the ids of the subscription's VMs of that OS the seed's rules leave alone
 * (excludedBySeed) and those whose agent's name another extension holds (the policy's deployment
 * is refused there; the planner finds both in its one pass over the machines). Every such machine is
 * listed whatever its extensions, so the list changes only when what is left alone does.
 */
export function leftAloneWith(ctx: PlanContext, os: OsType, subscriptionId: string, bySeed: string[]): string[] {
  const sub = subscriptionId.toLowerCase();
  const out = excludedGroupsIn(ctx.spec, sub);
  for (const m of tagExcluded(ctx).get(sub) ?? []) if (m.kind === "vm" && m.osType === os) out.push(m.id);
  for (const id of bySeed) out.push(id);
  return out.sort();
}

/** The spec's `exclude.resourceGroups` in `subscriptionId` (sorted): what the spec alone says a VM toggle's assignment leaves out. */
export function excludedGroupsIn(spec: Spec, subscriptionId: string): string[] {
  const sub = subscriptionId.toLowerCase();
  return spec.exclude.resourceGroups.filter((g) => subscriptionOf(g).toLowerCase() === sub).sort();
}

/**
 * Can a toggle's assignment at `subscriptionId` (the AKS add-on's, a Dependency agent's) leave out
 * the spec's excluded resource groups there (at most NOT_SCOPES_LIMIT)? The one rule the planner
 * and the declaration model follow: when not, neither makes such an assignment there (ARM would
 * refuse it), and the reconciler enables the add-on cluster by cluster, installs the agent
 * machine by machine.
 */
export function excludedGroupsFit(spec: Spec, subscriptionId: string): boolean {
  return excludedGroupsIn(spec, subscriptionId).length <= NOT_SCOPES_LIMIT;
}

/** Why there is no assignment of `displayName` at `subscriptionId` when !excludedGroupsFit: the plan's finding and the front ends' warning begin with it. */
export function excludedGroupsOverLimit(spec: Spec, subscriptionId: string, displayName: string): string {
  const count = excludedGroupsIn(spec, subscriptionId).length;
  return `${count} resource groups of subscription ${subscriptionId} are in exclude.resourceGroups, more than an assignment's ${NOT_SCOPES_LIMIT} notScopes: no "${displayName}" assignment there`;
}

/** Does one of `notScopes` cover `id` (itself or a parent scope; ARM ids compare without case)? */
export function coveredBy(notScopes: readonly string[], id: string): boolean {
  const lower = id.toLowerCase();
  return notScopes.some((n) => {
    const s = n.toLowerCase();
    return lower === s || lower.startsWith(s + "/");
  });
}

/** The same scopes, in any order and case. */
export function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const lower = new Set(a.map((s) => s.toLowerCase()));
  return b.every((s) => lower.has(s.toLowerCase()));
}
