/**
 * What capabilities build on: the contract, the plan context, the step builder, reasons, ids, the
 * simulation, and the declaration model's vocabulary (declarations/). Nothing here knows a
 * capability.
 */
export * from "./contract";
export * from "./types";
export { PlanBuilder, stepId, type StepSink } from "./builder";
export { compactRecordOf, shapeDetails, ShapeSlots, type CompactRecord, type ShapeSlot, type StepShape } from "./compact";
export { buildContext, clustersInScope, excludedMachine, machinesInScope, subscriptionsInScope, type PlanContext } from "./context";
export { sortById } from "./sortById";
export { describeScope, EXCLUSION_MATCHES_NOTHING, INVENTORY_READ_FOR_ANOTHER_SCOPE, MANAGEMENT_GROUP_WITHOUT_SUBSCRIPTIONS, SCOPE_WITHOUT_SUBSCRIPTIONS, scopeFindings, type ScopeSummary } from "./scopeCheck";
export { withMachinesLaidOut } from "./relocate";
export { ReasonBook, type Reason, type ReasonCatalog, type ReasonParam, type Speaker } from "./reasons";
export * from "./ids";
export { trieChild, type TrieNode } from "./trie";
export { componentVerdict, ComponentPlanBook } from "./components";
export * from "./simulation";
export * from "./declarations";
