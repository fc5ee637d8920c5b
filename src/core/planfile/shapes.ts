/**
 * Step shapes: a step planned on one machine, with that machine's id replaced by `{machine}`
 * wherever it occurs (its target, its id, its details, the ids it depends on). A fleet of a
 * million machines has a few hundred shapes (one per action, extension, region, OS, kind and
 * target workspace), so the plan file writes each shape once and each machine names its shapes.
 * Nothing is lost: putting the machine's id back gives the step exactly.
 *
 * Generic over capabilities: a shape is found by walking the step's own fields, whatever its
 * action and details.
 */

import { compactRecordOf, type StepShape } from "../kernel/compact";

/** What stands for the machine's id in a shape. */
export const MACHINE_PLACEHOLDER = "{machine}";

/** A step as the plan file sees it. */
export interface ShapedStep {
  readonly id: string;
  readonly action: string;
  readonly target: string;
  readonly dependsOn: readonly string[];
  readonly details: unknown;
}

const NESTED = Symbol("nested");
const END = Symbol("end");
const LEAF = Symbol("leaf");
/** A step that cannot be shaped (one of its strings holds the placeholder itself). */
const UNSHAPEABLE = Symbol("unshapeable");

type Node = Map<unknown, Node | number>;

interface KnownShape {
  /** The shape's own strings that could hold a machine's id, longest first; undefined when one holds the placeholder. */
  readonly strings: readonly string[] | undefined;
  /**
   * dependsOn lists naming no machine, by the list itself (the planner shares one list among the
   * machines of a workspace; a shape's machines alternate between a few such lists), with their
   * file shape: a list seen before costs a look, not a key.
   */
  readonly byList: Map<readonly string[], number>;
  readonly byDeps: Map<string, number>;
  /** The last few dependsOn lists (machines' lists alternate: with an identity step, without), each cut around its machine's id, with its file shape. */
  readonly cuts: { readonly cut: readonly DepCut[]; readonly index: number }[];
}

/** How many cut lists a shape keeps. */
const CUTS = 8;

/** How many shared lists a shape keeps (a plan whose lists are all different gains nothing from more). */
const LISTS = 64;

/** A dependsOn id cut around the machine's id: `before` + id + `after`, or `before` alone (`after` null) when it names no machine. */
interface DepCut {
  readonly before: string;
  readonly after: string | null;
}

/** The strings a compact shape writes as they are, longest first (only those at least as long as an id can hold it); undefined if one holds the placeholder. */
function literalStrings(shape: StepShape): string[] | undefined {
  const all = [shape.idPrefix, shape.suffix, shape.action, ...shape.keys, ...shape.values.filter((v): v is string => typeof v === "string")];
  return all.some((t) => t.includes(MACHINE_PLACEHOLDER)) ? undefined : all.sort((a, b) => b.length - a.length);
}

/** Does an id of the list hold the machine's id? */
function listNames(deps: readonly string[], machineId: string): boolean {
  for (const d of deps) if (d.length >= machineId.length && d.includes(machineId)) return true;
  return false;
}

/** Does one of `strings` (longest first) hold the machine's id? */
function namesMachine(strings: readonly string[], machineId: string): boolean {
  for (const t of strings) {
    if (t.length < machineId.length) return false;
    if (t.includes(machineId)) return true;
  }
  return false;
}

/** The distinct shapes of a plan's machine steps, each kept once as its JSON text. */
export class ShapeBook {
  private readonly root: Node = new Map();
  /** Each shape's record, as JSON. */
  readonly texts: string[] = [];

  /** File shapes already found for a compact step's shape (kernel/compact.ts), by its dependsOn. */
  private readonly known = new Map<StepShape, KnownShape>();

  /** The index of `step`'s shape for the machine `machineId`; -1 when the step must be written whole. `record`: its compact record, when the caller has it. */
  shapeOf(step: ShapedStep, machineId: string, record = compactRecordOf(step)): number {
    if (record === undefined || record.machineId !== machineId) return this.find(step, machineId);
    let seen = this.known.get(record.shape);
    if (!seen) this.known.set(record.shape, (seen = { strings: literalStrings(record.shape), byList: new Map(), byDeps: new Map(), cuts: [] }));
    // The shape's own strings are kept as they are unless one names this machine (or the placeholder).
    if (!seen.strings || namesMachine(seen.strings, machineId)) return this.find(step, machineId);
    // Then only its dependsOn can make another file shape.
    const shared = seen.byList.get(record.dependsOn);
    if (shared !== undefined && !listNames(record.dependsOn, machineId)) return shared;
    // The same list as a recent machine's, but for the machine's id: the same file shape, found without a key.
    for (const c of seen.cuts) if (sameCut(c.cut, record.dependsOn, machineId)) return c.index;
    const key = dependsOnKey(record.dependsOn, machineId);
    let index = seen.byDeps.get(key);
    if (index === undefined) seen.byDeps.set(key, (index = this.find(step, machineId)));
    if (!key.includes(MACHINE_PLACEHOLDER) && !key.includes("null")) {
      // A list naming no machine is the same for every machine that shares it.
      if (seen.byList.size < LISTS) seen.byList.set(record.dependsOn, index);
    }
    const cut = cutAround(record.dependsOn, machineId);
    if (cut) {
      if (seen.cuts.length >= CUTS) seen.cuts.shift();
      seen.cuts.push({ cut, index });
    }
    return index;
  }

