import type { Command } from "commander";
import type { CliContext } from "../main";
import { registerPlanCommand } from "./plan";
import { registerSchemasCommand } from "./schemas";

/** Every sub-command, in the order --help lists them. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerPlanCommand(program, ctx);
  registerSchemasCommand(program, ctx);
}
