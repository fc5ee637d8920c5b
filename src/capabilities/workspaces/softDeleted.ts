/**
 * Soft-deleted workspaces (the inventory's `deletedWorkspaces`) and the default workspaces this
 * tool creates: for 14 days a deleted workspace keeps its name reserved in its subscription. A
 * create of that name in its resource group and location recovers it (same customerId, keys and
 * data); anywhere else Azure refuses it (409). The planner tells the two apart before any write.
 */
import type { InventoryDeletedWorkspace } from "../../inventory/schema";
import { nameOf, resourceGroupOf, subscriptionOf } from "../../inventory/ids";
import type { PlanContext } from "../../core/kernel";

/** The memo key of the soft-deleted workspaces by lower-case `subscription/name`. */
const BY_NAME = {};

/** The soft-deleted workspace holding this workspace id's name in its subscription, if any. */
export function softDeletedHolder(ctx: PlanContext, workspaceId: string): InventoryDeletedWorkspace | undefined {
  const byName = ctx.memo(BY_NAME, () => {
    const map = new Map<string, InventoryDeletedWorkspace>();
    for (const d of ctx.inventory.deletedWorkspaces ?? []) map.set(`${subscriptionOf(d.id)}/${nameOf(d.id)}`.toLowerCase(), d);
    return map;
  });
  return byName.get(`${subscriptionOf(workspaceId)}/${nameOf(workspaceId)}`.toLowerCase());
}

/** The memo key of the soft-deleted workspaces by lower-case customerId. */
const BY_CUSTOMER_ID = {};

/** The soft-deleted workspace with this customerId (its agents still name it: it keeps it when recovered), if any. */
export function softDeletedWithCustomerId(ctx: PlanContext, customerId: string): InventoryDeletedWorkspace | undefined {
  const byId = ctx.memo(BY_CUSTOMER_ID, () => {
    const map = new Map<string, InventoryDeletedWorkspace>();
    for (const d of ctx.inventory.deletedWorkspaces ?? []) if (d.customerId) map.set(d.customerId.toLowerCase(), d);
    return map;
  });
  return byId.get(customerId.toLowerCase());
}

/** Does a create of `workspaceId` in `location` recover the soft-deleted `held` (same group and location)? */
export function recovers(held: InventoryDeletedWorkspace, workspaceId: string, location: string): boolean {
  const norm = (l: string) => l.replace(/\s+/g, "").toLowerCase();
  return resourceGroupOf(held.id).toLowerCase() === resourceGroupOf(workspaceId).toLowerCase() && norm(held.location) === norm(location);
}

/**
 * The workspace id (customerId) a missing default workspace will have: the soft-deleted one's when
 * the plan's create recovers it (same group and location), so its agents, which still name it, are
 * already where the spec sends them. Undefined when nothing is recovered.
 */
export function recoveredCustomerId(ctx: PlanContext, target: RecoverableTarget): string | undefined {
  // Asked per machine whose default workspace is missing: found once per target (targets are shared per subscription and region).
  const byTarget = ctx.memo(RECOVERED, () => new WeakMap<RecoverableTarget, string | null>());
  let found = byTarget.get(target);
  if (found === undefined) {
    const held = target.defaultFor ? softDeletedHolder(ctx, target.id) : undefined;
    found = held?.customerId && target.defaultFor && recovers(held, target.id, target.defaultFor.location) ? held.customerId : null;
    byTarget.set(target, found);
  }
  return found ?? undefined;
}

/** A target workspace as recoveredCustomerId reads it. */
type RecoverableTarget = { readonly id: string; readonly defaultFor?: { readonly location: string } };

/** The memo key of recoveredCustomerId's answers by target. */
const RECOVERED = {};
