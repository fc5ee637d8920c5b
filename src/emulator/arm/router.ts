/**
 * The generic ARM dispatcher: resolves `{scope}/providers/{NS}/{type}/{name}...` to a resource
 * type spec and runs GET/PUT/PATCH/DELETE, lists (with nextLink paging), actions and
 * long-running operations the way ARM does for every resource provider.
 */
import type { Registry } from "./registry";
import type { ArmContext, ResourceTypeSpec, SpecialRoute, Target } from "./types";
import { resolveScope, type ResolvedScope } from "./scope";
import { operationBody, type LroManager } from "./lro";
import { pageOf } from "./paging";
import { requireApiVersion } from "./apiVersions";
import { providerDocument } from "./providers";
import { ArmErrors } from "../http/errors";
import { jsonBody, type EmuRequest, type EmuResponse } from "../http/types";
import { lastProvidersIndex } from "../util/armId";
import { isObject, mergePatch, type JsonObject } from "../util/json";
import type { StoredResource } from "../store/resources";


export class ArmRouter {
  constructor(
    private readonly registry: Registry,
    private readonly lro: LroManager,
    private readonly special: readonly SpecialRoute[],
  ) {}

  handle(ctx: ArmContext, req: EmuRequest): EmuResponse {
    for (const route of this.special) {
      const res = route(ctx, req);
      if (res) return res;
    }
    const segs = req.segments;
    const p = lastProvidersIndex(segs);
    if (p < 0) throw ArmErrors.noRoute(req.path);
    const nsRaw = segs[p + 1]!;
    const rest = segs.slice(p + 2);
    const lowerRest = rest.map((s) => s.toLowerCase());
    if (rest.length === 4 && lowerRest[0] === "locations" && ["operations", "operationresults", "operationstatuses", "asyncoperations"].includes(lowerRest[2]!)) {
      return this.operation(ctx, req, rest[3]!, lowerRest[2] === "operationresults");
    }
    const ns = this.registry.namespace(nsRaw);
    if (!ns) throw ArmErrors.invalidResourceNamespace(nsRaw);
    const scope = resolveScope(ctx, segs.slice(0, p));
    if (rest.length === 0) return this.provider(ctx, req, ns, scope);
    const types = rest.filter((_, i) => i % 2 === 0);
    const names = rest.filter((_, i) => i % 2 === 1);
    const apiVersionRaw = req.query.get("api-version");
    if (rest.length % 2 === 0) {
      const spec = this.registry.get(`${ns}/${types.join("/")}`);
      if (!spec) throw ArmErrors.invalidResourceType(types.join("/"), ns, apiVersionRaw);
      const target = this.target(ctx, spec, scope, names);
      return this.instance(ctx, req, spec, target);
    }
    const spec = this.registry.get(`${ns}/${types.join("/")}`);
    if (spec) return this.collection(ctx, req, spec, scope, names);
    if (types.length >= 2) {
      const owner = this.registry.get(`${ns}/${types.slice(0, -1).join("/")}`);
      if (owner) {
        const action = types[types.length - 1]!.toLowerCase();
        const handler = owner.actions?.[`${req.method} ${action}`];
        if (!handler) {
          if (Object.keys(owner.actions ?? {}).some((k) => k.endsWith(" " + action))) throw ArmErrors.methodNotAllowed(req.method);
          throw ArmErrors.invalidResourceType(types.join("/"), ns, apiVersionRaw);
        }
        const apiVersion = requireApiVersion(req, owner.apiVersions);
        const target = this.target(ctx, owner, scope, names);
        const stored = ctx.store.get(target.id) ?? owner.virtual?.(ctx, target);
        if (!stored) throw ArmErrors.resourceNotFound(owner.type, target.name, target.resourceGroup);
        req.operation = `${req.method} ${owner.type.toLowerCase()}/${action}`;
        return handler({ ctx, req, spec: owner, target, apiVersion, stored });
      }
    }
    throw ArmErrors.invalidResourceType(types.join("/"), ns, apiVersionRaw);
  }

