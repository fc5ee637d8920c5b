/**
 * A watch never reinstalls what a recent round just installed (issue 17 item 3). Resource Graph
 * is eventually consistent: for a while after a write it can still show the old state, so the
 * next rounds plan the same steps again. The watch remembers the steps its rounds completed; when
 * a plan proposes one of them again, an ARM GET (the step's own check, which is authoritative)
 * decides: done or still running, the step is left out of the round; absent (deleted since,
 * failed), it is sent again.
 *
 * A step is forgotten once a plan no longer proposes it (Resource Graph has caught up) or after
 * `keepMs`. A confirmed step stays in the round when a step kept in it depends on it (its outputs,
 * e.g. a policy assignment's principal, are needed), so what is sent always has what it needs.
 */
import type { Plan, Step } from "../core";
import type { LiveState, StepContext } from "../core/kernel";
import type { ApplyResult } from "./apply";
import { fingerprint } from "./journal";

/** How long a completed step is remembered at most. */
export const RECENT_WRITES_KEPT_MS = 60 * 60_000;

/** Checks of remembered steps sent at once. */
const CHECKS_AT_ONCE = 16;

/** Reads a step's live state (AzureStepRunner's check: GETs only). */
export interface StepChecker {
  check(step: Step, ctx: StepContext): Promise<LiveState>;
}

export interface Confirmed {
  /** The plan without the steps found done (or running) in ARM. */
  readonly plan: Plan;
  /** Steps left out: a recent round wrote them and ARM has them. */
  readonly confirmed: number;
  /** The steps left out (Resource Graph has not caught up with them yet). */
  readonly leftOut: readonly Step[];
  /** Steps checked with a GET (remembered and proposed again). */
  readonly checked: number;
}

export class RecentWrites {
  /** Fingerprint → when its step completed. */
  private readonly written = new Map<string, number>();

  constructor(
    private readonly keepMs = RECENT_WRITES_KEPT_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.written.size;
  }

  /** Remembers the steps an apply completed, its installs done by remediation included. */
  note(result: ApplyResult): void {
    const at = this.now();
    for (const r of [...result.results, ...result.delegated]) {
      if (r.status === "done" || r.status === "already-done") this.written.set(fingerprint(r.step), at);
    }
  }

  /** The plan without the remembered steps that ARM shows done (or still running). */
  async confirm(planned: Plan, checker: StepChecker, signal?: AbortSignal): Promise<Confirmed> {
    const proposed = new Set(planned.steps.map(fingerprint));
    for (const [fp, at] of this.written) {
      if (!proposed.has(fp) || this.now() - at > this.keepMs) this.written.delete(fp);
    }
    const candidates = planned.steps.filter((s) => this.written.has(fingerprint(s)));
    if (candidates.length === 0) return { plan: planned, confirmed: 0, leftOut: [], checked: 0 };
    const there = new Set<string>();
    const ctx: StepContext = { outputs: new Map(), accepted: async () => undefined };
    let next = 0;
    const worker = async () => {
      while (next < candidates.length && !signal?.aborted) {
        const step = candidates[next++]!;
        // A check that fails leaves the step in: sending it again is the safe side.
        const live = await checker.check(step, ctx).catch((): LiveState => "absent");
        if (live === "done" || live === "in-progress") there.add(step.id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CHECKS_AT_ONCE, candidates.length) }, worker));
    const kept = keepWhatKeptStepsNeed(planned.steps, there);
    const keptIds = new Set(kept.map((s) => s.id));
    const leftOut = planned.steps.filter((s) => !keptIds.has(s.id));
    return { plan: withSteps(planned, kept), confirmed: leftOut.length, leftOut, checked: candidates.length };
  }
}

/** The steps not in `drop`, plus every dropped step a kept one depends on (transitively). */
function keepWhatKeptStepsNeed(steps: readonly Step[], drop: ReadonlySet<string>): Step[] {
  const byId = new Map(steps.map((s) => [s.id, s] as const));
  const keep = new Set(steps.filter((s) => !drop.has(s.id)).map((s) => s.id));
  const queue = [...keep];
  while (queue.length) {
    for (const dep of byId.get(queue.pop()!)?.dependsOn ?? []) {
      if (byId.has(dep) && !keep.has(dep)) {
        keep.add(dep);
        queue.push(dep);
      }
    }
  }
  return steps.filter((s) => keep.has(s.id));
}

function withSteps(planned: Plan, steps: Step[]): Plan {
  if (steps.length === planned.steps.length) return planned;
  const actions: Record<string, number> = {};
  for (const s of steps) actions[s.action] = (actions[s.action] ?? 0) + 1;
  return { ...planned, steps, summary: { ...planned.summary, steps: steps.length, actions } };
}
