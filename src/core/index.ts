/**
 * The core's public surface: plan, simulate and the renderers over the registered capabilities,
 * the plan's types, and what a capability is made of. Front ends, the adapter and the CLI import
 * the core from here only.
 */
export { plan, planWith, specProblems, stepsOf, SUBSCRIPTION_NOT_FOUND, type AnyStep } from "./plan";
export { basisOf, basisChanges, basisPartCount, checkBasis, dependencyIds, specDigest, withMachinesSorted, BASIS_VERSION, type AnyPlanBasis, type BasisChange, type BasisCheck, type PlanBasis, type SharedAfter } from "./basis";
export { simulate, simulatedCustomerId, simulatedPrincipalId } from "./simulate";
export * from "./render";
export * from "./planfile";
export { REGISTRY, catalogOf, type AnyCapability, type Catalog } from "./catalog";
export {
  ACTIONS,
  CAPABILITIES,
  DECISIONS,
  delegationMarkdown,
  delegationQuestion,
  delegationText,
  grantsOf,
  previewDelegation,
  type DelegationView,
  type Action,
  type Decision,
  type MachinePlan,
  type Plan,
  type PlanSummary,
  type Step,
  type StepDetails,
  type StepDetailsMap,
} from "../capabilities";
export {
  defineCapability,
  describeScope,
  EXCLUSION_MATCHES_NOTHING,
  INVENTORY_READ_FOR_ANOTHER_SCOPE,
  MANAGEMENT_GROUP_WITHOUT_SUBSCRIPTIONS,
  SCOPE_WITHOUT_SUBSCRIPTIONS,
  scopeFindings,
  subscriptionsInScope,
  type ScopeSummary,
  stableGuid,
  stableGuidOf,
  subscriptionScope,
  withMachinesLaidOut,
  workspaceLabel,
  workspaceSettingId,
  type Capability,
  type Finding,
  type LiveState,
  type Severity,
  type StepContext,
  type StepHandler,
  type StepHandlers,
  type StepKind,
  type StepOutputs,
} from "./kernel";
// The declaration model: its vocabulary (the kernel's) and its composition, for the front ends.
export * from "./kernel/declarations";
export * from "./declarations";
