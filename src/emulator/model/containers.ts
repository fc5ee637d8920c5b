/** Subscriptions and resource groups as ARM returns them. */
import { subscriptionScopeId } from "../util/armId";
import type { JsonObject } from "../util/json";
import { toJson, type ResourceGroupDoc } from "./documents";

export function subscriptionDoc(subscriptionId: string, displayName: string, tenantId: string, tags: Record<string, string>): JsonObject {
  return {
    id: subscriptionScopeId(subscriptionId),
    authorizationSource: "RoleBased",
    managedByTenants: [],
    tags,
    subscriptionId: subscriptionId.toLowerCase(),
    tenantId,
    displayName,
    state: "Enabled",
    subscriptionPolicies: { locationPlacementId: "Public_2014-09-01", quotaId: "PayAsYouGo_2014-09-01", spendingLimit: "Off" },
  };
}

export function resourceGroupDoc(subscriptionId: string, name: string, location: string, tags?: Record<string, string>): JsonObject {
  const doc: ResourceGroupDoc = {
    id: `${subscriptionScopeId(subscriptionId)}/resourceGroups/${name}`,
    name,
    type: "Microsoft.Resources/resourceGroups",
    location: location.replace(/\s+/g, "").toLowerCase(),
    properties: { provisioningState: "Succeeded" },
  };
  if (tags && Object.keys(tags).length > 0) doc.tags = tags;
  return toJson(doc);
}
