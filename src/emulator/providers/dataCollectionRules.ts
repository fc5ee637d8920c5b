/**
 * Microsoft.Insights/dataCollectionRules: synchronous PUT (200/201) validated as the Azure Monitor
 * control plane does (400 InvalidPayload "Data collection rule is invalid" with one detail per
 * problem), PATCH of tags, GET, DELETE, lists by group and subscription, and
 * `GET .../associations` (list by rule). A rule that still has associations is not deleted
 * unless `deleteAssociations=true` (api 2023-03-11+), which deletes them with it.
 */
import type { DeleteContext, PutInput, PutResult, ResourceTypeSpec, Needs } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { pageOf, queryParam } from "../arm/paging";
import { workspaceWithoutSecurityEventTable } from "../model/securityEventTable";
import { ArmErrors } from "../http/errors";
import type { StoredResource } from "../store/resources";
import { clone, getString, isObject, type Json, type JsonObject } from "../util/json";
import { guidFrom, newGuid } from "../util/random";
import { scopeCovers } from "../util/armId";
import { logAnalyticsDestinations } from "../model/connections";
import { associationScope } from "../model/associations";
import { tracked } from "./common/tracked";
import { DCR_ASSOCIATION_TYPE, DCR_TYPE, WORKSPACE_TYPE } from "../model/resourceTypes";
import { workspaceCustomerId } from "../model/workspaces";
import { systemData } from "../model/systemData";

/** What these handlers use. */
type Deps = Needs<"store" | "guest" | "heartbeatHistory" | "clock" | "settings" | "baseUrl" | "deleteTree">;

const KINDS = ["Windows", "Linux"];
/** Streams a windowsEventLogs data source may send (SecurityEvent: the Sentinel/Defender table). */
const WINDOWS_EVENT_STREAMS = ["Microsoft-Event", "Microsoft-WindowsEvent", "Microsoft-SecurityEvent"];

interface Detail {
  readonly code: string;
  readonly message: string;
  readonly target: string;
}

const invalidPayload = ArmErrors.invalidPayload;

function strings(value: Json | undefined): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : undefined;
}

function validateDataSources(sources: JsonObject, kind: string | undefined, names: Set<string>, streams: Set<string>, details: Detail[]): void {
  for (const [type, list] of Object.entries(sources)) {
    if (list === undefined || list === null) continue;
    const at = `properties.dataSources.${type}`;
    if (!Array.isArray(list)) {
      details.push({ code: "InvalidDataSource", message: `'${type}' must be an array.`, target: at });
      continue;
    }
    const windowsOnly = type.toLowerCase() === "windowseventlogs";
    const linuxOnly = type.toLowerCase() === "syslog";
    if ((kind === "Linux" && windowsOnly) || (kind === "Windows" && linuxOnly)) {
      details.push({ code: "InvalidDataSource", message: `Data sources of type '${type}' are not supported for a rule of kind '${kind}'.`, target: at });
    }
    list.forEach((item, i) => {
      const here = `${at}[${i}]`;
      const name = getString(item, "name");
      if (!name) details.push({ code: "InvalidDataSource", message: "'Name' must not be empty.", target: `${here}.name` });
      else if (names.has(name.toLowerCase())) details.push({ code: "InvalidDataSource", message: `Data source name '${name}' is not unique.`, target: `${here}.name` });
      else names.add(name.toLowerCase());
      const s = isObject(item) ? strings(item["streams"]) : undefined;
      if (!s || s.length === 0) details.push({ code: "InvalidDataSource", message: "'Streams' must not be empty.", target: `${here}.streams` });
      for (const stream of s ?? []) {
        streams.add(stream.toLowerCase());
        if (windowsOnly && !WINDOWS_EVENT_STREAMS.some((w) => w.toLowerCase() === stream.toLowerCase())) {
          details.push({ code: "InvalidDataSource", message: `Stream '${stream}' is not supported by windowsEventLogs; use ${WINDOWS_EVENT_STREAMS.join(", ")}.`, target: `${here}.streams` });
        }
      }
      if (!windowsOnly) return;
      const target = `Properties.DataSources.WindowsEventLogs[${i}].XPathQueries`;
      const queries = isObject(item) ? strings(item["xPathQueries"]) : undefined;
      if (!queries || queries.length === 0) {
        // The two messages Azure answers for an empty list.
        details.push({ code: "InvalidDataSource", message: "'X Path Queries' must not be empty.", target });
        details.push({ code: "InvalidDataSource", message: `'X Path Queries' item count should be 1 or more. Specified list has ${queries?.length ?? 0} items.`, target });
        return;
      }
      for (const q of queries) {
        const bang = q.indexOf("!");
        if (bang <= 0 || q.slice(bang + 1).trim() === "") details.push({ code: "InvalidDataSource", message: `XPath query '${q}' is invalid: expected '<channel>!<XPath>'.`, target });
      }
    });
  }
}

