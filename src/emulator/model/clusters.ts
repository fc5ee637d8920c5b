/** AKS clusters: add-on profiles as Azure normalises them. */
import { ArmErrors } from "../http/errors";
import { clone, isObject, type JsonObject } from "../util/json";
import { guidFrom } from "../util/random";

/** Add-on keys Azure normalises to lower case (`azurePolicy` → `azurepolicy`). */
export function normalizeAddons(value: unknown, clusterId: string, nodeRg: string, subscriptionId: string): JsonObject {
  const out: JsonObject = {};
  if (!isObject(value)) return out;
  for (const [key, profile] of Object.entries(value)) {
    if (!isObject(profile)) throw ArmErrors.invalidParameter(`addonProfiles.${key} must be an object with 'enabled'.`);
    const name = key.toLowerCase() === "azurepolicy" ? "azurepolicy" : key;
    const enabled = profile["enabled"] === true;
    const p: JsonObject = { enabled, config: isObject(profile["config"]) ? clone(profile["config"]) : null };
    if (enabled && name === "azurepolicy") {
      const identityName = `azurepolicy-${clusterId.split("/").pop()}`;
      p["identity"] = {
        resourceId: `/subscriptions/${subscriptionId}/resourcegroups/${nodeRg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identityName}`,
        clientId: guidFrom(`${clusterId}/azurepolicy/client`),
        objectId: guidFrom(`${clusterId}/azurepolicy/object`),
      };
    }
    out[name] = p;
  }
  return out;
}

/** The cluster document with an add-on enabled (what a remediation deployment does). */
export function withAddonEnabled(doc: JsonObject, addon: string): JsonObject {
  const out = clone(doc);
  const props = isObject(out["properties"]) ? out["properties"] : {};
  const profiles = isObject(props["addonProfiles"]) ? props["addonProfiles"] : {};
  profiles[addon] = { ...(isObject(profiles[addon]) ? profiles[addon] : {}), enabled: true };
  const id = String(out["id"]);
  const sub = /^\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? "";
  props["addonProfiles"] = normalizeAddons(profiles, id, String(props["nodeResourceGroup"] ?? ""), sub);
  out["properties"] = props;
  return out;
}
