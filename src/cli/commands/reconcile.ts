/**
 * `asc-autoprovision reconcile --spec FILE [--watch --interval S]`: plan and apply without asking,
 * once or in a level-based loop: every round reads the actual state again, so a machine created
 * while it runs gets its agent in the next round. A watch takes the fleet's lease once and holds it
 * for its whole life (renewed while it runs, released when it stops): a second watch or an apply on
 * any of those subscriptions is refused, naming it, and so is a watch that finds it held. A round
 * whose scope grew (a subscription moved under a management group) takes the new subscriptions'
 * leases before it applies anything, the others held throughout, and applies their steps in that
 * round (while another run holds one, the round is skipped, nothing of it taken, and the next tries
 * again); one whose scope shrank (a subscription moved out) releases the lease of what left and
 * keeps the others held (both said on the round's line, `scopeChange` in JSON); a watch whose
 * lease was broken (`--force-unlock`) stops. A single reconcile, as apply, refuses a plan that
 * reaches a subscription it holds no lease on (ScopeError: run again).
 *
 * A watch outlives its rounds' errors (Resource Graph answering 503, the endpoint down): the round
 * is logged as failed and the next one waits longer (the interval, doubling per failed round up to
 * 10 minutes or the interval, whichever is longer). SIGINT/SIGTERM stop it: steps in flight have
 * their waits cut, no new ones start; a second signal exits at once.
 *
 * A watch reads its spec file again before each round: an edit that validates is used from that
 * round on (said on the round's line; the fleet is read in full; a new scope's leases and journal
 * are taken before the old scope's are released, so a subscription in both stays held: refused,
 * the round is skipped and the next tries again); an invalid one is said every round, with the
 * field and the values allowed, while the last valid spec stays in force.
 *
 * Text: each round line starts with its UTC time; a round lists its first 10 steps, naming the
 * subscription of those not on one machine, and says where the others are recorded (the journal).
 * --format json prints one JSON object per round on one line (JSON Lines), with the same members
 * whatever the outcome (roundOutput.ts): the round number, when it started, the plan's summary and
 * the apply result (null when not planned, or nothing ran), its first 10 steps and its `seconds`;
 * with --watch `read`, `specChange` and `scopeChange`; a failed round's `error` (a refused lease or an unreachable
 * cloud before the first round too). Exit 0 when the last round had no failed step and its apply
 * was not cut short (a watch stopped between rounds ends with 0), 1 otherwise.
 */
