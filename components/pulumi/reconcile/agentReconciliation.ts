/**
 * AgentReconciliation: the per-machine half of auto provisioning, as a Pulumi dynamic resource.
 * Azure has no declarative resource for "every machine runs the agent, reporting to the right
 * workspace" (autoProvisioningSettings "On" is rejected as Deprecated), so the provider reads the
 * actual state (src/azure), plans (src/core) and applies the plan, as `asc-autoprovision
 * apply` does.
 *
 * - `pulumi preview`: check reads the actual state and plans; the machines that would change (id,
 *   decision, target workspace, reason, actions), the steps by action and the findings appear as
 *   the resource's new state. diff says "update" when an input changed or the plan has steps
 *   (apply mode) / differs from the last report (report mode).
 *
 *   What the CLI shows (test/engine): neither the dynamic-provider host nor the Node provider
 *   server (`@pulumi/pulumi/provider`) forwards a detailed diff, so `pulumi preview --diff` prints
 *   the engine's property diff of the old state's inputs against the checked inputs, strings cut
 *   at 150 characters. Hence `changes`: a map from machine id to one short line, so the diff
 *   reads `+ <machine id>: "install -> DefaultWorkspace-<sub>-EUS: install-extension"` per machine;
 *   an array would be diffed by index. The long forms (`machines` with reasons, counters) stay in
 *   the state and the `--json` output, their diffs hidden (HIDDEN_DIFFS, the hideDiffs option).
 *   A transient `dryRun` input tells check whether it runs for the up itself, whose checked inputs
 *   the engine stores: they then hold `changes` as the up leaves them (nothing outstanding after an
 *   apply), so the next preview lists only new work, not the last up's.
 * - `pulumi up`: plans again from the actual state and applies (mode `apply`) or only records the
 *   remediation steps (mode `report`). A failed step fails the update, keeping the partial state.
 * - `pulumi refresh`: plans again; remainingSteps and machines show drift made behind the stack's back.
 * - `pulumi destroy`: nothing is undone (see reconciler.ts `remove`): no agent or extension is
 *   uninstalled, and the pricings (the Defender plans stay on and billed), WDATP switches, rules,
 *   solutions, policy assignments, Guest Configuration and identities it applied stay. The destroy
 *   names the plans left on; to turn them off, set them off in the spec and `pulumi up` first.
 *
 * The token is `pulumi-nodejs:dynamic/asc-autoprovision:AgentReconciliation`. No input or output
 * is secret (no workspace key, token or client secret is ever in them), so there is no
 * additionalSecretOutputs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Action, Severity } from "../../../src/core";
import type { Spec, SpecInput } from "../../../src/spec";
import type { AzureEndpoint } from "../provider";
import { agentReconciliationProvider } from "./provider";
import { DRY_RUN_KEY, HIDDEN_DIFFS, STACK_KEY, type FindingSummary, type MachineChange, type ReconcileMode } from "./types";

export const AGENT_RECONCILIATION_MODULE = "asc-autoprovision";
export const AGENT_RECONCILIATION_TYPE_NAME = "AgentReconciliation";
/** The type token the engine sees. */
export const AGENT_RECONCILIATION_TYPE = `pulumi-nodejs:dynamic/${AGENT_RECONCILIATION_MODULE}:${AGENT_RECONCILIATION_TYPE_NAME}`;

export interface AgentReconciliationArgs {
  /**
   * The spec of DESIGN.md (subscriptions, logAnalyticsAgent, extensions), as a spec file holds it;
   * validated by the provider's check with the spec's validators (a bad value fails the preview
   * naming `spec.<path>`), defaults filled. Changing it updates in place.
   */
  readonly spec: pulumi.Input<Spec | SpecInput>;
  /**
   * Which Azure: `"azure"`, the emulator's ARM endpoint (`https://localhost:8443`; its
   * certificate is found through ASC_EMULATOR_CONFIG), the emulator's state directory, or an
   * AzureEndpoint as AutoProvisioning selects it. Default: the environment of the engine
   * (ASC_EMULATOR_CONFIG / ASC_EMULATOR_DIR / ASC_EMULATOR_ENDPOINT), else real Azure with
   * DefaultAzureCredential.
   */
  readonly endpoint?: pulumi.Input<string> | AzureEndpoint;
  /** `apply` (plan and apply) or `report` (plan only; the remediation steps are outputs, nothing is changed). */
  readonly mode: pulumi.Input<ReconcileMode>;
  /**
   * Plan from this inventory file (as `asc-autoprovision inventory --out` writes it) instead of
   * reading the actual state: a snapshot, so only with mode `report` (check refuses it otherwise);
   * `endpoint` is then not used. A relative path is taken from the program's directory.
   */
  readonly inventory?: pulumi.Input<string>;
  /**
   * Above this many Log Analytics agent installs for one OS, subscription and workspace, hand
   * them to the agent's policy and a remediation task. Default: the CLI's (RUNTIME_OPTIONS in src/azure/options.ts); 0 = never.
   */
  readonly delegateAbove?: pulumi.Input<number>;
  /** Steps in flight at once. Default: the CLI's (RUNTIME_OPTIONS). */
  readonly concurrency?: pulumi.Input<number>;
  /**
   * Where the journal and the fleet's leases live, as the CLI's `--state`: a directory (relative:
   * from the program's directory) or an Azure Storage container,
   * `https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]`, signed in from the engine's
   * environment (AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN or DefaultAzureCredential; a URL
   * holding a credential is refused). With a container, stacks on different pipeline agents that
   * share a subscription exclude each other, and an up cut short resumes on the next agent.
   * Default: the CLI's (DEFAULT_STATE_DIR in src/azure/options.ts). Changing it alone is an update
   * in place that changes nothing in Azure: the up records it (the `state` output). The plan files
   * stay on the machine that ran (see planFile).
   */
  readonly state?: pulumi.Input<string>;
}

