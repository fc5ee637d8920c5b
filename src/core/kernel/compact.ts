/**
 * Compact machine steps. A million-machine plan has millions of steps on single machines, and as
 * plain objects each one held its own id, target, details object and strings (3.23M of them took
 * most of a 1M plan's memory). Yet they come in a few hundred shapes: the same action, target
 * suffix and details but for the machine's id. A compact step keeps only its machine's id (shared
 * with the inventory), its shape (shared by every machine with the same one) and its dependsOn.
 *
 * It is still a step as the contract has it: a read-only object whose own enumerable fields are
 * `id`, `action`, `target`, `dependsOn` and `details`, in that order, built when read (a Proxy).
 * JSON.stringify, spreading, Object.keys and deep equality see exactly what a plain step shows.
 * `details` is a fresh object on each read; nothing may write to a step.
 *
 * Generic: a step is compacted when its details are flat (no nested object), name the machine in
 * `machineId` and its target starts with that id; any other step stays a plain object.
 */

import { trieChild, type TrieNode } from "./trie";

/** Where the machine's id goes in a shape's details. */
const MACHINE = Symbol("machine");
/** Reads a compact step's record (see compactRecordOf). */
const RECORD = Symbol("compact step");

/** What machines' steps of one shape share. */
export interface StepShape {
  readonly action: string;
  /** `<action>:`: the id is this, the machine's id and the suffix. */
  readonly idPrefix: string;
  /** The target is the machine's id and this. */
  readonly suffix: string;
  readonly keys: readonly string[];
  /** Each key's value, MACHINE where the machine's id goes. */
  readonly values: readonly unknown[];
}

/** A compact step's own data. */
export interface CompactRecord {
  readonly machineId: string;
  readonly shape: StepShape;
  readonly dependsOn: readonly string[];
}

const FIELDS: readonly string[] = Object.freeze(["id", "action", "target", "dependsOn", "details"]);

function field(r: CompactRecord, key: string | symbol): unknown {
  switch (key) {
    case "id":
      return r.shape.idPrefix + r.machineId + r.shape.suffix;
    case "action":
      return r.shape.action;
    case "target":
      return r.shape.suffix ? r.machineId + r.shape.suffix : r.machineId;
    case "dependsOn":
      return r.dependsOn;
    case "details":
      return detailsOf(r);
    case RECORD:
      return r;
    default:
      // What any plain object answers (toString, hasOwnProperty, constructor).
      return (Object.prototype as Record<string | symbol, unknown>)[key];
  }
}

function detailsOf(r: CompactRecord): Record<string, unknown> {
  const { keys, values } = r.shape;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const v = values[i];
    out[keys[i]!] = v === MACHINE ? r.machineId : v;
  }
  return out;
}

const isField = (key: string | symbol): key is string => typeof key === "string" && FIELDS.includes(key);
const refuse = (): boolean => false;

const HANDLER: ProxyHandler<CompactRecord> = {
  get: (r, key) => field(r, key),
  has: (_r, key) => isField(key) || key in Object.prototype,
  ownKeys: () => [...FIELDS],
  getOwnPropertyDescriptor: (r, key) => (isField(key) ? { value: field(r, key), writable: true, enumerable: true, configurable: true } : undefined),
  getPrototypeOf: () => Object.prototype,
  set: refuse,
  defineProperty: refuse,
  deleteProperty: refuse,
};

/** The record of a compact step, or undefined for a plain one (a fast path for writers). */
export function compactRecordOf(step: object): CompactRecord | undefined {
  return (step as { [RECORD]?: CompactRecord })[RECORD];
}

/** The details of a shape for one machine (what `step.details` reads). */
export function shapeDetails(shape: StepShape, machineId: string): Record<string, unknown> {
  return detailsOf({ machineId, shape, dependsOn: FIELDS });
}

/** More shapes than this and the plan is not made of repeated shapes: the rest stay plain. */
const MAX_SHAPES = 100_000;

interface Node extends TrieNode<Node> {
  shapes?: StepShape[];
  /** At an action's suffix: its first shapes, tried before the walk. */
  recent?: StepShape[];
}

/** How many shapes of one action and suffix are tried by comparison before the trie's walk. */
const RECENT_SHAPES = 8;

/** Are `fields` (the details of a step on `machineId`) exactly `shape`'s keys and values, in order? */
function fitsShape(shape: StepShape, fields: Record<string, unknown>, machineId: string): boolean {
  const { keys, values } = shape;
  let i = 0;
  for (const key in fields) {
    if (keys[i] !== key) return false;
    const v = fields[key];
    // The machine's own id is MACHINE in a shape, whatever the field; any other value is itself.
    if (v === machineId ? values[i] !== MACHINE : v !== values[i]) return false;
    i++;
  }
  return i === keys.length;
}

