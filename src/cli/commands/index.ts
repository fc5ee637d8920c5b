import type { Command } from "commander";
import type { CliContext } from "../context";

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
  report:
    "0 written, 2 a figure below its --fail-under, 1 error (an inventory without a machine tag the spec reads; or --fail-under on an inventory without a subscription of the spec, read for another scope, or with no machine in scope; or with no figure to hold: no headline, a component the report lacks, an unknown component)",
  inventory: "0 written, 1 error",
  emulator: "0 stopped by SIGINT/SIGTERM, 1 error",
  schemas: "0 written, 1 error",
};

type Register = (program: Command, ctx: CliContext) => void;

/* eslint-disable @typescript-eslint/no-require-imports -- lazy loads (start-up time, issue 15 item 8) */
/**
 * Every sub-command, in the order --help lists them, each module loaded only when it is
 * registered: a run of one command registers that one only, so `plan` never loads apply's
 * execution, the report's renderer or the emulator's clients (start-up, issue 15 item 8).
 */
const COMMANDS: readonly (readonly [name: string, load: () => Register])[] = [
  ["demo", () => (require("./demo") as typeof import("./demo")).registerDemoCommand],
  ["plan", () => (require("./plan") as typeof import("./plan")).registerPlanCommand],
  ["apply", () => (require("./apply") as typeof import("./apply")).registerApplyCommand],
  ["reconcile", () => (require("./reconcile") as typeof import("./reconcile")).registerReconcileCommand],
  ["report", () => (require("./report") as typeof import("./report")).registerReportCommand],
  ["inventory", () => (require("./inventory") as typeof import("./inventory")).registerInventoryCommand],
  ["emulator", () => (require("./emulator") as typeof import("./emulator")).registerEmulatorCommand],
  ["schemas", () => (require("./schemas") as typeof import("./schemas")).registerSchemasCommand],
];
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Registers the sub-commands: only `command` when it names one (the command being run), else
 * all of them (the program's --help, `help`, an unknown command's error and its suggestion).
 */
export function registerCommands(program: Command, ctx: CliContext, command?: string): void {
  const one = COMMANDS.filter(([name]) => name === command);
  for (const [, load] of one.length ? one : COMMANDS) load()(program, ctx);
  for (const cmd of program.commands) {
    const codes = EXIT_CODES[cmd.name()];
    if (!codes) continue;
    cmd.addHelpText("after", `\nExit codes: ${codes}.`);
    for (const sub of cmd.commands) sub.addHelpText("after", `\nExit codes: ${codes}.`);
  }
  program.addHelpText("after", `\nExit codes: 0 done, 1 error or failure, 2 done but attention needed (plan: changes pending; report: a figure below its --fail-under).\nEach command's --help lists its own.`);
}
