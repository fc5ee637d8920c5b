/**
 * `asc-autoprovision plan --spec FILE --inventory FILE [--format text|json|ndjson|markdown]`
 * Exit codes as `terraform plan -detailed-exitcode`: 0 nothing to do, 2 changes pending, 1 error
 * (and, with --fail-on, findings of that severity or worse). Every format is written as it is
 * produced; --out writes the plan file (JSON) too, complete or not at all.
 */
import type { Command } from "commander";
import type { Inventory } from "../../inventory";
import { loadInventoryForSpec } from "../inventoryFile";
import { basisOf, describeScope, SCOPE_WITHOUT_SUBSCRIPTIONS, withMachinesLaidOut, GITHUB_COMMENT_LIMIT, MIN_MARKDOWN_CHARS, plan, PLAN_FORMATS, planPieces, specProblems, type Plan, type PlanBasis, type ScopeSummary, type Severity, delegationMarkdown, delegationText, previewDelegation, type DelegationView } from "../../core";
import { loadSpecFile, type Spec } from "../../spec";
import { addCloudOptions, connectionFor, type CloudOptions } from "../cloud";
import { choice, linkUrl, wholeNumber } from "../format";
import type { CliContext } from "../context";
import { collectGarbage } from "../heap";
import { createProgress, type Progress } from "../progress";
import { checkWritable, copyFileToStdout, writeOutputFile, writeStdout } from "../output";
import { addDelegateAboveOption, runtimeFlag } from "../runtimeFlags";
import { describeSpecProblems } from "../specProblems";

export const FAIL_ON = ["error", "warning"] as const;

interface PlanFlags extends CloudOptions {
  spec: string;
  inventory?: string;
  format: string;
  out?: string;
  maxChars: string;
  planUrl?: string;
  reportUrl?: string;
  failOn?: string;
  quiet?: boolean;
  delegateAbove: string;
}

export function registerPlanCommand(program: Command, ctx: CliContext): void {
  addDelegateAboveOption(
    addCloudOptions(
      program
        .command("plan")
        .description("Compare the spec with the actual state and print what would change. Exit 0: no changes, 2: changes pending, 1: error.")
        .requiredOption("--spec <file>", "desired state (YAML or JSON)")
        .option("--inventory <file>", "actual state snapshot (JSON) as `inventory --out` writes it; without it the state is read with --cloud")
        .option("--format <format>", `output format: ${PLAN_FORMATS.join(", ")}`, "text")
        .option("--out <file>", "also write the plan as JSON to this file, with a digest of the state it was planned from: `apply --plan FILE` applies exactly it")
        .option("--max-chars <n>", `markdown: at most this many characters (GitHub refuses a comment over ${GITHUB_COMMENT_LIMIT})`, String(GITHUB_COMMENT_LIMIT))
        .option("--plan-url <url>", "markdown: where the full plan is (e.g. the CI artifact), linked from the comment")
        .option("--report-url <url>", "markdown: where the coverage report is, linked from the comment")
        .option("--fail-on <severity>", `exit 1 when the plan has a finding of this severity or worse: ${FAIL_ON.join(", ")}`)
        .option("--quiet", "no progress output"),
    ),
  ).action(async (opts: PlanFlags) => {
    const format = choice("--format", opts.format, PLAN_FORMATS);
    const maxChars = wholeNumber("--max-chars", opts.maxChars, MIN_MARKDOWN_CHARS);
    const failOn = opts.failOn === undefined ? undefined : choice("--fail-on", opts.failOn, FAIL_ON);
    const [planUrl, reportUrl] = [linkUrl("--plan-url", opts.planUrl), linkUrl("--report-url", opts.reportUrl)];
    const delegateAbove = runtimeFlag("delegateAbove", opts.delegateAbove);
    if (opts.out) checkWritable(opts.out, "--out");
    const spec = loadSpecFile(opts.spec);
    const progress = createProgress(ctx.stderr, { quiet: opts.quiet });
    // From a file, the Azure SDK is never loaded; from ARM, the adapter is loaded now. The
    // inventory is read inside planAndBasis (a value of this frame would stay reachable from it),
    // so it is garbage once planned: collected here before an output that fills the heap again
    // (every format but the markdown comment alone, whose few KB do not pay for it; heap.ts).
    const saved = Boolean(opts.out) || format === "json" || format === "ndjson";
    const inventoryFile = opts.inventory;
    const { result, meta, scope, delegation } = inventoryFile ? planAndBasis(spec, () => loadInventoryForSpec(inventoryFile, spec, opts.spec), saved, delegateAbove) : await planLive(opts, spec, progress, saved, delegateAbove);
    if (saved || format !== "markdown") collectGarbage();
    // The text and the markdown open with it; a plan file's first finding is it, and a person reading a CI log sees it here first.
    const empty = result.findings.find((f) => f.code === SCOPE_WITHOUT_SUBSCRIPTIONS);
    if (empty && (format === "json" || format === "ndjson")) ctx.stderr(`asc-autoprovision: warning: ${empty.message}\n`);
    // A plan the spec made wrong (a subscription or workspace Azure, or the file, does not show) is shown, so the
    // reader sees why, but saved nowhere `apply --plan` could take it from: exit 1 below.
    const out = specProblems(result).length ? undefined : opts.out;
    if (opts.out && !out) ctx.stderr(`asc-autoprovision: --out ${opts.out} not written: the plan is refused (below)\n`);
    if (out) await writeOutputFile(out, planPieces(result, "json", { meta }));
    // `--format json --out F`: the same text twice; it is encoded once and read back from F.
    if (out && format === "json") await copyFileToStdout(out, ctx.stdout);
    else await writeStdout(planPieces(result, format, { maxChars, planUrl, reportUrl, meta, scope, afterSteps: delegationText(delegation), markdownAfterSteps: delegationMarkdown(delegation) }), ctx.stdout);
    ctx.exitCode = exitCodeOf(result, failOn, inventoryFile ? `the inventory file ${inventoryFile}` : "Azure", ctx);
  });
}

