/**
 * More machines to leave out of a VM policy's subscription assignment than its notScopes hold:
 * the subscription's assignment leaves out whole resource groups instead (the ones with the most
 * such machines first, until the list fits), and each of those groups gets an assignment of its
 * own, at the group, that leaves out its own machines (with its roles and remediation there), so
 * Azure Policy still does the bulk. A group with more such machines than an assignment holds, or
 * beyond the subscription's room for role assignments, is installed machine by machine.
 *
 * Azure's limits (limits.ts): 4,000 role assignments per subscription, counting those at its
 * resource groups; 200 policy assignments per scope (one group holds at most one of this tool's per
 * policy; others' there are checked when it is planned); notScopes per assignment:
 * NOT_SCOPES_LIMIT (kept well inside Azure's 400).
 */
import { NOT_SCOPES_LIMIT } from "./notScopes";

/**
 * The resource group scope (`/subscriptions/<guid>/resourceGroups/<name>`) an ARM id is in, or
 * undefined. Hot (a few calls per machine that needs a VM policy's extension, a million at 1M), so
 * it scans for the slashes instead of running a regular expression; the segment names compare
 * with ASCII case folding, as the `/i` expression it replaces did.
 */
export function groupScopeOf(id: string): string | undefined {
  if (!hasSegmentAt(id, 0, SUBSCRIPTIONS)) return undefined;
  const subscriptionEnd = id.indexOf("/", SUBSCRIPTIONS.length);
  if (subscriptionEnd <= SUBSCRIPTIONS.length || !hasSegmentAt(id, subscriptionEnd, RESOURCE_GROUPS)) return undefined;
  const nameStart = subscriptionEnd + RESOURCE_GROUPS.length;
  const slash = id.indexOf("/", nameStart);
  const end = slash < 0 ? id.length : slash;
  if (end === nameStart) return undefined;
  return end === id.length ? id : id.slice(0, end);
}

/**
 * The lower-case resource group scope of each of `ids` ("" when none). Ids of one group come
 * together in a sorted list, so a group's key is made once and shared by the ids below it (a few
 * hundred thousand ids per policy at 1M machines).
 */
export function groupKeysOf(ids: readonly string[]): string[] {
  const out = new Array<string>(ids.length);
  let scope = "";
  let key = "";
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    // slice and compare: startsWith took four times as long here (as in machinesInScope).
    if (scope !== "" && id.length > scope.length && id.charCodeAt(scope.length) === 47 && id.slice(0, scope.length) === scope) {
      out[i] = key;
      continue;
    }
    scope = groupScopeOf(id) ?? "";
    key = scope.toLowerCase();
    out[i] = key;
  }
  return out;
}

const SUBSCRIPTIONS = "/subscriptions/";
const RESOURCE_GROUPS = "/resourcegroups/";

/** Does `id` hold `lower` (lower-case ASCII) at `at`, ASCII letters in any case? */
function hasSegmentAt(id: string, at: number, lower: string): boolean {
  if (id.length < at + lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const c = id.charCodeAt(at + i);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

export interface GroupLayout {
  /** The subscription assignment's notScopes (sorted, at most NOT_SCOPES_LIMIT). */
  readonly notScopes: string[];
  /** Groups the subscription's assignment leaves out whole (lower-case scope → scope as written). */
  readonly leftOut: ReadonlyMap<string, string>;
  /** Of those, the groups that get an assignment of their own: scope → its machines to leave out (sorted). */
  readonly assigned: ReadonlyMap<string, string[]>;
  /** Of those, the groups installed machine by machine, and why. */
  readonly installed: ReadonlyMap<string, "not-scopes" | "role-assignments">;
}

/**
 * How a subscription's `leftAlone` (sorted: excluded groups, machines) is laid out when it holds
 * more than NOT_SCOPES_LIMIT; undefined when even whole groups are more than that (then no
 * assignment fits). When `maxAssignments` binds, the groups that already have one (`assignedNow`,
 * lower-case scopes) keep it, so a converged layout stays as it is; then those where `needing`
 * (per lower-case group scope, the machines there that need the extension) counts most.
 */
export function layoutByGroup(
  leftAlone: readonly string[],
  needing: ReadonlyMap<string, number>,
  maxAssignments: number,
  assignedNow: ReadonlySet<string> = new Set(),
): GroupLayout | undefined {
  const machinesByGroup = new Map<string, { scope: string; ids: string[] }>();
  const others: string[] = [];
  for (const id of leftAlone) {
    const scope = groupScopeOf(id);
    // A listed group itself (exclude.resourceGroups) stays as it is.
    if (!scope || scope.length === id.length) {
      others.push(id);
      continue;
    }
    const key = scope.toLowerCase();
    (machinesByGroup.get(key) ?? machinesByGroup.set(key, { scope, ids: [] }).get(key)!).ids.push(id);
  }
  // Fewest groups left out whole: the largest first, until the list fits.
  const bySize = [...machinesByGroup.entries()].sort(([a, x], [b, y]) => y.ids.length - x.ids.length || (a < b ? -1 : 1));
  let total = leftAlone.length;
  const leftOut = new Map<string, string>();
  for (const [key, group] of bySize) {
    if (total <= NOT_SCOPES_LIMIT || group.ids.length <= 1) break;
    leftOut.set(key, group.scope);
    total -= group.ids.length - 1;
  }
  if (total > NOT_SCOPES_LIMIT) return undefined;
  const notScopes = [...others];
  for (const [key, group] of machinesByGroup) notScopes.push(...(leftOut.has(key) ? [group.scope] : group.ids));
  const assigned = new Map<string, string[]>();
  const installed = new Map<string, "not-scopes" | "role-assignments">();
  const rank = (key: string) => (assignedNow.has(key) ? 1 : 0);
  const candidates = [...leftOut.keys()].sort((a, b) => rank(b) - rank(a) || (needing.get(b) ?? 0) - (needing.get(a) ?? 0) || (a < b ? -1 : 1));
  for (const key of candidates) {
    const group = machinesByGroup.get(key)!;
    if (group.ids.length > NOT_SCOPES_LIMIT) installed.set(group.scope, "not-scopes");
    else if (assigned.size >= maxAssignments) installed.set(group.scope, "role-assignments");
    else assigned.set(group.scope, [...group.ids].sort());
  }
  return { notScopes: notScopes.sort(), leftOut, assigned, installed };
}
