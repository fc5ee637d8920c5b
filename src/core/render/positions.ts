/**
 * The 1-based position of the step each dependsOn id names, for the text plan's "(after 4, 5)".
 * A million-machine plan has millions of such ids, nearly all naming a step a few places before
 * (a machine's identity right before its extension). Those are found among the last few steps by
 * comparing the id with a compact step's parts (kernel/compact.ts), without building that step's
 * id; steps on no machine (workspaces, rules: a few) are kept by id. Only an id found neither way
 * (a hand-made plan) builds the index of every step's id, once.
 */
import { compactRecordOf, type CompactRecord } from "../kernel/compact";
import type { RenderedStep } from "./facts";

/** How many of the latest steps are compared before the index. */
const RECENT = 16;

export type PositionOf = (dependency: string) => number | undefined;

/**
 * Walks the steps in order: `next()` moves to the next step, after which `positionOf` answers for
 * its dependsOn ids (a step depends on earlier ones; a later one is found through the index too).
 */
export class DependencyPositions {
  private readonly plain = new Map<string, number>();
  private readonly recent: (CompactRecord | undefined)[] = new Array(RECENT);
  private readonly recentAt = new Int32Array(RECENT).fill(-1);
  private everyId: Map<string, number> | undefined;
  private at = -1;

  constructor(private readonly steps: readonly RenderedStep[]) {}

  /** Moves to the next step; the steps before it are then searched. */
  next(): void {
    this.advance(this.at >= 0 ? compactRecordOf(this.steps[this.at]!) : undefined);
  }

  /** `next()` for a caller that has read the current step's compact record already (undefined: a plain step). */
  advance(record: CompactRecord | undefined): void {
    if (this.at >= 0) {
      const s = this.steps[this.at]!;
      const slot = this.at % RECENT;
      this.recent[slot] = record;
      this.recentAt[slot] = this.at;
      if (!record) this.plain.set(s.id, this.at + 1);
    }
    this.at++;
  }

  readonly positionOf: PositionOf = (d) => {
    for (let k = 0; k < RECENT; k++) {
      // Newest first: the step right before is the usual answer.
      const slot = (this.at - 1 - k + RECENT * 2) % RECENT;
      const j = this.recentAt[slot]!;
      if (j < 0 || j >= this.at) break;
      const r = this.recent[slot];
      if (r ? isIdOf(d, r) : this.steps[j]!.id === d) return j + 1;
    }
    return this.plain.get(d) ?? this.index().get(d);
  };

  /** Every step's id with its position (the last step of an id, as the text always showed). */
  private index(): Map<string, number> {
    if (!this.everyId) {
      this.everyId = new Map();
      this.steps.forEach((s, i) => this.everyId!.set(s.id, i + 1));
    }
    return this.everyId;
  }
}

/** Is `d` the id of the compact step `r` (its action's prefix, its machine's id, its shape's suffix)? */
function isIdOf(d: string, r: CompactRecord): boolean {
  const { idPrefix, suffix } = r.shape;
  const id = r.machineId;
  return d.length === idPrefix.length + id.length + suffix.length && d.startsWith(idPrefix) && d.startsWith(id, idPrefix.length) && d.endsWith(suffix);
}
