/**
 * Lookups over an inventory, built once per plan so every per-machine rule is O(1).
 */
import type { Inventory, InventoryCluster, InventoryMachine, InventorySettings, InventorySubscription, InventoryWorkspace } from "../../inventory/schema";
import { subscriptionOf } from "../../inventory/ids";
import type { Spec } from "../../spec/schema";
import { ReasonBook } from "./reasons";
import { relocatedMachine, StringPool } from "./relocate";
import { sortById } from "./sortById";

export interface PlanContext {
  readonly spec: Spec;
  readonly inventory: Inventory;
  readonly inScope: ReadonlySet<string>;
  readonly workspaceById: ReadonlyMap<string, InventoryWorkspace>;
  readonly workspaceByCustomerId: ReadonlyMap<string, InventoryWorkspace>;
  /** Subscriptions (lower-case) present in the inventory, with their onboarding date if known. */
  readonly onboardedAt: ReadonlyMap<string, string | null>;
  /** Security settings by subscription (lower-case). */
  readonly settings: ReadonlyMap<string, InventorySettings>;
  /** Memo of lower-cased ids (the same few workspace ids recur for every machine). */
  readonly lower: (id: string) => string;
  /**
   * One shared instance per distinct string: reasons and subscription ids repeat across a
   * million machines, and keeping one copy of each is what keeps a 1M-machine plan in memory.
   */
  readonly intern: (text: string) => string;
  /** Reasons by code and values (see reasons.ts): a million machines share a few dozen sentences. */
  readonly reasons: ReasonBook;
  /**
   * State a capability keeps for one plan (lookups built on first use), by key. Keyed by an
   * object the capability owns, so capabilities never see each other's state.
   */
  memo<T>(key: object, build: () => T): T;
}

export function buildContext(spec: Spec, inventory: Inventory): PlanContext {
  const workspaceById = new Map<string, InventoryWorkspace>();
  const workspaceByCustomerId = new Map<string, InventoryWorkspace>();
  for (const ws of inventory.workspaces) {
    workspaceById.set(ws.id.toLowerCase(), ws);
    workspaceByCustomerId.set(ws.customerId.toLowerCase(), ws);
  }
  const onboardedAt = new Map<string, string | null>();
  for (const sub of inventory.subscriptions) onboardedAt.set(sub.id.toLowerCase(), sub.onboardedAt ?? null);
  const settings = new Map(Object.entries(inventory.settings).map(([sub, v]) => [sub.toLowerCase(), v] as const));
  const memos = new Map<object, unknown>();
  return {
    spec,
    inventory,
    inScope: subscriptionsInScope(spec, inventory),
    workspaceById,
    workspaceByCustomerId,
    onboardedAt,
    settings,
    lower: memoLower(),
    intern: interner(),
    reasons: new ReasonBook(),
    memo: <T>(key: object, build: () => T): T => {
      // One lookup on the hit path: capabilities ask per machine.
      let found = memos.get(key) as T | undefined;
      if (found === undefined && !memos.has(key)) memos.set(key, (found = build()));
      return found as T;
    },
  };
}

/**
 * The spec's subscriptions less its exclusions. A spec that names management groups adds the
 * inventory's subscriptions under them: the adapter read them for those groups (Resource Graph's
 * `resourcecontainers`); an inventory file may hold others, left out when the management groups
 * above them are recorded and none is named (outsideGroups), taken as under them when not.
 */
export function subscriptionsInScope(spec: Spec, inventory: Pick<Inventory, "subscriptions">): Set<string> {
  const listed = spec.managementGroups.length ? [...spec.subscriptions, ...underGroups(spec, inventory).map((s) => s.id.toLowerCase())] : spec.subscriptions;
  const excluded = new Set(spec.exclude.subscriptions);
  return new Set(listed.filter((s) => !excluded.has(s)));
}

