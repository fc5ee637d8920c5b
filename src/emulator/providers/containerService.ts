/** Microsoft.ContainerService: AKS managed clusters with `addonProfiles` (PUT long-running). */
import type { PutInput, PutResult, ResourceTypeSpec, Needs } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { ArmErrors } from "../http/errors";
import { clone, getString, isObject, type JsonObject } from "../util/json";
import { guidFrom, newGuid } from "../util/random";
import { AKS_DOC_TYPE, AKS_TYPE } from "../model/resourceTypes";
import { normalizeAddons } from "../model/clusters";

/** What these handlers use. */
type Deps = Needs<"tenantId">;

function kubeletIdentity(subscriptionId: string, nodeRg: string, cluster: string): JsonObject {
  const resourceId = `/subscriptions/${subscriptionId}/resourcegroups/${nodeRg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${cluster}-agentpool`;
  return { kubeletidentity: { resourceId, clientId: guidFrom(`${resourceId}/client`), objectId: guidFrom(`${resourceId}/object`) } };
}

function putCluster(input: PutInput<Deps>): PutResult {
  const { ctx, body, target, existing } = input;
  const location = (typeof body["location"] === "string" ? body["location"] : existing ? String(existing.doc["location"]) : "").replace(/\s+/g, "").toLowerCase();
  if (!location) throw ArmErrors.locationRequired();
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
      // A managed-identity cluster reports the placeholder principal `msi`, as AKS does.
      servicePrincipalProfile: isObject(props["servicePrincipalProfile"])
        ? { clientId: getString(props, "servicePrincipalProfile", "clientId") ?? "msi" }
        : { clientId: "msi" },
      // AKS always reports the cluster's network (kubenet with a standard load balancer by default).
      networkProfile: isObject(props["networkProfile"])
        ? props["networkProfile"]
        : { networkPlugin: "kubenet", loadBalancerSku: "standard", outboundType: "loadBalancer", podCidr: "10.244.0.0/16", serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.0.0.10" },
      // The kubelet's user-assigned identity in the node resource group, as AKS creates it for a
      // managed-identity cluster (the Azure CLI reads it on every `az aks update`).
      identityProfile: isObject(props["identityProfile"]) ? props["identityProfile"] : kubeletIdentity(target.subscriptionId ?? "", nodeRg, target.name),
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

export const managedClusters: ResourceTypeSpec<Deps> = {
  type: AKS_TYPE,
  apiVersions: API_VERSIONS.containerService,
  scopes: ["resourceGroup"],
  listAtSubscription: true,
  patchable: true,
  lroDelete: true,
  put: putCluster,
};
