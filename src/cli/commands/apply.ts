/**
 * `asc-autoprovision apply --spec FILE`: read the actual state, show the plan, ask (unless --yes),
 * apply it. Exit 0 when every step succeeded, 1 otherwise.
 */
import type { Command } from "commander";
import { createInterface } from "node:readline/promises";
import { planPieces } from "../../core";
import { loadSpecFile } from "../../spec";
import { addCloudOptions, connectionFor, type CloudOptions } from "../cloud";
import { CliError } from "../errors";
import { DEFAULT_STATE_DIR, RUNTIME_OPTIONS, runtimeOptionProblem, type RuntimeOptionKey } from "../../azure/options";
import { choice } from "../format";
import type { CliContext } from "../context";
import { createProgress } from "../progress";
import { writeStdout } from "../output";

export const APPLY_FORMATS = ["text", "json"] as const;

export interface ExecutionFlags {
  stateDir: string;
  delegateAbove: string;
  concurrency: string;
  maxWritesPerSecond: string;
}

export function addExecutionOptions(cmd: Command): Command {
  return cmd
    .option("--state-dir <dir>", "where the apply journal is kept", DEFAULT_STATE_DIR)
    .option("--concurrency <n>", RUNTIME_OPTIONS.concurrency.description, String(RUNTIME_OPTIONS.concurrency.default))
    .option("--max-writes-per-second <n>", RUNTIME_OPTIONS.maxWritesPerSecond.description, String(RUNTIME_OPTIONS.maxWritesPerSecond.default))
    .option("--delegate-above <n>", RUNTIME_OPTIONS.delegateAbove.description, String(RUNTIME_OPTIONS.delegateAbove.default));
}

/** A flag's value checked against its runtime option (src/azure/options.ts): an error names the flag. */
function flag(key: RuntimeOptionKey, value: string): number {
  const n = Number(value);
  const problem = runtimeOptionProblem(key, n);
  if (problem) throw new CliError(`${RUNTIME_OPTIONS[key].flag}: "${value}" ${problem}`);
  return n;
}

export function executionOptions(opts: ExecutionFlags) {
  return {
    stateDir: opts.stateDir,
    delegateAbove: flag("delegateAbove", opts.delegateAbove),
    concurrency: flag("concurrency", opts.concurrency),
    writesPerSecond: flag("maxWritesPerSecond", opts.maxWritesPerSecond),
  };
}

export function registerApplyCommand(program: Command, ctx: CliContext): void {
  addExecutionOptions(
    addCloudOptions(
      program
        .command("apply")
        .description("Plan against the actual state and apply the steps (asks first unless --yes). Resumes an interrupted apply from its journal.")
        .requiredOption("--spec <file>", "desired state (YAML or JSON)")
        .option("--yes", "apply without asking")
        .option("--format <format>", `result format: ${APPLY_FORMATS.join(", ")}`, "text")
        .option("--quiet", "no progress output"),
    ),
  ).action(async (opts: CloudOptions & ExecutionFlags & { spec: string; yes?: boolean; format: string; quiet?: boolean }) => {
    const format = choice("--format", opts.format, APPLY_FORMATS);
    const exec = executionOptions(opts);
    const spec = loadSpecFile(opts.spec);
    const conn = await connectionFor(opts);
    const { applyRound, planRound, summarizeResult } = await import("../round");
    const progress = createProgress(ctx.stderr, { quiet: opts.quiet });
    const planned = await planRound(conn, spec, progress);
    const thePlan = planned.plan;
    // Shown right before it is applied: without plan's "Run apply" advice.
    if (format === "text") await writeStdout(planPieces(thePlan, "text", { for: "apply" }), ctx.stdout);
    if (thePlan.steps.length === 0) {
      if (format === "json") ctx.stdout(JSON.stringify({ plan: thePlan.summary, result: null }, null, 2) + "\n");
      return;
    }
    if (!opts.yes) {
      if (!process.stdin.isTTY) throw new CliError("refusing to apply without --yes: standard input is not a terminal to ask on");
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      const answer = await rl.question(`Apply ${thePlan.steps.length} step(s)? Only "yes" is accepted: `);
      rl.close();
      if (answer.trim() !== "yes") {
        ctx.stderr("Apply cancelled.\n");
        ctx.exitCode = 1;
        return;
      }
    }
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    try {
      const result = await applyRound(conn, spec, planned, progress, { ...exec, signal: controller.signal });
      if (format === "json") {
        ctx.stdout(JSON.stringify({ plan: thePlan.summary, result: { counts: result.counts, writes: result.writes, aborted: result.aborted ?? null, failed: result.results.filter((r) => r.status === "failed").map((r) => ({ step: r.step.id, error: r.error })) } }, null, 2) + "\n");
      } else {
        ctx.stdout(summarizeResult(result));
      }
      ctx.exitCode = result.counts.failed || result.counts.skipped ? 1 : 0;
    } finally {
      process.removeListener("SIGINT", stop);
      process.removeListener("SIGTERM", stop);
    }
  });
}
