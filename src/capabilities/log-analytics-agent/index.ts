/**
 * The Log Analytics agent (MMA), the seed's agent (`agent: mma`): each machine's decision with
 * its reason (decide.ts, reasons.ts), its target workspace made ready, the extension steps, and
 * at apply time the hand-over of large batches to the agent's own policy (delegate.ts). Reads
 * spec.logAnalyticsAgent and the inventory's machines, workspaces and subscriptions. It owns no
 * step type: it plans into workspaces, security-events and machine-extensions.
 */
import { defineCapability, type NoSteps } from "../../core/kernel";
import { LOG_ANALYTICS_AGENT } from "../../spec/extensions";
import { extensionSteps } from "../machine-extensions";
import { LA_DECISIONS, type LaDecision } from "./decide";
import { planLogAnalyticsAgent, type LogAnalyticsAgentPlanSteps } from "./plan";

export { LA_DECISIONS, decideMachine, type LaDecision, type LaVerdict, type MachineOp } from "./decide";
export { LA_REASONS } from "./reasons";
export { failedConnectedElsewhere, failedExtensionBesideDirectAgent } from "./connectedElsewhere";
export { LEGACY_ONBOARDING_CUTOFF, isLegacySubscription } from "./rules";
export { delegateLargeBatches, type Delegation } from "./delegate";

export const logAnalyticsAgent = defineCapability<NoSteps, LaDecision, LogAnalyticsAgentPlanSteps>({
  id: "log-analytics-agent",
  title: "The Log Analytics agent (MMA) on every machine, by the seed's rules",
  decisions: LA_DECISIONS,
  steps: {},
  serves: extensionSteps(LOG_ANALYTICS_AGENT, ["install-extension", "upgrade-extension", "reconnect-extension"]),
  planner: { machines: planLogAnalyticsAgent },
  arm: async () => ({}),
});
export { delegationMarkdown, delegationQuestion, delegationText, delegationView, grantsOf, previewDelegation, type DelegatedBatch, type DelegationView } from "./delegationView";
