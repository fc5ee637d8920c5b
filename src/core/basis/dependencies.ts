/**
 * What a plan's steps depend on, sorted into the two kinds of part a saved plan's basis digests:
 * the machines of the plan (a step names a machine, or a resource under it such as its extension
 * or its DCR association: that machine's state) and shared parts (subscriptions, workspaces,
 * rules, policies), by lower-case ARM id.
 *
 * A step depends on its target and on every ARM id in its details (and on their subscriptions).
 * A function of the plan alone, so `apply --plan` finds the same parts in the saved plan as `plan`
 * found in the plan it wrote. Linear and without a string per step: a machine's compact steps
 * (kernel/compact.ts) are sorted by their shape, once per shape.
 */
import { compactRecordOf, type StepShape } from "../kernel/compact";

export interface StepLike {
  readonly target: string;
  readonly details: unknown;
}

export interface Dependencies {
  /** 1 for each machine of the plan (by its index) that a step depends on. */
  readonly machines: Uint8Array;
  /** The other parts, by lower-case id. */
  readonly shared: ReadonlySet<string>;
}

const ARM_ID = /^\/subscriptions\/[^/]+/i;

/** Where an id is: a machine's index, or a shared part (-1, added to the set). */
type Place = number;

/** A machine's index in a plan by its id (as the plan spells it), or -1. */
export type MachineIndex = (id: string) => number;

/** A plan's machines by id: one map, for the steps' ids and the inventory's machines (which come in any order). */
export function machineIndexOf(machines: readonly { readonly id: string }[]): MachineIndex {
  const byId = new Map<string, number>();
  machines.forEach((m, i) => byId.set(m.id, i));
  return (id) => byId.get(id) ?? -1;
}

export function dependenciesOf(plan: { readonly machines: readonly { readonly id: string }[]; readonly steps: readonly StepLike[] }, indexOf = machineIndexOf(plan.machines)): Dependencies {
  const sorter = new Sorter(plan.machines, indexOf);
  for (const step of plan.steps) {
    const record = compactRecordOf(step);
    if (record) sorter.compact(record.machineId, record.shape);
    else sorter.plain(step);
  }
  return { machines: sorter.marked, shared: sorter.shared };
}

/** Slashes in a machine's id: `/subscriptions/s/resourceGroups/r/providers/NS/type/name`. */
const MACHINE_SLASHES = 8;

/** The id up to its 9th slash: a machine's own id for anything under it. */
export function resourcePrefix(id: string): string {
  const at = nthSlash(id, MACHINE_SLASHES + 1);
  return at < 0 ? id : id.slice(0, at);
}

function nthSlash(id: string, n: number): number {
  let at = -1;
  for (let k = 0; k < n; k++) {
    at = id.indexOf("/", at + 1);
    if (at < 0) return -1;
  }
  return at;
}

const hasMachineShape = (id: string) => nthSlash(id, MACHINE_SLASHES) >= 0 && nthSlash(id, MACHINE_SLASHES + 1) < 0;

class Sorter {
  readonly marked: Uint8Array;
  readonly shared = new Set<string>();
  /** The machine found last: a machine's steps come together. */
  private cursor = 0;
  /** Places of strings that recur (workspace and rule ids in every machine's details). */
  private readonly memo = new Map<string, Place | null>();
  /** A compact shape's own ARM ids (its values other than the machine's id), placed once. */
  private readonly shapeIds = new Map<StepShape, readonly string[]>();

  /** The last machine a compact step named, and whether its id has the usual depth. */
  private lastMachine = "";
  private lastUsual = false;

  constructor(
    private readonly machines: readonly { readonly id: string }[],
    private readonly indexOf: MachineIndex,
  ) {
    this.marked = new Uint8Array(machines.length);
  }

  private locate(id: string): number {
    if (this.machines[this.cursor]?.id === id) return this.cursor;
    const m = this.indexOf(id);
    if (m >= 0) this.cursor = m;
    return m;
  }

  /** A plain step: its target and each string in its details. */
  plain(step: StepLike): void {
    this.id(step.target);
    this.walk(step.details);
  }

  /** A compact step: the machine's id (its details' machineId), its target under it, its shape's other values. */
  compact(machineId: string, shape: StepShape): void {
    const m = this.locate(machineId);
    // What place() finds for the machine's id and the target under it, without making the target's string.
    if (m >= 0 && (shape.suffix === "" || shape.suffix.startsWith("/")) && this.usual(machineId)) this.mark(m);
    else {
      this.id(machineId);
      this.id(machineId + shape.suffix);
    }
    let ids = this.shapeIds.get(shape);
    if (!ids) this.shapeIds.set(shape, (ids = shape.values.filter((v): v is string => typeof v === "string" && ARM_ID.test(v))));
    for (const id of ids) this.id(id);
  }

  private walk(value: unknown): void {
    if (typeof value === "string") this.id(value);
    else if (Array.isArray(value)) for (const v of value) this.walk(v);
    else if (value && typeof value === "object") for (const key in value) this.walk((value as Record<string, unknown>)[key]);
  }

  /** Places one string, if it is an ARM id. */
  private id(value: string): void {
    const known = this.memo.get(value);
    if (known !== undefined) {
      if (known !== null && known >= 0) this.mark(known);
      return;
    }
    const place = this.place(value);
    // Machine ids are seen once or twice each: keep the memo to the strings that repeat.
    if (this.memo.size < 4096) this.memo.set(value, place);
  }

  private place(value: string): Place | null {
    const sub = ARM_ID.exec(value)?.[0];
    if (sub === undefined) return null;
    const prefix = resourcePrefix(value);
    let m = this.locate(prefix);
    if (m < 0 && prefix !== value) m = this.locate(value);
    if (m >= 0) {
      this.mark(m);
      return m;
    }
    this.shared.add(value.toLowerCase());
    this.shared.add(sub.toLowerCase());
    return -1;
  }

  /** Has the id the usual depth (it is its own prefix, and the prefix of anything under it)? A machine's steps come together: the last answer is kept. */
  private usual(machineId: string): boolean {
    if (machineId !== this.lastMachine) {
      this.lastMachine = machineId;
      this.lastUsual = hasMachineShape(machineId);
    }
    return this.lastUsual;
  }

  private mark(m: number): void {
    if (this.marked[m]) return;
    this.marked[m] = 1;
    // The machine's subscription (its settings) is a part too.
    this.shared.add(ARM_ID.exec(this.machines[m]!.id)![0].toLowerCase());
  }
}
