/**
 * One reconciliation round: read the actual state, plan, and (unless only reporting) execute the
 * steps. Shared by `apply`, `reconcile --watch`, `demo` and the Pulumi AgentReconciliation.
 */
import type { Inventory } from "../inventory/schema";
import { plan } from "../core";
import type { Plan } from "../core";
import type { Spec } from "../spec/schema";
import { TokenBucket } from "./budget";
import type { AzureConnection } from "./connection";
import { executePlan, type ExecuteOptions, type ExecuteResult } from "./executor";
import { readInventoryFor, type ReadOptions } from "./inventory";
import type { Journal } from "./journal";
import { AzureStepRunner } from "./runner";
import { delegateLargeBatches } from "../capabilities/log-analytics-agent";
import { ARM_WRITE_BUCKET } from "./options";
import type { RetryOptions } from "./retry";

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
  /** Steps in flight at once. Default 16. */
  readonly concurrency?: number;
  /** The write budget: burst and refill per second. Default 200 / 10, as ARM's write bucket. */
  readonly writes?: { readonly capacity: number; readonly refillPerSecond: number };
  readonly retry?: RetryOptions;
  readonly pollIntervalMs?: number;
  readonly onStep?: ExecuteOptions["onStep"];
  readonly onProgress?: ReadOptions["onProgress"];
  readonly signal?: AbortSignal;
}

export async function planLive(conn: AzureConnection, spec: Spec, options: Pick<ApplyOptions, "retry" | "onProgress"> = {}): Promise<{ inventory: Inventory; plan: Plan }> {
  const inventory = await readInventoryFor(conn, spec, { retry: options.retry, onProgress: options.onProgress });
  return { inventory, plan: plan(spec, inventory) };
}

export async function applyPlan(conn: AzureConnection, planned: Plan, options: ApplyOptions = {}): Promise<ExecuteResult & { writes: number }> {
  let thePlan = planned;
  if (options.inventory && options.delegateAbove) {
    const delegation = delegateLargeBatches(planned, options.inventory, options.delegateAbove);
    delegation.notes.forEach((n) => options.onNote?.(n));
    thePlan = delegation.plan;
  }
  const budget = new TokenBucket(options.writes ?? ARM_WRITE_BUCKET);
  const runner = new AzureStepRunner(conn, { budget, retry: options.retry, pollIntervalMs: options.pollIntervalMs });
  const result = await executePlan(thePlan, runner, {
    journal: options.journal,
    concurrency: options.concurrency,
    onStep: options.onStep,
    signal: options.signal,
  });
  if (options.journal && result.counts.failed === 0 && result.counts.skipped === 0) options.journal.complete();
  else options.journal?.close();
  return { ...result, writes: budget.taken };
}
