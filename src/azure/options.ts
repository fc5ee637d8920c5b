/**
 * The runtime options of an apply, with their defaults: one table for the CLI's flags, the
 * AgentReconciliation resource's inputs and the components' `reconcile` argument.
 */
import { ValidationError, type ValidationIssue } from "../spec/errors";

export interface NumericOption {
  readonly default: number;
  /** Smallest allowed value (exclusive when `integer` is false: a positive number). */
  readonly min: number;
  readonly integer: boolean;
  /** The CLI flag. */
  readonly flag: string;
  readonly description: string;
}

export const RUNTIME_OPTIONS = Object.freeze({
  concurrency: { default: 16, min: 1, integer: true, flag: "--concurrency", description: "steps in flight at once" },
  delegateAbove: {
    default: 100,
    min: 0,
    integer: true,
    flag: "--delegate-above",
    description: "hand more than n Log Analytics agent installs on one workspace, OS and subscription to a policy remediation task (0: never)",
  },
  maxWritesPerSecond: { default: 10, min: 0, integer: false, flag: "--max-writes-per-second", description: "write budget per subscription: token bucket refill per second (ARM's: 10)" },
  writeBurst: { default: 200, min: 1, integer: true, flag: "--write-burst", description: "write budget per subscription: bucket size (ARM's: 200)" },
  giveUpAfter: {
    default: 300,
    min: 0,
    integer: false,
    flag: "--give-up-after",
    description: "retry transient errors (5xx, network) for up to this many seconds: the apply stops once ARM has answered its reads, writes or deletes with nothing else for that long",
  },
} satisfies Record<string, NumericOption>);

export type RuntimeOptionKey = keyof typeof RUNTIME_OPTIONS;

/** Where the apply journal is kept (relative to the working directory). */
export const DEFAULT_STATE_DIR = ".asc-autoprovision";

/** What `--state` (and AgentReconciliation's `state`) holds; its values are checked by stateLocationProblem (src/azure/state/location.ts). */
export const STATE_OPTION_DESCRIPTION =
  "where the journal and the leases live: a directory, or an Azure Storage container (https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]; AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN or DefaultAzureCredential)";

export interface RuntimeOptions {
  readonly concurrency: number;
  readonly delegateAbove: number;
  readonly maxWritesPerSecond: number;
  readonly writeBurst: number;
  readonly giveUpAfter: number;
  readonly stateDir: string;
}

/** Why `value` is not allowed for `key` ("is not an integer >= 1"), or undefined when it is. */
export function runtimeOptionProblem(key: RuntimeOptionKey, value: unknown): string | undefined {
  const o: NumericOption = RUNTIME_OPTIONS[key];
  if (o.integer) return typeof value === "number" && Number.isInteger(value) && value >= o.min ? undefined : `is not an integer >= ${o.min}`;
  return typeof value === "number" && Number.isFinite(value) && value > o.min ? undefined : "is not a positive number";
}

/** The options with their defaults filled; a bad value is an error naming it. */
export function resolveRuntimeOptions(input: { readonly [K in RuntimeOptionKey]?: number | undefined } & { readonly stateDir?: string | undefined } = {}): RuntimeOptions {
  const issues: ValidationIssue[] = [];
  const value = (key: RuntimeOptionKey): number => {
    const v = input[key];
    if (v === undefined) return RUNTIME_OPTIONS[key].default;
    const problem = runtimeOptionProblem(key, v);
    if (problem) issues.push({ path: key, message: `${JSON.stringify(v)} ${problem}` });
    return v;
  };
  const resolved = {
    concurrency: value("concurrency"),
    delegateAbove: value("delegateAbove"),
    maxWritesPerSecond: value("maxWritesPerSecond"),
    writeBurst: value("writeBurst"),
    giveUpAfter: value("giveUpAfter"),
    stateDir: input.stateDir || DEFAULT_STATE_DIR,
  };
  if (issues.length) throw new ValidationError("runtime options", issues);
  return resolved;
}

/** The write budget per subscription: `burst` tokens, refilled at `writesPerSecond` (ARM's: 200, 10). */
export function writeBudget(writesPerSecond: number, burst: number = RUNTIME_OPTIONS.writeBurst.default): { capacity: number; refillPerSecond: number } {
  return { capacity: Math.max(1, Math.floor(burst)), refillPerSecond: writesPerSecond };
}
