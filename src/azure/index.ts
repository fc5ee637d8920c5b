/**
 * The adapter's public surface: reading the actual state from ARM, applying a plan through the
 * registered capabilities' handlers, the journal, the connection and endpoint resolution, and the
 * runtime options. Front ends and the CLI import the adapter from here only.
 */
export { applyPlan, planLive, type ApplyOptions, type ApplyResult } from "./apply";
export { readInventory, readInventoryFor, workspacesNamedBy, type ReadOptions } from "./inventory";
export { IncrementalInventory, type RoundRead } from "./incremental";
export { sameInventory } from "./keptFleet";
export { outOfLease, resolveScopeAt, resolveSubscriptions, ScopeError, subscriptionsToLease, SUBSCRIPTIONS_CAP, SUBSCRIPTIONS_PER_MANAGEMENT_GROUP_CAP } from "./scope";
export { RecentWrites, RECENT_WRITES_KEPT_MS, type Confirmed, type StepChecker } from "./recentWrites";
export { executePlan, type ExecuteOptions, type ExecuteResult, type StepResult, type StepRunner, type StepStatus } from "./executor";
export { describeEarlierRun, Journal, journalFor, journalName, KEPT_COMPLETED_JOURNALS, type EarlierRun, type JournalEntry, type StoppedEntry } from "./journal";
export * from "./state";
export { azureConnection, connectionOf, emulatorConnection, emulatorEndpointFromDir, ARM_SCOPE, type AzureConnection, type Cloud } from "./connection";
export * from "./endpoint";
export * from "./options";
export { classifyError, describeArmError, isNotFound } from "./errors";
export { ArmBudgets, ARM_BUCKETS, TokenBucket, requestClass, type BucketSize, type BudgetSizes, type RequestClass } from "./budget";
export { CallHealth, withRetries, type RetryInfo, type RetryOptions } from "./retry";
export { describeRetries, noRetries, RetryTally, type RetryCounts } from "./retryTally";
export { RunStopped, MAX_TIMER_MS, sleepUnlessStopped, stopReason } from "./stop";
export { AzureStepRunner, loadArmHandlers } from "./runner";
export type { ArmEnv } from "./armEnv";
