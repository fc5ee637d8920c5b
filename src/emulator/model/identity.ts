/**
 * Managed identities of machines (VMs, scale sets, Arc). `identity.type` SystemAssigned mints a
 * principalId/tenantId that stays while the identity stays; user-assigned identities are
 * listed by resource id and get a principalId/clientId each. A PUT without `identity` keeps the
 * current one (as Compute does); `type: None` removes it. PATCH bodies arrive merge-patched
 * onto the stored document, so a PATCH of `identity` alone keeps everything else.
 */
import { ArmErrors } from "../http/errors";
import type { StoredResource } from "../store/resources";
import { clone, getString, isObject, type JsonObject } from "../util/json";
import { guidFrom, newGuid } from "../util/random";
import { docOf, type IdentityDoc } from "./documents";

export type IdentityKind = "SystemAssigned" | "UserAssigned" | "SystemAssigned, UserAssigned" | "None";

const UAI_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;

function parseType(raw: unknown, allowUserAssigned: boolean): IdentityKind {
  const parts = String(raw ?? "").split(",").map((p) => p.trim().toLowerCase()).filter((p) => p !== "");
  const system = parts.includes("systemassigned");
  const user = parts.includes("userassigned");
  const none = parts.includes("none");
  const known = parts.every((p) => ["systemassigned", "userassigned", "none"].includes(p));
  if (!known || parts.length === 0 || (none && parts.length > 1)) {
    throw ArmErrors.invalidParameter(`The value '${String(raw)}' of 'identity.type' is not valid: use SystemAssigned, UserAssigned, 'SystemAssigned, UserAssigned' or None.`);
  }
  if (user && !allowUserAssigned) {
    throw ArmErrors.invalidParameter("This resource type supports only a system-assigned identity ('identity.type' SystemAssigned or None).");
  }
  if (none) return "None";
  return system && user ? "SystemAssigned, UserAssigned" : system ? "SystemAssigned" : "UserAssigned";
}

/**
 * The identity a machine document gets from a (merged) body, keeping the existing principalId
 * and the ids minted for user-assigned identities; undefined = no identity.
 */
export function machineIdentity(
  body: JsonObject,
  existing: StoredResource | undefined,
  tenantId: string,
  allowUserAssigned = true,
): JsonObject | undefined {
  const given = body["identity"];
  const old = isObject(existing?.doc["identity"]) ? (existing!.doc["identity"] as JsonObject) : undefined;
  if (given === undefined || given === null) return old ? clone(old) : undefined;
  if (!isObject(given)) throw ArmErrors.invalidParameter("'identity' must be an object with a 'type'.");
  const type = parseType(given["type"], allowUserAssigned);
  if (type === "None") return undefined;
  const out: JsonObject = { type };
  if (type.startsWith("SystemAssigned")) {
    out["principalId"] = getString(old, "principalId") ?? newGuid();
    out["tenantId"] = tenantId;
  }
  if (type.endsWith("UserAssigned")) {
    const list = isObject(given["userAssignedIdentities"]) ? given["userAssignedIdentities"] : {};
    const previous = isObject(old?.["userAssignedIdentities"]) ? (old!["userAssignedIdentities"] as JsonObject) : {};
    const uais: JsonObject = {};
    for (const [id, value] of Object.entries(list)) {
      if (value === null || value === undefined) continue; // PATCH removes an identity with null
      if (!UAI_ID.test(id)) {
        throw ArmErrors.invalidParameter(`'${id}' is not a user-assigned identity resource id (/subscriptions/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/…).`);
      }
      const prev = Object.entries(previous).find(([k]) => k.toLowerCase() === id.toLowerCase())?.[1];
      uais[id] = isObject(prev) && typeof prev["principalId"] === "string" ? clone(prev) : { principalId: guidFrom(`${id.toLowerCase()}/principal`), clientId: guidFrom(`${id.toLowerCase()}/client`) };
    }
    if (Object.keys(uais).length === 0) {
      throw ArmErrors.invalidParameter("'identity.userAssignedIdentities' must name at least one identity when 'identity.type' includes UserAssigned.");
    }
    out["userAssignedIdentities"] = uais;
  }
  return out;
}

/** Does the machine have a system-assigned identity, and which user-assigned ones (lower-case ids)? */
export function identityOf(machine: StoredResource): { system: boolean; userAssigned: string[] } {
  const identity = docOf<{ identity?: IdentityDoc }>(machine).identity;
  if (!isObject(identity)) return { system: false, userAssigned: [] };
  const type = String(identity.type ?? "").toLowerCase();
  const uais = Object.keys(identity.userAssignedIdentities ?? {}).map((k) => k.toLowerCase());
  return { system: type.includes("systemassigned"), userAssigned: type.includes("userassigned") ? uais : [] };
}

/** The identity with a system-assigned one added (what the AMA policies' templates deploy), user-assigned ones kept. */
export function withSystemAssigned(machine: StoredResource, tenantId: string): JsonObject {
  const { userAssigned } = identityOf(machine);
  const old = isObject(machine.doc["identity"]) ? (machine.doc["identity"] as JsonObject) : {};
  const out: JsonObject = { ...clone(old), type: userAssigned.length > 0 ? "SystemAssigned, UserAssigned" : "SystemAssigned" };
  out["principalId"] = getString(old, "principalId") ?? newGuid();
  out["tenantId"] = tenantId;
  return out;
}