  /** Builds the canonical id of an instance, checking scope kind and parent existence. */
  private target(ctx: ArmContext, spec: ResourceTypeSpec, scope: ResolvedScope, names: readonly string[]): Target {
    if (!spec.scopes.includes(scope.kind)) {
      throw ArmErrors.resourceTypeNotAtScope(`The resource type '${spec.type}' cannot be used at a ${scope.kind} scope ('${scope.id || "/"}').`);
    }
    const typeParts = spec.type.split("/");
    let id = `${scope.id}/providers/${typeParts[0]}`;
    let parent: StoredResource | undefined;
    for (let i = 0; i < names.length - 1; i++) {
      id = `${id}/${typeParts[i + 1]}/${names[i]}`;
      parent = ctx.store.get(id);
      if (!parent) {
        throw ArmErrors.parentResourceNotFound(names.slice(0, i + 1).join("/"));
      }
      id = parent.id;
    }
    const name = names[names.length - 1]!;
    id = `${id}/${typeParts[typeParts.length - 1]}/${name}`;
    const existing = ctx.store.get(id);
    return {
      id: existing?.id ?? id,
      name: existing ? String(existing.doc["name"] ?? name) : name,
      scope: scope.id,
      scopeKind: scope.kind,
      subscriptionId: scope.subscriptionId,
      resourceGroup: scope.resourceGroup,
      parent,
      scopeResource: scope.resource,
    };
  }

  private instance(ctx: ArmContext, req: EmuRequest, spec: ResourceTypeSpec, target: Target): EmuResponse {
    const apiVersion = requireApiVersion(req, spec.apiVersions);
    req.operation = `${req.method} ${spec.type.toLowerCase()}`;
    const view = (s: StoredResource): JsonObject => (spec.view ? spec.view(ctx, s, req) : s.doc);
    switch (req.method) {
      case "GET":
      case "HEAD": {
        const stored = ctx.store.get(target.id) ?? spec.virtual?.(ctx, target);
        if (!stored) throw ArmErrors.resourceNotFound(spec.type, target.name, target.resourceGroup);
        return req.method === "HEAD" ? { status: 200 } : { status: 200, body: view(stored) };
      }
      case "PUT":
      case "PATCH": {
        if (!spec.put) throw ArmErrors.methodNotAllowed(req.method);
        const raw = spec.bodyOptional && req.rawBody.length === 0 ? {} : jsonBody(req);
        if (!isObject(raw)) throw ArmErrors.invalidRequestContent("expected a JSON object");
        const existing = ctx.store.get(target.id);
        let body = raw;
        if (req.method === "PATCH") {
          if (!spec.patchable) throw ArmErrors.methodNotAllowed(req.method);
          if (!existing) throw ArmErrors.resourceNotFound(spec.type, target.name, target.resourceGroup);
          body = mergePatch(existing.doc, raw) as JsonObject;
        }
        if (existing && ctx.lro.pending(existing.id)) {
          throw ArmErrors.anotherOperationInProgress(existing.id);
        }
        const put = spec.put;
        return ctx.tx(() => {
          const result = put({ ctx, req, spec, target, apiVersion, body, existing });
          let doc = result.doc;
          let headers: Record<string, string> | undefined;
          if (result.lro) {
            doc = withProvisioningState(doc, existing ? "Updating" : "Creating");
          }
          const stored: StoredResource = { id: target.id, type: spec.type, doc, secret: result.secret ?? null };
          ctx.store.put(stored);
          result.after?.(stored);
          if (result.lro) {
            headers = ctx.lro.begin({
              resourceId: target.id,
              action: "put",
              namespace: spec.type.split("/")[0]!,
              location: locationOf(doc, target, ctx),
              apiVersion,
              final: result.lro.final,
              error: result.lro.error,
            });
          }
          return { status: existing ? (req.method === "PUT" ? (spec.updateStatus ?? 200) : 200) : (spec.createStatus ?? 201), body: view(stored), headers };
        });
      }
      case "DELETE": {
        const stored = ctx.store.get(target.id);
        if (!stored) return { status: 204 };
        if (!spec.put) throw ArmErrors.methodNotAllowed("DELETE");
        return ctx.tx(() => {
          ctx.checkDeleteTree(stored, req);
          if (spec.lroDelete) {
            const doc = withProvisioningState(stored.doc, "Deleting");
            ctx.store.put({ ...stored, doc });
            const headers = ctx.lro.begin({
              resourceId: stored.id,
              action: "delete",
              namespace: spec.type.split("/")[0]!,
              location: locationOf(doc, target, ctx),
              apiVersion,
              final: "Succeeded",
            });
            return { status: 202, headers };
          }
          ctx.deleteTree(stored, req);
          // Policy and role assignment deletes answer with the deleted object; others ignore the body.
          if (spec.deleteStatus === 204) return { status: 204 };
          return { status: 200, body: view(stored) };
        });
      }
      default:
        throw ArmErrors.methodNotAllowed(req.method);
    }
  }

