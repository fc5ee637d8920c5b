/** Microsoft.ContainerService: AKS managed clusters with `addonProfiles` (PUT long-running). */
import type { PutInput, PutResult, ResourceTypeSpec } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { badRequest } from "../http/errors";
import { clone, getString, isObject, type JsonObject } from "../util/json";
import { guidFrom, newGuid } from "../util/random";
import { AKS_DOC_TYPE, AKS_TYPE } from "./resourceTypes";

/** Add-on keys Azure normalises to lower case (`azurePolicy` → `azurepolicy`). */
function normalizeAddons(value: unknown, clusterId: string, nodeRg: string, subscriptionId: string): JsonObject {
  const out: JsonObject = {};
  if (!isObject(value)) return out;
  for (const [key, profile] of Object.entries(value)) {
    if (!isObject(profile)) throw badRequest("InvalidParameter", `addonProfiles.${key} must be an object with 'enabled'.`);
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

function putCluster(input: PutInput): PutResult {
  const { ctx, body, target, existing } = input;
  const location = (typeof body["location"] === "string" ? body["location"] : existing ? String(existing.doc["location"]) : "").replace(/\s+/g, "").toLowerCase();
  if (!location) throw badRequest("LocationRequired", "The location property is required for this definition.");
  const props = isObject(body["properties"]) ? clone(body["properties"]) : {};
  for (const k of ["provisioningState", "powerState", "fqdn", "currentKubernetesVersion", "maxAgentPools"]) delete props[k];
  const dnsPrefix = typeof props["dnsPrefix"] === "string" ? props["dnsPrefix"] : `${target.name}-dns`;
  const nodeRg = typeof props["nodeResourceGroup"] === "string" ? props["nodeResourceGroup"] : `MC_${target.resourceGroup}_${target.name}_${location}`;
  const version = typeof props["kubernetesVersion"] === "string" ? props["kubernetesVersion"] : "1.30.6";
  const doc: JsonObject = {
    id: target.id,
    name: target.name,
    type: AKS_DOC_TYPE,
    location,
    sku: isObject(body["sku"]) ? clone(body["sku"]) : { name: "Base", tier: "Free" },
    identity: {
      type: "SystemAssigned",
      principalId: getString(existing?.doc, "identity", "principalId") ?? newGuid(),
      tenantId: ctx.tenantId,
    },
    properties: {
      ...props,
      kubernetesVersion: version,
      currentKubernetesVersion: version,
      dnsPrefix,
      fqdn: `${dnsPrefix}-${guidFrom(target.id).slice(0, 8)}.hcp.${location}.azmk8s.io`,
      agentPoolProfiles: Array.isArray(props["agentPoolProfiles"])
        ? props["agentPoolProfiles"]
        : [{ name: "nodepool1", count: 3, vmSize: "Standard_DS2_v2", osType: "Linux", mode: "System", type: "VirtualMachineScaleSets" }],
      addonProfiles: normalizeAddons(props["addonProfiles"], target.id, nodeRg, target.subscriptionId ?? ""),
      nodeResourceGroup: nodeRg,
      enableRBAC: props["enableRBAC"] ?? true,
      maxAgentPools: 100,
      powerState: { code: "Running" },
      provisioningState: "Succeeded",
    },
  };
  if (isObject(body["tags"])) doc["tags"] = clone(body["tags"]);
  return { doc, lro: { final: "Succeeded" } };
}

export const managedClusters: ResourceTypeSpec = {
  type: AKS_TYPE,
  apiVersions: API_VERSIONS.containerService,
  scopes: ["resourceGroup"],
  listAtSubscription: true,
  patchable: true,
  lroDelete: true,
  put: putCluster,
};
