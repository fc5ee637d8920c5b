/** Who exists in the emulator's directory, and which role assignments cover a resource. */
import type { StoredResource } from "../store/resources";
import { EMULATOR_PRINCIPAL_ID } from "../constants";
import { scopeCovers } from "../util/armId";
import { reachedFrom } from "./managementGroups";
import { getString } from "../util/json";
import type { StoreContext } from "./context";
import { ROLE_ASSIGNMENT_TYPE } from "./resourceTypes";

/** Whether a principal exists in the emulator's directory: the dev service principal, or a managed identity (PRINCIPAL_TYPES). */
export function principalExists(ctx: StoreContext, principalId: string): boolean {
  // A lookup in the store's principal index, not a read of every assignment, cluster and Arc machine.
  return principalId.toLowerCase() === EMULATOR_PRINCIPAL_ID.toLowerCase() || ctx.store.hasPrincipal(principalId);
}

/**
 * Role assignments of a principal whose scope covers `resourceId`: in its subscription, and at the
 * management groups above it (the hierarchy is read only when the principal holds a group's role).
 */
export function roleAssignmentsCovering(ctx: StoreContext, tenantId: string, principalId: string, resourceId: string): StoredResource[] {
  const sub = /^\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1] ?? null;
  const mine = (r: StoredResource) => getString(r.doc, "properties", "principalId") === principalId.toLowerCase();
  const scopeOf = (r: StoredResource) => getString(r.doc, "properties", "scope") ?? "";
  const held = ctx.store.list(ROLE_ASSIGNMENT_TYPE, { subscriptionId: sub }).filter((r) => mine(r) && scopeCovers(scopeOf(r), resourceId));
  const atGroups = sub ? ctx.store.list(ROLE_ASSIGNMENT_TYPE, { subscriptionId: null }).filter(mine) : [];
  if (atGroups.length === 0) return held;
  const reaches = reachedFrom(ctx, tenantId, resourceId);
  return [...held, ...atGroups.filter((r) => reaches(scopeOf(r)))];
}