  private find(step: ShapedStep, machineId: string): number {
    let node = this.root;
    const visit = (value: unknown): boolean => {
      if (value === UNSHAPEABLE) return false;
      let next = node.get(value) as Node | undefined;
      if (!next) node.set(value, (next = new Map()));
      node = next;
      return true;
    };
    if (!visit(template(step.id, machineId)) || !visit(step.action) || !visit(template(step.target, machineId))) return -1;
    const deps = step.dependsOn;
    visit(deps.length);
    for (let i = 0; i < deps.length; i++) if (!visit(template(deps[i]!, machineId))) return -1;
    const details = step.details;
    if (details !== null && typeof details === "object" && !Array.isArray(details)) {
      const fields = details as Record<string, unknown>;
      for (const key in fields) {
        const value = fields[key];
        if (value === undefined) continue; // JSON has no undefined: the field is absent
        visit(key);
        if (value !== null && typeof value === "object") {
          visit(NESTED);
          const nested = templateDeep(value, machineId);
          if (nested === UNSHAPEABLE) return -1;
          visit(JSON.stringify(nested));
        } else if (!visit(template(value, machineId))) return -1;
      }
    } else {
      visit(NESTED);
      const nested = templateDeep(details, machineId);
      if (nested === UNSHAPEABLE) return -1;
      visit(JSON.stringify(nested) ?? "null");
    }
    visit(END);
    const found = node.get(LEAF);
    if (typeof found === "number") return found;
    const index = this.texts.length;
    const shape = templateDeep({ id: step.id, action: step.action, target: step.target, dependsOn: step.dependsOn, details: step.details }, machineId);
    this.texts.push(JSON.stringify(shape));
    node.set(LEAF, index);
    return index;
  }
}

/**
 * Each id of a dependsOn list cut around the machine's id, when each names it at most once and
 * none holds the placeholder (else undefined: such a list is keyed every time).
 */
function cutAround(deps: readonly string[], machineId: string): DepCut[] | undefined {
  if (machineId.includes(MACHINE_PLACEHOLDER)) return undefined;
  const cut: DepCut[] = [];
  for (const d of deps) {
    if (d.includes(MACHINE_PLACEHOLDER)) return undefined;
    const at = d.indexOf(machineId);
    if (at < 0) cut.push({ before: d, after: null });
    else if (d.includes(machineId, at + 1)) return undefined;
    else cut.push({ before: d.slice(0, at), after: d.slice(at + machineId.length) });
  }
  return cut;
}

/**
 * Is `deps` the list `cut` was made from with `machineId` in place of that machine's id, keying
 * the same (the id once where the cut has it, and nowhere else)? Comparisons only, no string made.
 */
function sameCut(cut: readonly DepCut[], deps: readonly string[], machineId: string): boolean {
  if (deps.length !== cut.length) return false;
  const n = machineId.length;
  for (let i = 0; i < deps.length; i++) {
    const d = deps[i]!;
    const { before, after } = cut[i]!;
    // A part as long as the id could hold it: leave such a list to the key.
    if (before.length >= n || (after !== null && after.length >= n)) return false;
    if (after === null) {
      if (d !== before) return false;
    } else if (d.length !== before.length + n + after.length || !d.startsWith(before) || !d.endsWith(after)) return false;
    // The id first found where the cut has it (none before it, and `after` is too short to hold another), and no placeholder made across a seam.
    else if (d.indexOf(machineId) !== before.length || d.includes(MACHINE_PLACEHOLDER)) return false;
  }
  return !machineId.includes(MACHINE_PLACEHOLDER);
}

/** A step's dependsOn, the machine's id replaced, as one key ("null" for an id that cannot be shaped). Once per machine step: no array, no JSON. */
function dependsOnKey(deps: readonly string[], machineId: string): string {
  let key = "";
  for (let i = 0; i < deps.length; i++) {
    const d = deps[i]!;
    const t = d.includes(MACHINE_PLACEHOLDER) ? "null" : d.includes(machineId) ? JSON.stringify(d.replaceAll(machineId, MACHINE_PLACEHOLDER)) : JSON.stringify(d);
    key += i ? "," + t : t;
  }
  return key;
}

/** A value with the machine's id replaced by the placeholder (strings only). */
function template(value: unknown, machineId: string): unknown {
  if (typeof value !== "string") return value;
  if (value.includes(MACHINE_PLACEHOLDER)) return UNSHAPEABLE;
  if (value === machineId) return MACHINE_PLACEHOLDER;
  return value.includes(machineId) ? value.split(machineId).join(MACHINE_PLACEHOLDER) : value;
}

function templateDeep(value: unknown, machineId: string): unknown {
  if (typeof value === "string") return template(value, machineId);
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) {
      const t = templateDeep(v, machineId);
      if (t === UNSHAPEABLE) return UNSHAPEABLE;
      out.push(t);
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.includes(MACHINE_PLACEHOLDER) || k.includes(machineId)) return UNSHAPEABLE;
    const t = templateDeep(v, machineId);
    if (t === UNSHAPEABLE) return UNSHAPEABLE;
    out[k] = t;
  }
  return out;
}

/** A shape (parsed) made into the step of one machine: the placeholder replaced by its id. */
export function instantiate<T>(shape: T, machineId: string): T {
  return fill(shape, machineId) as T;
}

function fill(value: unknown, machineId: string): unknown {
  if (typeof value === "string") {
    if (value === MACHINE_PLACEHOLDER) return machineId;
    return value.includes(MACHINE_PLACEHOLDER) ? value.split(MACHINE_PLACEHOLDER).join(machineId) : value;
  }
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => fill(v, machineId));
  const out: Record<string, unknown> = {};
  for (const k in value as Record<string, unknown>) out[k] = fill((value as Record<string, unknown>)[k], machineId);
  return out;
}
