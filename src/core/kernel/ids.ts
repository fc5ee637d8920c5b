/**
 * ARM ids and deterministic names of what a plan creates. Pure: names derive from their inputs,
 * so planning the same state twice gives byte-equal output.
 */
import { createHash } from "node:crypto";

/** A GUID derived from the given parts (same parts, same GUID), formatted as ARM expects. */
export function stableGuid(...parts: string[]): string {
  return stableGuidOf(parts);
}

/** stableGuid of a list of any length (a spread of 100k ids would overflow the stack). */
export function stableGuidOf(parts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part.toLowerCase()).update("\u0000");
  const h = hash.digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function subscriptionScope(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}`;
}

export function resourceGroupId(subscriptionId: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${name}`;
}

export function pricingId(subscriptionId: string, pricingName: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Security/pricings/${pricingName}`;
}

export function workspaceSettingId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Security/workspaceSettings/default`;
}

export function solutionId(workspaceId: string, solutionName: string): string {
  const m = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)\//i.exec(workspaceId);
  return `${m ? m[1] : ""}/providers/Microsoft.OperationsManagement/solutions/${solutionName}`;
}

export const SECURITY_EVENTS_DATA_SOURCE = "SecurityEventCollectionConfiguration";

export function securityEventsDataSourceId(workspaceId: string): string {
  return `${workspaceId}/dataSources/${SECURITY_EVENTS_DATA_SOURCE}`;
}

export function extensionId(machineId: string, extensionName: string): string {
  return `${machineId}/extensions/${extensionName}`;
}

export function policyAssignmentId(scope: string, name: string): string {
  return `${scope}/providers/Microsoft.Authorization/policyAssignments/${name}`;
}

export function roleAssignmentId(scope: string, name: string): string {
  return `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
}

export function remediationId(scope: string, name: string): string {
  return `${scope}/providers/Microsoft.PolicyInsights/remediations/${name}`;
}
