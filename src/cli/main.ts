/**
 * The asc-autoprovision command. Each sub-command lives in src/cli/commands/<name>.ts and
 * registers itself on the program; its action returns the process exit code.
 */
import { Command, CommanderError } from "commander";
import { version } from "../../package.json";
import { streamWriter } from "../core";
import { ValidationError, DocumentError } from "../spec";
import { registerCommands } from "./commands";
import { CliError } from "./errors";

import type { CliContext, ExitCode } from "./context";

export type { CliContext, ExitCode } from "./context";

/** The program; given the command line, with only the sub-command it runs (see registerCommands). */
export function buildProgram(ctx: CliContext, argv: readonly string[] = []): Command {
  const program = new Command("asc-autoprovision")
    .description(
      "Declarative Azure Security Center (Defender for Cloud) auto provisioning: plan, apply and reconcile the agents every machine must run.",
    )
    .version(version, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .exitOverride();
  registerCommands(program, ctx, argv[0]);
  return program;
}

/** Runs the CLI; resolves to the exit code (never throws for user errors). */
export async function main(argv: readonly string[], io?: Partial<Pick<CliContext, "stdout" | "stderr">>): Promise<ExitCode> {
  if (!io?.stdout) quietOnClosedPipe();
  const ctx: CliContext = {
    exitCode: 0,
    stdout: io?.stdout ?? streamWriter(process.stdout),
    stderr: io?.stderr ?? ((t) => process.stderr.write(t)),
  };
  const program = buildProgram(ctx, argv);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? 0 : 1;
    }
    // The reader of our output went away (`plan | head`): nothing to tell it.
    if ((err as NodeJS.ErrnoException | undefined)?.code === "EPIPE") return ctx.exitCode;
    ctx.stderr(`asc-autoprovision: ${describeError(err)}\n`);
    return 1;
  }
}

/**
 * `asc-autoprovision plan | head`: once the reader closes the pipe, writes fail with EPIPE. Stop
 * quietly, as other command-line tools do, instead of an unhandled 'error' event's stack trace.
 */
function quietOnClosedPipe(): void {
  if (process.stdout.listenerCount("error") > 0) return;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

/** A user-facing message: validation and input errors as they are, anything else by its message. */
export function describeError(err: unknown): string {
  if (err instanceof ValidationError || err instanceof DocumentError || err instanceof CliError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
