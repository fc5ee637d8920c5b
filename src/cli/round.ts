/**
 * One plan-and-apply round for the CLI (apply, reconcile, demo): the fleet's lease and journal
 * from the state store, progress on stderr, the plan and a result summary for a person, or JSON
 * for a machine.
 */
import { applyPlan, ArmBudgets, ARM_BUCKETS, AzureStepRunner, beginRun, describeRetries, IncrementalInventory, noRetries, outOfLease, planLive, RecentWrites, RetryTally, sameInventory, ScopeError, subscriptionsToLease, writeBudget, type ApplyResult, type AzureConnection, type RoundRead, type RunState } from "../azure";
import { machineOf, plan, specProblems, stepLabel, type Plan } from "../core";
import type { Inventory } from "../inventory";
import type { Spec } from "../spec";
import { CliError } from "./errors";
import type { Progress } from "./progress";
import { applyCounts } from "./resultJson";

export { describeEarlierRun } from "../azure";

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

/**
 * Takes the fleet's lease, one per subscription of the resolved scope (refused, naming the holder,
 * while another run has any of them), and opens its journal.
 */
export async function beginRound(conn: AzureConnection, spec: Spec, command: string, opts: { state: string; forceUnlock?: string }): Promise<RunState> {
  const resolvedSubscriptions = await subscriptionsToLease(conn, spec);
  return beginRun({ state: opts.state, subscriptions: spec.subscriptions, managementGroups: spec.managementGroups, resolvedSubscriptions, instance: conn.instance, command, forceUnlock: opts.forceUnlock });
}

export async function planRound(conn: AzureConnection, spec: Spec, progress: Progress, signal?: AbortSignal): Promise<{ inventory: Inventory; plan: Plan }> {
  // ARM's throttling and transient errors, a line per 10 s at most (user trial 17: a plan took 40 s saying nothing).
  const retries = new RetryTally((m) => progress.note(m));
  const planned = await planLive(conn, spec, { onProgress: (m) => progress.note(m), signal, retry: { onRetry: retries.onRetry } }).finally(() => retries.flush());
  return refusingWrongPlans(planned);
}

/** A plan the spec made wrong (a subscription or workspace Azure does not show: core's specProblems), refused before anything is shown or applied. */
export class SpecProblemsError extends CliError {
  constructor(readonly plan: Plan) {
    super(`the spec names what Azure does not show, so nothing is applied: ${specProblems(plan).map((f) => f.message).join(" ")}`);
    this.name = "SpecProblemsError";
  }
}

function refusingWrongPlans<T extends { readonly plan: Plan }>(planned: T): T {
  if (specProblems(planned.plan).length) throw new SpecProblemsError(planned.plan);
  return planned;
}

/** What a watch keeps between rounds: its reader of the fleet, and the steps its rounds wrote. */
export interface WatchReader {
  /** A full read first and every `fullEvery` rounds, only the changes between. */
  readonly inventory: IncrementalInventory;
  /** Confirmed with ARM before they are sent again (Resource Graph may not show them yet). */
  readonly recent: RecentWrites;
  /** The last round's inventory and its plan: a round that reads the same inventory plans the same (the planner is a function of spec and inventory). */
  last?: { readonly inventory: Inventory; readonly plan: Plan };
  /** The reads' retries (429, transient errors), said as `plan` says them; flushed at each round's end. */
  readonly retries: RetryTally;
}

/** A watch's reader of the fleet for this spec; `recent`: the writes of the rounds before a reload, still confirmed before they are sent again. */
export function watchReader(conn: AzureConnection, spec: Spec, progress: Progress, fullEvery: number, recent = new RecentWrites()): WatchReader {
  const retries = new RetryTally((m) => progress.note(m));
  return { inventory: new IncrementalInventory(conn, spec, { fullEvery, onProgress: (m) => progress.note(m), retry: { onRetry: retries.onRetry } }), recent, retries };
}

