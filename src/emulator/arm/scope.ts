/** Resolves the scope part of a path (tenant, subscription, resource group or resource) against the store. */
import type { ArmContext, ScopeKind } from "./types";
import type { StoredResource } from "../store/resources";
import { ArmErrors } from "../http/errors";
import { joinId, parseId, subscriptionScopeId } from "../util/armId";
import { Hierarchy, managementGroupId } from "../model/managementGroups";

export interface ResolvedScope {
  readonly kind: ScopeKind;
  /** Canonical id of the scope ("" for the tenant). */
  readonly id: string;
  readonly subscriptionId: string | null;
  readonly resourceGroup: string | null;
  readonly resource?: StoredResource;
}

export function requireSubscription(ctx: Pick<ArmContext, "store">, subscriptionId: string): StoredResource {
  const sub = ctx.store.get(subscriptionScopeId(subscriptionId));
  if (!sub) throw ArmErrors.subscriptionNotFound(subscriptionId);
  return sub;
}

export function requireResourceGroup(ctx: Pick<ArmContext, "store">, subscriptionId: string, name: string): StoredResource {
  requireSubscription(ctx, subscriptionId);
  const rg = ctx.store.get(`${subscriptionScopeId(subscriptionId)}/resourceGroups/${name}`);
  if (!rg) throw ArmErrors.resourceGroupNotFound(name);
  return rg;
}

export function resolveScope(ctx: Pick<ArmContext, "store" | "tenantId">, segs: readonly string[]): ResolvedScope {
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
        throw ArmErrors.resourceNotFound(parts.type, parts.name, rgName);
      }
      return { kind: "resource", id: resource.id, subscriptionId, resourceGroup: rgName, resource };
    }
  }
  if (lower[0] === "providers" && lower[1] === "microsoft.management") {
    // A management group itself (the tenant root group included) is a scope; what is below it in a path is not.
    if (lower[2] === "managementgroups" && segs[3] && segs.length === 4) {
      const group = Hierarchy.read(ctx, ctx.tenantId).group(segs[3]);
      if (!group) throw ArmErrors.managementGroupNotFound(segs[3]);
      return { kind: "managementGroup", id: managementGroupId(group.name), subscriptionId: null, resourceGroup: null };
    }
    throw ArmErrors.unsupportedScope("Only a management group itself is emulated as a scope under Microsoft.Management.");
  }
  throw ArmErrors.invalidRequestUri(`The request URI '${joinId(segs)}' is not a valid Azure Resource Manager scope.`);
}
