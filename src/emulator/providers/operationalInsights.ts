/**
 * Microsoft.OperationalInsights: Log Analytics workspaces (customerId minted at create, shared
 * keys via POST .../sharedKeys, never in a GET) and their dataSources, where the security-event
 * configuration has one owner: Security Center or Sentinel, never both.
 */
import type { DeleteContext, PutInput, PutResult, ResourceTypeSpec, Needs } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { queryParam } from "../arm/paging";
import { ArmErrors } from "../http/errors";
import type { StoredResource } from "../store/resources";
import { clone, getString, isObject, type JsonObject } from "../util/json";
import { newGuid, newSharedKey } from "../util/random";
import { DATASOURCE_TYPE, DELETED_WORKSPACE_TYPE, SECURITY_CENTER_EVENTS_KIND, SENTINEL_EVENTS_KIND, WORKSPACE_TYPE } from "../model/resourceTypes";
import { deletedWorkspaceNamed, deletedWorkspaces as softDeleted, forgetDeletedWorkspace, softDeleteWorkspace, type DeletedWorkspace } from "../model/deletedWorkspaces";
import { parseId } from "../util/armId";

/** What these handlers use. */
type Deps = Needs<"store" | "guest" | "heartbeatHistory" | "clock" | "tx">;

const SKUS = ["Free", "Standard", "Premium", "PerNode", "PerGB2018", "Standalone", "CapacityReservation", "LACluster"];

export function workspaceDoc(id: string, name: string, location: string, customerId: string, now: string, props: JsonObject = {}, tags?: JsonObject): JsonObject {
  const skuName = getString(props, "sku", "name") ?? "PerGB2018";
  const sku = SKUS.find((s) => s.toLowerCase() === skuName.toLowerCase());
  if (!sku) throw ArmErrors.invalidParameter(`The sku '${skuName}' is not one of ${SKUS.join(", ")}.`, "properties.sku.name");
  const doc: JsonObject = {
    id,
    name,
    type: WORKSPACE_TYPE,
    location: location.replace(/\s+/g, "").toLowerCase(),
    properties: {
      publicNetworkAccessForIngestion: "Enabled",
      publicNetworkAccessForQuery: "Enabled",
      ...props,
      customerId,
      provisioningState: "Succeeded",
      sku: { name: sku, lastSkuUpdate: now },
      retentionInDays: typeof props["retentionInDays"] === "number" ? props["retentionInDays"] : 30,
      features: { legacy: 0, searchVersion: 1, enableLogAccessUsingOnlyResourcePermissions: true, ...(isObject(props["features"]) ? props["features"] : {}) },
      workspaceCapping: { dailyQuotaGb: -1, dataIngestionStatus: "RespectQuota" },
      createdDate: typeof props["createdDate"] === "string" ? props["createdDate"] : now,
      modifiedDate: now,
    },
  };
  if (tags && Object.keys(tags).length > 0) doc["tags"] = tags;
  return doc;
}

const normalLocation = (l: string): string => l.replace(/\s+/g, "").toLowerCase();

/**
 * A new workspace whose name a soft-deleted one holds: recovered when asked for in its resource
 * group and location (same customerId and keys), refused (409) anywhere else in the subscription.
 */
function recoverable(ctx: Deps, input: PutInput<Deps>, location: string): DeletedWorkspace | undefined {
  const { target } = input;
  if (!target.subscriptionId) return undefined;
  const held = deletedWorkspaceNamed(ctx, target.subscriptionId, target.name);
  if (!held) return undefined;
  const heldGroup = parseId(String(held.workspace["id"])).resourceGroup ?? "";
  const heldLocation = String(held.workspace["location"]);
  if (heldGroup.toLowerCase() !== (target.resourceGroup ?? "").toLowerCase() || heldLocation !== normalLocation(location)) {
    throw ArmErrors.workspaceNameSoftDeleted(target.name, heldGroup, heldLocation, held.purgeAt);
  }
  return held;
}

function putWorkspace(input: PutInput<Deps>): PutResult {
  const { ctx, body, target, existing } = input;
  const location = typeof body["location"] === "string" ? body["location"] : existing ? String(existing.doc["location"]) : "";
  if (!location) throw ArmErrors.locationRequired();
  const props = isObject(body["properties"]) ? clone(body["properties"]) : {};
  for (const k of ["customerId", "provisioningState", "modifiedDate"]) delete props[k];
  const recovered = existing ? undefined : recoverable(ctx, input, location);
  const before = existing ?? (recovered ? { doc: recovered.workspace, secret: recovered.tombstone.secret } : undefined);
  if (before) props["createdDate"] = getString(before.doc, "properties", "createdDate") ?? ctx.clock.iso();
  const customerId = before ? (getString(before.doc, "properties", "customerId") ?? newGuid()) : newGuid();
  if (recovered) forgetDeletedWorkspace(ctx, recovered);
  const doc = workspaceDoc(target.id, target.name, location, customerId, ctx.clock.iso(), props, isObject(body["tags"]) ? clone(body["tags"]) : undefined);
  return { doc, secret: before?.secret ?? { primarySharedKey: newSharedKey(), secondarySharedKey: newSharedKey() } };
}

/** DELETE without `force=true` (and a resource group's delete) soft-deletes for 14 days; `force=true` purges. */
function workspaceDeleted(ctx: Deps, stored: StoredResource, del: DeleteContext): void {
  const force = del.req ? (queryParam(del.req, "force") ?? "").toLowerCase() === "true" : false;
  if (!force) softDeleteWorkspace(ctx, stored);
}

