/**
 * Resource Graph rows -> data collection rules (reduced to their Log Analytics destinations and
 * the xPath queries feeding the security-event stream) and machines' rule associations.
 */
import type { InventoryDataCollectionRule, InventoryDataCollectionRuleAssociation } from "../../inventory/schema";
import { SECURITY_EVENT_STREAM } from "../../spec/dcr";
import type { GraphRow } from "../graph";
import { at, str } from "./json";

export function dataCollectionRuleOf(row: GraphRow): InventoryDataCollectionRule {
  const p = row.properties ?? {};
  const logs = at(p, "destinations", "logAnalytics");
  const destinations = Array.isArray(logs) ? logs.map((d) => str(at(d, "workspaceResourceId"))).filter((d): d is string => !!d) : [];
  const sources = at(p, "dataSources", "windowsEventLogs");
  const xPathQueries = Array.isArray(sources)
    ? sources
        .filter((s) => Array.isArray(at(s, "streams")) && (at(s, "streams") as unknown[]).includes(SECURITY_EVENT_STREAM))
        .flatMap((s) => (Array.isArray(at(s, "xPathQueries")) ? (at(s, "xPathQueries") as unknown[]).filter((q): q is string => typeof q === "string") : []))
    : [];
  return { id: row.id, location: row.location ?? "", destinations, xPathQueries };
}

const ASSOCIATIONS_UNDER = "/providers/microsoft.insights/datacollectionruleassociations/";

/** An association is an extension resource: `<machine id>/providers/Microsoft.Insights/dataCollectionRuleAssociations/<name>`. */
export function associationOf(row: GraphRow): InventoryDataCollectionRuleAssociation | undefined {
  const i = row.id.toLowerCase().indexOf(ASSOCIATIONS_UNDER);
  if (i < 0) return undefined;
  return { id: row.id, machineId: row.id.slice(0, i), dataCollectionRuleId: str(at(row.properties, "dataCollectionRuleId")) ?? null };
}

/** The machine (lower-case) an association row hangs on; undefined for a row that is no association. */
export function machineOfAssociation(row: GraphRow): string | undefined {
  const i = row.id.toLowerCase().indexOf(ASSOCIATIONS_UNDER);
  return i < 0 ? undefined : row.id.slice(0, i).toLowerCase();
}

/** What every association id of a machine starts with (lower-case). */
export function associationPrefix(machineId: string): string {
  return machineId.toLowerCase() + ASSOCIATIONS_UNDER;
}