/** The inventory's subscriptions under none of the spec's management groups, by their recorded ancestors (none without groups). */
export function outsideGroups(spec: Spec, inventory: Pick<Inventory, "subscriptions">): InventorySubscription[] {
  if (!spec.managementGroups.length) return [];
  const under = new Set(underGroups(spec, inventory));
  return inventory.subscriptions.filter((s) => !under.has(s));
}

function underGroups(spec: Spec, inventory: Pick<Inventory, "subscriptions">): InventorySubscription[] {
  const groups = new Set(spec.managementGroups.map((g) => g.toLowerCase()));
  return inventory.subscriptions.filter((s) => !s.managementGroupAncestors || s.managementGroupAncestors.some((g) => groups.has(g.toLowerCase())));
}

/** Is the machine left alone by the spec's resource-group or tag exclusions? */
export function excludedMachine(exclude: Spec["exclude"]): (m: InventoryMachine) => boolean {
  const groups = exclude.resourceGroups.map((g) => g.toLowerCase() + "/");
  const tags = Object.entries(exclude.machineTags).map(([name, value]) => [name.toLowerCase(), value] as const);
  if (!groups.length && !tags.length) return () => false;
  return (m) => {
    if (groups.length) {
      const id = m.id.toLowerCase();
      if (groups.some((g) => id.startsWith(g))) return true;
    }
    if (!tags.length || !m.tags) return false;
    const own = Object.entries(m.tags);
    return tags.some(([name, value]) => own.some(([n, v]) => n.toLowerCase() === name && (value === "*" || v === value)));
  };
}

/** Machines of the in-scope subscriptions sorted by id for a stable plan, with each one's subscription; `excluded` counts those the spec's exclusions leave out. */
export function machinesInScope(ctx: PlanContext): { machines: InventoryMachine[]; subscriptionIds: string[]; excluded: number } {
  const machines: InventoryMachine[] = [];
  const subscriptionIds: string[] = [];
  const isExcluded = excludedMachine(ctx.spec.exclude);
  let excluded = 0;
  // Sorted ids come in runs of one subscription: compare with the last prefix, look the
  // subscription up on change only.
  let prefix = "";
  let sub = "";
  let inScope = false;
  const given = ctx.inventory.machines;
  const sorted = sortById(given);
  // An unsorted file leaves the machines in memory in file order: plan from copies laid out in id order (relocate.ts).
  const relocate = sorted !== given;
  const pool = new StringPool();
  for (let i = 0; i < sorted.length; i++) {
    const m = sorted[i]!;
    // slice and compare: startsWith on a million long ids costs three times as much.
    if (prefix === "" || m.id.slice(0, prefix.length) !== prefix) {
      sub = ctx.intern(subscriptionOf(m.id));
      prefix = m.id.slice(0, "/subscriptions/".length + sub.length + 1);
      inScope = ctx.inScope.has(sub);
    }
    if (!inScope) continue;
    if (isExcluded(m)) {
      excluded++;
      continue;
    }
    machines.push(relocate ? relocatedMachine(m, pool) : m);
    subscriptionIds.push(sub);
  }
  return { machines, subscriptionIds, excluded };
}

/** Clusters (AKS and Arc-enabled Kubernetes) of the in-scope subscriptions, sorted by id. */
export function clustersInScope(ctx: PlanContext): InventoryCluster[] {
  return sortById(ctx.inventory.clusters).filter((c) => ctx.inScope.has(ctx.lower(subscriptionOf(c.id))));
}

function interner(): (text: string) => string {
  const seen = new Map<string, string>();
  return (text) => {
    const found = seen.get(text);
    if (found !== undefined) return found;
    seen.set(text, text);
    return text;
  };
}

function memoLower(): (id: string) => string {
  const memo = new Map<string, string>();
  return (id) => {
    let v = memo.get(id);
    if (v === undefined) memo.set(id, (v = id.toLowerCase()));
    return v;
  };
}
