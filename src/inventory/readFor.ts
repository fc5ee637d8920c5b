/**
 * What an inventory was read for (`readFor`), and whether it can stand for another spec's state.
 *
 * The reader keeps only the machine tags its spec names, so a file read for one spec has no
 * tag another spec excludes by: every machine looks untagged, the exclusion matches nothing and
 * the plan acts on machines that spec leaves alone (user trial 18b). And a file read for a few
 * subscriptions holds none of the others under a management group the spec names, so its figures
 * are not the group's.
 *
 * A file without `readFor` (written before it, or by hand) is taken, as before, to hold every tag
 * the spec names and the spec's whole scope: nothing is checked.
 */
import { EXCLUDE_MDE_AUTO_UPDATE_TAG } from "../spec/defender";
import { resolveServers } from "../spec/defenderSchema";
import type { Spec } from "../spec/schema";
import type { Inventory, InventoryReadFor } from "./schema";

/** A machine tag the spec reads, with the field that names it. */
export interface NamedTag {
  /** Lower-case. */
  readonly name: string;
  readonly field: string;
}

/** Every machine tag the spec reads, in the order of its fields, each name once (the first field that names it). */
export function namedTags(spec: Spec): NamedTag[] {
  const out = new Map<string, NamedTag>();
  const add = (name: string, field: string) => {
    const lower = name.toLowerCase();
    if (!out.has(lower)) out.set(lower, { name: lower, field });
  };
  for (const name of Object.keys(spec.exclude.machineTags)) add(name, `exclude.machineTags.${name}`);
  // Defender's resource-level overrides select machines by tag, and Defender for Endpoint reads
  // the tag that keeps MDE for Linux from updating itself.
  const servers = resolveServers(spec.defender);
  if (servers) {
    servers.overrides.forEach((o) => o.tag && add(o.tag.name, `defender.servers.overrides[${o.index}].tag`));
    add(EXCLUDE_MDE_AUTO_UPDATE_TAG, `defender.servers (Defender for Endpoint reads ${EXCLUDE_MDE_AUTO_UPDATE_TAG})`);
  }
  return [...out.values()];
}

/** The machine tags the reader keeps for the spec (lower-case names). */
export function tagsNamedBy(spec: Spec): string[] {
  return namedTags(spec).map((t) => t.name);
}

/** The record the reader writes for `spec`. */
export function readForOf(spec: Spec): InventoryReadFor {
  return {
    subscriptions: spec.subscriptions.map((s) => s.toLowerCase()).sort(),
    managementGroups: [...spec.managementGroups],
    excludedSubscriptions: spec.exclude.subscriptions.map((s) => s.toLowerCase()).sort(),
    machineTags: tagsNamedBy(spec).sort(),
  };
}

/** The tags the spec reads that an inventory with a record did not keep (none without a record). */
export function tagsNotKept(spec: Spec, inventory: Pick<Inventory, "readFor">): NamedTag[] {
  const kept = inventory.readFor?.machineTags;
  if (!kept) return [];
  const have = new Set(kept.map((t) => t.toLowerCase()));
  return namedTags(spec).filter((t) => !have.has(t.name));
}

/**
 * How the spec's scope reaches past what the inventory was read for, one sentence each (none
 * without a record): a management group neither read nor shown under one that was (by the
 * subscriptions' recorded ancestors), and a subscription the read excluded that the spec does not.
 * A listed subscription the file lacks is the plan's own finding already (subscription-not-found).
 */
export function scopeNotRead(spec: Spec, inventory: Pick<Inventory, "readFor" | "subscriptions">): string[] {
  const read = inventory.readFor;
  if (!read) return [];
  const out: string[] = [];
  const groups = new Set(read.managementGroups.map((g) => g.toLowerCase()));
  const what = describeRead(read);
  for (const g of spec.managementGroups) {
    if (groups.has(g.toLowerCase()) || underReadGroup(g, groups, inventory.subscriptions)) continue;
    out.push(`the inventory was read for ${what}, not management group ${g}: the subscriptions under ${g} that it was not read for are missing from it.`);
  }
  // Under the spec's groups, as far as the file tells (an excluded subscription's ancestors were not read); a listed one is subscription-not-found already.
  if (!spec.managementGroups.length) return out;
  const excludedNow = new Set(spec.exclude.subscriptions.map((s) => s.toLowerCase()));
  const listed = new Set(spec.subscriptions.map((s) => s.toLowerCase()));
  for (const s of read.excludedSubscriptions) {
    const sub = s.toLowerCase();
    if (excludedNow.has(sub) || listed.has(sub)) continue;
    out.push(`the inventory was read with subscription ${sub} excluded (exclude.subscriptions), which this spec does not exclude: its machines are missing from it.`);
  }
  return out;
}

/** Is group `g` below one of the read groups, by some subscription's ancestors (nearest first)? */
function underReadGroup(g: string, read: ReadonlySet<string>, subscriptions: Inventory["subscriptions"]): boolean {
  const name = g.toLowerCase();
  for (const s of subscriptions) {
    const chain = (s.managementGroupAncestors ?? []).map((a) => a.toLowerCase());
    const at = chain.indexOf(name);
    if (at >= 0 && chain.slice(at + 1).some((a) => read.has(a))) return true;
  }
  return false;
}

/** "subscriptions d72f…, c1b9…" / "management group(s) contoso and subscriptions …" */
function describeRead(read: InventoryReadFor): string {
  const parts: string[] = [];
  if (read.managementGroups.length) parts.push(`management group(s) ${read.managementGroups.join(", ")}`);
  if (read.subscriptions.length) parts.push(`subscription(s) ${read.subscriptions.join(", ")}`);
  return parts.length ? parts.join(" and ") : "no subscription";
}
