/**
 * Microsoft.Resources: subscriptions (read-only, created by the emulator), resource groups
 * (PUT/GET/HEAD/PATCH/DELETE as a long-running delete), `.../resources` listings and the tags
 * of a scope (`{scope}/providers/Microsoft.Resources/tags/default`).
 */
import type { Needs, SpecialRoute } from "../arm/types";
import { API_VERSIONS, requireApiVersion } from "../arm/apiVersions";
import { pageOf, queryParam } from "../arm/paging";
import { resourceListFilter } from "../arm/resourceFilter";
import { requireResourceGroup, requireSubscription, resolveScope } from "../arm/scope";
import { subscriptionScopeId } from "../util/armId";
import { ArmErrors } from "../http/errors";
import { resourceGroupDoc } from "../model/containers";
import { RESOURCE_GROUP_TYPE, SUBSCRIPTION_TYPE } from "../model/resourceTypes";
import { jsonBody, type EmuRequest, type EmuResponse } from "../http/types";
import { lastProvidersIndex } from "../util/armId";
import { isObject, type JsonObject } from "../util/json";
import type { StoredResource } from "../store/resources";

/** What these handlers use. */
type Deps = Needs<"store" | "tx" | "lro" | "settings" | "baseUrl" | "checkDeleteTree" | "tenantId">;

const SUBSCRIPTION_VERSIONS = [...API_VERSIONS.subscriptions, ...API_VERSIONS.resources];

const RG_NAME = /^[-\w._()]{1,90}$/;

