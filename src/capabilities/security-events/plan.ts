/**
 * The seed's limits on a workspace's security-event tier: it is stored only with Azure Defender on,
 * and a workspace whose security events Sentinel configures is never configured by Security Center.
 */
import type { InventoryWorkspace } from "../../inventory/schema";
import { API_TIER_BY_TIER, type SecurityEventTier } from "../../spec/events";
import { workspaceLabel, type PlanContext, type StepSink } from "../../core/kernel";
import { noteTierChange } from "./findings";
import { securityEventsOwnedBySentinelMessage } from "./messages";
import type { SecurityEventSteps } from "./steps";

export { securityEventsNeedDefenderMessage, securityEventsOwnedBySentinelMessage } from "./messages";

/** The data source that holds a workspace's tier (the emulator and Azure name it so). */
export const SECURITY_EVENTS_DATA_SOURCE = "SecurityEventCollectionConfiguration";

export function securityEventsDataSourceId(workspaceId: string): string {
  return `${workspaceId}/dataSources/${SECURITY_EVENTS_DATA_SOURCE}`;
}

/**
 * The seed's limits on a workspace's security-event tier: it is stored only with Azure Defender on,
 * and a workspace whose security events Sentinel configures is never configured by Security Center.
 * `allowed: false` means "set nothing"; `finding` says why when the spec asked for a tier.
 */
export type SecurityEventsRule =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly finding?: { readonly severity: "warning" | "error"; readonly code: "security-events-need-defender" | "security-events-owned-by-sentinel" } };

export function securityEventsRule(tier: SecurityEventTier, defender: boolean, sentinelOwned: boolean): SecurityEventsRule {
  if (!defender) {
    return tier !== "None" ? { allowed: false, finding: { severity: "warning", code: "security-events-need-defender" } } : { allowed: false };
  }
  if (sentinelOwned) {
    return tier !== "None" ? { allowed: false, finding: { severity: "error", code: "security-events-owned-by-sentinel" } } : { allowed: false };
  }
  return { allowed: true };
}

/**
 * May Security Center store the spec's tier in this target workspace? When not (Defender off,
 * Sentinel owns the workspace's security events), a finding says why if a tier was asked for.
 */
export function securityEventsAllowed(ctx: PlanContext, b: StepSink<SecurityEventSteps>, workspaceId: string, existing: InventoryWorkspace | undefined): boolean {
  const la = ctx.spec.logAnalyticsAgent;
  const current = existing?.securityEvents;
  const rule = securityEventsRule(la.securityEvents, la.defender, current?.owner === "sentinel");
  if (rule.allowed) return true;
  // security-events-need-defender is about the spec: findings.ts says it once, whatever the plan configures.
  if (rule.finding && rule.finding.code !== "security-events-need-defender") {
    b.finding(rule.finding.severity, rule.finding.code, workspaceId, securityEventsOwnedBySentinelMessage(workspaceLabel(workspaceId), current?.tier));
  }
  return false;
}

/** The set-security-events step a target workspace needs, if any; it waits for `dependsOn` (the workspace's creation). */
export function securityEventsStep(
  ctx: PlanContext,
  b: StepSink<SecurityEventSteps>,
  workspaceId: string,
  existing: InventoryWorkspace | undefined,
  dependsOn: string | undefined,
): string | undefined {
  const la = ctx.spec.logAnalyticsAgent;
  const current = existing?.securityEvents;
  if (!securityEventsAllowed(ctx, b, workspaceId, existing)) return undefined;
  const currentTier = current?.tier ?? "None";
  if (currentTier === la.securityEvents) return undefined;
  noteTierChange(ctx, "workspace", workspaceLabel(workspaceId), currentTier, la.securityEvents);
  return b.add(
    "set-security-events",
    securityEventsDataSourceId(workspaceId),
    { workspaceId, dataSource: SECURITY_EVENTS_DATA_SOURCE, tier: la.securityEvents, apiTier: API_TIER_BY_TIER[la.securityEvents] },
    [dependsOn],
  );
}

