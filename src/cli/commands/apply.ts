/**
 * `asc-autoprovision apply --spec FILE`: take the fleet's lease, read the actual state, show the
 * plan, ask (unless --yes), apply it. `apply --plan plan.json` applies a saved plan exactly (its
 * steps and no other) after checking that the state they depend on has not changed, but for shared
 * parts changed to exactly what its steps set there (already as planned: those steps are not sent).
 * Exit 0 when every step succeeded, 1 otherwise.
 */
import type { Command } from "commander";
import { createInterface } from "node:readline/promises";
import { basisPartCount, describeScope, planPieces, type Plan, delegationQuestion, delegationText, grantsOf, previewDelegation, type DelegationView } from "../../core";
import { loadSpecFile, type Spec } from "../../spec";
import { addCloudOptions, connectionFor, type CloudOptions } from "../cloud";
import { CliError } from "../errors";
import { choice } from "../format";
import type { CliContext } from "../context";
import { createProgress } from "../progress";
import { checkSameSpec, describeAsPlanned, describeStaleness, loadSavedPlan, withoutDoneSteps, type AsPlanned, type SavedPlan } from "../savedPlan";
import { applyFailed, resultJson } from "../resultJson";
import { onStopSignals } from "../signals";
import { addExecutionOptions, executionOptions, type ExecutionFlags } from "./execution";

export { addExecutionOptions, executionOptions, type ExecutionFlags } from "./execution";
import { writeStdout } from "../output";

export const APPLY_FORMATS = ["text", "json"] as const;

type ApplyFlags = CloudOptions & ExecutionFlags & { spec?: string; plan?: string; yes?: boolean; format: string; quiet?: boolean };

