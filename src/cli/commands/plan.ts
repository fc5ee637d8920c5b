/**
 * `asc-autoprovision plan --spec FILE --inventory FILE [--format text|json|markdown]`
 * Exit codes as `terraform plan -detailed-exitcode`: 0 nothing to do, 2 changes pending, 1 error.
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { loadInventoryFile } from "../../inventory";
import { basisOf, plan, PLAN_FORMATS, renderPlan } from "../../core";
import { loadSpecFile } from "../../spec";
import { addCloudOptions, connectionFor, type CloudOptions } from "../cloud";
import { choice } from "../format";
import type { CliContext } from "../context";
import { createProgress } from "../progress";

export function registerPlanCommand(program: Command, ctx: CliContext): void {
  addCloudOptions(
    program
      .command("plan")
      .description("Compare the spec with the actual state and print what would change. Exit 0: no changes, 2: changes pending, 1: error.")
      .requiredOption("--spec <file>", "desired state (YAML or JSON)")
      .option("--inventory <file>", "actual state snapshot (JSON) as `inventory --out` writes it; without it the state is read with --cloud")
      .option("--format <format>", `output format: ${PLAN_FORMATS.join(", ")}`, "text")
      .option("--out <file>", "also write the plan as JSON to this file, with the spec and a digest of the state it was planned from: `apply --plan FILE` applies exactly it")
      .option("--quiet", "no progress output"),
  ).action(async (opts: CloudOptions & { spec: string; inventory?: string; format: string; out?: string; quiet?: boolean }) => {
      const format = choice("--format", opts.format, PLAN_FORMATS);
      const spec = loadSpecFile(opts.spec);
      const progress = createProgress(ctx.stderr, { quiet: opts.quiet });
      // From a file, the Azure SDK is never loaded; from ARM, the adapter is loaded now.
      const inventory = opts.inventory ? loadInventoryFile(opts.inventory) : await readLive(opts, spec.subscriptions, (m) => progress.note(m));
      const result = plan(spec, inventory);
      // The JSON plan carries its basis, so `apply --plan` takes `--out` and `--format json` alike.
      const saved = format === "json" || opts.out ? { ...result, basis: basisOf(spec, inventory, result.steps) } : result;
      if (opts.out) writeFileSync(opts.out, renderPlan(saved, "json"));
      ctx.stdout(renderPlan(saved, format));
      ctx.exitCode = result.steps.length ? 2 : 0;
    });
}

async function readLive(opts: CloudOptions, subscriptions: readonly string[], onProgress: (message: string) => void) {
  const { readInventory } = await import("../../azure/inventory");
  return readInventory(await connectionFor(opts), subscriptions, { onProgress });
}