export const workspaces: ResourceTypeSpec<Deps> = {
  type: WORKSPACE_TYPE,
  apiVersions: API_VERSIONS.operationalInsights,
  scopes: ["resourceGroup"],
  listAtSubscription: true,
  patchable: true,
  put: putWorkspace,
  onDeleted: workspaceDeleted,
  actions: {
    "POST sharedkeys": ({ stored }) => ({
      status: 200,
      body: { primarySharedKey: stored.secret?.["primarySharedKey"] ?? null, secondarySharedKey: stored.secret?.["secondarySharedKey"] ?? null },
    }),
    "POST regeneratesharedkey": ({ ctx, stored }) => {
      const secret = { primarySharedKey: newSharedKey(), secondarySharedKey: newSharedKey() };
      ctx.tx(() => ctx.store.put({ ...stored, secret }));
      return { status: 200, body: secret };
    },
  },
};

/** `GET .../providers/Microsoft.OperationalInsights/deletedWorkspaces` (subscription or resource group): the soft-deleted workspaces' last documents. */
export const deletedWorkspaces: ResourceTypeSpec<Deps> = {
  type: DELETED_WORKSPACE_TYPE,
  apiVersions: API_VERSIONS.deletedWorkspaces,
  scopes: ["resourceGroup"],
  listAtSubscription: true,
  list: ({ ctx, subscriptionId, resourceGroup }) =>
    subscriptionId ? softDeleted(ctx, subscriptionId, resourceGroup).map((d) => ({ ...d.tombstone, doc: d.workspace, secret: null })) : [],
};

// ---- data sources -------------------------------------------------------------------------

const TIERS = ["None", "Minimal", "Recommended", "All"];
const DATASOURCE_KINDS = [
  SECURITY_CENTER_EVENTS_KIND, SENTINEL_EVENTS_KIND, "SecurityCenterSecurityWindowsBaselineConfiguration", "SecurityWindowsBaselineConfiguration",
  "WindowsEvent", "WindowsPerformanceCounter", "LinuxSyslog", "LinuxSyslogCollection", "LinuxPerformanceObject", "LinuxPerformanceCollection",
  "CustomLog", "CustomLogCollection", "AzureActivityLog", "IISLogs", "ChangeTrackingDefaultRegistry", "ChangeTrackingPath",
  "ChangeTrackingCustomPath", "ChangeTrackingServices", "ChangeTrackingLinuxPath", "ApplicationInsights", "Office365",
  "WindowsTelemetry", "ImportComputerGroup", "NetworkMonitoring",
];

function kindOf(doc: JsonObject): string {
  return typeof doc["kind"] === "string" ? doc["kind"] : "";
}

function putDataSource(input: PutInput<Deps>): PutResult {
  const { ctx, body, target, existing } = input;
  const kindRaw = typeof body["kind"] === "string" ? body["kind"] : "";
  const kind = DATASOURCE_KINDS.find((k) => k.toLowerCase() === kindRaw.toLowerCase());
  if (!kind) throw ArmErrors.invalidParameter(`The data source kind '${kindRaw}' is not valid; 'kind' is required.`, "kind");
  if (!isObject(body["properties"])) throw ArmErrors.invalidParameter("'properties' is required.", "properties");
  const props = clone(body["properties"]);
  if (kind === SECURITY_CENTER_EVENTS_KIND || kind === SENTINEL_EVENTS_KIND) {
    const tierKey = Object.keys(props).find((k) => k.toLowerCase() === "tier");
    const tier = tierKey ? String(props[tierKey]) : "";
    if (!TIERS.some((t) => t.toLowerCase() === tier.toLowerCase())) {
      throw ArmErrors.invalidParameter(`Tier '${tier}' is not one of ${TIERS.join(", ")}.`, "properties.Tier");
    }
    const other = kind === SECURITY_CENTER_EVENTS_KIND ? SENTINEL_EVENTS_KIND : SECURITY_CENTER_EVENTS_KIND;
    const owner = ctx.store.children(target.parent!.id).find((d) => d.type.toLowerCase() === DATASOURCE_TYPE.toLowerCase() && kindOf(d.doc) === other);
    if (owner) {
      const who = other === SENTINEL_EVENTS_KIND ? "Microsoft Sentinel" : "Security Center";
      throw ArmErrors.conflict(
        `Security events of workspace '${String(target.parent!.doc["name"])}' are already configured by ${who} (data source '${String(owner.doc["name"])}' of kind ${other}). ` +
          "Security Center and Microsoft Sentinel cannot both configure security event collection on one workspace.",
      );
    }
  }
  const doc: JsonObject = { id: target.id, name: target.name, type: DATASOURCE_TYPE, kind, properties: props, etag: `W/"datetime'${encodeURIComponent(ctx.clock.iso())}'"` };
  void existing;
  return { doc };
}

export const dataSources: ResourceTypeSpec<Deps> = {
  type: DATASOURCE_TYPE,
  apiVersions: API_VERSIONS.operationalInsights,
  scopes: ["resourceGroup"],
  put: putDataSource,
  list: ({ ctx, req, parent }) => {
    const all = parent ? ctx.store.children(parent.id).filter((d) => d.type.toLowerCase() === DATASOURCE_TYPE.toLowerCase()) : [];
    const filter = queryParam(req, "$filter");
    if (!filter) return all;
    const m = /^kind\s+eq\s+'([^']+)'$/i.exec(filter.trim());
    if (!m) throw ArmErrors.invalidFilter(`Only "$filter=kind eq '<kind>'" is supported, not '${filter}'.`);
    return all.filter((d) => kindOf(d.doc).toLowerCase() === m[1]!.toLowerCase());
  },
};
