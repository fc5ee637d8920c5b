/** Microsoft.HybridCompute: Arc-enabled servers and their extensions (long-running, as in Azure). */
import type { PutInput, PutResult, ResourceTypeSpec, Needs } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { ArmErrors } from "../http/errors";
import { clone, getString, isObject, type JsonObject } from "../util/json";
import { newGuid } from "../util/random";
import { defaultGuest, normalizeOs } from "../model/machines";
import { ARC_EXTENSION_TYPE, ARC_TYPE } from "../model/resourceTypes";
import { machineIdentity } from "../model/identity";
import { extensionDeleted, machineDeleted } from "../model/connections";
import { arcExtensionView, machineView } from "../model/views";
import { asDefinedAt } from "../catalog/arcExtensionProperties";
import { putExtension } from "./common/extensionPut";
import { tracked } from "./common/tracked";

/** What these handlers use. */
type Deps = Needs<"store" | "guest" | "heartbeatHistory" | "clock" | "settings" | "extensionLog" | "tenantId">;

const V = API_VERSIONS.hybridCompute;

function putMachine(input: PutInput<Deps>): PutResult {
  const { ctx, body, target, existing } = input;
  const location = typeof body["location"] === "string" ? body["location"] : existing ? String(existing.doc["location"]) : "";
  if (!location) throw ArmErrors.locationRequired();
  const props = isObject(body["properties"]) ? clone(body["properties"]) : {};
  const os = normalizeOs(props["osType"]) ?? normalizeOs(props["osName"]) ?? normalizeOs(getString(existing?.doc, "properties", "osType"));
  if (!os) throw ArmErrors.invalidParameter("Required parameter 'properties.osType' is missing: windows or linux.", "properties.osType");
  for (const k of ["provisioningState", "status", "lastStatusChange", "vmId", "vmUuid"]) delete props[k];
  const computer = getString(props, "displayName") ?? target.name;
  const doc: JsonObject = {
    id: target.id,
    name: target.name,
    type: ARC_TYPE,
    location: location.replace(/\s+/g, "").toLowerCase(),
    kind: body["kind"] ?? null,
    properties: {
      agentVersion: "1.40.02664.1629",
      osSku: os === "Windows" ? "Windows Server 2019 Datacenter" : "Ubuntu 22.04 LTS",
      osVersion: os === "Windows" ? "10.0.17763.6414" : "5.15.0-105-generic",
      machineFqdn: `${computer}.contoso.local`,
      displayName: computer,
      ...props,
      // Arc reports OS names in lower case.
      osName: os.toLowerCase(),
      osType: os.toLowerCase(),
      vmId: getString(existing?.doc, "properties", "vmId") ?? newGuid(),
      provisioningState: "Succeeded",
    },
  };
  if (doc["kind"] === null) delete doc["kind"];
  if (isObject(body["tags"])) doc["tags"] = clone(body["tags"]);
  // Arc machines support a system-assigned identity only (onboarding creates it).
  const identity = machineIdentity(body, existing, ctx.tenantId, false);
  if (identity) doc["identity"] = identity;
  return {
    doc,
    after: (stored) => {
      if (!ctx.guest.get(stored.id)) ctx.guest.put(stored.id, defaultGuest(os, computer, ctx.clock.iso()));
    },
  };
}

export const arcMachines: ResourceTypeSpec<Deps> = {
  type: ARC_TYPE,
  apiVersions: V,
  scopes: ["resourceGroup"],
  listAtSubscription: true,
  patchable: true,
  put: putMachine,
  view: machineView,
  onDeleted: machineDeleted,
};

export const arcExtensions: ResourceTypeSpec<Deps> = {
  type: ARC_EXTENSION_TYPE,
  apiVersions: V,
  scopes: ["resourceGroup"],
  patchable: true,
  lroDelete: true,
  // MachineExtensions_CreateOrUpdate declares 200 and 202 (HybridCompute 2024-07-10); no 201.
  createStatus: 202,
  // Written and read through the model of the request's api-version, as ARM's provider does.
  put: tracked((i) => putExtension({ ...i, body: asDefinedAt(i.body, i.apiVersion) }), (i) => (i.existing && i.target.parent ? [i.target.parent.id] : [])),
  view: (ctx, stored, req) => {
    const apiVersion = req?.query.get("api-version");
    return arcExtensionView(ctx, apiVersion ? asDefinedAt(stored.doc, apiVersion) : stored.doc, stored);
  },
  onDeleted: extensionDeleted,
};
