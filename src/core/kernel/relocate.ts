/**
 * Copies of the machines laid out in memory in the order they are planned in. JSON.parse leaves a
 * machine's objects in file order, interleaved with its strings; every per-machine pass of the
 * plan walks the machines in id order, so an unsorted file made each pass miss the cache on every
 * machine (the seed's decideMachine took 2.0 s at 1M against 0.4 s on a sorted file). Copying the
 * machine objects once, in id order, packs them densely: the passes then read memory in sequence.
 * The copies are shallow below their nested objects and arrays (extensions, agents, identity,
 * tags...), which are copied one level too; strings are shared, but for the id, which is copied
 * beside its machine (laidOutCopy). Same fields, same order, same values: nothing reads a
 * machine's identity, nor a string's.
 */
import type { Inventory, InventoryMachine } from "../../inventory/schema";
import { rememberSortedById, sortById } from "./sortById";

type Fields = Record<string, unknown>;

function copyValue(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      out[i] = item !== null && typeof item === "object" && !Array.isArray(item) ? { ...(item as Fields) } : item;
    }
    return out;
  }
  return { ...(v as Fields) };
}

/**
 * A string equal to `text`, made here and now as one flat string: the machine's id beside its
 * copy. JSON.parse left the ids in file order, so every pass in id order that reads them (the
 * sort checks, the locators, the plan file's records, the basis) missed the cache on each
 * machine: 1M ids compared in order took 0.47 s from the file's strings, 0.06 s from these.
 * V8 makes the joined halves one flat string when a character is first read: here.
 */
export function laidOutCopy(text: string): string {
  const half = text.length >> 1;
  const copy = text.slice(0, half) + text.slice(half);
  void copy.charCodeAt(0);
  return copy;
}

/** One machine's copy (see above). */
export function relocatedMachine(m: InventoryMachine): InventoryMachine {
  const c: Fields = { ...m };
  c.id = laidOutCopy(m.id);
  // The fields that hold objects; the rest are strings, booleans and numbers (schema.ts).
  if (m.extensions !== undefined) c.extensions = copyValue(m.extensions);
  if (m.agents !== undefined) c.agents = copyValue(m.agents);
  if (m.identity) c.identity = copyValue(m.identity);
  if (m.tags !== undefined) c.tags = copyValue(m.tags);
  return c as InventoryMachine;
}

/**
 * The inventory with its machines in id order, as the planner walks them: the same inventory when
 * they are in order already, else one of copies laid out in that order (above). For a caller that
 * sorts before planning (the plan command, to share the sort with the plan's basis): given sorted
 * machines, the planner takes them as they lie, so an unsorted file planned from its sorted
 * references walked memory in file order (1M machines: ~1.5 s more planning than the copies cost).
 */
export function withMachinesLaidOut(inventory: Inventory): Inventory {
  const sorted = sortById(inventory.machines);
  if (sorted === inventory.machines) return inventory;
  const machines = new Array<InventoryMachine>(sorted.length);
  for (let i = 0; i < sorted.length; i++) machines[i] = relocatedMachine(sorted[i]!);
  // The planner and the basis sort these again: known in order, they are not compared again.
  return { ...inventory, machines: rememberSortedById(machines) };
}
