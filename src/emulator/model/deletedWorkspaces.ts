/**
 * Soft-deleted Log Analytics workspaces, as Azure keeps them: a DELETE without `force=true` (or a
 * resource group's delete) keeps the workspace 14 days, out of GET and lists, its name reserved in
 * its subscription; a PUT of that name in the same resource group and location recovers it (same
 * customerId, keys and data). Source: learn.microsoft.com "Delete and recover a Log Analytics
 * workspace"; REST Workspaces_Delete `force`, DeletedWorkspaces_List.
 *
 * A tombstone is stored beside the resources at a subscription-level id (no resource group, so
 * no group listing or cascade sees it): `/subscriptions/{s}/providers/Microsoft.OperationalInsights/deletedWorkspaces/{customerId}`.
 */
import type { StoredResource } from "../store/resources";
import { parseId } from "../util/armId";
import { isObject, type JsonObject } from "../util/json";
import type { ModelContext } from "./context";
import { DELETED_WORKSPACE_TYPE } from "./resourceTypes";
import { workspaceCustomerId } from "./workspaces";

export const SOFT_DELETE_DAYS = 14;
const SOFT_DELETE_MS = SOFT_DELETE_DAYS * 24 * 3600 * 1000;

type Ctx = Pick<ModelContext, "store" | "clock">;

/** A soft-deleted workspace: its last document (what the deletedWorkspaces list shows) and keys. */
export interface DeletedWorkspace {
  readonly tombstone: StoredResource;
  readonly workspace: JsonObject;
  readonly deletedAt: string;
  readonly purgeAt: string;
}

function asDeleted(t: StoredResource): DeletedWorkspace | undefined {
  const ws = t.doc["workspace"];
  if (!isObject(ws)) return undefined;
  return { tombstone: t, workspace: ws, deletedAt: String(t.doc["deletedAt"]), purgeAt: String(t.doc["purgeAt"]) };
}

/** Keeps a workspace being deleted for 14 days (the caller deletes the resource itself). */
export function softDeleteWorkspace(ctx: Ctx, ws: StoredResource): void {
  const sub = parseId(ws.id).subscriptionId;
  if (!sub) return;
  const now = ctx.clock.now();
  const id = `/subscriptions/${sub}/providers/${DELETED_WORKSPACE_TYPE}/${workspaceCustomerId(ws)}`;
  const doc: JsonObject = { id, workspace: ws.doc, deletedAt: new Date(now).toISOString(), purgeAt: new Date(now + SOFT_DELETE_MS).toISOString() };
  ctx.store.put({ id, type: DELETED_WORKSPACE_TYPE, doc, secret: ws.secret });
}

/** The subscription's soft-deleted workspaces (of one group if given) still within 14 days; expired ones are purged. */
export function deletedWorkspaces(ctx: Ctx, subscriptionId: string, resourceGroup?: string | null): DeletedWorkspace[] {
  const now = ctx.clock.now();
  const out: DeletedWorkspace[] = [];
  for (const t of ctx.store.list(DELETED_WORKSPACE_TYPE, { subscriptionId })) {
    const d = asDeleted(t);
    if (!d || Date.parse(d.purgeAt) <= now) {
      ctx.store.deleteTree(t.id);
      continue;
    }
    if (resourceGroup && (parseId(String(d.workspace["id"])).resourceGroup ?? "").toLowerCase() !== resourceGroup.toLowerCase()) continue;
    out.push(d);
  }
  return out;
}

/** The soft-deleted workspace holding a name in a subscription (names are reserved subscription-wide). */
export function deletedWorkspaceNamed(ctx: Ctx, subscriptionId: string, name: string): DeletedWorkspace | undefined {
  return deletedWorkspaces(ctx, subscriptionId).find((d) => String(d.workspace["name"]).toLowerCase() === name.toLowerCase());
}

/** Ends a soft delete: the workspace is recovered or purged. */
export function forgetDeletedWorkspace(ctx: Ctx, d: DeletedWorkspace): void {
  ctx.store.deleteTree(d.tombstone.id);
}
