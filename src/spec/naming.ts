/**
 * Names Security Center gives the resources it creates (seed: "The naming convention for the
 * workspace and resource group"), and the names this project gives its own.
 */
import { regionShortCode } from "./geography";

export function defaultWorkspaceName(subscriptionId: string, geoCode: string): string {
  return `DefaultWorkspace-${subscriptionId}-${geoCode}`;
}

export function defaultResourceGroupName(geoCode: string): string {
  return `DefaultResourceGroup-${geoCode}`;
}

export function defaultWorkspaceId(subscriptionId: string, geoCode: string): string {
  return (
    `/subscriptions/${subscriptionId}/resourceGroups/${defaultResourceGroupName(geoCode)}` +
    `/providers/Microsoft.OperationalInsights/workspaces/${defaultWorkspaceName(subscriptionId, geoCode)}`
  );
}

/**
 * The default workspace Defender for Containers' sensor reports to, per region, not per the FAQ's
 * geography: policy 64def556 names it by the cluster's own region short code (brazilsouth: CQ).
 */
export function sensorDefaultWorkspaceId(subscriptionId: string, region: string): string {
  return defaultWorkspaceId(subscriptionId, regionShortCode(region));
}

/** Does this workspace name follow Security Center's default naming? */
export function isDefaultWorkspaceName(workspaceName: string): boolean {
  return /^DefaultWorkspace-[0-9a-fA-F-]{36}-[A-Za-z0-9]+$/.test(workspaceName);
}

/** Is this workspace id one Security Center created (its name and resource group follow the convention)? */
export function isDefaultWorkspaceId(workspaceId: string): boolean {
  const m = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.OperationalInsights\/workspaces\/([^/]+)$/i.exec(workspaceId);
  return !!m && /^DefaultResourceGroup-/i.test(m[1]!) && isDefaultWorkspaceName(m[2]!);
}

/** Solution name on a workspace: `Security(<ws>)` with Defender on, `SecurityCenterFree(<ws>)` off. */
export function solutionName(product: SecuritySolution, workspaceName: string): string {
  return `${product}(${workspaceName})`;
}

export type SecuritySolution = "Security" | "SecurityCenterFree";

export function solutionForDefender(defender: boolean): SecuritySolution {
  return defender ? "Security" : "SecurityCenterFree";
}
