import type { Command } from "commander";
import type { CliContext } from "../context";
import { registerApplyCommand } from "./apply";
import { registerDemoCommand } from "./demo";
import { registerEmulatorCommand } from "./emulator";
import { registerInventoryCommand } from "./inventory";
import { registerPlanCommand } from "./plan";
import { registerReconcileCommand } from "./reconcile";
import { registerReportCommand } from "./report";
import { registerSchemasCommand } from "./schemas";

/**
 * Exit codes of every command, shown at the end of its --help. One convention throughout: 0 done
 * (nothing left to do), 1 error or failure, 2 done but attention needed (like `terraform plan
 * -detailed-exitcode`). Usage errors (unknown option, bad value) exit 1.
 */
export const EXIT_CODES: Readonly<Record<string, string>> = {
  demo: "0 converged (the second plan has no step and no step failed), 1 otherwise or on error",
  plan: "0 no changes, 2 changes pending, 1 error",
  apply: "0 every step succeeded (or nothing to do), 1 a step failed or was skipped, the apply was declined, or an error",
  reconcile: "0 the last round had no failed step, 1 otherwise or on error",
  report: "0 written, 2 coverage below --fail-under, 1 error",
  inventory: "0 written, 1 error",
  emulator: "0 stopped by SIGINT/SIGTERM, 1 error",
  schemas: "0 written, 1 error",
};

/** Every sub-command, in the order --help lists them. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerDemoCommand(program, ctx);
  registerPlanCommand(program, ctx);
  registerApplyCommand(program, ctx);
  registerReconcileCommand(program, ctx);
  registerReportCommand(program, ctx);
  registerInventoryCommand(program, ctx);
  registerEmulatorCommand(program, ctx);
  registerSchemasCommand(program, ctx);
  for (const cmd of program.commands) {
    const codes = EXIT_CODES[cmd.name()];
    if (!codes) continue;
    cmd.addHelpText("after", `\nExit codes: ${codes}.`);
    for (const sub of cmd.commands) sub.addHelpText("after", `\nExit codes: ${codes}.`);
  }
  program.addHelpText("after", `\nExit codes: 0 done, 1 error or failure, 2 done but attention needed (plan: changes pending; report: coverage below --fail-under).\nEach command's --help lists its own.`);
}
