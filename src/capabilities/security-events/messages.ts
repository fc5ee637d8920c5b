/** The security-event findings' messages, shared by the plan, its finish-phase findings and the declarations (one module, so neither imports the other). */
import type { SecurityEventTier } from "../../spec/events";

export function securityEventsNeedDefenderMessage(tier: SecurityEventTier): string {
  return `Storing Windows security events needs Azure Defender: the "${tier}" tier is not stored while logAnalyticsAgent.defender is false.`;
}

/** `currentTier`: the tier Sentinel set, when known. */
export function securityEventsOwnedBySentinelMessage(workspaceName: string, currentTier?: string): string {
  return `Azure Sentinel configures the security events of ${workspaceName}${currentTier !== undefined ? ` (tier ${currentTier})` : ""}; a workspace's security events are configured by Security Center or by Sentinel, never both. Set the tier in Sentinel, or disconnect Sentinel's Security Events connector first.`;
}
