export * from "./agentReconciliation";
export { agentReconciliationProvider } from "./provider";
export { RECONCILE_MODES, type FindingSummary, type MachineChange, type ReconcileMode, type ReconciliationInputs, type ReconciliationOutputs, type ReconciliationReport } from "./types";
