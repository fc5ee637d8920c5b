/**
 * The parts of an inventory a basis digests (dependencies.ts says which): each machine with what
 * is under its id (its DCR associations), and every other item and subscription by lower-case id.
 */
import type { Inventory, InventoryMachine } from "../../inventory/schema";
import { digestOf, fingerprintOf } from "./canonical";
import { resourcePrefix } from "./dependencies";

/** Digest of a part that did not exist. */
export const ABSENT = "absent";

type Identified = { readonly id: string };

function otherLists(inventory: Inventory): readonly (readonly Identified[] | undefined)[] {
  return [
    inventory.workspaces,
    inventory.clusters,
    inventory.policyAssignments,
    inventory.roleAssignments,
    inventory.remediations,
    inventory.dataCollectionRules,
    inventory.dataCollectionRuleAssociations,
  ];
}

/** Every part of an inventory that has an id, by lower-case id (machines only when `withMachines`). */
export function stateIndex(inventory: Inventory, withMachines = true): Map<string, unknown> {
  const index = new Map<string, unknown>();
  const add = (id: string, value: unknown) => index.set(id.toLowerCase(), value);
  for (const s of inventory.subscriptions) add(`/subscriptions/${s.id}`, subscriptionPart(inventory, s));
  for (const list of withMachines ? [inventory.machines, ...otherLists(inventory)] : otherLists(inventory)) for (const item of list ?? []) add(item.id, item);
  return index;
}

/** The part `/subscriptions/{id}` of a subscription: when it was onboarded and its settings. */
export function subscriptionPart(inventory: Inventory, s: Inventory["subscriptions"][number]): unknown {
  return { onboardedAt: s.onboardedAt ?? null, settings: inventory.settings?.[s.id] ?? inventory.settings?.[s.id.toLowerCase()] ?? null };
}

/** The digests of the parts of `index` that `ids` name. */
export function digestsOf(index: ReadonlyMap<string, unknown>, ids: Iterable<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of ids) {
    const part = index.get(id);
    out[id] = part === undefined ? ABSENT : digestOf(part);
  }
  return out;
}

/**
 * Digests of the shared parts `ids` names: the machines' lists are searched only for an id that
 * no other list holds, and only machines whose id has the length of one of those are lower-cased.
 */
export function sharedDigests(inventory: Inventory, ids: ReadonlySet<string>): Record<string, string> {
  const index = stateIndex(inventory, false);
  const missing = new Set([...ids].filter((id) => !index.has(id)));
  if (missing.size) {
    const lengths = new Set([...missing].map((id) => id.length));
    for (const m of inventory.machines) {
      if (!lengths.has(m.id.length)) continue;
      const id = m.id.toLowerCase();
      if (missing.has(id)) index.set(id, m);
    }
  }
  return digestsOf(index, [...ids].sort());
}

/**
 * The digest of each wanted machine's state, by its index in the plan's machines ("" for a
 * machine no step depends on, ABSENT for one the inventory no longer holds). `indexOf` finds an
 * inventory machine's index in the plan (-1 when it is not there); the digest leaves the id out
 * when it is spelled as the plan spells it (the position says which machine it is) and takes it
 * in when it differs (in case only: the record changed).
 *
 * The planner's machines are the inventory's, sorted by id: when the inventory is sorted too (the
 * plan command sorts it before planning; Azure's adapters read it so), the two lists are walked
 * side by side without looking an id up. Whatever that walk leaves is found through `indexOf`.
 */
export function machineDigests(inventory: Inventory, planMachines: readonly Identified[], wanted: Uint8Array, indexOf: (id: string) => number): string[] {
  const under = itemsUnderMachines(inventory);
  // Only a machine whose id ends as one of those items' machine ids does (in any case) is lower-cased and looked up.
  const tails = new Set<number>();
  for (const key of under.keys()) tails.add(caseFoldedTail(key));
  const count = planMachines.length;
  const digests = new Array<string>(count);
  for (let i = 0; i < count; i++) digests[i] = wanted[i] ? ABSENT : "";
  const digest = (m: InventoryMachine, i: number) => {
    const tail = under.size ? caseFoldedTail(m.id) : 0;
    const items = under.size && (tail === NOT_ASCII || tails.has(tail)) ? under.get(m.id.toLowerCase()) : undefined;
    const skip = m.id === planMachines[i]!.id ? "id" : undefined;
    // A fingerprint, not sha256: a million of them are made for every saved plan.
    digests[i] = items ? fingerprintOf({ machine: fingerprintOf(m, skip), under: items }) : fingerprintOf(m, skip);
  };
  const machines = inventory.machines;
  let i = 0;
  for (let j = 0; j < machines.length && i < count; j++) {
    const m = machines[j]!;
    if (m.id !== planMachines[i]!.id) continue;
    if (wanted[i]) digest(m, i);
    i++;
  }
  if (i === count) return digests;
  for (const m of machines) {
    const k = indexOf(m.id);
    if (k >= 0 && wanted[k] && digests[k] === ABSENT) digest(m, k);
  }
  return digests;
}

/** Items of the other lists whose id is under a machine's (an association), by that machine's lower-case id. */
function itemsUnderMachines(inventory: Inventory): Map<string, Identified[]> {
  const under = new Map<string, Identified[]>();
  for (const list of otherLists(inventory)) {
    for (const item of list ?? []) {
      const prefix = resourcePrefix(item.id);
      if (prefix.length === item.id.length) continue;
      const key = prefix.toLowerCase();
      const items = under.get(key);
      if (items) items.push(item);
      else under.set(key, [item]);
    }
  }
  return under;
}

/** How many of an id's last characters `caseFoldedTail` reads. */
const TAIL = 8;
const NOT_ASCII = -1;

/**
 * A number from an id's last characters with A-Z read as a-z (NOT_ASCII when one of them is not
 * ASCII): ids equal once lower-cased have the same one (lower-casing maps an ASCII character to
 * itself or its small letter whatever comes before it), so a machine whose number no item has is
 * not lower-cased. A million machines, a few with associations: a few lower-cased ids, not a million.
 */
export function caseFoldedTail(id: string): number {
  let h = id.length < TAIL ? 1 : 0;
  for (let i = Math.max(0, id.length - TAIL); i < id.length; i++) {
    let c = id.charCodeAt(i);
    if (c > 127) return NOT_ASCII;
    if (c >= 65 && c <= 90) c += 32;
    h = (Math.imul(h, 31) + c) | 0;
  }
  return h === NOT_ASCII ? 0 : h;
}
