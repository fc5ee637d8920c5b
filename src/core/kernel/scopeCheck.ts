/**
 * What the spec's scope resolved to, and the scope's mistakes said as findings rather than left
 * silent: an exclusion that matches nothing in the inventory (a typo leaves in what the user meant
 * to leave out), a management group with no subscription in scope, a scope with none at all. The
 * scope is the core's (context.ts decides it), so its checks live beside it, not in a capability.
 */
import type { Inventory } from "../../inventory/schema";
import { subscriptionOf } from "../../inventory/ids";
import { scopeNotRead } from "../../inventory/readFor";
import type { Spec } from "../../spec/schema";
import { outsideGroups, subscriptionsInScope } from "./context";
import type { Finding } from "./types";

export const EXCLUSION_MATCHES_NOTHING = "exclusion-matches-nothing";
export const MANAGEMENT_GROUP_WITHOUT_SUBSCRIPTIONS = "management-group-without-subscriptions";
/** An inventory file's subscriptions that the named groups do not hold (their recorded ancestors say so). */
export const SUBSCRIPTIONS_OUTSIDE_GROUPS = "subscriptions-outside-management-groups";
/** An inventory file read for less than the spec's scope (its `readFor`): a scope problem, as a listed subscription it lacks. */
export const INVENTORY_READ_FOR_ANOTHER_SCOPE = "inventory-read-for-another-scope";
/** The scope resolves to no subscription: every front end shows it first. */
export const SCOPE_WITHOUT_SUBSCRIPTIONS = "scope-without-subscriptions";

type ScopeInventory = Pick<Inventory, "subscriptions" | "machines" | "clusters" | "excludedSubscriptions" | "readFor">;

/** The scope in figures, for the one line the text and markdown show (absent: a spec of listed subscriptions alone). */
export interface ScopeSummary {
  /** Each named group with its subscriptions in scope; null when the inventory does not record the groups above a subscription. */
  readonly managementGroups: readonly { readonly name: string; readonly subscriptions: number | null }[];
  readonly listed: number;
  readonly subscriptions: number;
  readonly excluded: { readonly subscriptions: readonly string[]; readonly resourceGroups: readonly string[]; readonly machineTags: readonly string[] };
}

export function describeScope(spec: Spec, inventory: Pick<Inventory, "subscriptions">, inScope: ReadonlySet<string> = subscriptionsInScope(spec, inventory)): ScopeSummary | undefined {
  const { exclude } = spec;
  const excludes = exclude.subscriptions.length + exclude.resourceGroups.length + Object.keys(exclude.machineTags).length;
  if (!spec.managementGroups.length && !excludes) return undefined;
  const counts = groupCounts(spec, inventory, inScope);
  return {
    managementGroups: spec.managementGroups.map((name, i) => ({ name, subscriptions: counts[i]! })),
    listed: spec.subscriptions.length,
    subscriptions: inScope.size,
    excluded: {
      subscriptions: exclude.subscriptions,
      resourceGroups: exclude.resourceGroups.map((g) => g.slice(g.lastIndexOf("/") + 1)),
      machineTags: Object.entries(exclude.machineTags).map(([name, value]) => (value === "*" ? name : `${name}=${value}`)),
    },
  };
}

/** The scope's warnings, in the order the front ends show them: an empty scope first. */
export function scopeFindings(spec: Spec, inventory: ScopeInventory, inScope: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  const groups = spec.managementGroups;
  if (!inScope.size && groups.length) {
    const less = spec.exclude.subscriptions.length ? ` but the ${spec.exclude.subscriptions.length} in exclude.subscriptions` : "";
    out.push(
      warning(
        SCOPE_WITHOUT_SUBSCRIPTIONS,
        "managementGroups",
        `The scope resolves to no subscription: management group(s) ${groups.join(", ")} hold no subscription${less}. Nothing is planned or counted: check the groups' names and the exclusions.`,
      ),
    );
  } else {
    const counts = groupCounts(spec, inventory, inScope);
    groups.forEach((g, i) => {
      if (counts[i] !== 0) return;
      out.push(
        warning(
          MANAGEMENT_GROUP_WITHOUT_SUBSCRIPTIONS,
          `/providers/Microsoft.Management/managementGroups/${g}`,
          `managementGroups[${i}]: management group ${g} holds no subscription in scope (none under it, or only ones in exclude.subscriptions): nothing is planned for it.`,
        ),
      );
    });
  }
  const listed = new Set(spec.subscriptions);
  const outside = outsideGroups(spec, inventory).filter((s) => !listed.has(s.id.toLowerCase()));
  if (outside.length) {
    const names = outside.slice(0, 3).map((s) => s.id);
    out.push({
      severity: "info",
      code: SUBSCRIPTIONS_OUTSIDE_GROUPS,
      target: "managementGroups",
      message: `${outside.length} subscription(s) of the inventory are under none of management group(s) ${groups.join(", ")} (their managementGroupAncestors) and are left out: ${names.join(", ")}${outside.length > names.length ? ", …" : ""}.`,
    });
  }
  for (const why of scopeNotRead(spec, inventory)) {
    out.push({
      severity: "error",
      code: INVENTORY_READ_FOR_ANOTHER_SCOPE,
      target: "managementGroups",
      message: `${why[0]!.toUpperCase()}${why.slice(1)} Its figures are not the spec's: read it again for this spec (asc-autoprovision inventory --spec <this spec> --out <file>).`,
    });
  }
  out.push(...unmatchedExclusions(spec, inventory, inScope));
  return out;
}

