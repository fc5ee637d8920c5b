/**
 * What the AgentReconciliation dynamic resource sends to its provider and gets back, as plain JSON
 * (the shapes that cross the dynamic-provider host's gRPC boundary). Types only: the serialized
 * provider (provider.ts) imports nothing from here at run time.
 */
import type { Action, Decision, Severity } from "../../../src/core";
import type { Spec } from "../../../src/spec";

export const RECONCILE_MODES = ["apply", "report"] as const;
/** `apply`: plan and apply; `report`: plan only, the remediation steps become outputs. */
export type ReconcileMode = (typeof RECONCILE_MODES)[number];

/** The resource's inputs, as the provider receives them (after check: the spec validated, defaults filled). */
export interface ReconciliationInputs {
  readonly spec: Spec;
  /**
   * Which Azure: `azure` (DefaultAzureCredential), the emulator's ARM endpoint
   * (`https://localhost:8443`, its certificate found through ASC_EMULATOR_CONFIG) or the
   * emulator's state directory. Absent: the environment decides (ASC_EMULATOR_CONFIG,
   * ASC_EMULATOR_DIR, ASC_EMULATOR_ENDPOINT), else real Azure.
   */
  readonly endpoint?: string;
  readonly mode: ReconcileMode;
  /**
   * An inventory file (the format `asc-autoprovision inventory --out` writes) to plan from instead
   * of reading the actual state: a snapshot, so only with mode `report`; `endpoint` is then not
   * used. A relative path is taken from the engine's working directory (the program's).
   */
  readonly inventory?: string;
  /** See ApplyOptions.delegateAbove (src/azure/apply.ts). Absent: the CLI's default (RUNTIME_OPTIONS, src/azure/options.ts). */
  readonly delegateAbove?: number;
  /** Steps in flight at once. Absent: the CLI's default (RUNTIME_OPTIONS). */
  readonly concurrency?: number;
  /**
   * Where the journal and the leases live, as the CLI's `--state`: a directory (relative: from the
   * engine's working directory, the program's) or an Azure Storage container URL, whose
   * credential comes from the environment (AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN,
   * DefaultAzureCredential), never from an input. Absent: the CLI's default (DEFAULT_STATE_DIR).
   * Moved alone, an update in place that changes nothing in Azure (the up records it, taking its
   * lease there). The plan files stay local (planDirOf).
   */
  readonly state?: string;
  /**
   * The stack the resource is in, `<project>/<stack>`: set by the resource itself
   * (pulumi.getProject(), pulumi.getStack()), not an argument. Its plan files are named after it, so
   * two stacks of one scope in one directory never remove each other's. Absent in a state written
   * before it existed: that state's plan files are then never removed (which stack shares them is unknown).
   */
  readonly stack?: string;
}

/** One machine the plan changes (apply) or would change (report, refresh, preview). */
export interface MachineChange {
  readonly id: string;
  readonly decision: Decision;
  /** The workspace the machine's agent reports to once the plan is applied; null for none. */
  readonly workspace: string | null;
  readonly reason: string;
  /** The plan's actions on this machine, in plan order. */
  readonly actions: Action[];
}

export interface FindingSummary {
  readonly severity: Severity;
  readonly code: string;
  readonly target: string;
  readonly message: string;
}

