/**
 * The Azure Monitor Agent (`agent: ama`), the Log Analytics agent's successor: each machine's
 * decision with its reason (decide.ts, reasons.ts), one data collection rule per destination
 * workspace carrying the seed's security-event tier, an association per machine, the migration
 * off the legacy agent (or, with `agent: none`, its removal alone: retire.ts), and what AMA does not do that the legacy set-up did (findings.ts). The
 * front ends' AMA policy assignments come from src/spec/amaPolicies.ts. Reads
 * spec.logAnalyticsAgent and spec.extensions.dependencyAgent, and the inventory's machines,
 * workspaces, dataCollectionRules and dataCollectionRuleAssociations.
 */
import { defineCapability } from "../../core/kernel";
import { AZURE_MONITOR_AGENT, LOG_ANALYTICS_AGENT } from "../../spec/extensions";
import { extensionSteps } from "../machine-extensions";
import { AMA_DECISIONS, type AmaDecision } from "./decide";
import { AMA_DECLARER } from "./declare";
export { amaPolicyFieldsSchema } from "./fields";
export type { AmaPolicyFields } from "./fields.generated";
import { noteAmaGaps } from "./findings";
import { planAzureMonitorAgent, type AzureMonitorAgentPlanSteps } from "./plan";
import { RETIRE_DECISIONS, type RetireDecision } from "./retire";
import { AMA_STEPS, type AmaSteps } from "./steps";

export { RETIRE_DECISIONS, type RetireDecision, type RetireVerdict } from "./retire";
export { AMA_DECISIONS, decideAmaMachine, hasSystemIdentity, type AmaDecision, type AmaOps, type AmaVerdict } from "./decide";
export { AMA_REASONS, legacyFateText, type AmaRoute, type LegacyBlocker, type LegacyFate } from "./reasons";
export type { AmaSteps, AssociateDataCollectionRuleDetails, DeleteDataCollectionRuleDetails, PutDataCollectionRuleDetails } from "./steps";
export * from "../../spec/amaPolicies";
export {
  amaPolicyInputIssues,
  dataCollectionRuleIdIssues,
  declareAmaPolicies,
  declareAmaPolicy,
  DATA_COLLECTION_RULE_ID_PATTERN,
  type AmaDestinationInput,
  type AmaPolicyInput,
} from "./declare";

export const azureMonitorAgent = defineCapability<AmaSteps, AmaDecision | RetireDecision, AzureMonitorAgentPlanSteps>({
  id: "azure-monitor-agent",
  title: "The Azure Monitor Agent, its data collection rules and associations, and the migration off the legacy agent",
  decisions: { ...AMA_DECISIONS, ...RETIRE_DECISIONS },
  steps: AMA_STEPS,
  // Its agent's installs, and the legacy agent's removal once AMA reports (the migration), or with no agent after it (`agent: none`).
  serves: { ...extensionSteps(AZURE_MONITOR_AGENT, ["install-extension"]), ...extensionSteps(LOG_ANALYTICS_AGENT, ["remove-extension"]) },
  planner: { machines: planAzureMonitorAgent, finish: noteAmaGaps },
  declare: AMA_DECLARER,
  arm: async () => (await import("./arm")).HANDLERS,
});
