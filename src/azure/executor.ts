/**
 * Runs a plan's steps against Azure (or the emulator) in dependency order with bounded
 * concurrency. A step whose dependency failed is skipped. Every step is journaled before and
 * after it runs; a step an earlier run started is first checked against the live state, so a
 * resumed apply never sends the same change twice.
 *
 * Concurrency bounds the steps that are sending. A free slot takes the ready step of the
 * subscription whose write budget can take it soonest, steps on shared resources and the longest
 * chains of steps first (readyQueue.ts). A long-running operation, once accepted, gives up its slot while it is polled
 * (its polls are paced by the read budget), so installs that take minutes do not hold the writes
 * of the others back.
 *
 * A stop (the signal: SIGINT, a lost lease, the give-up deadline) starts no new step and cuts every
 * wait of the running ones; those are reported skipped, journaled `interrupted`, and the journal
 * ends with a `stopped` line naming them and the reason.
 */
import type { Plan, Step } from "../capabilities";
import type { LiveState, StepContext, StepOutputs } from "../core/kernel";
import { classifyError, describeArmError } from "./errors";
import type { Journal } from "./journal";
import { RUNTIME_OPTIONS } from "./options";
import { ReadyQueue, stepRanks, type WriteReadyIn } from "./readyQueue";
import { RunStopped, stopReason } from "./stop";

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
  /** Steps sending at once. Default: RUNTIME_OPTIONS.concurrency. */
  readonly concurrency?: number;
  readonly onStep?: (result: StepResult, doneCount: number, total: number) => void;
  /** Stops the run: no new step starts, every wait ends, the rest are reported skipped. */
  readonly signal?: AbortSignal;
  /** How soon a subscription's write budget takes one more step (readyQueue.ts); without it, subscriptions take turns. */
  readonly writeReadyIn?: WriteReadyIn;
}

export interface ExecuteResult {
  readonly results: readonly StepResult[];
  readonly counts: Readonly<Record<StepStatus, number>>;
  /** Why the run stopped early: a credential error, an interruption, a lost lease, the give-up deadline. */
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
  // By subscription, whichever budget can take a step soonest; shared steps and long chains first (readyQueue.ts).
  const ranks = stepRanks(steps, dependents);
  const ready = new ReadyQueue(
    steps.filter((s) => waitingOn.get(s.id) === 0),
    { rank: (s) => ranks.get(s.id)!, writeReadyIn: options.writeReadyIn },
  );
  const interrupted: string[] = [];
  let aborted: string | undefined;
  let finished = 0;
  let sending = 0;
  let wake: () => void = () => undefined;
  const woken = () => new Promise<void>((r) => (wake = r));
  const stopped = () => !!aborted || !!options.signal?.aborted;
  const onAbort = () => wake();
  options.signal?.addEventListener("abort", onAbort);

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
    let holdsSlot = true;
    const release = () => {
      if (!holdsSlot) return;
      holdsSlot = false;
      sending--;
      ready.released(step);
      wake();
    };
    let sent = false;
    const ctx: StepContext = {
      outputs: new Map(step.dependsOn.filter((d) => outputs.has(d)).map((d) => [d, outputs.get(d)!] as const)),
      accepted: async () => {
        sent = true;
        await options.journal?.record(step, "sent");
        release();
      },
    };
    try {
      const previous = options.journal?.previous(step);
      if (previous && previous.event !== "failed") {
        // An earlier run may have sent this change: look before sending it again.
        const live = await runner.check(step, ctx);
        if (live === "done" || live === "in-progress") {
          if (live === "in-progress") {
            sent = true;
            release();
          }
          const out = live === "in-progress" ? await runner.wait(step, ctx) : previous.outputs;
          if (out) outputs.set(step.id, out);
          await options.journal?.record(step, "done", out ? { outputs: { ...out } } : {});
          return finish({ step, status: "already-done" });
        }
      }
      await options.journal?.record(step, "start");
      const out = await runner.run(step, ctx);
      if (out) outputs.set(step.id, out);
      await options.journal?.record(step, "done", out ? { outputs: { ...out } } : {});
      finish({ step, status: "done" });
    } catch (err) {
      if (err instanceof RunStopped || options.signal?.aborted) {
        const reason = err instanceof RunStopped ? err.reason : stopReason(options.signal!);
        interrupted.push(step.id);
        await options.journal?.record(step, "interrupted", { error: reason }).catch(() => undefined);
        return finish({ step, status: "skipped", error: `${reason}${sent ? " (its operation may still be running: the next run checks it)" : ""}` });
      }
      const message = describeArmError(err);
      await options.journal?.record(step, "failed", { error: message }).catch(() => undefined);
      const c = classifyError(err);
      if (c.kind === "terminal" && c.credential) aborted = `stopped: ${message}`;
      finish({ step, status: "failed", error: message });
    } finally {
      release();
    }
  };

  const inFlight = new Set<Promise<void>>();
  try {
    while (finished < steps.length) {
      while (ready.length && sending < concurrency && !stopped()) {
        sending++;
        const p = runOne(ready.shift()!).finally(() => {
          inFlight.delete(p);
          wake();
        });
        inFlight.add(p);
      }
      if (inFlight.size === 0) break;
      const next = woken();
      if (finished >= steps.length) break;
      if (ready.length && sending < concurrency && !stopped()) continue;
      await next;
    }
    await Promise.all(inFlight);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  // Whatever never started (a stop) is reported as skipped.
  const signalReason = options.signal?.aborted ? stopReason(options.signal) : undefined;
  const reason = aborted ?? signalReason ?? "not reached";
  let notStarted = 0;
  for (const s of steps) {
    if (results.has(s.id)) continue;
    notStarted++;
    finish({ step: s, status: "skipped", error: reason });
  }

  const ordered = steps.map((s) => results.get(s.id)!);
  const counts: Record<StepStatus, number> = { done: 0, "already-done": 0, failed: 0, skipped: 0 };
  for (const r of ordered) counts[r.status]++;
  const stoppedBy = aborted ?? signalReason;
  if (stoppedBy && options.journal) await options.journal.stopped({ reason: stoppedBy, counts, inFlight: interrupted, notStarted }).catch(() => undefined);
  return { results: ordered, counts, ...(stoppedBy ? { aborted: stoppedBy } : {}) };
}
