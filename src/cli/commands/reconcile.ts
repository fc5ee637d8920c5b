/**
 * `asc-autoprovision reconcile --spec FILE [--watch --interval S]`: plan and apply without asking,
 * once or in a level-based loop: every round reads the actual state again, so a machine created
 * while it runs gets its agent in the next round. A watch takes the fleet's lease once and holds it
 * for its whole life (renewed while it runs, released when it stops): a second watch or an apply on
 * any of those subscriptions is refused, naming it, and so is a watch that finds it held. A round
 * whose scope grew (a subscription moved under a management group) takes the lease again for the
 * new scope; a watch whose lease was broken (`--force-unlock`) stops.
 *
 * A watch outlives its rounds' errors (Resource Graph answering 503, the endpoint down): the round
 * is logged as failed and the next one waits longer (the interval, doubling per failed round up to
 * 10 minutes or the interval, whichever is longer). SIGINT/SIGTERM stop it: steps in flight have
 * their waits cut, no new ones start; a second signal exits at once.
 *
 * --format json prints one JSON object per round on one line (JSON Lines): the round number, when
 * it started, the plan's summary and the apply result (null when there was nothing to do), or the
 * round's error; with --watch, how the round read the fleet (`read`: full or changes, the changed
 * resources, the machines built, whether it planned or kept the last plan), its first 10 steps
 * (`steps`: action, target, label; `moreSteps` counts the rest) and its `seconds`. Exit 0 when the last round had no failed step and its apply was not cut short (a watch
 * stopped between rounds ends with 0), 1 otherwise.
 */
import type { Command } from "commander";
import type { ApplyResult, RunState } from "../../azure";
import { stepLabel, type Plan, type PlanSummary } from "../../core";
import { loadSpecFile } from "../../spec";
import { addCloudOptions, connectionFor, type CloudOptions } from "../cloud";
import type { CliContext } from "../context";
import { CliError } from "../errors";
import { choice } from "../format";
import { createProgress } from "../progress";
import { resultJson, type ResultJson } from "../resultJson";
import { onStopSignals } from "../signals";
import { addExecutionOptions, executionOptions, type ExecutionFlags } from "./execution";

/** The longest --interval: Node's timers hold at most 2^31-1 ms (more overflows to 1 ms: a tight loop). */
export const MAX_INTERVAL_SECONDS = 2_147_483;
/** A failed round's wait doubles up to this (or the interval, when longer). */
const MAX_BACKOFF_MS = 10 * 60_000;

export function intervalSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > MAX_INTERVAL_SECONDS) throw new CliError(`--interval: "${value}" is not a number of seconds > 0 and <= ${MAX_INTERVAL_SECONDS}`);
  return n;
}

/** How long to wait before the next round after `failures` failed rounds in a row. */
export function nextWaitMs(intervalMs: number, failures: number): number {
  if (failures === 0) return intervalMs;
  return Math.min(intervalMs * 2 ** (failures - 1), Math.max(intervalMs, MAX_BACKOFF_MS));
}

