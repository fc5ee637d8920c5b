/**
 * What a plan's steps depend on, sorted into the two kinds of part a saved plan's basis digests:
 * the machines of the plan (a step names a machine, or a resource under it such as its extension
 * or its DCR association: that machine's state) and shared parts (subscriptions, workspaces,
 * rules, policies), by lower-case ARM id.
 *
 * A step depends on its target and on every ARM id in its details (and on their subscriptions).
 * A function of the plan alone, so `apply --plan` finds the same parts in the saved plan as `plan`
 * found in the plan it wrote. Linear and without a string per step: a compact step (kernel/compact.ts)
 * costs a look at its machine (the one at hand, usually) and its shape (whose values are placed once).
 */
import type { StepShape } from "../kernel/compact";
import { machineLocator, runEnd, sortedById } from "../render/facts";
import { stepRecords } from "../render/records";

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

/**
 * A plan's machines by id. The planner lists them sorted and a machine's steps come together, so
 * the next step's machine is the one at hand or the next (no map of a million ids); a list that
 * is not sorted (a hand-made plan) gets a map.
 */
export function machineIndexOf(machines: readonly { readonly id: string }[]): MachineIndex {
  return machineLocator(machines);
}

export function dependenciesOf(plan: { readonly machines: readonly { readonly id: string }[]; readonly steps: readonly StepLike[] }, indexOf = machineIndexOf(plan.machines)): Dependencies {
  const sorter = new Sorter(plan.machines, indexOf);
  const records = stepRecords(plan.steps);
  plan.steps.forEach((step, i) => {
    const record = records[i];
    if (record) sorter.compact(record.machineId, record.shape);
    else sorter.plain(step);
  });
  sorter.addMachineSubscriptions();
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

/** Has the id exactly a machine's slashes (one pass, stopping at one too many)? */
function hasMachineShape(id: string): boolean {
  let at = -1;
  for (let k = 0; k <= MACHINE_SLASHES; k++) {
    at = id.indexOf("/", at + 1);
    if (at < 0) return k === MACHINE_SLASHES;
  }
  return false;
}

/** What a compact shape contributes whatever its machine, found on its first step. */
interface ShapeFacts {
  /** Is the target (the machine's id and the suffix) under the machine: the suffix empty or a path? */
  readonly underMachine: boolean;
}

class Sorter {
  readonly marked: Uint8Array;
  readonly shared = new Set<string>();
  /** Places of strings that recur (workspace and rule ids in plain steps' details). */
  private readonly memo = new Map<string, Place | null>();
  /** Compact shapes seen: their own ARM ids (values other than the machine's id) were placed on the first. */
  private readonly shapes = new Map<StepShape, ShapeFacts>();

  /** The last machine a compact step named, its index (-1: not a machine of the plan) and whether its id has the usual depth. */
  private lastMachine = "";
  private lastIndex = -1;
  private lastUsual = false;

  constructor(
    private readonly machines: readonly { readonly id: string }[],
    private readonly indexOf: MachineIndex,
  ) {
    this.marked = new Uint8Array(machines.length);
  }

  /** A plain step: its target and each string in its details. */
  plain(step: StepLike): void {
    this.id(step.target);
    this.walk(step.details);
  }

  /**
   * A compact step: the machine's id (its details' machineId), its target under it, its shape's
   * other values. A shape's values are the same for every machine: they are placed once.
   */
  compact(machineId: string, shape: StepShape): void {
    let facts = this.shapes.get(shape);
    if (!facts) {
      this.shapes.set(shape, (facts = { underMachine: shape.suffix === "" || shape.suffix.startsWith("/") }));
      for (const v of shape.values) if (typeof v === "string" && ARM_ID.test(v)) this.id(v);
    }
    if (machineId !== this.lastMachine) {
      this.lastMachine = machineId;
      this.lastIndex = this.indexOf(machineId);
      this.lastUsual = hasMachineShape(machineId);
    }
    // What place() finds for the machine's id and the target under it, without making the target's string.
    if (this.lastIndex >= 0 && facts.underMachine && this.lastUsual) this.mark(this.lastIndex);
    else {
      this.id(machineId);
      this.id(machineId + shape.suffix);
    }
  }

  private walk(value: unknown): void {
    if (typeof value === "string") this.id(value);
    else if (Array.isArray(value)) for (const v of value) this.walk(v);
    else if (value && typeof value === "object") for (const key in value) this.walk((value as Record<string, unknown>)[key]);
  }

  /** Places one string, if it is an ARM id. */
  private id(value: string): void {
    // A machine's own id (a remediation's details list thousands): the locator finds it, and the
    // memo (which hashes each new string) is left to what repeats. What place() finds for it too.
    if (hasMachineShape(value) && ARM_ID.test(value)) {
      const m = this.indexOf(value);
      if (m >= 0) return this.mark(m);
    }
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
    let m = this.indexOf(prefix);
    if (m < 0 && prefix !== value) m = this.indexOf(value);
    if (m >= 0) {
      this.mark(m);
      return m;
    }
    this.shared.add(value.toLowerCase());
    this.shared.add(sub.toLowerCase());
    return -1;
  }

  private mark(m: number): void {
    this.marked[m] = 1;
  }

  /**
   * A marked machine's subscription (its settings) is a part too. Sorted machines come in runs of
   * one subscription: a run's subscription is added at its first marked machine and the rest of
   * the run is skipped, its end found by galloping (a few compares per subscription, not one per
   * machine). Machines not sorted: each marked one's prefix compared with the last one's.
   */
  addMachineSubscriptions(): void {
    const machines = this.machines;
    const sorted = sortedById(machines);
    let prefix = "";
    for (let m = 0; m < machines.length; m++) {
      if (!this.marked[m]) continue;
      const id = machines[m]!.id;
      // slice and compare: cheaper than startsWith on a million long ids (kernel/context.ts measured it).
      if (prefix && id.slice(0, prefix.length) === prefix) continue;
      const sub = ARM_ID.exec(id)?.[0];
      if (sub === undefined) continue;
      prefix = sub + "/";
      this.shared.add(sub.toLowerCase());
      if (sorted && id.startsWith(prefix)) m = runEnd(machines, m, prefix) - 1;
    }
  }
}