/** What the provider computes from a plan; every field is always present (no undefined crosses the wire). */
export interface ReconciliationReport {
  /**
   * Steps this `pulumi up` completed (0 in report mode; kept from the last up by a refresh). With
   * delegation (delegateAbove), a policy assignment and remediation task run in place of many
   * installs, so this counts the steps actually run, not `steps`.
   */
  readonly stepsApplied: number;
  /** Steps this `pulumi up` saw fail (the update then fails too). */
  readonly stepsFailed: number;
  /** Steps still to do: failed or skipped ones after an apply, the whole plan in report mode and after a refresh. */
  readonly remainingSteps: number;
  /** The plan's steps by action (what was applied, or what is outstanding). */
  readonly steps: Partial<Record<Action, number>>;
  /**
   * Per machine (ARM id), one line a reviewer reads in `pulumi preview --diff`:
   * `<decision> -> <target workspace name | no workspace>: <action> <step label>, ...`; each
   * subscription-level step (pricings, rules, policies, settings) keyed `<guid> <action> <n>`,
   * MAX_SHARED_STEPS a subscription; past MAX_MACHINES machines, `…`: how many more. In a preview's checked
   * inputs: what the up will change. After an up, a refresh, and in what an up stores as its
   * inputs: what is still outstanding (nothing after a successful apply). At most MAX_MACHINES.
   */
  readonly changes: Record<string, string>;
  /** The machines with steps in the plan, by id (at most MAX_MACHINES; see machineCount). */
  readonly machines: MachineChange[];
  /** The machines the plan had steps for, all of them (`machines` holds at most MAX_MACHINES): what this run changed, not what remains. */
  readonly machineCount: number;
  /**
   * The plan's findings keyed `<code> <target>` (at most MAX_FINDINGS; see findingCounts): keyed,
   * not listed, so a preview shows the one finding that came or went, not every later one shifted.
   */
  readonly findings: Record<string, FindingSummary>;
  readonly findingCounts: Partial<Record<Severity, number>>;
  /** Digest of the plan's steps and changed machines: equal digests, same remediation. */
  readonly planDigest: string;
  /**
   * Where the whole plan is (every machine and step): a plan file (src/core/planfile) the provider
   * writes on the machine that ran it, under its state directory (`state` when it is a directory,
   * else the default; relative to the program's directory),
   * `.asc-autoprovision/plans/<resource>-<digest>.json` (`<resource>`:
   * a digest over the resource's stack, scope and source; `<digest>`: over its spec, mode, source and
   * planDigest too: one file per stack and plan), for a pipeline to keep as an artifact; null when it
   * could not be written. The state itself stays bounded.
   */
  readonly planFile: string | null;
}

export type ReconciliationOutputs = ReconciliationInputs & ReconciliationReport;

/** The input naming the resource's stack (ReconciliationInputs.stack): never compared by diff, its diff hidden. */
export const STACK_KEY = "stack";

/** The input naming where the journal and leases live (ReconciliationInputs.state): moved alone, an update that changes nothing in Azure. */
export const STATE_KEY = "state";

/** The input keys, in the order they are echoed; everything else in a property bag is computed. */
export const INPUT_KEYS = ["spec", "endpoint", "mode", "inventory", "delegateAbove", "concurrency", STATE_KEY, STACK_KEY] as const;

/**
 * A transient input the resource sets (`true`) only while Pulumi previews
 * (`pulumi.runtime.isDryRun()`): check then puts in `changes` what the up will change. Without
 * it, check runs for the up itself, whose checked inputs the engine stores as the new state's
 * inputs: `changes` then holds what the up leaves outstanding (nothing after an apply), so the
 * next preview shows, per machine, only new work. Never compared by diff, never an output.
 */
export const DRY_RUN_KEY = "dryRun";

/**
 * Properties whose diffs `pulumi preview --diff` hides (the `hideDiffs` resource option): the
 * long forms of what `changes` shows per machine in one line, and counters that compare one
 * operation's plan with the previous one's. They stay in the state and in `--json` output.
 */
export const HIDDEN_DIFFS = [DRY_RUN_KEY, STACK_KEY, "machines", "machineCount", "steps", "stepsApplied", "stepsFailed", "remainingSteps", "findingCounts", "planDigest"] as const;

export const MAX_MACHINES = 200;
export const MAX_FINDINGS = 100;
/** `changes`' subscription-level lines: at most this many subscriptions, this many steps each. */
export const MAX_SHARED_SCOPES = 20;
export const MAX_SHARED_STEPS = 20;
/** The `changes` key that says how many machines past MAX_MACHINES are not listed. */
export const MORE_KEY = "…";
