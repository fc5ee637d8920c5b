import type { Command } from "commander";
import type { CliContext } from "../main";
import { registerApplyCommand } from "./apply";
import { registerDemoCommand } from "./demo";
import { registerEmulatorCommand } from "./emulator";
import { registerInventoryCommand } from "./inventory";
import { registerPlanCommand } from "./plan";
import { registerReconcileCommand } from "./reconcile";
import { registerSchemasCommand } from "./schemas";

/** Every sub-command, in the order --help lists them. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerDemoCommand(program, ctx);
  registerPlanCommand(program, ctx);
  registerApplyCommand(program, ctx);
  registerReconcileCommand(program, ctx);
  registerInventoryCommand(program, ctx);
  registerEmulatorCommand(program, ctx);
  registerSchemasCommand(program, ctx);
}