export function registerApplyCommand(program: Command, ctx: CliContext): void {
  addExecutionOptions(
    addCloudOptions(
      program
        .command("apply")
        .description(
          "Plan against the actual state and apply the steps (asks first unless --yes), holding the fleet's lease. Resumes an interrupted apply from its journal. With --plan, applies a saved plan exactly, once the state it depends on is checked unchanged.",
        )
        .option("--spec <file>", "desired state (YAML or JSON); with --plan, optional: checked to be the plan's")
        .option("--plan <file>", "a saved plan (`plan --out` or `plan --format json`): apply exactly its steps")
        .option("--yes", "apply without asking")
        .option("--format <format>", `result format: ${APPLY_FORMATS.join(", ")}`, "text")
        .option("--quiet", "no progress output"),
    ),
  ).action(async (opts: ApplyFlags, command: Command) => {
    const format = choice("--format", opts.format, APPLY_FORMATS);
    const given = executionOptions(opts);
    if (!opts.spec && !opts.plan) throw new CliError("give --spec (plan and apply) or --plan (apply a saved plan)");
    const saved: SavedPlan | undefined = opts.plan ? await loadSavedPlan(opts.plan) : undefined;
    const exec = { ...given, delegateAbove: delegationThreshold(saved, given.delegateAbove, command.getOptionValueSource("delegateAbove") === "cli") };
    const spec: Spec = opts.spec ? loadSpecFile(opts.spec) : saved!.spec;
    if (saved && opts.spec) checkSameSpec(saved, spec, opts.spec);
    const conn = await connectionFor(opts);
    const { applyRound, beginRound, describeEarlierRun, planRound, SpecProblemsError, stopAdvice, summarizeResult } = await import("../round");
    const progress = createProgress(ctx.stderr, { quiet: opts.quiet });
    const stop = onStopSignals(ctx.stderr);
    // The lease first: the state read next is the state this run alone changes.
    const run = await beginRound(conn, spec, "apply", exec).catch((err: unknown) => {
      // A refused lease (or an unwritable state) in JSON too, as a stale plan is: a script reads stdout.
      if (format === "json") ctx.stdout(JSON.stringify({ plan: null, result: null, error: err instanceof Error ? err.message : String(err) }, null, 2) + "\n");
      throw err;
    });
    // Said before the plan, which no longer shows what that run finished (user trial 16: "already-done: 0" after a kill -9).
    const earlierRun = run.journal.earlierRun;
    if (earlierRun) ctx.stderr(describeEarlierRun(earlierRun, run.journal.where));
    try {
      const signal = AbortSignal.any([stop.signal, run.lease.lost]);
      const planned = await planRound(conn, spec, progress, signal).catch((err: unknown) => {
        // As a stale plan is: a script reads stdout.
        if (format === "json" && err instanceof SpecProblemsError) ctx.stdout(JSON.stringify({ plan: err.plan.summary, result: null, error: err.message }, null, 2) + "\n");
        throw err;
      });
      let thePlan: Plan = planned.plan;
      let asPlanned: AsPlanned | undefined;
      if (saved) {
        const stale = describeStaleness(saved, planned.inventory, planned.plan);
        if (stale.changes.length) {
          ctx.stderr(stale.text);
          if (format === "json") ctx.stdout(JSON.stringify({ plan: saved.plan.summary, result: null, stale: stale.changes }, null, 2) + "\n");
          ctx.exitCode = 1;
          return;
        }
        ({ plan: thePlan, asPlanned } = withoutDoneSteps(saved.plan, stale));
        const parts = basisPartCount(saved.basis);
        progress.note(
          asPlanned.parts.length
            ? `The saved plan holds: of the ${parts} part(s) of the state its steps depend on, ${asPlanned.parts.length} changed to exactly what its steps set there (already as planned) and none to anything else.`
            : `The saved plan holds: none of the ${parts} part(s) of the state its steps depend on changed.`,
        );
      }
      // What the delegation runs instead of the plan's installs (role grants among them), shown before anything is sent.
      const shown = saved ? saved.plan : thePlan;
      const delegation = previewDelegation(thePlan, planned.inventory, exec.delegateAbove, shown);
      const unseen = saved?.delegation ? unreviewedGrants(saved.delegation, delegation) : [];
      if (unseen.length) {
        const message = `the saved plan no longer holds: its delegation would now grant ${unseen.join("; ")}, which the saved plan does not show (an Azure limit that kept a batch step by step no longer does). Nothing was applied: plan again`;
        if (format === "json") ctx.stdout(JSON.stringify({ plan: saved!.plan.summary, result: null, error: message }, null, 2) + "\n");
        throw new CliError(message);
      }
      // Shown right before it is applied (the saved plan as reviewed): without plan's "Run apply" advice.
      if (format === "text") await writeStdout(planPieces(shown, "text", { for: "apply", scope: describeScope(spec, planned.inventory), afterSteps: delegationText(delegation) }), ctx.stdout);
      if (format === "text" && asPlanned) ctx.stdout(describeAsPlanned(asPlanned));
      // With --plan, the steps already as planned in JSON too (empty lists when none).
      const extra = { delegation, ...(asPlanned ? { alreadyAsPlanned: asPlanned } : {}), earlierRun: earlierRun ?? null };
      if (thePlan.steps.length === 0) {
        if (format === "text" && asPlanned?.steps.length) ctx.stdout("Nothing else to apply.\n");
        if (format === "json") ctx.stdout(JSON.stringify({ plan: thePlan.summary, result: null, ...extra }, null, 2) + "\n");
        return;
      }
      if (!opts.yes) {
        if (!process.stdin.isTTY) throw new CliError("refusing to apply without --yes: standard input is not a terminal to ask on");
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        const answer = await rl.question(`Apply ${thePlan.steps.length} step(s)${delegationQuestion(delegation)}? Only "yes" is accepted: `);
        rl.close();
        if (answer.trim() !== "yes") {
          ctx.stderr("Apply cancelled.\n");
          ctx.exitCode = 1;
          return;
        }
      }
      const result = await applyRound(conn, run, { inventory: planned.inventory, plan: thePlan }, progress, { ...exec, signal });
      if (format === "json") {
        ctx.stdout(JSON.stringify({ plan: thePlan.summary, result: resultJson(result), ...extra }, null, 2) + "\n");
      } else {
        ctx.stdout(summarizeResult(result));
      }
      if (result.aborted) ctx.stderr(stopAdvice(result, run.journal.where));
      ctx.exitCode = applyFailed(result) ? 1 : 0;
    } finally {
      stop.dispose();
      await run.end();
    }
  });
}

/**
 * The delegation threshold of an apply. A saved plan is applied with the one `plan` showed its
 * delegation with (what was reviewed is what runs); a --delegate-above that differs is refused. A
 * plan file written before plans showed the delegation is applied one step at a time, as it reads,
 * unless --delegate-above is given (the delegation is then shown before the question).
 */
function delegationThreshold(saved: SavedPlan | undefined, flag: number, flagGiven: boolean): number {
  if (!saved) return flag;
  const planned = saved.delegation?.delegateAbove;
  if (planned === undefined) return flagGiven ? flag : 0;
  if (flagGiven && flag !== planned) {
    throw new CliError(`--delegate-above ${flag}: the saved plan was made (and shows its delegation) with --delegate-above ${planned}: apply it without the option, or plan again with --delegate-above ${flag}`);
  }
  return planned;
}

/** The grants the live delegation makes that the saved plan's did not show. */
function unreviewedGrants(reviewed: DelegationView, live: DelegationView): string[] {
  const seen = new Set(grantsOf(reviewed));
  return grantsOf(live).filter((g) => !seen.has(g));
}