import type { Command } from "commander";
import type { ApplyResult, RunState } from "../../azure";
import { addCloudOptions, connectionFor, type CloudOptions } from "../cloud";
import type { CliContext } from "../context";
import { CliError } from "../errors";
import { choice } from "../format";
import { createProgress } from "../progress";
import { describeRead, describeScopeChange, describeSpecCheck, oneLine, roundLine, roundLines, roundRecord, scopeChangeOf, stepLines, type RoundOutcome } from "../roundOutput";
import { onStopSignals } from "../signals";
import { sameScope, SpecFollower } from "../specFollow";
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
    const json = format === "json";
    const watching = !!opts.watch;
    const commandStarted = Date.now();
    const progress = createProgress(ctx.stderr, { quiet: opts.quiet });
    // Before the first round: the spec, the cloud, the lease (refused here, nothing runs). A failure
    // ends the command (exit 1); in JSON its round line says why too, as apply's document does.
    const { follower, conn, azure, rounds, first } = await (async () => {
      const follower = SpecFollower.open(opts.spec);
      const conn = await connectionFor(opts);
      const [azure, rounds] = await Promise.all([import("../../azure"), import("../round")]);
      const first = await rounds.beginRound(conn, follower.current, "reconcile", exec);
      return { follower, conn, azure, rounds, first };
    })().catch((err: unknown) => {
      if (json) ctx.stdout(roundRecord(1, commandStarted, {}, watching, { error: messageOf(err), nextRoundInSeconds: null }));
      throw err;
    });
    const { sleepUnlessStopped, LeaseRefusedError } = azure;
    const { applyRound, describeEarlierRun, noteRoundWrites, planRound, planWatchRound, releaseLeft, SpecProblemsError, rescopeRound, summarizeResult, takeJoined, watchReader } = rounds;
    let spec = follower.current;
    let reader = watching ? watchReader(conn, spec, progress, fullEvery) : undefined;
    // The lease, held across a watch's rounds until it stops; `leased`: the spec whose scope it holds.
    const run: RunState = first;
    let leased = spec;
    if (first.journal.earlierRun) ctx.stderr(describeEarlierRun(first.journal.earlierRun, first.journal.where));
    const stop = onStopSignals(ctx.stderr);
    let failed = false;
    let failedRounds = 0;
    try {
      for (let round = 1; ; round++) {
        const started = Date.now();
        const outcome: RoundOutcome = {};
        try {
          if (round > 1) {
            // The spec file as it is now: an edit takes effect from this round, an invalid one is said and the last valid spec kept.
            const check = (outcome.spec = follower.check());
            if (check.status !== "same" && !json) ctx.stdout(roundLine(round, describeSpecCheck(check, opts.spec)));
            if (check.status === "reloaded") {
              spec = check.spec;
              // What a round reads depends on the spec beyond its scope (the tags kept, the workspace named): read in full.
              reader = watchReader(conn, spec, progress, fullEvery, reader?.recent);
            }
          }
          // Another scope (an edit, or an earlier round's move refused), another journal and leases:
          // the new scope's taken before the old scope's are released (a subscription in both stays held).
          if (!sameScope(leased, spec)) {
            await rescopeRound(conn, run, spec);
            leased = spec;
          }
          const signal = AbortSignal.any([stop.signal, run.lease.lost]);
          const watched = reader ? await planWatchRound(conn, reader, spec, signal) : undefined;
          const planned = watched ?? (await planRound(conn, spec, progress, signal));
          const read = watched?.read;
          const thePlan = (outcome.plan = planned.plan);
          outcome.read = read;
          if (watched) {
            // A subscription that left the scope: its lease released now, the others' kept (a step is applied only within the scope read).
            const released = await releaseLeft(run, planned.inventory);
            // Said by a skipped round too (its JSON line, or the text line before the refusal): the next round does not see it change again.
            outcome.scope = scopeChangeOf(watched.scope.left, watched.scope.joined, released, []);
            // One that joined it (this round, or a round whose take was refused): its lease taken before
            // anything is applied, the others held throughout; refused, the round is skipped, the next tries again.
            const taken = await takeJoined(run, planned.inventory).catch((err: unknown) => {
              if (outcome.scope && !json) ctx.stdout(roundLine(round, describeScopeChange(outcome.scope)));
              throw err;
            });
            const change = (outcome.scope = scopeChangeOf(watched.scope.left, watched.scope.joined, released, taken));
            if (change && !json) ctx.stdout(roundLine(round, describeScopeChange(change)));
          }
          let result: ApplyResult | null = null;
          if (thePlan.steps.length === 0) {
            if (!json) ctx.stdout(roundLine(round, `no changes (${thePlan.summary.machines} machine(s) in scope${read ? `; ${describeRead(read)}` : ""})`));
          } else {
            if (!json) ctx.stdout(roundLine(round, `${thePlan.steps.length} step(s) to apply${read ? ` (${describeRead(read)})` : ""}`) + stepLines(thePlan, run.journal.where));
            result = outcome.result = await applyRound(conn, run, planned, progress, { ...exec, signal });
            if (reader) noteRoundWrites(reader, result);
            if (!json) ctx.stdout(roundLines(round, summarizeResult(result)));
          }
          // The round's own time (reading, planning, applying): what a quiet round costs at this fleet's size.
          if (json) ctx.stdout(roundRecord(round, started, outcome, watching));
          failed = !!result && (result.counts.failed > 0 || !!result.aborted || result.delegated.some((x) => x.status === "failed"));
          failedRounds = 0;
        } catch (err) {
          const message = messageOf(err);
          // A plan refused for what it names (specProblems): the round planned, nothing was applied.
          if (err instanceof SpecProblemsError) outcome.plan = err.plan;
          if (!watching) {
            if (json) ctx.stdout(roundRecord(round, started, outcome, false, { error: message, nextRoundInSeconds: null }));
            throw err;
          }
          // Stopped while reading: nothing was cut short, the watch ends as between rounds.
          if (stop.signal.aborted) break;
          // Someone broke the lease (or took it after it expired): the watch no longer owns the fleet.
          if (run.lease.lost.aborted) {
            const why = (run.lease.lost.reason as Error).message;
            if (json) ctx.stdout(roundRecord(round, started, outcome, true, { error: why, nextRoundInSeconds: null }));
            ctx.stderr(`reconcile: ${why}\n`);
            failed = true;
            break;
          }
          // A watch outlives a failed round: log it, wait longer, try again.
          failedRounds++;
          failed = true;
          const wait = nextWaitMs(intervalMs, failedRounds);
          const what = err instanceof LeaseRefusedError ? "skipped" : "failed";
          if (json) ctx.stdout(roundRecord(round, started, outcome, true, { error: message, nextRoundInSeconds: wait / 1000 }));
          else ctx.stdout(roundLine(round, `${what}: ${oneLine(message)}; next round in ${(wait / 1000).toFixed(1)} s`));
          await sleepUnlessStopped(Math.max(0, wait - (Date.now() - started)), stop.signal).catch(() => undefined);
          if (stop.signal.aborted) break;
          continue;
        }
        if (!watching || stop.signal.aborted) break;
        await sleepUnlessStopped(Math.max(0, intervalMs - (Date.now() - started)), stop.signal).catch(() => undefined);
        if (stop.signal.aborted) break;
      }
    } finally {
      stop.dispose();
      await run.end();
    }
    if (stop.signal.aborted) ctx.stderr("reconcile stopped: interrupted\n");
    // A watch stopped between rounds (or while reading) ends cleanly: 1 only when the last round
    // failed or its apply was cut short (`aborted` set); a single reconcile that was stopped did not finish.
    ctx.exitCode = failed || (!watching && stop.signal.aborted) ? 1 : 0;
  });
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : undefined) ?? String(err);
}

export const RECONCILE_FORMATS = ["text", "json"] as const;

// demo prints its apply as a round does.
export { roundJson, type RoundRecord } from "../roundOutput";
