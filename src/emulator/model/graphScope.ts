/**
 * The subscriptions a Resource Graph request covers, capped as Azure caps them. A query at
 * management-group scope answers for the first 5,000 subscriptions under each group; any query
 * whose tenant or management-group scope holds more than 10,000 answers for the first 10,000. A
 * cut answer says so with `x-ms-tenant-subscription-limit-hit: true` (Resource Graph's throttling
 * guide: "the response is limited to the first 10,000 subscriptions and the
 * x-ms-tenant-subscription-limit-hit header is returned as true"; earlier versions of the page
 * gave 5,000).
 */
import { Hierarchy } from "./managementGroups";

export const MANAGEMENT_GROUP_SUBSCRIPTION_LIMIT = 5000;
export const TENANT_SUBSCRIPTION_LIMIT = 10_000;
export const SUBSCRIPTION_LIMIT_HIT_HEADER = "x-ms-tenant-subscription-limit-hit";

export interface GraphScope {
  /** Lower-case subscription ids, in id order. */
  readonly subscriptions: string[];
  /** True when a cap left subscriptions out. */
  readonly limitHit: boolean;
}

/** The subscriptions under `groups` (names that exist in `h`), capped; `undefined` groups: the whole tenant. */
export function capturedScope(h: Hierarchy, groups: readonly string[] | undefined): GraphScope {
  let limitHit = false;
  let subscriptions: string[];
  if (groups) {
    const union = new Set<string>();
    for (const g of groups) {
      const under = h.subscriptionsUnder(g);
      if (under.length > MANAGEMENT_GROUP_SUBSCRIPTION_LIMIT) limitHit = true;
      for (const s of under.slice(0, MANAGEMENT_GROUP_SUBSCRIPTION_LIMIT)) union.add(s);
    }
    subscriptions = [...union].sort();
  } else {
    subscriptions = h.allSubscriptions();
  }
  if (subscriptions.length > TENANT_SUBSCRIPTION_LIMIT) {
    limitHit = true;
    subscriptions = subscriptions.slice(0, TENANT_SUBSCRIPTION_LIMIT);
  }
  return { subscriptions, limitHit };
}
