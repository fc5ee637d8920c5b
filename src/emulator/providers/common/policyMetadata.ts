/** The `properties.metadata` Azure Policy keeps on what it stores (assignments, custom definitions): the caller's, plus who created and last updated it, and when. */
import type { EmuRequest } from "../../http/types";
import type { StoredResource } from "../../store/resources";
import { isObject, type JsonObject } from "../../util/json";

export function policyMetadata(given: unknown, existing: StoredResource | undefined, req: EmuRequest, now: string): JsonObject {
  const props = existing?.doc["properties"];
  const old = isObject(props) ? props["metadata"] : undefined;
  return {
    ...(isObject(given) ? given : {}),
    createdBy: isObject(old) ? old["createdBy"] ?? null : req.principal?.oid ?? null,
    createdOn: isObject(old) ? old["createdOn"] ?? now : now,
    ...(existing ? { updatedBy: req.principal?.oid ?? null, updatedOn: now } : {}),
  };
}
