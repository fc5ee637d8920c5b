/**
 * One plan-and-apply round for the CLI (apply, reconcile, demo): progress on stderr, the plan and
 * a result summary for a person, or JSON for a machine.
 */
import { applyPlan, journalFor, planLive, writeBudget, type AzureConnection, type ExecuteResult } from "../azure";
import { stepLabel, type Plan } from "../core";
import type { Inventory } from "../inventory";
import type { Spec } from "../spec";
import type { Progress } from "./progress";

export interface RoundOptions {
  readonly stateDir: string;
  /** See ApplyOptions.delegateAbove. */
  readonly delegateAbove: number;
  readonly concurrency: number;
  readonly writesPerSecond: number;
  readonly pollIntervalMs?: number;
  readonly signal?: AbortSignal;
}

export interface RoundResult {
  readonly plan: Plan;
  readonly result?: ExecuteResult & { writes: number };
}

export async function planRound(conn: AzureConnection, spec: Spec, progress: Progress): Promise<{ inventory: Inventory; plan: Plan }> {
  return planLive(conn, spec, { onProgress: (m) => progress.note(m) });
}

export async function applyRound(
  conn: AzureConnection,
  spec: Spec,
  planned: { inventory: Inventory; plan: Plan },
  progress: Progress,
  opts: RoundOptions,
): Promise<ExecuteResult & { writes: number }> {
  const result = await applyPlan(conn, planned.plan, {
    inventory: planned.inventory,
    delegateAbove: opts.delegateAbove,
    onNote: (m) => progress.note(m),
    journal: journalFor(opts.stateDir, spec),
    concurrency: opts.concurrency,
    writes: writeBudget(opts.writesPerSecond),
    pollIntervalMs: opts.pollIntervalMs,
    signal: opts.signal,
    onStep: (r, done, total) => {
      if (r.status === "failed") progress.note(`failed: ${r.step.action} ${stepLabel(r.step)}: ${r.error}`);
      progress.tick(done, total, `${r.step.action} ${stepLabel(r.step)}`);
    },
  });
  progress.done();
  return result;
}

export function summarizeResult(r: ExecuteResult & { writes: number }): string {
  const c = r.counts;
  const parts = [`${c.done} applied`, c["already-done"] ? `${c["already-done"]} already done` : "", c.failed ? `${c.failed} failed` : "", c.skipped ? `${c.skipped} skipped` : ""].filter(Boolean);
  return `Apply: ${parts.join(", ")} (${r.writes} ARM write(s)).${r.aborted ? ` ${r.aborted}.` : ""}\n`;
}