/**
 * The plan, and for a plan file (--out, json, ndjson) its basis in the header's meta: a digest of
 * each part of the state its steps depend on, which `apply --plan` checks against the live state.
 * `read` gives the inventory, which no caller's frame holds past planning. Above `delegateAbove`,
 * the delegation apply would run (delegate.ts), recorded in the meta too: `apply --plan` runs it
 * with the same threshold and refuses a grant it does not list.
 */
export function planAndBasis(
  spec: Spec,
  read: () => Inventory,
  saved: boolean,
  delegateAbove = 0,
): { result: Plan; meta?: { basis: PlanBasis; delegation: DelegationView }; scope?: ScopeSummary | undefined; delegation: DelegationView } {
  // One sort for the planner and the basis (which then walks the plan's machines beside these),
  // and machines laid out in memory in that order (relocate.ts), as the planner would lay them.
  const inventory = withMachinesLaidOut(read());
  // The file's text, what parsing it left and the machines in file order are garbage: the planner starts from a heap that holds the inventory only.
  collectGarbage();
  const result = plan(spec, inventory);
  const scope = describeScope(spec, inventory);
  const delegation = previewDelegation(result, inventory, delegateAbove);
  return saved ? { result, meta: { basis: basisOf(spec, inventory, result), delegation }, scope, delegation } : { result, scope, delegation };
}

async function planLive(opts: CloudOptions, spec: Spec, progress: Progress, saved: boolean, delegateAbove: number): Promise<ReturnType<typeof planAndBasis>> {
  const [{ readInventoryFor }, { RetryTally }] = await Promise.all([import("../../azure/inventory"), import("../../azure/retryTally")]);
  // Throttling and 5xx made a plan take 40 s instead of 2 with nothing said (user trial 17): said now, a line per 10 s at most.
  const retries = new RetryTally((m) => progress.note(m));
  const inventory = await readInventoryFor(await connectionFor(opts), spec, { onProgress: (m) => progress.note(m), retry: { onRetry: retries.onRetry } }).finally(() => retries.flush());
  return planAndBasis(spec, () => inventory, saved, delegateAbove);
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** `readFrom`: what the plan was read from (Azure, or the inventory file), named when the spec names what it does not show. */
function exitCodeOf(result: Plan, failOn: (typeof FAIL_ON)[number] | undefined, readFrom: string, ctx: CliContext): 0 | 1 | 2 {
  if (specProblems(result).length) {
    ctx.stderr(`asc-autoprovision: ${describeSpecProblems(result, readFrom, "the plan is refused")}\n`);
    return 1;
  }
  if (failOn) {
    const failing = result.findings.filter((f) => RANK[f.severity] <= RANK[failOn]);
    if (failing.length) {
      ctx.stderr(`asc-autoprovision: --fail-on ${failOn}: ${failing.length} finding(s) (${[...new Set(failing.map((f) => f.code))].join(", ")})\n`);
      return 1;
    }
  }
  return result.steps.length ? 2 : 0;
}
