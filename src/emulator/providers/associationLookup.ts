/** Finding data collection rule associations: they are stored under their machine's id. */
import type { ArmContext } from "../arm/types";
import type { StoredResource } from "../store/resources";
import { DCR_ASSOCIATION_TYPE } from "./resourceTypes";

/** The machine an association belongs to (everything before its `/providers/Microsoft.Insights/...`). */
export function associationScope(associationId: string): string {
  return associationId.replace(/\/providers\/Microsoft\.Insights\/dataCollectionRuleAssociations\/[^/]+$/i, "");
}

/** A machine's associations. */
export function associationsOfMachine(ctx: ArmContext, machineId: string): StoredResource[] {
  const parts = machineId.split("/");
  const prefix = `${machineId.toLowerCase()}/providers/`;
  return ctx.store.list(DCR_ASSOCIATION_TYPE, { subscriptionId: parts[2] ?? null, resourceGroup: parts[4] ?? null }).filter((a) => a.id.toLowerCase().startsWith(prefix));
}
