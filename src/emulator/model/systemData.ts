/** ARM `systemData` (who created and last modified a resource, and when), as Insights resources return it. */
import type { EmuRequest } from "../http/types";
import type { StoredResource } from "../store/resources";
import { EMULATOR_PRINCIPAL_ID } from "../constants";
import { getString, type JsonObject } from "../util/json";
import type { ModelContext } from "./context";

export function systemData(ctx: Pick<ModelContext, "clock">, req: EmuRequest | undefined, existing?: StoredResource): JsonObject {
  const now = ctx.clock.iso();
  const who = req?.principal?.oid ?? EMULATOR_PRINCIPAL_ID;
  const old = existing?.doc["systemData"];
  return {
    createdBy: getString(old, "createdBy") ?? who,
    createdByType: getString(old, "createdByType") ?? "Application",
    createdAt: getString(old, "createdAt") ?? now,
    lastModifiedBy: who,
    lastModifiedByType: "Application",
    lastModifiedAt: now,
  };
}
