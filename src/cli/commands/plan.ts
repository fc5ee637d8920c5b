/**
 * `asc-autoprovision plan --spec FILE --inventory FILE [--format text|json|markdown]`
 * Exit codes as `terraform plan -detailed-exitcode`: 0 nothing to do, 2 changes pending, 1 error.
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { loadInventoryFile } from "../../inventory/load";
import { plan } from "../../reconcile/plan";
import { PLAN_FORMATS, renderPlan } from "../../reconcile/render";
import { loadSpecFile } from "../../spec/load";
import { choice } from "../format";
import type { CliContext } from "../main";

export function registerPlanCommand(program: Command, ctx: CliContext): void {
  program
    .command("plan")
    .description("Compare the spec with the actual state and print what would change. Exit 0: no changes, 2: changes pending, 1: error.")
    .requiredOption("--spec <file>", "desired state (YAML or JSON)")
    .option("--inventory <file>", "actual state snapshot (JSON), as written by `inventory --out`")
    .option("--format <format>", `output format: ${PLAN_FORMATS.join(", ")}`, "text")
    .option("--out <file>", "also write the plan as JSON to this file (for `apply --plan`)")
    .action((opts: { spec: string; inventory?: string; format: string; out?: string }) => {
      const format = choice("--format", opts.format, PLAN_FORMATS);
      const spec = loadSpecFile(opts.spec);
      if (!opts.inventory) throw new Error("--inventory <file> is required (reading from Azure comes with --cloud)");
      const inventory = loadInventoryFile(opts.inventory);
      const result = plan(spec, inventory);
      if (opts.out) writeFileSync(opts.out, renderPlan(result, "json"));
      ctx.stdout(renderPlan(result, format));
      ctx.exitCode = result.steps.length ? 2 : 0;
    });
}