/** The shapes of one plan's machine steps, found through a trie keyed by the values themselves. */
export class CompactSteps {
  private readonly root: Node = {};
  private count = 0;

  /** The shape of a machine's step (made on first use), or undefined when the step is not one. */
  shapeOf(action: string, idPrefix: string, target: string, details: unknown): StepShape | undefined {
    if (details === null || typeof details !== "object" || Array.isArray(details)) return undefined;
    const fields = details as Record<string, unknown>;
    const machineId = fields.machineId;
    // slice and compare, not startsWith: on a million targets startsWith costs several times as much.
    if (typeof machineId !== "string" || target.length < machineId.length || target.slice(0, machineId.length) !== machineId) return undefined;
    const suffix = target.length === machineId.length ? "" : target.slice(machineId.length);
    const top = trieChild(trieChild(this.root, action), suffix);
    // The few shapes of this action and suffix, compared field by field, before the walk (a Map lookup per field).
    const recent = top.recent;
    if (recent) for (let i = 0; i < recent.length; i++) if (fitsShape(recent[i]!, fields, machineId)) return recent[i];
    const found = this.walk(top, action, idPrefix, suffix, fields, machineId);
    if (found && (top.recent ??= []).length < RECENT_SHAPES) top.recent.push(found);
    return found;
  }

  /** The shape of `fields` under `top` through the trie, made on first use. */
  private walk(top: Node, action: string, idPrefix: string, suffix: string, fields: Record<string, unknown>, machineId: string): StepShape | undefined {
    let node = top;
    let n = 0;
    for (const key in fields) {
      const v = fields[key];
      if (v !== null && typeof v === "object") return undefined;
      node = trieChild(node, v === machineId ? MACHINE : v);
      n++;
    }
    const shapes = node.shapes;
    // A loop, not find with a closure: once per machine step.
    if (shapes) for (let i = 0; i < shapes.length; i++) if (sameKeys(shapes[i]!.keys, fields, n)) return shapes[i];
    return this.newShape(node, action, idPrefix, suffix, fields, machineId);
  }

  private newShape(node: Node, action: string, idPrefix: string, suffix: string, fields: Record<string, unknown>, machineId: string): StepShape | undefined {
    if (this.count >= MAX_SHAPES) return undefined;
    this.count++;
    const keys: string[] = [];
    const values: unknown[] = [];
    for (const key in fields) {
      keys.push(key);
      values.push(fields[key] === machineId ? MACHINE : fields[key]);
    }
    const shape: StepShape = Object.freeze({ action, idPrefix, suffix, keys: Object.freeze(keys), values: Object.freeze(values) });
    (node.shapes ??= []).push(shape);
    return shape;
  }
}

/** A compact step of `shape` on the machine `machineId`. */
export function compactStep(shape: StepShape, machineId: string, dependsOn: readonly string[]): object {
  return new Proxy<CompactRecord>({ machineId, shape, dependsOn }, HANDLER);
}

/**
 * Where a capability keeps the shape of a kind of machine step it plans (see ShapeSlots):
 * undefined until its first step, null when that step was not compact.
 */
export interface ShapeSlot {
  shape?: StepShape | null;
}

interface SlotNode extends TrieNode<SlotNode>, ShapeSlot {}

/**
 * Shape slots by the few values a capability knows its steps' details differ by besides the
 * machine's id (the extension, the machine's kind, OS and region): one lookup of those values per
 * step instead of a walk over every field of the details. Values left out of the key would give a
 * machine another machine's details; under jest the builder checks every step against its slot.
 */
export class ShapeSlots {
  private readonly root: SlotNode = {};

  /** `arity`: how many values each key has (1 to 6). */
  constructor(private readonly arity: number) {
    if (!(arity >= 1 && arity <= 6)) throw new Error(`a shape slot's key has 1 to 6 values, not ${arity}`);
  }

  /** The slot of these values (exactly `arity` of them; fixed parameters, no array per step). */
  slot(k0: unknown, k1?: unknown, k2?: unknown, k3?: unknown, k4?: unknown, k5?: unknown): ShapeSlot {
    const n = this.arity;
    let node = trieChild(this.root, k0);
    if (n > 1) node = trieChild(node, k1);
    if (n > 2) node = trieChild(node, k2);
    if (n > 3) node = trieChild(node, k3);
    if (n > 4) node = trieChild(node, k4);
    if (n > 5) node = trieChild(node, k5);
    return node;
  }
}


/** Has `fields` exactly `keys`, in order? (Its values are those of the shape: the trie found it.) */
function sameKeys(keys: readonly string[], fields: Record<string, unknown>, n: number): boolean {
  if (keys.length !== n) return false;
  let i = 0;
  for (const key in fields) if (keys[i++] !== key) return false;
  return true;
}
