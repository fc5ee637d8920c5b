/**
 * Machines and clusters of a subscription the inventory's `subscriptions` does not list. The reader
 * (`inventory --out`) lists every subscription it read and reads machines and clusters only in them,
 * so such an item comes from a hand edit: a typo in the subscription's GUID or in the item's id.
 * The planner would leave it out of every plan without a word (a spec's management groups take
 * their subscriptions from that list), or plan it in a subscription it knows nothing of. An error,
 * one per subscription: the first item's path and how many there are.
 */
import type { ValidationIssue } from "../spec/errors";

/** Where the subscription's GUID is in every id the schema accepts for a machine or a cluster (shapes.ts). */
const GUID_AT = "/subscriptions/".length;
const GUID_END = GUID_AT + 36;

/** The inventory's subscriptions, lower-case: what the checks below look ids up in. */
export function listedSubscriptions(subscriptions: readonly { id: string }[]): ReadonlySet<string> {
  return new Set(subscriptions.map((s) => s.id.toLowerCase()));
}

export function unlistedSubscriptions(list: string, items: readonly { id: string }[], listed: ReadonlySet<string>): ValidationIssue[] {
  const missing = new Map<string, { first: number; count: number }>();
  for (let i = 0; i < items.length; i++) {
    // The GUID as written, lower-cased only when that misses: a slice and a lookup an item.
    const guid = items[i]!.id.slice(GUID_AT, GUID_END);
    if (listed.has(guid)) continue;
    const sub = guid.toLowerCase();
    if (listed.has(sub)) continue;
    const seen = missing.get(sub);
    if (seen) seen.count++;
    else missing.set(sub, { first: i, count: 1 });
  }
  const noun = list.replace(/s$/, "");
  return [...missing].map(([sub, { first, count }]) => ({
    path: `${list}[${first}].id`,
    message:
      `is in subscription ${sub}, which subscriptions does not list (${count === 1 ? `the only ${noun} in it` : `${count} ${noun}s are in it, this the first`}): ` +
      `list the subscription, or correct the id${count === 1 ? "" : "s"}; the planner knows nothing of a subscription the inventory does not list (its onboarding date, its settings)`,
  }));
}

/** Settings of a subscription `subscriptions` does not list: the planner would never read them (a typo in the key, most likely). */
export function unlistedSettings(keys: readonly string[], listed: ReadonlySet<string>): ValidationIssue[] {
  return keys
    .filter((key) => !listed.has(key.toLowerCase()))
    .map((key) => ({ path: `settings.${key}`, message: `are the settings of subscription ${key}, which subscriptions does not list: list the subscription, or correct the key` }));
}

/**
 * A subscription both read (`subscriptions`) and left out by the spec's exclusions
 * (`excludedSubscriptions`): the reader writes each in one of the two, so the file was edited, and
 * which of the two is meant is not for the planner to guess.
 */
export function listedAndExcluded(excluded: readonly string[], listed: ReadonlySet<string>): ValidationIssue[] {
  return excluded.flatMap((sub, i) =>
    listed.has(sub.toLowerCase()) ? [{ path: `excludedSubscriptions[${i}]`, message: `${JSON.stringify(sub)} is listed in subscriptions too: a subscription is either read or excluded; remove it from one of the two` }] : [],
  );
}
