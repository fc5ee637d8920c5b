/**
 * Security-event collection: the Windows security-event tier of a target workspace (None,
 * Minimal, Common, All), stored only with Defender on and never where Sentinel configures the
 * workspace's security events. Reads spec.logAnalyticsAgent (securityEvents, defender) and the
 * inventory's workspaces[].securityEvents. The Log Analytics agent plans the tier into its target
 * workspaces; the Azure Monitor Agent carries it in its data collection rules.
 */
import { defineCapability } from "../../core/kernel";
import { SECURITY_EVENTS_DECLARER } from "./declare";
import { noteSecurityEventFindings } from "./findings";
import { SECURITY_EVENT_STEPS, type SecurityEventSteps } from "./steps";

export {
  SECURITY_EVENTS_DATA_SOURCE,
  securityEventsAllowed,
  securityEventsDataSourceId,
  securityEventsNeedDefenderMessage,
  securityEventsOwnedBySentinelMessage,
  securityEventsRule,
  securityEventsStep,
  type SecurityEventsRule,
} from "./plan";
export type { SecurityEventSteps, SetSecurityEventsDetails } from "./steps";
export { noteTierChange, SECURITY_EVENTS_TIER_LOWERED, SECURITY_EVENTS_TIER_RAISED, type TierHolder } from "./findings";
export { declareSecurityEvents, securityEventsAllowedFor, securityEventsInputIssues, TIER_SET_METHOD, type SecurityEventsInput } from "./declare";
export { securityEventsFieldsSchema } from "./fields";
export type { SecurityEventsFields } from "./fields.generated";

export const securityEvents = defineCapability<SecurityEventSteps>({
  id: "security-events",
  title: "The Windows security-event tier of the target workspaces",
  decisions: {},
  steps: SECURITY_EVENT_STEPS,
  planner: { finish: noteSecurityEventFindings },
  declare: SECURITY_EVENTS_DECLARER,
  arm: async () => (await import("./arm")).HANDLERS,
});
