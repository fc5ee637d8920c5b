/**
 * The runtime options' flags (src/azure/options.ts holds their table): apply's and reconcile's
 * execution options, and plan's --delegate-above, which shows what apply's delegation will run.
 * A module of its own: plan loads no other command's module.
 */
import type { Command } from "commander";
import { RUNTIME_OPTIONS, runtimeOptionProblem, type RuntimeOptionKey } from "../azure/options";
import { CliError } from "./errors";

/** commander's option arguments for a runtime option: its flag, description and default. */
export const runtimeOption = (key: RuntimeOptionKey, description = RUNTIME_OPTIONS[key].description) => [`${RUNTIME_OPTIONS[key].flag} <n>`, description, String(RUNTIME_OPTIONS[key].default)] as const;

/** A flag's value checked against its runtime option: an error names the flag. */
export function runtimeFlag(key: RuntimeOptionKey, value: string): number {
  const n = Number(value);
  const problem = runtimeOptionProblem(key, n);
  if (problem) throw new CliError(`${RUNTIME_OPTIONS[key].flag}: "${value}" ${problem}`);
  return n;
}

/** `plan --delegate-above`: apply's option and default, so a plan (and its review) shows the delegation apply will run. */
export function addDelegateAboveOption(cmd: Command): Command {
  return cmd.option(...runtimeOption("delegateAbove", `as apply's (${RUNTIME_OPTIONS.delegateAbove.description}): shows what that delegation runs, role grants included; a plan file records it for \`apply --plan\``));
}