function validateDestinations(ctx: Deps, destinations: JsonObject, names: Set<string>, details: Detail[]): void {
  for (const [type, list] of Object.entries(destinations)) {
    if (list === undefined || list === null) continue;
    const at = `properties.destinations.${type}`;
    const items = Array.isArray(list) ? list : isObject(list) ? [list] : undefined; // azureMonitorMetrics is one object
    if (!items) {
      details.push({ code: "InvalidDestination", message: `'${type}' must be an array.`, target: at });
      continue;
    }
    items.forEach((item, i) => {
      const here = Array.isArray(list) ? `${at}[${i}]` : at;
      const name = getString(item, "name");
      if (!name) details.push({ code: "InvalidDestination", message: "'Name' must not be empty.", target: `${here}.name` });
      else if (names.has(name.toLowerCase())) details.push({ code: "InvalidDestination", message: `Destination name '${name}' is not unique.`, target: `${here}.name` });
      else names.add(name.toLowerCase());
      if (type.toLowerCase() !== "loganalytics") return;
      const wsId = getString(item, "workspaceResourceId");
      const ws = wsId ? ctx.store.get(wsId) : undefined;
      if (!wsId) details.push({ code: "InvalidDestination", message: "'Workspace Resource Id' must not be empty.", target: `${here}.workspaceResourceId` });
      else if (!ws || ws.type.toLowerCase() !== WORKSPACE_TYPE.toLowerCase()) {
        details.push({ code: "InvalidDestination", message: `Log Analytics workspace '${wsId}' does not exist or cannot be accessed.`, target: `${here}.workspaceResourceId` });
      }
    });
  }
}

function validateDataFlows(flows: Json | undefined, destinationNames: Set<string>, streams: Set<string>, details: Detail[]): void {
  if (flows === undefined || flows === null) return;
  if (!Array.isArray(flows)) {
    details.push({ code: "InvalidDataFlow", message: "'DataFlows' must be an array.", target: "properties.dataFlows" });
    return;
  }
  flows.forEach((flow, i) => {
    const target = `properties.dataFlows[${i}]`;
    const s = isObject(flow) ? strings(flow["streams"]) : undefined;
    const d = isObject(flow) ? strings(flow["destinations"]) : undefined;
    if (!s || s.length === 0) details.push({ code: "InvalidDataFlow", message: "'Streams' must not be empty.", target });
    if (!d || d.length === 0) details.push({ code: "InvalidDataFlow", message: "'Destinations' must not be empty.", target });
    for (const name of d ?? []) if (!destinationNames.has(name.toLowerCase())) details.push({ code: "InvalidDataFlow", message: `'DataFlows' destination name is unknown: ${name}.`, target });
    for (const stream of s ?? []) if (!streams.has(stream.toLowerCase())) details.push({ code: "InvalidDataFlow", message: `'DataFlows' stream name is unknown: ${stream}.`, target });
  });
}

/** The rule's properties as stored: validated, read-only ones replaced, Log Analytics destinations with their workspaceId. */
function ruleProperties(ctx: Deps, body: JsonObject, kind: string | undefined): JsonObject {
  const props = isObject(body["properties"]) ? clone(body["properties"]) : {};
  for (const k of ["immutableId", "provisioningState", "metadata", "endpoints"]) delete props[k];
  const details: Detail[] = [];
  const sourceNames = new Set<string>();
  const streams = new Set<string>();
  const destinationNames = new Set<string>();
  for (const decl of Object.keys(isObject(props["streamDeclarations"]) ? props["streamDeclarations"] : {})) streams.add(decl.toLowerCase());
  if (props["dataSources"] !== undefined && !isObject(props["dataSources"])) details.push({ code: "InvalidDataSource", message: "'DataSources' must be an object.", target: "properties.dataSources" });
  else if (isObject(props["dataSources"])) validateDataSources(props["dataSources"], kind, sourceNames, streams, details);
  if (props["destinations"] !== undefined && !isObject(props["destinations"])) details.push({ code: "InvalidDestination", message: "'Destinations' must be an object.", target: "properties.destinations" });
  else if (isObject(props["destinations"])) validateDestinations(ctx, props["destinations"], destinationNames, details);
  validateDataFlows(props["dataFlows"], destinationNames, streams, details);
  if (details.length > 0) throw invalidPayload("Data collection rule is invalid", details);
  const la = isObject(props["destinations"]) ? props["destinations"]["logAnalytics"] : undefined;
  if (Array.isArray(la)) {
    for (const d of la) if (isObject(d)) d["workspaceId"] = workspaceCustomerId(ctx.store.get(String(d["workspaceResourceId"]))!);
  }
  return props;
}