/** The `endpoint` input as the provider takes it: a string. */
export function endpointInput(endpoint: AgentReconciliationArgs["endpoint"]): pulumi.Input<string> | undefined {
  if (endpoint === undefined || typeof endpoint === "string" || pulumi.Output.isInstance(endpoint) || endpoint instanceof Promise) return endpoint;
  return endpoint.kind === "emulator" ? endpoint.endpoint : "azure";
}

export class AgentReconciliation extends pulumi.dynamic.Resource {
  // `declare`, not `!:`: with ES2022 class fields an initializer-less field would reset what the base class set.
  /** The spec, validated and with defaults. */
  declare public readonly spec: pulumi.Output<Spec>;
  declare public readonly endpoint: pulumi.Output<string | undefined>;
  declare public readonly mode: pulumi.Output<ReconcileMode>;
  declare public readonly inventory: pulumi.Output<string | undefined>;
  declare public readonly delegateAbove: pulumi.Output<number | undefined>;
  declare public readonly concurrency: pulumi.Output<number | undefined>;
  declare public readonly state: pulumi.Output<string | undefined>;
  /** Steps the last `pulumi up` completed (0 in report mode). */
  declare public readonly stepsApplied: pulumi.Output<number>;
  /** Steps the last `pulumi up` saw fail. */
  declare public readonly stepsFailed: pulumi.Output<number>;
  /** Steps outstanding: after an apply, the failed and skipped ones; in report mode and after a refresh, the whole plan. */
  declare public readonly remainingSteps: pulumi.Output<number>;
  /** The plan's steps by action. */
  declare public readonly steps: pulumi.Output<Partial<Record<Action, number>>>;
  /**
   * Per machine (ARM id), one line: `<decision> -> <target workspace>: <actions>`. After an up or a
   * refresh: what is still outstanding (empty once converged). It is what `pulumi preview --diff`
   * shows per machine (see the module comment).
   */
  declare public readonly changes: pulumi.Output<Record<string, string>>;
  /** Machines with steps in the plan (at most 200, by id; see machineCount). */
  declare public readonly machines: pulumi.Output<MachineChange[]>;
  /**
   * How many machines the plan this run made had steps for (every one; `machines` lists at most 200).
   * It counts the machines this up changed, not the fleet, nor what is left: after an up that
   * converged it still names them while `remainingSteps` is 0 (user trial 17 read it as the fleet).
   */
  declare public readonly machineCount: pulumi.Output<number>;
  /** The plan's findings keyed `<code> <target>` (at most 100; see findingCounts). */
  declare public readonly findings: pulumi.Output<Record<string, FindingSummary>>;
  declare public readonly findingCounts: pulumi.Output<Partial<Record<Severity, number>>>;
  /** Digest of the plan's steps and changed machines. */
  declare public readonly planDigest: pulumi.Output<string>;
  /**
   * The whole plan's file (every machine and step), for a pipeline to keep as an artifact; the state
   * holds at most 200 machines. A local path on the machine that ran the last up, preview or refresh
   * (relative to the program's directory): under `state` when it is a directory, else under the
   * default `.asc-autoprovision`, also when `state` is a container.
   */
  declare public readonly planFile: pulumi.Output<string | null>;

  constructor(name: string, args: AgentReconciliationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      agentReconciliationProvider,
      name,
      {
        spec: args.spec,
        endpoint: endpointInput(args.endpoint),
        mode: args.mode,
        inventory: args.inventory,
        delegateAbove: args.delegateAbove,
        concurrency: args.concurrency,
        state: args.state,
        // Names its plan files, so another stack of the same scope in this directory never prunes them.
        [STACK_KEY]: `${pulumi.getProject()}/${pulumi.getStack()}`,
        // Only while previewing: absent, check treats the call as the up itself (see DRY_RUN_KEY).
        ...(pulumi.runtime.isDryRun() ? { [DRY_RUN_KEY]: true } : {}),
        // Outputs only (listed so that the base class makes them Outputs).
        stepsApplied: undefined,
        stepsFailed: undefined,
        remainingSteps: undefined,
        steps: undefined,
        changes: undefined,
        machines: undefined,
        machineCount: undefined,
        findings: undefined,
        findingCounts: undefined,
        planDigest: undefined,
        planFile: undefined,
      },
      { ...opts, hideDiffs: [...HIDDEN_DIFFS, ...(opts?.hideDiffs ?? [])] },
      AGENT_RECONCILIATION_MODULE,
      AGENT_RECONCILIATION_TYPE_NAME,
    );
  }
}
