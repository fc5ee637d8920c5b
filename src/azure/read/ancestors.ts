/**
 * resourcecontainers rows -> each subscription's management groups, from its direct parent up to
 * the tenant root group: what tells whether a management group's policy assignment applies to it.
 */
import type { GraphRow } from "../graph";
import { at, str } from "./json";
import { subscriptionOf } from "../../inventory/ids";

export const ANCESTORS_QUERY = [
  "resourcecontainers",
  "| where type =~ 'microsoft.resources/subscriptions'",
  "| project id, type, subscriptionId, properties",
  "| order by id asc",
].join("\n");

/** Lower-case subscription id -> its ancestors' names; a row without the chain is left out (not known). */
export function ancestorsFromRows(rows: readonly GraphRow[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const row of rows) {
    const chain = at(row.properties, "managementGroupAncestorsChain");
    const id = row.subscriptionId || subscriptionOf(row.id);
    if (!id || !Array.isArray(chain)) continue;
    const names = chain.map((g) => str(at(g, "name")));
    if (names.every((n): n is string => !!n)) out.set(id.toLowerCase(), names);
  }
  return out;
}
