/**
 * The few Microsoft Graph v1.0 calls the Azure CLI makes to resolve principals (`az role
 * assignment create --assignee`, `az role assignment list`, `az ad sp show`), served under
 * `{emulator}/graph/v1.0/...`, which the cloud metadata names as `microsoftGraphResourceId` (so a
 * client that follows the metadata never reaches the public Graph):
 *
 * - `POST directoryObjects/getByIds` `{ids, types?}`;
 * - `GET servicePrincipals?$filter=` `servicePrincipalNames/any(c:c eq '…')`, `appId eq '…'`,
 *   `displayName eq '…'` or `id eq '…'`; `GET servicePrincipals/{id}`, `servicePrincipals(appId='…')`.
 *
 * The directory holds the emulator's service principal and the managed identities it minted
 * (policy assignments, AKS clusters, Arc machines, VMs and scale sets with a system-assigned
 * identity). Answers have Graph's shape (`@odata.context`, `@odata.type`); errors Graph's codes.
 */
import type { Needs } from "../arm/types";
import { ArmErrors } from "../http/errors";
import { jsonBody, type EmuRequest, type EmuResponse } from "../http/types";
import { getString, isObject, type JsonObject } from "../util/json";
import { EMULATOR_CLIENT_ID, EMULATOR_PRINCIPAL_ID } from "../constants";
import { AKS_TYPE, ARC_TYPE, POLICY_ASSIGNMENT_TYPE, VMSS_TYPE, VM_TYPE } from "../model/resourceTypes";
import { guidFrom } from "../util/random";

type Deps = Needs<"store">;

/** The first path segment of Graph requests on the emulator. */
export const MSGRAPH_PREFIX = "graph";

export function isMsGraphPath(segments: readonly string[]): boolean {
  return segments[0]?.toLowerCase() === MSGRAPH_PREFIX && segments[1]?.toLowerCase() === "v1.0";
}

interface Principal {
  readonly id: string;
  readonly appId: string;
  readonly displayName: string;
  readonly servicePrincipalType: "Application" | "ManagedIdentity";
  readonly servicePrincipalNames: readonly string[];
}

function directory(ctx: Deps): Principal[] {
  const out: Principal[] = [
    { id: EMULATOR_PRINCIPAL_ID, appId: EMULATOR_CLIENT_ID, displayName: "asc-autoprovision emulator", servicePrincipalType: "Application", servicePrincipalNames: [EMULATOR_CLIENT_ID] },
  ];
  for (const r of ctx.store.listTypes([POLICY_ASSIGNMENT_TYPE, AKS_TYPE, ARC_TYPE, VM_TYPE, VMSS_TYPE])) {
    const id = getString(r.doc, "identity", "principalId");
    if (!id) continue;
    const appId = guidFrom(`${id}/appId`);
    out.push({ id, appId, displayName: String(r.doc["name"] ?? id), servicePrincipalType: "ManagedIdentity", servicePrincipalNames: [appId, r.id] });
  }
  return out;
}

function principalDoc(p: Principal): JsonObject {
  return {
    "@odata.type": "#microsoft.graph.servicePrincipal",
    id: p.id,
    appId: p.appId,
    displayName: p.displayName,
    servicePrincipalType: p.servicePrincipalType,
    servicePrincipalNames: [...p.servicePrincipalNames],
    accountEnabled: true,
  };
}

const QUOTED = "'((?:[^']|'')*)'";
const FILTERS: ReadonlyArray<readonly [RegExp, (p: Principal, v: string) => boolean]> = [
  [new RegExp(`^servicePrincipalNames/any\\(\\s*(\\w+)\\s*:\\s*\\1\\s+eq\\s+${QUOTED}\\s*\\)$`, "i"), (p, v) => p.servicePrincipalNames.some((n) => n.toLowerCase() === v)],
  [new RegExp(`^appId\\s+eq\\s+${QUOTED}$`, "i"), (p, v) => p.appId.toLowerCase() === v],
  [new RegExp(`^displayName\\s+eq\\s+${QUOTED}$`, "i"), (p, v) => p.displayName.toLowerCase() === v],
  [new RegExp(`^id\\s+eq\\s+${QUOTED}$`, "i"), (p, v) => p.id.toLowerCase() === v],
];

function filtered(all: Principal[], filter: string): Principal[] {
  for (const [re, test] of FILTERS) {
    const m = re.exec(filter.trim());
    if (m) {
      const value = m[m.length - 1]!.replace(/''/g, "'").toLowerCase();
      return all.filter((p) => test(p, value));
    }
  }
  throw ArmErrors.graphBadRequest(`Unsupported query filter '${filter}': the emulator's Graph supports servicePrincipalNames/any(c:c eq '…'), appId, displayName and id eq '…'.`);
}

const collection = (base: string, value: JsonObject[]): JsonObject => ({ "@odata.context": `${base}/graph/v1.0/$metadata#servicePrincipals`, value });

export function handleMsGraph(ctx: Deps, base: string, req: EmuRequest): EmuResponse {
  const rest = req.segments.slice(2);
  const l = rest.map((s) => s.toLowerCase());
  const all = directory(ctx);
  if (l.length === 2 && l[0] === "directoryobjects" && l[1] === "getbyids") {
    if (req.method !== "POST") throw ArmErrors.graphMethodNotAllowed(req.method);
    req.operation = "POST msgraph/directoryobjects/getbyids";
    const body = jsonBody(req);
    const ids = isObject(body) && Array.isArray(body["ids"]) ? body["ids"].map((i) => String(i).toLowerCase()) : undefined;
    if (!ids) throw ArmErrors.graphBadRequest("Request body must contain 'ids', an array of object ids.");
    const types = isObject(body) && Array.isArray(body["types"]) ? body["types"].map((t) => String(t).toLowerCase()) : undefined;
    const found = types && !types.includes("serviceprincipal") ? [] : all.filter((p) => ids.includes(p.id.toLowerCase()));
    return { status: 200, body: { "@odata.context": `${base}/graph/v1.0/$metadata#directoryObjects`, value: found.map(principalDoc) } };
  }
  if (l[0] === "serviceprincipals" || /^serviceprincipals\(appid='[^']*'\)$/.test(l[0] ?? "")) {
    if (req.method !== "GET") throw ArmErrors.graphMethodNotAllowed(req.method);
    req.operation = "GET msgraph/serviceprincipals";
    const byAppId = /^servicePrincipals\(appId='([^']*)'\)$/i.exec(rest[0]!);
    if (l.length === 1 && !byAppId) {
      const filter = req.query.get("$filter");
      return { status: 200, body: collection(base, (filter ? filtered(all, filter) : all).map(principalDoc)) };
    }
    if (l.length === 1 || l.length === 2) {
      const key = (byAppId ? byAppId[1]! : rest[1]!).toLowerCase();
      const p = all.find((x) => (byAppId ? x.appId : x.id).toLowerCase() === key);
      if (!p) throw ArmErrors.graphNotFound(key);
      return { status: 200, body: { "@odata.context": `${base}/graph/v1.0/$metadata#servicePrincipals/$entity`, ...principalDoc(p) } };
    }
  }
  throw ArmErrors.graphBadRequest(`Resource not found for the segment '${rest.join("/")}': the emulator's Graph serves directoryObjects/getByIds and servicePrincipals only.`);
}