function stringMap(value: unknown, what: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw ArmErrors.invalidRequestContentMessage(`'${what}' must be an object of strings.`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = String(v);
  return out;
}

function subscriptions(ctx: Deps, req: EmuRequest, segs: readonly string[]): EmuResponse {
  requireApiVersion(req, SUBSCRIPTION_VERSIONS);
  if (req.method !== "GET") throw ArmErrors.methodNotAllowed(req.method);
  if (segs.length === 1) {
    req.operation = "LIST microsoft.resources/subscriptions";
    const subs = ctx.store.list(SUBSCRIPTION_TYPE, {});
    return { status: 200, body: { value: subs.map((s) => s.doc), count: { type: "Total", value: subs.length } } };
  }
  req.operation = "GET microsoft.resources/subscriptions";
  const sub = ctx.store.get(subscriptionScopeId(segs[1]!));
  if (!sub) throw ArmErrors.subscriptionNotFound(segs[1]!);
  return { status: 200, body: sub.doc };
}

function resourceGroup(ctx: Deps, req: EmuRequest, subscriptionId: string, name: string): EmuResponse {
  const apiVersion = requireApiVersion(req, API_VERSIONS.resources);
  requireSubscription(ctx, subscriptionId);
  req.operation = `${req.method} microsoft.resources/resourcegroups`;
  const id = `${subscriptionScopeId(subscriptionId)}/resourceGroups/${name}`;
  const existing = ctx.store.get(id);
  switch (req.method) {
    case "GET":
      if (!existing) throw ArmErrors.resourceGroupNotFound(name);
      return { status: 200, body: existing.doc };
    case "HEAD":
      return { status: existing ? 204 : 404 };
    case "PUT":
    case "PATCH": {
      const body = jsonBody(req);
      if (!isObject(body)) throw ArmErrors.invalidRequestContentMessage("The request content was invalid and could not be deserialized.");
      if (req.method === "PATCH" && !existing) throw ArmErrors.resourceGroupNotFound(name);
      if (!RG_NAME.test(name) || name.endsWith(".")) {
        throw ArmErrors.invalidResourceGroupName(name);
      }
      const location = typeof body["location"] === "string" ? body["location"] : existing ? String(existing.doc["location"]) : undefined;
      if (!location) throw ArmErrors.locationRequired();
      if (existing && location.replace(/\s+/g, "").toLowerCase() !== String(existing.doc["location"])) {
        throw ArmErrors.invalidResourceGroupLocation(location, String(existing.doc["location"]));
      }
      const tags = body["tags"] !== undefined ? stringMap(body["tags"], "tags") : req.method === "PATCH" ? stringMap(existing?.doc["tags"], "tags") : undefined;
      const doc = resourceGroupDoc(subscriptionId, existing ? String(existing.doc["name"]) : name, location, tags);
      ctx.tx(() => ctx.store.put({ id: String(doc["id"]), type: RESOURCE_GROUP_TYPE, doc, secret: null }));
      return { status: existing ? 200 : 201, body: doc };
    }
    case "DELETE": {
      if (!existing) throw ArmErrors.resourceGroupNotFound(name);
      return ctx.tx(() => {
        ctx.checkDeleteTree(existing);
        ctx.store.put({ ...existing, doc: { ...existing.doc, properties: { provisioningState: "Deleting" } } });
        const headers = ctx.lro.begin({ resourceId: existing.id, action: "delete", namespace: "Microsoft.Resources", location: String(existing.doc["location"]), apiVersion, final: "Succeeded" });
        return { status: 202, headers: { Location: headers["Location"]!, "Retry-After": "0" } };
      });
    }
    default:
      throw ArmErrors.methodNotAllowed(req.method);
  }
}

/** A field of `$expand` on the resource list (createdTime, changedTime, provisioningState). */
const EXPANDABLE = ["createdtime", "changedtime", "provisioningstate"] as const;

function listResources(ctx: Deps, req: EmuRequest, subscriptionId: string, rg?: string): EmuResponse {
  requireApiVersion(req, API_VERSIONS.resources);
  if (rg) requireResourceGroup(ctx, subscriptionId, rg);
  else requireSubscription(ctx, subscriptionId);
  req.operation = "LIST microsoft.resources/resources";
  const wanted = resourceListFilter(queryParam(req, "$filter"));
  // Tracked resources and their children (VM extensions, data sources, ...); extension resources
  // (role assignments, associations: a second /providers/ in the id) are not listed, as in ARM.
  const items = ctx.store.inGroups(subscriptionId, rg).filter((r) => (r.id.match(/\/providers\//gi) ?? []).length === 1 && wanted(r));
  const expand = new Set((queryParam(req, "$expand") ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean));
  for (const e of expand) {
    if (!(EXPANDABLE as readonly string[]).includes(e)) throw ArmErrors.invalidParameter(`$expand '${e}' is not one of createdTime, changedTime, provisioningState.`, "$expand");
  }
  const summary = (r: StoredResource): JsonObject => {
    const out: JsonObject = { id: r.id, name: r.doc["name"] ?? null, type: r.type, location: r.doc["location"] ?? null };
    for (const k of ["tags", "kind", "sku", "plan", "identity", "managedBy", "extendedLocation"]) if (r.doc[k] !== undefined) out[k] = r.doc[k];
    const system = isObject(r.doc["systemData"]) ? r.doc["systemData"] : {};
    if (expand.has("createdtime") && typeof system["createdAt"] === "string") out["createdTime"] = system["createdAt"];
    if (expand.has("changedtime") && typeof system["lastModifiedAt"] === "string") out["changedTime"] = system["lastModifiedAt"];
    const state = isObject(r.doc["properties"]) ? r.doc["properties"]["provisioningState"] : undefined;
    if (expand.has("provisioningstate") && typeof state === "string") out["provisioningState"] = state;
    return out;
  };
  return { status: 200, body: pageOf(req, items, ctx.settings.listPageSize, ctx.baseUrl(), summary) };
}

/** `{scope}/providers/Microsoft.Resources/tags/default`: the tags of a subscription, group or resource. */
function tags(ctx: Deps, req: EmuRequest, scopeSegs: readonly string[]): EmuResponse {
  requireApiVersion(req, API_VERSIONS.resources);
  req.operation = `${req.method} microsoft.resources/tags`;
  const scope = resolveScope(ctx, scopeSegs);
  if (scope.kind === "tenant" || scope.kind === "managementGroup") throw ArmErrors.resourceTypeNotAtScope(`Tags are not available at the ${scope.kind === "tenant" ? "tenant" : "management group"} scope.`);
  const owner = ctx.store.get(scope.id)!;
  const current = isObject(owner.doc["tags"]) ? (owner.doc["tags"] as Record<string, string>) : {};
  const answer = (t: Record<string, string>): JsonObject => ({
    id: `${scope.id}/providers/Microsoft.Resources/tags/default`,
    name: "default",
    type: "Microsoft.Resources/tags",
    properties: { tags: t },
  });
  if (req.method === "GET") return { status: 200, body: answer(current) };
  const write = (t: Record<string, string>): EmuResponse => {
    ctx.tx(() => ctx.store.put({ ...owner, doc: { ...owner.doc, tags: t } }));
    return { status: 200, body: answer(t) };
  };
  if (req.method === "DELETE") return write({});
  const body = jsonBody(req);
  if (!isObject(body) || !isObject(body["properties"])) throw ArmErrors.invalidRequestContentMessage("Expected {\"properties\":{\"tags\":{...}}}.");
  const given = stringMap(body["properties"]["tags"], "properties.tags") ?? {};
  if (req.method === "PUT") return write(given);
  if (req.method === "PATCH") {
    const op = String(body["operation"] ?? "");
    if (op === "Merge") return write({ ...current, ...given });
    if (op === "Replace") return write(given);
    if (op === "Delete") return write(Object.fromEntries(Object.entries(current).filter(([k, v]) => given[k] === undefined || given[k] !== v)));
    throw ArmErrors.invalidTagOperation(op);
  }
  throw ArmErrors.methodNotAllowed(req.method);
}

export const resourcesRoute: SpecialRoute<Deps> = (ctx, req) => {
  const segs = req.segments;
  const lower = segs.map((s) => s.toLowerCase());
  const p = lastProvidersIndex(segs);
  if (p >= 0) {
    const rest = lower.slice(p + 1);
    if (rest.length === 3 && rest[0] === "microsoft.resources" && rest[1] === "tags" && rest[2] === "default") return tags(ctx, req, segs.slice(0, p));
    return undefined;
  }
  if (lower[0] !== "subscriptions") return undefined;
  if (segs.length <= 2) return subscriptions(ctx, req, segs);
  const sub = segs[1]!;
  if (lower[2] === "resources" && segs.length === 3) return listResources(ctx, req, sub);
  if (lower[2] !== "resourcegroups") return undefined;
  if (segs.length === 3) {
    requireApiVersion(req, API_VERSIONS.resources);
    requireSubscription(ctx, sub);
    if (req.method !== "GET") throw ArmErrors.methodNotAllowed(req.method);
    req.operation = "LIST microsoft.resources/resourcegroups";
    return { status: 200, body: pageOf(req, ctx.store.list(RESOURCE_GROUP_TYPE, { subscriptionId: sub }), ctx.settings.listPageSize, ctx.baseUrl(), (r) => r.doc) };
  }
  if (segs.length === 4) return resourceGroup(ctx, req, sub, segs[3]!);
  if (segs.length === 5 && lower[4] === "resources") return listResources(ctx, req, sub, segs[3]);
  return undefined;
};