export function registerReconcileCommand(program: Command, ctx: CliContext): void {
  addExecutionOptions(
    addCloudOptions(
      program
        .command("reconcile")
        .description("Plan and apply without asking; with --watch, again every interval until stopped (SIGINT/SIGTERM).")
        .requiredOption("--spec <file>", "desired state (YAML or JSON)")
        .option("--watch", "keep reconciling every --interval seconds")
        .option("--interval <seconds>", `seconds between the start of two rounds (at most ${MAX_INTERVAL_SECONDS})`, "60")
        .option("--full-read-every <rounds>", "with --watch: read the whole fleet every n rounds; the rounds between read only what Resource Graph's resourcechanges shows changed", "30")
        .option("--format <format>", `round output: ${RECONCILE_FORMATS.join(", ")} (json: one JSON line per round)`, "text")
        .option("--quiet", "no progress output"),
    ),
  ).action(async (opts: CloudOptions & ExecutionFlags & { spec: string; watch?: boolean; interval: string; fullReadEvery: string; format: string; quiet?: boolean }, cmd: Command) => {
    const format = choice("--format", opts.format, RECONCILE_FORMATS);
    // A watch's options given without --watch would be silently ignored: one round runs.
    for (const [key, flag] of [["interval", "--interval"], ["fullReadEvery", "--full-read-every"]] as const) {
      if (!opts.watch && cmd.getOptionValueSource(key) === "cli") throw new CliError(`${flag} is for --watch: give --watch ${flag} ..., or leave ${flag} out for one round`);
    }
    const intervalMs = intervalSeconds(opts.interval) * 1000;
    const fullEvery = Number(opts.fullReadEvery);
    if (!Number.isInteger(fullEvery) || fullEvery < 1) throw new CliError(`--full-read-every: "${opts.fullReadEvery}" is not a whole number >= 1`);
    const exec = executionOptions(opts);
    const spec = loadSpecFile(opts.spec);
    const conn = await connectionFor(opts);
    const { sleepUnlessStopped, LeaseRefusedError, ScopeError } = await import("../../azure");
    const { applyRound, beginRound, describeEarlierRun, noteRoundWrites, planRound, planWatchRound, summarizeResult, watchReader } = await import("../round");
    const progress = createProgress(ctx.stderr, { quiet: opts.quiet });
    const reader = opts.watch ? watchReader(conn, spec, progress, fullEvery) : undefined;
    // The lease, held across a watch's rounds until it stops: refused here, nothing runs.
    let run: RunState | undefined = await beginRound(conn, spec, "reconcile", exec);
    if (run.journal.earlierRun) ctx.stderr(describeEarlierRun(run.journal.earlierRun, run.journal.where));
    const stop = onStopSignals(ctx.stderr);
    let failed = false;
    let failedRounds = 0;
    try {
      for (let round = 1; ; round++) {
        const started = Date.now();
        try {
          run ??= await beginRound(conn, spec, "reconcile", { state: exec.state });
          const signal = AbortSignal.any([stop.signal, run.lease.lost]);
          const planned = reader ? await planWatchRound(conn, reader, spec, signal) : await planRound(conn, spec, progress, signal);
          const read: WatchRead | undefined = "read" in planned ? (planned.read as WatchRead) : undefined;
          const thePlan = planned.plan;
          let result: ApplyResult | null = null;
          if (thePlan.steps.length === 0) {
            if (format === "text") ctx.stdout(`round ${round}: no changes (${thePlan.summary.machines} machine(s) in scope${read ? `; ${describeRead(read)}` : ""})\n`);
          } else {
            if (format === "text") ctx.stdout(`round ${round}: ${thePlan.steps.length} step(s) to apply${read ? ` (${describeRead(read)})` : ""}\n${stepLines(thePlan)}`);
            result = await applyRound(conn, run, planned, progress, { ...exec, signal });
            if (reader) noteRoundWrites(reader, result);
            if (format === "text") ctx.stdout(`round ${round}: ${summarizeResult(result)}`);
          }
          // The round's own time (reading, planning, applying): what a quiet round costs at this fleet's size.
          if (format === "json") ctx.stdout(JSON.stringify({ ...roundJson(round, started, thePlan.summary, result), ...(read ? { read } : {}), ...roundSteps(thePlan), seconds: (Date.now() - started) / 1000 }) + "\n");
          failed = !!result && (result.counts.failed > 0 || !!result.aborted || result.delegated.some((x) => x.status === "failed"));
          failedRounds = 0;
        } catch (err) {
          if (!opts.watch) throw err;
          // Stopped while reading: nothing was cut short, the watch ends as between rounds.
          if (stop.signal.aborted) break;
          // Someone broke the lease (or took it after it expired): the watch no longer owns the fleet.
          if (run?.lease.lost.aborted) {
            ctx.stderr(`reconcile: ${(run.lease.lost.reason as Error).message}\n`);
            failed = true;
            break;
          }
          // The scope grew past the lease: the next round takes it again for the new scope.
          if (err instanceof ScopeError && run) {
            await run.end();
            run = undefined;
          }
          // A watch outlives a failed round: log it, wait longer, try again.
          failedRounds++;
          failed = true;
          const message = (err as Error).message ?? String(err);
          const wait = nextWaitMs(intervalMs, failedRounds);
          const what = err instanceof LeaseRefusedError ? "skipped" : "failed";
          if (format === "json") ctx.stdout(JSON.stringify({ round, startedAt: new Date(started).toISOString(), error: message, nextRoundInSeconds: wait / 1000 }) + "\n");
          else ctx.stdout(`round ${round}: ${what}: ${message.split("\n")[0]}; next round in ${(wait / 1000).toFixed(1)} s\n`);
          await sleepUnlessStopped(Math.max(0, wait - (Date.now() - started)), stop.signal).catch(() => undefined);
          if (stop.signal.aborted) break;
          continue;
        }
        if (!opts.watch || stop.signal.aborted) break;
        await sleepUnlessStopped(Math.max(0, intervalMs - (Date.now() - started)), stop.signal).catch(() => undefined);
        if (stop.signal.aborted) break;
      }
    } finally {
      stop.dispose();
      await run?.end();
    }
    if (stop.signal.aborted) ctx.stderr("reconcile stopped: interrupted\n");
    // A watch stopped between rounds (or while reading) ends cleanly: 1 only when the last round
    // failed or its apply was cut short (`aborted` set); a single reconcile that was stopped did not finish.
    ctx.exitCode = failed || (!opts.watch && stop.signal.aborted) ? 1 : 0;
  });
}

