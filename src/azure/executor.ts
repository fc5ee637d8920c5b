/**
 * Runs a plan's steps against Azure (or the emulator) in dependency order with bounded
 * concurrency. A step whose dependency failed is skipped. Every step is journaled before and
 * after it runs; a step an earlier run started is first checked against the live state, so a
 * resumed apply never sends the same change twice.
 */
import type { Plan, Step } from "../capabilities";
import type { LiveState, StepContext, StepOutputs } from "../core/kernel";
import { classifyError, describeArmError } from "./errors";
import type { Journal } from "./journal";
import { RUNTIME_OPTIONS } from "./options";

export type { LiveState, StepContext, StepOutputs } from "../core/kernel";

export interface StepRunner {
  /** Makes the change; idempotent (PUT/DELETE of the step's target). */
  run(step: Step, ctx: StepContext): Promise<StepOutputs | void>;
  /** Reads the target: already as the step wants, being changed (a running operation), or not. */
  check(step: Step, ctx: StepContext): Promise<LiveState>;
  /** Waits for a running operation on the target to finish. */
  wait(step: Step, ctx: StepContext): Promise<StepOutputs | void>;
}

export type StepStatus = "done" | "already-done" | "failed" | "skipped";

export interface StepResult {
  readonly step: Step;
  readonly status: StepStatus;
  readonly error?: string;
}

export interface ExecuteOptions {
  readonly journal?: Journal;
  /** Steps in flight at once. Default: RUNTIME_OPTIONS.concurrency. */
  readonly concurrency?: number;
  readonly onStep?: (result: StepResult, doneCount: number, total: number) => void;
  /** Stop starting new steps (SIGINT): running ones finish, the rest are reported skipped. */
  readonly signal?: AbortSignal;
}

export interface ExecuteResult {
  readonly results: readonly StepResult[];
  readonly counts: Readonly<Record<StepStatus, number>>;
  /** Set when a credential error stopped the run. */
  readonly aborted?: string;
}

export async function executePlan(plan: Plan, runner: StepRunner, options: ExecuteOptions = {}): Promise<ExecuteResult> {
  const steps = plan.steps;
  const concurrency = Math.max(1, options.concurrency ?? RUNTIME_OPTIONS.concurrency.default);
  const byId = new Map(steps.map((s) => [s.id, s] as const));
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const s of steps) {
    const deps = s.dependsOn.filter((d) => byId.has(d));
    waitingOn.set(s.id, deps.length);
    for (const d of deps) (dependents.get(d) ?? dependents.set(d, []).get(d)!).push(s.id);
  }
  const outputs = new Map<string, StepOutputs>();
  const results = new Map<string, StepResult>();
  const ready: Step[] = steps.filter((s) => waitingOn.get(s.id) === 0);
  let aborted: string | undefined;
  let finished = 0;

  const finish = (result: StepResult) => {
    results.set(result.step.id, result);
    finished++;
    options.onStep?.(result, finished, steps.length);
    const ok = result.status === "done" || result.status === "already-done";
    for (const dep of dependents.get(result.step.id) ?? []) {
      if (results.has(dep)) continue;
      if (!ok) {
        finish({ step: byId.get(dep)!, status: "skipped", error: `depends on ${result.step.id}, which ${result.status === "failed" ? "failed" : "was skipped"}` });
        continue;
      }
      const left = waitingOn.get(dep)! - 1;
      waitingOn.set(dep, left);
      if (left === 0) ready.push(byId.get(dep)!);
    }
  };

  const runOne = async (step: Step): Promise<void> => {
    const ctx: StepContext = {
      outputs: new Map(step.dependsOn.filter((d) => outputs.has(d)).map((d) => [d, outputs.get(d)!] as const)),
      accepted: () => options.journal?.record(step, "sent"),
    };
    try {
      const previous = options.journal?.previous(step);
      if (previous && previous.event !== "failed") {
        // An earlier run may have sent this change: look before sending it again.
        const live = await runner.check(step, ctx);
        if (live === "done" || live === "in-progress") {
          const out = live === "in-progress" ? await runner.wait(step, ctx) : previous.outputs;
          if (out) outputs.set(step.id, out);
          options.journal?.record(step, "done", out ? { outputs: { ...out } } : {});
          return finish({ step, status: "already-done" });
        }
      }
      options.journal?.record(step, "start");
      const out = await runner.run(step, ctx);
      if (out) outputs.set(step.id, out);
      options.journal?.record(step, "done", out ? { outputs: { ...out } } : {});
      finish({ step, status: "done" });
    } catch (err) {
      const message = describeArmError(err);
      options.journal?.record(step, "failed", { error: message });
      const c = classifyError(err);
      if (c.kind === "terminal" && c.credential) aborted = `stopped: ${message}`;
      finish({ step, status: "failed", error: message });
    }
  };

  const inFlight = new Set<Promise<void>>();
  while (finished < steps.length) {
    while (ready.length && inFlight.size < concurrency && !aborted && !options.signal?.aborted) {
      const p = runOne(ready.shift()!).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  // Whatever never started (abort, SIGINT) is reported as skipped.
  const reason = aborted ?? (options.signal?.aborted ? "interrupted" : "not reached");
  for (const s of steps) if (!results.has(s.id)) finish({ step: s, status: "skipped", error: reason });

  const ordered = steps.map((s) => results.get(s.id)!);
  const counts: Record<StepStatus, number> = { done: 0, "already-done": 0, failed: 0, skipped: 0 };
  for (const r of ordered) counts[r.status]++;
  return { results: ordered, counts, ...(aborted ? { aborted } : {}) };
}