/**
 * After a watch round's apply: its completed steps are confirmed with ARM before they are sent
 * again, and the machines they wrote to have their Defender rows read again next round.
 */
export function noteRoundWrites(reader: WatchReader, result: ApplyResult): void {
  reader.recent.note(result);
  const machines = [...result.results, ...result.delegated]
    .filter((r) => r.status === "done" || r.status === "already-done")
    .map((r) => machineOf(r.step))
    .filter((id): id is string => !!id);
  reader.inventory.noteWritten(machines);
}

/** How a watch round read the fleet, and the steps it left out because a recent round wrote them. */
export type WatchRoundRead = Omit<RoundRead, "inventory" | "scope"> & {
  readonly confirmed: number;
  /** False when the round read the same inventory as the last one and kept its plan. */
  readonly planned: boolean;
};

export async function planWatchRound(conn: AzureConnection, reader: WatchReader, spec: Spec, signal?: AbortSignal): Promise<{ inventory: Inventory; plan: Plan; read: WatchRoundRead; scope: RoundRead["scope"] }> {
  const read = await reader.inventory.read(signal).finally(() => reader.retries.flush());
  const replanned = !reader.last || !sameInventory(reader.last.inventory, read.inventory);
  const planned = replanned ? plan(spec, read.inventory) : reader.last!.plan;
  reader.last = { inventory: read.inventory, plan: planned };
  // Checks are GETs: ARM's read budget, never the write budget.
  const checker = new AzureStepRunner(conn, { budgets: new ArmBudgets(ARM_BUCKETS), signal });
  const confirmed = await reader.recent.confirm(planned, checker, signal);
  // Resource Graph still shows these machines as they were: read them again next round, or a
  // changes-only read keeps the stale rows (and this check) until the next full read.
  reader.inventory.noteWritten(confirmed.leftOut.map((s) => machineOf(s)).filter((id): id is string => !!id));
  return refusingWrongPlans({ inventory: read.inventory, plan: confirmed.plan, read: { mode: read.mode, changed: read.changed, built: read.built, confirmed: confirmed.confirmed, planned: replanned }, scope: read.scope });
}

/**
 * A watch round whose scope shrank (a subscription moved out of the spec's management groups):
 * the leases of the subscriptions it no longer reads are released, so another run may take them;
 * the others stay held throughout. Returns the subscriptions released (lower-case, sorted).
 */
export async function releaseLeft(run: RunState, inventory: Inventory): Promise<string[]> {
  const inScope = new Set(inventory.subscriptions.map((s) => s.id.toLowerCase()));
  const left = run.subscriptions.filter((s) => !inScope.has(s)).sort();
  if (left.length) await run.releaseSubscriptions(left);
  return left;
}

export async function applyRound(
  conn: AzureConnection,
  run: RunState,
  planned: { inventory: Inventory; plan: Plan },
  progress: Progress,
  opts: RoundOptions,
): Promise<ApplyResult> {
  const unleased = outOfLease(run.subscriptions, planned.inventory.subscriptions);
  if (unleased.length) {
    throw new ScopeError(`the scope grew after this run took its lease (now also ${unleased.join(", ")}): nothing was applied; run again`);
  }
  const signal = opts.signal ? AbortSignal.any([opts.signal, run.lease.lost]) : run.lease.lost;
  let skipped = 0;
  const retries = new RetryTally((m) => progress.note(m));
  const result = await applyPlan(conn, planned.plan, {
    inventory: planned.inventory,
    delegateAbove: opts.delegateAbove,
    onNote: (m) => progress.note(m),
    journal: run.journal,
    concurrency: opts.concurrency,
    writes: writeBudget(opts.writesPerSecond, opts.writeBurst),
    giveUpAfterMs: opts.giveUpAfterSeconds * 1000,
    pollIntervalMs: opts.pollIntervalMs,
    retry: { onRetry: retries.onRetry },
    signal,
    onStep: (r, done, total) => {
      if (r.status === "failed") progress.note(`failed: ${r.step.action} ${stepLabel(r.step)}: ${r.error}`);
      if (r.status === "skipped") skipped++;
      progress.tick(done, total, `${r.step.action} ${stepLabel(r.step)}`, skipped);
    },
  }).finally(() => retries.flush());
  progress.done();
  return result;
}