export const RECONCILE_FORMATS = ["text", "json"] as const;

/** How a watch round read the fleet. */
interface WatchRead {
  readonly mode: "full" | "changes";
  readonly changed: number;
  /** Steps left out: a recent round wrote them and ARM shows them done (Resource Graph lags). */
  readonly confirmed: number;
  /** Machines the round built from what it read; the others are the last round's as they were. */
  readonly built: number;
  /** False when the round read the same inventory as the last and kept the last round's plan. */
  readonly planned: boolean;
}

function describeRead(read: WatchRead): string {
  const how = read.mode === "full" ? "full read" : `read ${read.changed} changed resource(s)`;
  return read.confirmed ? `${how}; ${read.confirmed} step(s) a recent round wrote, confirmed in ARM, not sent again` : how;
}

/** Steps a round names (an operator sees which machine got what); the rest are counted. `plan` lists them all. */
const NAMED_STEPS = 10;

/** The round's first steps, one per line, for the text output. */
function stepLines(plan: Plan): string {
  const lines = plan.steps.slice(0, NAMED_STEPS).map((s) => `  ${s.action}: ${stepLabel(s)}\n`);
  const more = plan.steps.length - lines.length;
  return lines.join("") + (more > 0 ? `  ... and ${more} more step(s)\n` : "");
}

/** The round's first steps in its JSON line: action, target and what the step does. */
function roundSteps(plan: Plan): { steps: { action: string; target: string; label: string }[]; moreSteps: number } {
  const steps = plan.steps.slice(0, NAMED_STEPS).map((s) => ({ action: s.action, target: s.target, label: stepLabel(s) }));
  return { steps, moreSteps: plan.steps.length - steps.length };
}

/** One round as a JSON Lines record; the result has the shape `apply --format json` gives. */
export interface RoundRecord {
  readonly round: number;
  readonly startedAt: string;
  readonly plan: PlanSummary;
  readonly result: ResultJson | null;
}

export function roundJson(round: number, startedMs: number, plan: PlanSummary, result: ApplyResult | null): RoundRecord {
  return { round, startedAt: new Date(startedMs).toISOString(), plan, result: result && resultJson(result) };
}