function putRule(input: PutInput<Deps>): PutResult {
  const { ctx, target, existing, req } = input;
  // PATCH changes tags (and identity) only; the body arrives merged onto the stored rule.
  const body = req.method === "PATCH" && existing ? { ...existing.doc, tags: input.body["tags"] ?? null } : input.body;
  const location = typeof body["location"] === "string" ? body["location"] : existing ? String(existing.doc["location"]) : "";
  if (!location) throw ArmErrors.locationRequired();
  const kindRaw = body["kind"];
  const kind = kindRaw === undefined || kindRaw === null ? undefined : KINDS.find((k) => k.toLowerCase() === String(kindRaw).toLowerCase());
  if (kindRaw !== undefined && kindRaw !== null && !kind) {
    throw invalidPayload("Data collection rule is invalid", [{ code: "InvalidKind", message: `Kind '${String(kindRaw)}' is not supported; use Windows, Linux or no kind.`, target: "kind" }]);
  }
  const props = ruleProperties(ctx, body, kind);
  const noTable = workspaceWithoutSecurityEventTable(ctx, props);
  if (noTable) {
    throw ArmErrors.invalidOutputTable(`Table for output stream 'Microsoft-SecurityEvent' is not available for destination '${noTable}': the workspace needs the Security or SecurityInsights solution.`);
  }
  props["immutableId"] = getString(existing?.doc, "properties", "immutableId") ?? `dcr-${guidFrom(`${target.id.toLowerCase()}/${newGuid()}`).replace(/-/g, "")}`;
  props["provisioningState"] = "Succeeded";
  const doc: JsonObject = {
    id: target.id,
    name: target.name,
    type: DCR_TYPE,
    location: location.replace(/\s+/g, "").toLowerCase(),
    ...(isObject(body["tags"]) ? { tags: clone(body["tags"]) } : {}),
    ...(kind ? { kind } : {}),
    etag: `"${newGuid()}"`,
    systemData: systemData(ctx, req, existing),
    properties: props,
  };
  // When each destination was added (an agent heartbeats there a minute after it learns of it).
  const oldSince = isObject(existing?.secret?.["destinationsSince"]) ? (existing!.secret!["destinationsSince"] as JsonObject) : {};
  const destinationsSince: JsonObject = {};
  for (const ws of logAnalyticsDestinations({ id: target.id, type: DCR_TYPE, doc, secret: null })) {
    destinationsSince[ws.toLowerCase()] = oldSince[ws.toLowerCase()] ?? ctx.clock.iso();
  }
  return { doc, secret: { destinationsSince } };
}

/** Associations anywhere that name this rule. */
export function associationsOfRule(ctx: Deps, ruleId: string): StoredResource[] {
  const l = ruleId.toLowerCase();
  return ctx.store.listTypes([DCR_ASSOCIATION_TYPE]).filter((a) => (getString(a.doc, "properties", "dataCollectionRuleId") ?? "").toLowerCase() === l);
}

function deleteAssociationsRequested(del: DeleteContext): boolean {
  return del.req !== undefined && (queryParam(del.req, "deleteAssociations") ?? "").toLowerCase() === "true";
}

/** Azure keeps a rule that resources are associated with (terraform-provider-azurerm#24785) unless asked to delete them too. */
function refuseWhileAssociated(ctx: Deps, rule: StoredResource, del: DeleteContext): void {
  if (deleteAssociationsRequested(del)) return;
  // Associations of machines deleted in the same cascade (a resource group) go anyway.
  const remaining = associationsOfRule(ctx, rule.id).filter((a) => !scopeCovers(del.rootId, a.id));
  if (remaining.length === 0) return;
  throw ArmErrors.conflict(
    `Data collection rule '${String(rule.doc["name"])}' cannot be deleted: ${remaining.length} resource(s) are associated with it, e.g. '${associationScope(remaining[0]!.id)}'. ` +
      "Delete the associations first, or delete the rule with deleteAssociations=true to delete them with it.",
  );
}

/** Machines associated with the rule now: a rule update can change where their agents send. */
function associatedMachines(input: PutInput<Deps>): string[] {
  return input.existing ? associationsOfRule(input.ctx, input.existing.id).map((a) => associationScope(a.id)) : [];
}

export const dataCollectionRules: ResourceTypeSpec<Deps> = {
  type: DCR_TYPE,
  apiVersions: API_VERSIONS.insights,
  scopes: ["resourceGroup"],
  listAtSubscription: true,
  patchable: true,
  put: tracked(putRule, associatedMachines),
  beforeDelete: refuseWhileAssociated,
  onDeleted: (ctx, rule) => {
    for (const a of associationsOfRule(ctx, rule.id)) ctx.deleteTree(a);
  },
  actions: {
    "GET associations": ({ ctx, req, stored }) => ({
      status: 200,
      body: pageOf(req, associationsOfRule(ctx, stored.id), ctx.settings.listPageSize, ctx.baseUrl(), (a) => a.doc),
    }),
  },
};
