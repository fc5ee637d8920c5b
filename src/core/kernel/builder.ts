/**
 * Collects steps and findings while planning. Steps are keyed by id: asking for the same step
 * twice (two subscriptions sharing one custom workspace) yields it once. Typed by a step map: a
 * capability adds only the actions it knows, each with its own details type.
 */
import { CompactSteps, compactStep, type ShapeSlot, type StepShape } from "./compact";
import type { Finding, Severity, StepMap, StepOf, StepUnion } from "./types";

/** `<action>:<target>`. Targets are built from one source per resource, so their case is stable. */
export function stepId(action: string, target: string): string {
  // One concatenation per step, not two: a million ids each keep one link to their target, not a chain.
  return idPrefix(action) + target;
}

/** `<action>:` once per action (a few dozen actions, millions of steps). */
const ID_PREFIXES = new Map<string, string>();

function idPrefix(action: string): string {
  let prefix = ID_PREFIXES.get(action);
  if (prefix === undefined) ID_PREFIXES.set(action, (prefix = action + ":"));
  return prefix;
}

const NO_DEPENDENCIES: readonly string[] = Object.freeze([]);

/** Under jest, every step added through a shape slot is checked against the shape its details have. */
const CHECK_SLOTS = process.env.NODE_ENV === "test" || process.env.ASC_CHECK_SHAPE_SLOTS === "1";

/** What a capability plans into: the steps of its step map `M`, and findings. */
export interface StepSink<M extends StepMap> {
  /** Adds a step (once) and returns its id. */
  add<A extends keyof M & string>(action: A, target: string, details: M[A], dependsOn?: readonly (string | undefined)[]): string;
  /**
   * Adds a step that only this call can produce (one machine's), without the id index. With a
   * `slot` (ShapeSlots), the step takes the slot's shape: the slot's key must hold every value its
   * details differ by besides the machine's id.
   */
  addUnique<A extends keyof M & string>(action: A, target: string, details: M[A], dependsOn?: readonly string[], slot?: ShapeSlot): string;
  has(id: string): boolean;
  /** Adds a finding (once per code and target). */
  finding(severity: Severity, code: string, target: string, message: string): void;
}

export class PlanBuilder<M extends StepMap> implements StepSink<M> {
  /** Steps in the order they were added (a step only depends on earlier ones). */
  private readonly ordered: StepUnion<M>[] = [];
  /** Steps that can be asked for twice (workspaces, roles), by id. */
  private readonly steps = new Map<string, StepUnion<M>>();
  private readonly findings: Finding[] = [];
  private readonly findingKeys = new Set<string>();
  private readonly compact = new CompactSteps();
  /** Per action, its id prefix and its steps counted as they are added (reading a million compact steps back is not free): one lookup per machine step. */
  private readonly kinds = new Map<string, { readonly prefix: string; n: number }>();

  /** Adds a step (once) and returns its id. */
  add<A extends keyof M & string>(action: A, target: string, details: M[A], dependsOn: readonly (string | undefined)[] = []): string {
    const id = stepId(action, target);
    if (!this.steps.has(id)) {
      this.kindOf(action).n++;
      const step = { id, action, target, dependsOn: uniqueDefined(dependsOn), details } as StepOf<A, M[A]> as StepUnion<M>;
      this.steps.set(id, step);
      this.ordered.push(step);
    }
    return id;
  }

  /**
   * Adds a step that only this call can produce (one machine's extension), without the id index:
   * hashing half a million long ids is measurable, and nothing asks for these twice.
   */
  addUnique<A extends keyof M & string>(action: A, target: string, details: M[A], dependsOn: readonly string[] = NO_DEPENDENCIES, slot?: ShapeSlot): string {
    const kind = this.kindOf(action);
    kind.n++;
    const prefix = kind.prefix;
    const deps = uniqueDefined(dependsOn);
    // A machine's step is kept compact (its machine and shared shape); the id is made for the caller only.
    const shape = slot ? this.slotShape(slot, action, prefix, target, details) : this.compact.shapeOf(action, prefix, target, details);
    const id = prefix + target;
    if (shape) this.ordered.push(compactStep(shape, (details as { machineId: string }).machineId, deps) as StepUnion<M>);
    else this.ordered.push({ id, action, target, dependsOn: deps, details } as StepOf<A, M[A]> as StepUnion<M>);
    return id;
  }

  /** The slot's shape, found from this step's details the first time. */
  private slotShape(slot: ShapeSlot, action: string, prefix: string, target: string, details: unknown): StepShape | null {
    if (slot.shape === undefined) return (slot.shape = this.compact.shapeOf(action, prefix, target, details) ?? null);
    if (CHECK_SLOTS) {
      const found = this.compact.shapeOf(action, prefix, target, details) ?? null;
      if (found !== slot.shape) throw new Error(`a ${action} step on ${target} does not have its slot's shape: the slot's key misses a value its details differ by`);
    }
    return slot.shape;
  }

  has(id: string): boolean {
    return this.steps.has(id);
  }

  /** Adds a finding (once per severity, code and target). */
  finding(severity: Severity, code: string, target: string, message: string): void {
    const key = `${code}\u0000${target.toLowerCase()}`;
    if (this.findingKeys.has(key)) return;
    this.findingKeys.add(key);
    this.findings.push({ severity, code, target, message });
  }

  private kindOf(action: string): { readonly prefix: string; n: number } {
    let kind = this.kinds.get(action);
    if (!kind) this.kinds.set(action, (kind = { prefix: idPrefix(action), n: 0 }));
    return kind;
  }

  build(): { steps: StepUnion<M>[]; findings: Finding[]; actions: ReadonlyMap<string, number> } {
    const actions = new Map([...this.kinds].map(([action, { n }]) => [action, n] as const));
    return { steps: this.ordered, findings: sortFindings(this.findings), actions };
  }
}

/**
 * The ids without undefined and duplicates. A list that is already clean is kept as it is, so the
 * machines of one workspace share one dependsOn array.
 */
function uniqueDefined(ids: readonly (string | undefined)[]): readonly string[] {
  if (ids.length === 0) return NO_DEPENDENCIES;
  let clean = true;
  for (let i = 0; i < ids.length && clean; i++) if (ids[i] === undefined || ids.indexOf(ids[i], i + 1) >= 0) clean = false;
  return clean ? (ids as readonly string[]) : [...new Set(ids.filter((d): d is string => d !== undefined))];
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      cmp(a.code, b.code) ||
      cmp(a.target.toLowerCase(), b.target.toLowerCase()),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
