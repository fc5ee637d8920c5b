/**
 * resourcecontainers rows -> each subscription's facts Resource Graph holds: its display name (a
 * subscription row's `name`) and its management groups, from its direct parent up to the tenant
 * root group (what tells whether a management group's policy assignment applies to it).
 */
import type { GraphRow } from "../graph";
import { at, str } from "./json";
import { subscriptionOf } from "../../inventory/ids";

export const ANCESTORS_QUERY = [
  "resourcecontainers",
  "| where type =~ 'microsoft.resources/subscriptions'",
  "| project id, name, type, subscriptionId, properties",
  "| order by id asc",
].join("\n");

export interface SubscriptionContainer {
  /** Absent: the row had no name. */
  readonly displayName?: string;
  /** Absent: the row had no chain (not known). */
  readonly managementGroupAncestors?: string[];
}

/** Lower-case subscription id -> its display name and its ancestors' names, each left out when the row does not have it. */
export function containersFromRows(rows: readonly GraphRow[]): Map<string, SubscriptionContainer> {
  const out = new Map<string, SubscriptionContainer>();
  for (const row of rows) {
    const id = row.subscriptionId || subscriptionOf(row.id);
    if (!id) continue;
    const chain = at(row.properties, "managementGroupAncestorsChain");
    const names = Array.isArray(chain) ? chain.map((g) => str(at(g, "name"))) : undefined;
    const ancestors = names?.every((n): n is string => !!n) ? names : undefined;
    out.set(id.toLowerCase(), { ...(row.name ? { displayName: row.name } : {}), ...(ancestors ? { managementGroupAncestors: ancestors } : {}) });
  }
  return out;
}
