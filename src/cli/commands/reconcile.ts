/**
 * `asc-autoprovision reconcile --spec FILE [--watch --interval S]`: plan and apply without asking,
 * once or in a level-based loop: every round reads the whole actual state again, so a machine
 * created while it runs gets its agent in the next round. SIGINT/SIGTERM stop it cleanly: steps
 * in flight finish, no new ones start, the loop ends.
 *
 * --format json prints one JSON object per round on one line (JSON Lines): the round number, when
 * it started, the plan's summary and the apply result (null when there was nothing to do).
 * Exit 0 when the last round had no failed step, 1 otherwise.
 */
import type { Command } from "commander";
import type { ExecuteResult } from "../../azure/executor";
import type { PlanSummary } from "../../core";
import { loadSpecFile } from "../../spec";
import { addCloudOptions, connectionFor, type CloudOptions } from "../cloud";
import { choice, positiveNumber } from "../format";
import type { CliContext } from "../context";
import { createProgress } from "../progress";
import { addExecutionOptions, executionOptions, type ExecutionFlags } from "./apply";

export function registerReconcileCommand(program: Command, ctx: CliContext): void {
  addExecutionOptions(
    addCloudOptions(
      program
        .command("reconcile")
        .description("Plan and apply without asking; with --watch, again every interval until stopped (SIGINT/SIGTERM).")
        .requiredOption("--spec <file>", "desired state (YAML or JSON)")
        .option("--watch", "keep reconciling every --interval seconds")
        .option("--interval <seconds>", "seconds between the start of two rounds", "60")
        .option("--format <format>", `round output: ${RECONCILE_FORMATS.join(", ")} (json: one JSON line per round)`, "text")
        .option("--quiet", "no progress output"),
    ),
  ).action(async (opts: CloudOptions & ExecutionFlags & { spec: string; watch?: boolean; interval: string; format: string; quiet?: boolean }) => {
    const format = choice("--format", opts.format, RECONCILE_FORMATS);
    const intervalMs = positiveNumber("--interval", opts.interval) * 1000;
    const exec = executionOptions(opts);
    const spec = loadSpecFile(opts.spec);
    const conn = await connectionFor(opts);
    const { applyRound, planRound, summarizeResult } = await import("../round");
    const progress = createProgress(ctx.stderr, { quiet: opts.quiet });
    const controller = new AbortController();
    const stop = () => {
      if (!controller.signal.aborted) ctx.stderr("stopping: letting steps in flight finish\n");
      controller.abort();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    let failures = 0;
    try {
      for (let round = 1; ; round++) {
        const started = Date.now();
        const planned = await planRound(conn, spec, progress);
        const thePlan = planned.plan;
        let result: (ExecuteResult & { writes: number }) | null = null;
        if (thePlan.steps.length === 0) {
          failures = 0;
          if (format === "text") ctx.stdout(`round ${round}: no changes (${thePlan.summary.machines} machine(s) in scope)\n`);
        } else {
          if (format === "text") ctx.stdout(`round ${round}: ${thePlan.steps.length} step(s) to apply\n`);
          result = await applyRound(conn, spec, planned, progress, { ...exec, signal: controller.signal });
          failures = result.counts.failed;
          if (format === "text") ctx.stdout(`round ${round}: ${summarizeResult(result)}`);
        }
        if (format === "json") ctx.stdout(JSON.stringify(roundJson(round, started, thePlan.summary, result)) + "\n");
        if (!opts.watch || controller.signal.aborted) break;
        await sleepUnless(controller.signal, Math.max(0, intervalMs - (Date.now() - started)));
        if (controller.signal.aborted) break;
      }
    } finally {
      process.removeListener("SIGINT", stop);
      process.removeListener("SIGTERM", stop);
    }
    ctx.exitCode = failures ? 1 : 0;
  });
}

export const RECONCILE_FORMATS = ["text", "json"] as const;

/** One round as a JSON Lines record; the result has the shape `apply --format json` gives. */
export interface RoundRecord {
  readonly round: number;
  readonly startedAt: string;
  readonly plan: PlanSummary;
  readonly result: {
    readonly counts: ExecuteResult["counts"];
    readonly writes: number;
    readonly aborted: string | null;
    readonly failed: readonly { readonly step: string; readonly error: string | undefined }[];
  } | null;
}

export function roundJson(round: number, startedMs: number, plan: PlanSummary, result: (ExecuteResult & { writes: number }) | null): RoundRecord {
  return {
    round,
    startedAt: new Date(startedMs).toISOString(),
    plan,
    result: result && {
      counts: result.counts,
      writes: result.writes,
      aborted: result.aborted ?? null,
      failed: result.results.filter((r) => r.status === "failed").map((r) => ({ step: r.step.id, error: r.error })),
    },
  };
}

function sleepUnless(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
