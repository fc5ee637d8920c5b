/**
 * One plan-and-apply round for the CLI (apply, reconcile, demo): the fleet's lease and journal
 * from the state store, progress on stderr, the plan and a result summary for a person, or JSON
 * for a machine.
 */
import { applyPlan, beginRun, IncrementalInventory, planLive, writeBudget, type ApplyResult, type AzureConnection, type RoundRead, type RunState } from "../azure";
import { plan, stepLabel, type Plan } from "../core";
import type { Inventory } from "../inventory";
import type { Spec } from "../spec";
import type { Progress } from "./progress";
import { applyCounts } from "./resultJson";

export interface RoundOptions {
  /** --state: a directory or an Azure Storage container URL. */
  readonly state: string;
  /** See ApplyOptions.delegateAbove. */
  readonly delegateAbove: number;
  readonly concurrency: number;
  readonly writesPerSecond: number;
  readonly writeBurst: number;
  readonly giveUpAfterSeconds: number;
  readonly pollIntervalMs?: number;
  readonly signal?: AbortSignal;
}

export interface RoundResult {
  readonly plan: Plan;
  readonly result?: ApplyResult;
}

/** Takes the fleet's lease (refused, naming the holder, while another run has it) and opens its journal. */
export async function beginRound(conn: AzureConnection, spec: Spec, command: string, opts: { state: string; forceUnlock?: string }): Promise<RunState> {
  return beginRun({ state: opts.state, subscriptions: spec.subscriptions, managementGroups: spec.managementGroups, endpoint: conn.armEndpoint, command, forceUnlock: opts.forceUnlock });
}

export async function planRound(conn: AzureConnection, spec: Spec, progress: Progress, signal?: AbortSignal): Promise<{ inventory: Inventory; plan: Plan }> {
  return planLive(conn, spec, { onProgress: (m) => progress.note(m), signal });
}

/** A watch's reader: a full read first and every `fullEvery` rounds, only the changes between. */
export function watchReader(conn: AzureConnection, spec: Spec, progress: Progress, fullEvery: number): IncrementalInventory {
  return new IncrementalInventory(conn, spec, { fullEvery, onProgress: (m) => progress.note(m) });
}

export async function planWatchRound(reader: IncrementalInventory, spec: Spec, signal?: AbortSignal): Promise<{ inventory: Inventory; plan: Plan; read: Omit<RoundRead, "inventory"> }> {
  const read = await reader.read(signal);
  return { inventory: read.inventory, plan: plan(spec, read.inventory), read: { mode: read.mode, changed: read.changed } };
}

export async function applyRound(
  conn: AzureConnection,
  run: RunState,
  planned: { inventory: Inventory; plan: Plan },
  progress: Progress,
  opts: RoundOptions,
): Promise<ApplyResult> {
  const signal = opts.signal ? AbortSignal.any([opts.signal, run.lease.lost]) : run.lease.lost;
  const result = await applyPlan(conn, planned.plan, {
    inventory: planned.inventory,
    delegateAbove: opts.delegateAbove,
    onNote: (m) => progress.note(m),
    journal: run.journal,
    concurrency: opts.concurrency,
    writes: writeBudget(opts.writesPerSecond, opts.writeBurst),
    giveUpAfterMs: opts.giveUpAfterSeconds * 1000,
    pollIntervalMs: opts.pollIntervalMs,
    signal,
    onStep: (r, done, total) => {
      if (r.status === "failed") progress.note(`failed: ${r.step.action} ${stepLabel(r.step)}: ${r.error}`);
      progress.tick(done, total, `${r.step.action} ${stepLabel(r.step)}`);
    },
  });
  progress.done();
  return result;
}

/**
 * One line per apply, each count named for what it counts: the plan's steps run as ARM calls, the
 * plan's installs a remediation task made (per machine), the delegation's own policy steps, and the
 * ARM write requests (which a step can take more than one of: a removal deletes a role too).
 */
export function summarizeResult(r: ApplyResult): string {
  const { plan: c, byRemediation: d, delegation: g } = applyCounts(r);
  const statuses = (x: typeof c) => [x["already-done"] ? `${x["already-done"]} already done` : "", x.failed ? `${x.failed} failed` : "", x.skipped ? `${x.skipped} skipped` : ""].filter(Boolean);
  const parts = [`${c.done} applied`, ...statuses(c)];
  const installs = r.delegated.length ? ` Installs by remediation task, per machine: ${[`${d.done} done`, d.failed ? `${d.failed} failed` : "", d.skipped ? `${d.skipped} skipped` : ""].filter(Boolean).join(", ")}.` : "";
  const delegation = r.delegationSteps.length ? ` Delegation's policy steps (assignment, roles, remediation task, removal): ${[`${g.done} done`, ...statuses(g)].join(", ")}.` : "";
  const failures = r.delegated.filter((x) => x.status === "failed").slice(0, 10).map((x) => `\n  failed: ${stepLabel(x.step)}: ${x.error}`).join("");
  return `Apply: ${parts.join(", ")}.${installs}${delegation} ARM write requests: ${r.writes}.${r.aborted ? ` ${r.aborted}.` : ""}${failures}\n`;
}
