/**
 * Creating resources without an HTTP request (fleet generator, admin API): the same type specs
 * build the documents, but the result is stored as finished (no long-running operation).
 */
import type { ArmContext, ResourceTypeSpec, Target } from "./types";
import type { Registry } from "./registry";
import type { EmuRequest } from "../http/types";
import type { StoredResource } from "../store/resources";
import { parseId } from "../util/armId";
import { withProvisioningState } from "./router";
import type { JsonObject } from "../util/json";
import { EMULATOR_PRINCIPAL_ID, EMULATOR_TENANT_ID } from "../constants";

const SYSTEM_REQUEST: EmuRequest = {
  method: "PUT",
  path: "/",
  segments: [],
  query: new URLSearchParams(),
  headers: {},
  rawBody: Buffer.alloc(0),
  remoteAddress: "127.0.0.1",
  requestId: "emulator-internal",
  correlationId: "emulator-internal",
  principal: {
    aud: "https://management.azure.com", iss: `https://sts.windows.net/${EMULATOR_TENANT_ID}/`, iat: 0, nbf: 0, exp: 0,
    appid: "", oid: EMULATOR_PRINCIPAL_ID, sub: EMULATOR_PRINCIPAL_ID, tid: EMULATOR_TENANT_ID, idtyp: "app", ver: "1.0", uti: "",
  },
};

export function createDirect(ctx: ArmContext, registry: Registry, id: string, body: JsonObject): StoredResource {
  const parts = parseId(id);
  const spec: ResourceTypeSpec | undefined = registry.get(parts.type);
  if (!spec?.put) throw new Error(`cannot create resources of type ${parts.type}`);
  const parent = parts.parentId ? ctx.store.get(parts.parentId) : undefined;
  if (parts.parentId && !parent) throw new Error(`parent ${parts.parentId} does not exist`);
  const scopeKind = parts.resourceGroup ? "resourceGroup" : parts.subscriptionId ? "subscription" : "tenant";
  const existing = ctx.store.get(id);
  const target: Target = {
    id: existing?.id ?? id,
    // ARM names are case-insensitive: `VM1` is the existing `vm1`, whose name keeps its first case (as the router's target does).
    name: existing ? String(existing.doc["name"] ?? parts.name) : parts.name,
    scope: parts.scope,
    scopeKind: parts.scope.includes("/providers/") ? "resource" : scopeKind,
    subscriptionId: parts.subscriptionId,
    resourceGroup: parts.resourceGroup,
    parent,
    // Extension resources (associations) are attached to the resource their id starts with.
    scopeResource: parts.scope.includes("/providers/") ? ctx.store.get(parts.scope) : undefined,
  };
  const result = spec.put({ ctx, req: SYSTEM_REQUEST, spec, target, apiVersion: spec.apiVersions[spec.apiVersions.length - 1]!, body, existing });
  const doc = result.lro ? withProvisioningState(result.doc, result.lro.final) : result.doc;
  const stored: StoredResource = { id: target.id, type: spec.type, doc, secret: result.secret ?? null };
  ctx.store.put(stored);
  result.after?.(stored);
  return stored;
}
