/**
 * The options of the commands that change Azure (apply, reconcile): where the state lives, the
 * lease, the pace of writes and when to give up. Values are checked against the runtime options'
 * table (src/azure/options.ts): an error names the flag.
 */
import type { Command } from "commander";
import { DEFAULT_STATE_DIR, STATE_OPTION_DESCRIPTION } from "../../azure/options";
import { stateLocationProblem } from "../../azure/state/location";
import { CliError } from "../errors";
import { runtimeFlag as flag, runtimeOption as numeric } from "../runtimeFlags";

export interface ExecutionFlags {
  state?: string;
  stateDir?: string;
  forceUnlock?: string;
  delegateAbove: string;
  concurrency: string;
  maxWritesPerSecond: string;
  writeBurst: string;
  giveUpAfter: string;
}

export function addExecutionOptions(cmd: Command): Command {
  return cmd
    .option("--state <dir|url>", `${STATE_OPTION_DESCRIPTION} (default: ${DEFAULT_STATE_DIR})`)
    .option("--state-dir <dir>", "the same as --state with a directory")
    .option("--force-unlock <id>", "first break the leases that run (its lease id, as a refused run names it) left behind")
    .option(...numeric("concurrency"))
    .option(...numeric("maxWritesPerSecond"))
    .option(...numeric("writeBurst"))
    .option(...numeric("delegateAbove"))
    .option(...numeric("giveUpAfter"));
}

export function executionOptions(opts: ExecutionFlags) {
  if (opts.state !== undefined && opts.stateDir !== undefined && opts.state !== opts.stateDir) throw new CliError("--state and --state-dir name two places: give one");
  if (opts.forceUnlock !== undefined && !/^[0-9a-f-]{8,64}$/i.test(opts.forceUnlock)) throw new CliError(`--force-unlock: "${opts.forceUnlock}" is not a lease id (a GUID, as a refused run prints it)`);
  // Checked before anything is read or written: `--state ""` would put the journal in the working directory.
  const [flagName, given] = opts.state !== undefined ? ["--state", opts.state] : ["--state-dir", opts.stateDir];
  const stateProblem = given === undefined ? undefined : stateLocationProblem(given);
  if (stateProblem) throw new CliError(`${flagName} ${stateProblem}`);
  return {
    state: opts.state ?? opts.stateDir ?? DEFAULT_STATE_DIR,
    forceUnlock: opts.forceUnlock,
    delegateAbove: flag("delegateAbove", opts.delegateAbove),
    concurrency: flag("concurrency", opts.concurrency),
    writesPerSecond: flag("maxWritesPerSecond", opts.maxWritesPerSecond),
    writeBurst: flag("writeBurst", opts.writeBurst),
    giveUpAfterSeconds: flag("giveUpAfter", opts.giveUpAfter),
  };
}
