/** Resolves the scope part of a path (tenant, subscription, resource group or resource) against the store. */
import type { ArmContext, ScopeKind } from "./types";
import type { StoredResource } from "../store/resources";
import { ArmError, resourceGroupNotFound, resourceNotFound, subscriptionNotFound } from "../http/errors";
import { joinId, parseId } from "../util/armId";

export interface ResolvedScope {
  readonly kind: ScopeKind;
  /** Canonical id of the scope ("" for the tenant). */
  readonly id: string;
  readonly subscriptionId: string | null;
  readonly resourceGroup: string | null;
  readonly resource?: StoredResource;
}

export function subscriptionScopeId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId.toLowerCase()}`;
}

export function requireSubscription(ctx: ArmContext, subscriptionId: string): StoredResource {
  const sub = ctx.store.get(subscriptionScopeId(subscriptionId));
  if (!sub) throw subscriptionNotFound(subscriptionId);
  return sub;
}

export function requireResourceGroup(ctx: ArmContext, subscriptionId: string, name: string): StoredResource {
  requireSubscription(ctx, subscriptionId);
  const rg = ctx.store.get(`${subscriptionScopeId(subscriptionId)}/resourceGroups/${name}`);
  if (!rg) throw resourceGroupNotFound(name);
  return rg;
}

export function resolveScope(ctx: ArmContext, segs: readonly string[]): ResolvedScope {
  if (segs.length === 0) return { kind: "tenant", id: "", subscriptionId: null, resourceGroup: null };
  const lower = segs.map((s) => s.toLowerCase());
  if (lower[0] === "subscriptions" && segs[1]) {
    const sub = requireSubscription(ctx, segs[1]);
    const subscriptionId = segs[1].toLowerCase();
    if (segs.length === 2) return { kind: "subscription", id: sub.id, subscriptionId, resourceGroup: null };
    if (lower[2] === "resourcegroups" && segs[3]) {
      const rg = requireResourceGroup(ctx, subscriptionId, segs[3]);
      const rgName = String(rg.doc["name"]);
      if (segs.length === 4) return { kind: "resourceGroup", id: rg.id, subscriptionId, resourceGroup: rgName };
      const id = joinId(segs);
      const resource = ctx.store.get(id);
      if (!resource) {
        const parts = parseId(id);
        throw resourceNotFound(parts.type, parts.name, rgName);
      }
      return { kind: "resource", id: resource.id, subscriptionId, resourceGroup: rgName, resource };
    }
  }
  if (lower[0] === "providers" && lower[1] === "microsoft.management") {
    throw new ArmError(400, "UnsupportedScope", "Management group scopes are not emulated; use a subscription, resource group or resource scope.");
  }
  throw new ArmError(404, "InvalidRequestUri", `The request URI '${joinId(segs)}' is not a valid Azure Resource Manager scope.`);
}
