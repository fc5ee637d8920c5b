/**
 * The adapter's public surface: reading the actual state from ARM, applying a plan through the
 * registered capabilities' handlers, the journal, the connection and endpoint resolution, and the
 * runtime options. Front ends and the CLI import the adapter from here only.
 */
export { applyPlan, planLive, type ApplyOptions } from "./apply";
export { readInventory, readInventoryFor, workspacesNamedBy, type ReadOptions } from "./inventory";
export { resolveSubscriptions, ScopeError, SUBSCRIPTIONS_CAP, SUBSCRIPTIONS_PER_MANAGEMENT_GROUP_CAP } from "./scope";
export { executePlan, type ExecuteOptions, type ExecuteResult, type StepResult, type StepRunner, type StepStatus } from "./executor";
export { Journal, journalFor, KEPT_COMPLETED_JOURNALS, type JournalEntry } from "./journal";
export { azureConnection, connectionOf, emulatorConnection, emulatorEndpointFromDir, ARM_SCOPE, type AzureConnection, type Cloud } from "./connection";
export * from "./endpoint";
export * from "./options";
export { classifyError, describeArmError, isNotFound } from "./errors";
export { TokenBucket } from "./budget";
export { withRetries, type RetryOptions } from "./retry";
export { AzureStepRunner, loadArmHandlers } from "./runner";
export type { ArmEnv } from "./armEnv";