  private collection(ctx: ArmContext, req: EmuRequest, spec: ResourceTypeSpec, scope: ResolvedScope, parentNames: readonly string[]): EmuResponse {
    if (req.method !== "GET") throw ArmErrors.methodNotAllowed(req.method);
    const apiVersion = requireApiVersion(req, spec.apiVersions);
    void apiVersion;
    req.operation = `LIST ${spec.type.toLowerCase()}`;
    let parent: StoredResource | undefined;
    if (parentNames.length > 0) {
      const typeParts = spec.type.split("/");
      let id = `${scope.id}/providers/${typeParts[0]}`;
      for (let i = 0; i < parentNames.length; i++) {
        id = `${id}/${typeParts[i + 1]}/${parentNames[i]}`;
        parent = ctx.store.get(id);
        if (!parent) {
          throw ArmErrors.parentResourceNotFound(parentNames.slice(0, i + 1).join("/"));
        }
        id = parent.id;
      }
    } else if (!spec.scopes.includes(scope.kind) && !(scope.kind === "subscription" && spec.listAtSubscription)) {
      throw ArmErrors.resourceTypeNotAtScope(`The resource type '${spec.type}' cannot be listed at a ${scope.kind} scope.`);
    }
    const input = { ctx, req, scope: scope.id, scopeKind: scope.kind, subscriptionId: scope.subscriptionId, resourceGroup: scope.resourceGroup, parent };
    const items = spec.list
      ? spec.list(input)
      : parent
        ? ctx.store.list(spec.type, { parentId: parent.id })
        : ctx.store.list(spec.type, { subscriptionId: scope.subscriptionId, resourceGroup: scope.resourceGroup });
    const view = (s: StoredResource): JsonObject => (spec.view ? spec.view(ctx, s, req) : s.doc);
    return { status: 200, body: pageOf(req, items, spec.pageSize ?? ctx.settings.listPageSize, ctx.baseUrl(), view) };
  }

  private operation(ctx: ArmContext, req: EmuRequest, id: string, results: boolean): EmuResponse {
    if (req.method !== "GET") throw ArmErrors.methodNotAllowed(req.method);
    if (!req.query.get("api-version")) requireApiVersion(req, []);
    req.operation = "GET operations";
    const op = this.lro.status(id);
    if (!op) throw ArmErrors.operationNotFound(id);
    if (!results) return { status: 200, body: operationBody(op) };
    if (op.status === "InProgress") return { status: 202, headers: { Location: `${ctx.baseUrl()}${req.path}?${req.query.toString()}`, "Retry-After": "1" } };
    if (op.status === "Failed") {
      throw ArmErrors.operationFailed(op.error ? (JSON.parse(op.error) as { code?: string; message?: string }) : {});
    }
    return { status: 200 };
  }

  private provider(ctx: ArmContext, req: EmuRequest, ns: string, scope: ResolvedScope): EmuResponse {
    if (req.method !== "GET") throw ArmErrors.methodNotAllowed(req.method);
    void ctx;
    req.operation = "GET providers";
    return { status: 200, body: providerDocument(this.registry, ns, scope.subscriptionId) };
  }
}

export function withProvisioningState(doc: JsonObject, state: string): JsonObject {
  const props = isObject(doc["properties"]) ? { ...doc["properties"] } : {};
  props["provisioningState"] = state;
  return { ...doc, properties: props };
}

function locationOf(doc: JsonObject, target: Target, ctx: ArmContext): string {
  if (typeof doc["location"] === "string") return doc["location"];
  if (target.parent && typeof target.parent.doc["location"] === "string") return target.parent.doc["location"];
  void ctx;
  return "global";
}
