/**
 * Lookups over an inventory, built once per plan so every per-machine rule is O(1).
 */
import type { Inventory, InventoryMachine, InventorySettings, InventoryWorkspace } from "../inventory/schema";
import { subscriptionOf } from "../inventory/ids";
import type { Spec } from "../spec/schema";

/** Seed: "existing machines on subscriptions onboarded to Security Center before 17 March 2019". */
export const LEGACY_ONBOARDING_CUTOFF = "2019-03-17";

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
  return {
    spec,
    inventory,
    inScope: new Set(spec.subscriptions),
    workspaceById,
    workspaceByCustomerId,
    onboardedAt,
    settings,
  };
}

export function isLegacySubscription(ctx: PlanContext, subscriptionId: string): boolean {
  const at = ctx.onboardedAt.get(subscriptionId);
  return at != null && at.slice(0, 10) < LEGACY_ONBOARDING_CUTOFF;
}

/** Machines of the in-scope subscriptions, sorted by id (case-insensitively) for a stable plan. */
export function machinesInScope(ctx: PlanContext): InventoryMachine[] {
  const list = ctx.inventory.machines.filter((m) => ctx.inScope.has(subscriptionOf(m.id)));
  return sortById(list);
}

/** Sorts by lower-cased id; skips the sort when the input is already in order (adapters emit it so). */
export function sortById<T extends { id: string }>(items: T[]): T[] {
  const keys = items.map((i) => i.id.toLowerCase());
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) if (keys[i - 1]! > keys[i]!) sorted = false;
  if (sorted) return items;
  const order = keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  return order.map((i) => items[i]!);
}

export function workspaceLabel(id: string): string {
  const i = id.lastIndexOf("/");
  return i < 0 ? id : id.slice(i + 1);
}
