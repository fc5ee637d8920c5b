/**
 * One reconciliation round: read the actual state, plan, and (unless only reporting) execute the
 * steps. Shared by `apply`, `reconcile --watch`, `demo` and the Pulumi AgentReconciliation.
 */
import type { Inventory } from "../inventory/schema";
import { plan } from "../core";
import type { Plan } from "../core";
import type { Spec } from "../spec/schema";
import { ArmBudgets, ARM_BUCKETS, type BucketSize } from "./budget";
import type { AzureConnection } from "./connection";
import { executePlan, type ExecuteOptions, type ExecuteResult, type StepResult } from "./executor";
import { readInventoryFor, type ReadOptions } from "./inventory";
import type { Journal } from "./journal";
import { AzureStepRunner } from "./runner";
import { delegatedInstalls, delegatedOutcomes } from "./delegation";
import { delegateLargeBatches } from "../capabilities/log-analytics-agent";
import { RUNTIME_OPTIONS } from "./options";
import { CallHealth, type RetryOptions } from "./retry";
import { RetryTally, type RetryCounts } from "./retryTally";
import { stopReason } from "./stop";

export interface ApplyOptions {
  /**
   * Above this many VM installs of the Log Analytics agent for one OS, subscription and
   * workspace, hand them to a policy remediation task (needs `inventory`). 0 = never.
   */
  readonly delegateAbove?: number;
  /** The inventory the plan was made from (for delegation's exclusions). */
  readonly inventory?: Inventory;
  readonly onNote?: (message: string) => void;
  readonly journal?: Journal;
  /** Steps sending at once (a long-running operation being polled holds none). Default 16. */
  readonly concurrency?: number;
  /** The write budget per subscription: burst and refill per second. Default ARM's, 200 / 10. */
  readonly writes?: BucketSize;
  /** Its `onRetry` is told of every wait before a retry (progress output). */
  readonly retry?: RetryOptions;
  readonly pollIntervalMs?: number;
  /**
   * Stop the apply once ARM has answered a class of request (reads, writes, deletes) with nothing
   * but transient errors for this long; until then each call retries them. Default 300 s.
   */
  readonly giveUpAfterMs?: number;
  readonly onStep?: ExecuteOptions["onStep"];
  readonly onProgress?: ReadOptions["onProgress"];
  /** Stops the apply: SIGINT/SIGTERM, a lost lease. */
  readonly signal?: AbortSignal;
}

export async function planLive(conn: AzureConnection, spec: Spec, options: Pick<ApplyOptions, "retry" | "onProgress" | "signal"> = {}): Promise<{ inventory: Inventory; plan: Plan }> {
  const inventory = await readInventoryFor(conn, spec, { retry: { ...options.retry, signal: options.signal }, onProgress: options.onProgress });
  return { inventory, plan: plan(spec, inventory) };
}

/**
 * What an apply did: the results of every step it ran (`counts`: the plan's and, above
 * --delegate-above, the delegation's own policy steps), the ARM write requests it sent, and each
 * install a remediation did for it.
 */
export interface ApplyResult extends ExecuteResult {
  /** ARM write requests (PUT, PATCH, POST actions, DELETE), every attempt counted. */
  readonly writes: number;
  /** The requests sent again: throttled (429) and met by transient errors (5xx, network). */
  readonly retries: RetryCounts;
  /** One result per Log Analytics agent install handed to a remediation task (per machine). */
  readonly delegated: readonly StepResult[];
  /** Ids of the steps the delegation added (policy assignment, roles, remediation task, its removal): not the plan's. */
  readonly delegationSteps: readonly string[];
  /**
   * Set when the stop came after every step had run, while the remediation tasks' deployments were
   * read: nothing of the plan is left to send, the tasks go on in Azure, their installs are skipped (unknown).
   */
  readonly stoppedReadingDeployments?: true;
}

export async function applyPlan(conn: AzureConnection, planned: Plan, options: ApplyOptions = {}): Promise<ApplyResult> {
  let thePlan = planned;
  if (options.inventory && options.delegateAbove) {
    const delegation = delegateLargeBatches(planned, options.inventory, options.delegateAbove);
    delegation.notes.forEach((n) => options.onNote?.(n));
    thePlan = delegation.plan;
  }
  // The run stops on the caller's signal, or when the give-up deadline passes.
  const stop = new AbortController();
  const onCallerStop = () => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) onCallerStop();
  options.signal?.addEventListener("abort", onCallerStop, { once: true });
  const health = new CallHealth(options.giveUpAfterMs ?? RUNTIME_OPTIONS.giveUpAfter.default * 1000, (reason) => stop.abort(new Error(reason)));
  const budgets = new ArmBudgets({ ...ARM_BUCKETS, write: options.writes ?? ARM_BUCKETS.write });
  const tally = new RetryTally();
  const retry: RetryOptions = {
    ...options.retry,
    onRetry: (info) => {
      tally.onRetry(info);
      options.retry?.onRetry?.(info);
    },
  };
  const runner = new AzureStepRunner(conn, { budgets, retry, pollIntervalMs: options.pollIntervalMs, signal: stop.signal, health });
  try {
    const result = await executePlan(thePlan, runner, {
      journal: options.journal,
      concurrency: options.concurrency,
      onStep: options.onStep,
      signal: stop.signal,
      writeReadyIn: (subscription, inSlot) => budgets.bucket("write", subscription).readyIn(inSlot),
    });
    if (options.journal && result.counts.failed === 0 && result.counts.skipped === 0) await options.journal.complete();
    else await options.journal?.flush();
    const installs = delegatedInstalls(planned, thePlan);
    const fromPlan = new Set(planned.steps.map((x) => x.id));
    const delegationSteps = thePlan.steps.filter((x) => !fromPlan.has(x.id)).map((x) => x.id);
    const added = new Set(delegationSteps);
    const ownResults = result.results.filter((x) => added.has(x.step.id));
    const delegated = installs.length ? await delegatedOutcomes(runner.clients, installs, ownResults, { ...retry, signal: stop.signal }).catch((err: Error) => installs.map((step) => ({ step, status: "failed" as const, error: `its remediation's deployments could not be read: ${err.message}` }))) : [];
    // A stop while the deployments were read (every step had run) stops the apply all the same.
    const stoppedReading = !result.aborted && delegated.some((x) => x.status === "skipped") && stop.signal.aborted;
    const aborted = result.aborted ?? (stoppedReading ? stopReason(stop.signal) : undefined);
    return {
      ...result,
      ...(aborted ? { aborted } : {}),
      ...(stoppedReading ? { stoppedReadingDeployments: true as const } : {}),
      writes: budgets.taken("write") + budgets.taken("delete"),
      retries: tally.total,
      delegated,
      delegationSteps,
    };
  } finally {
    options.signal?.removeEventListener("abort", onCallerStop);
  }
}