/**
 * What a person is told after an apply that was stopped. A stop while the steps ran leaves the
 * journal holding them: apply again resumes. A stop after every step had run, while the remediation
 * tasks' deployments were read, leaves nothing to resume: the journal was completed (unless a step
 * failed, which apply again retries), and the tasks go on in Azure; `plan` shows what they left.
 */
export function stopAdvice(r: ApplyResult, journalWhere: string): string {
  if (!r.aborted) return "";
  if (!r.stoppedReadingDeployments) return `Stopped: ${r.aborted}. The journal (${journalWhere}) says where; run apply again to resume.\n`;
  const tasks = r.delegated.filter((x) => x.status === "skipped").length;
  const retry = r.counts.failed + r.counts.skipped;
  const journal = retry
    ? `${retry} step(s) failed or were skipped: the journal (${journalWhere}) holds them, and apply again retries them`
    : "every step had been sent and the journal is complete: there is nothing to resume";
  return (
    `Stopped: ${r.aborted}, while the remediation tasks' deployments were read. ${journal[0]!.toUpperCase()}${journal.slice(1)}. ` +
    `The remediation tasks go on in Azure; the outcome of their ${tasks} install(s) was not read (reported skipped). Run plan once they have ended to see what is left.\n`
  );
}

/**
 * One line per apply, each count named for what it counts: the plan's steps run as ARM calls, the
 * plan's installs a remediation task made (per machine), the delegation's own policy steps, and the
 * ARM write requests (which a step can take more than one of: a removal deletes a role too).
 * A second line, when ARM throttled or failed calls that were sent again, totals them (the
 * result's JSON has them as `retries`).
 */
export function summarizeResult(r: ApplyResult): string {
  const { plan: c, byRemediation: d, delegation: g } = applyCounts(r);
  // Already done: an earlier run's journal had sent them and ARM shows them done (this run resumed it).
  const statuses = (x: typeof c) => [x["already-done"] ? `${x["already-done"]} already done by an earlier run (resumed from its journal)` : "", x.failed ? `${x.failed} failed` : "", x.skipped ? `${x.skipped} skipped` : ""].filter(Boolean);
  const parts = [`${c.done} applied`, ...statuses(c)];
  const installs = r.delegated.length ? ` Installs by remediation task, per machine: ${[`${d.done} done`, d.failed ? `${d.failed} failed` : "", d.skipped ? `${d.skipped} skipped` : ""].filter(Boolean).join(", ")}.` : "";
  const delegation = r.delegationSteps.length ? ` Delegation's policy steps (assignment, roles, remediation task, removal): ${[`${g.done} done`, ...statuses(g)].join(", ")}.` : "";
  // Named here too, not only in the progress lines (stderr, silent with --quiet): a pipeline's log shows which failed and why.
  const failed = [...r.results, ...r.delegated].filter((x) => x.status === "failed");
  const failures = failed.slice(0, 10).map((x) => `\n  failed: ${x.step.action} ${stepLabel(x.step)}: ${x.error}`).join("") + (failed.length > 10 ? `\n  ... and ${failed.length - 10} more failed (--format json lists each)` : "");
  const retries = noRetries(r.retries) ? "" : `Retries: ${describeRetries(r.retries)}, each sent again.\n`;
  return `Apply: ${parts.join(", ")}.${installs}${delegation} ARM write requests: ${r.writes}.${r.aborted ? ` ${r.aborted}.` : ""}${failures}\n${retries}`;
}