/** Subscriptions in scope under each named group (by the inventory's managementGroupAncestors); null: not known. */
function groupCounts(spec: Spec, inventory: Pick<Inventory, "subscriptions">, inScope: ReadonlySet<string>): (number | null)[] {
  const subs = inventory.subscriptions.filter((s) => inScope.has(s.id.toLowerCase()));
  if (subs.some((s) => !s.managementGroupAncestors)) return spec.managementGroups.map(() => (inScope.size ? null : 0));
  const ancestors = subs.map((s) => new Set(s.managementGroupAncestors!.map((g) => g.toLowerCase())));
  return spec.managementGroups.map((g) => ancestors.filter((a) => a.has(g.toLowerCase())).length);
}

function unmatchedExclusions(spec: Spec, inventory: ScopeInventory, inScope: ReadonlySet<string>): Finding[] {
  const { exclude } = spec;
  const out: Finding[] = [];
  // The reader leaves the excluded subscriptions out of `subscriptions` and records those it found under the groups.
  const known = new Set([...inventory.subscriptions.map((s) => s.id), ...(inventory.excludedSubscriptions ?? [])].map((s) => s.toLowerCase()));
  exclude.subscriptions.forEach((s, i) => {
    if (!known.has(s.toLowerCase())) {
      out.push(warning(EXCLUSION_MATCHES_NOTHING, `exclude.subscriptions[${i}]`, `exclude.subscriptions[${i}] "${s}" matches no subscription of the scope (not listed, not under ${groupsNamed(spec)}).`));
    }
  });
  const hits = matchedBy(spec, inventory, inScope);
  exclude.resourceGroups.forEach((g, i) => {
    if (hits.groups[i]) return;
    const path = `exclude.resourceGroups[${i}]`;
    const why = inScope.has(subscriptionOf(g).toLowerCase())
      ? "matches no machine: no machine or cluster of the inventory is in that resource group (it may be empty, or not exist: check the name)"
      : `matches no subscription in scope (${subscriptionOf(g)})`;
    out.push(warning(EXCLUSION_MATCHES_NOTHING, path, `${path} "${g}" ${why}; nothing is left out by it.`));
  });
  Object.entries(exclude.machineTags).forEach(([name, value], i) => {
    const hit = hits.tags[i]!;
    if (hit === "match") return;
    const path = `exclude.machineTags.${name}`;
    const why = hit === "name" ? `no machine in scope has tag ${name} with the value "${value}" (some have the tag with other values)` : `no machine in scope has a tag named ${name}`;
    out.push(warning(EXCLUSION_MATCHES_NOTHING, path, `${path} (${value === "*" ? "any value" : `"${value}"`}) matches no machine: ${why}; nothing is left out by it.`));
  });
  return out;
}

/**
 * Which resource-group and tag exclusions match a machine (or, for groups, a cluster) in scope.
 * One pass that stops once all match: a million machines cost a pass only when one does not, and
 * then a few string operations per resource group met (ids sorted by the planner come in runs).
 */
function matchedBy(spec: Spec, inventory: ScopeInventory, inScope: ReadonlySet<string>): { groups: boolean[]; tags: ("match" | "name" | "none")[] } {
  const groupIndex = new Map(spec.exclude.resourceGroups.map((g, i) => [g.toLowerCase() + "/", i] as const));
  const tags = Object.entries(spec.exclude.machineTags).map(([name, value]) => [name.toLowerCase(), value] as const);
  const hitGroups = spec.exclude.resourceGroups.map(() => false);
  const hitTags = tags.map((): "match" | "name" | "none" => "none");
  let left = hitGroups.length + tags.length;
  // The resource group of the last id seen, as written, and whether its subscription is in scope;
  // each group met once is remembered (unsorted ids leave runs of one).
  let group = "";
  let groupInScope = false;
  const seen = new Map<string, boolean>();
  const visit = (id: string): boolean => {
    if (group === "" || id.slice(0, group.length) !== group) {
      const end = nthSlash(id, 5);
      group = end < 0 ? id + "/" : id.slice(0, end + 1);
      const known = seen.get(group);
      if (known !== undefined) return (groupInScope = known);
      const key = group.toLowerCase();
      seen.set(group, (groupInScope = inScope.has(subscriptionOf(key))));
      const k = groupIndex.get(key);
      if (groupInScope && k !== undefined && !hitGroups[k]) {
        hitGroups[k] = true;
        left--;
      }
    }
    return groupInScope;
  };
  if (groupIndex.size) for (const c of inventory.clusters ?? []) visit(c.id);
  for (const m of inventory.machines ?? []) {
    if (!left) break;
    if (!visit(m.id) || !tags.length || !m.tags) continue;
    for (const n in m.tags) {
      const lower = n.toLowerCase();
      tags.forEach(([name, value], k) => {
        if (hitTags[k] === "match" || lower !== name) return;
        if (value === "*" || m.tags![n] === value) {
          hitTags[k] = "match";
          left--;
        } else hitTags[k] = "name";
      });
    }
  }
  return { groups: hitGroups, tags: hitTags };
}

/** Index of the n-th "/" of `id` (1-based), or -1. */
function nthSlash(id: string, n: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) if ((at = id.indexOf("/", at + 1)) < 0) return -1;
  return at;
}

function groupsNamed(spec: Spec): string {
  return spec.managementGroups.length ? `management group(s) ${spec.managementGroups.join(", ")}` : "any management group: the spec names none";
}

function warning(code: string, target: string, message: string): Finding {
  return { severity: "warning", code, target, message };
}
