/**
 * What the workspaces capability declares: Security Center's default workspace for a geography
 * (`DefaultResourceGroup-<geo>` + `DefaultWorkspace-<sub>-<geo>` in the geography's location,
 * with the Security or SecurityCenterFree solution), or the solution on a user's existing
 * workspace. The same resources as the planner's create-resource-group, create-workspace and
 * install-solution steps.
 */
import { nameOf, resourceGroupOf, subscriptionOf } from "../../inventory/ids";
import { geographiesOf, geographyOf } from "../../spec/geography";
import { defaultResourceGroupName, defaultWorkspaceId, defaultWorkspaceName, solutionForDefender, solutionName, type SecuritySolution } from "../../spec/naming";
import {
  booleanIssues,
  CUSTOM_WORKSPACE_KEY,
  derive,
  isDeferred,
  reference,
  regionIssues,
  subscriptionIdIssues,
  workspaceIdIssues,
  type CapabilityDeclarer,
  type ResourceGroupDeclaration,
  type SolutionDeclaration,
  type ValidationIssue,
  type Value,
  type WorkspaceDeclaration,
  type WorkspaceLookup,
  type WithDeferred,
  type WorkspaceUnit,
} from "../../core/kernel";
import type { DefaultWorkspaceFields, ExistingWorkspaceFields } from "./fields.generated";
import { DEFAULT_WORKSPACE_RETENTION_DAYS, DEFAULT_WORKSPACE_SKU, solutionPlan } from "./plan";

/** Create Security Center's default workspace for the geography of `region` (fields.ts documents each field). */
export type DefaultWorkspaceInput = DefaultWorkspaceFields;

/** Wire to a user's existing workspace (fields.ts documents each field); its id and location may be deferred. */
export type ExistingWorkspaceInput = WithDeferred<ExistingWorkspaceFields, "existingWorkspaceId" | "location">;

export type WorkspaceInput = DefaultWorkspaceInput | ExistingWorkspaceInput;

export function isExistingWorkspace(input: WorkspaceInput): input is ExistingWorkspaceInput {
  return (input as ExistingWorkspaceInput).existingWorkspaceId !== undefined;
}

/** Issues of a workspace input, each naming the field (deferred values are checked once known). */
export function workspaceInputIssues(input: WorkspaceInput): ValidationIssue[] {
  if (input === undefined || input === null || typeof input !== "object") return [{ path: "args", message: "are required" }];
  const issues = booleanIssues(input.defender, "defender");
  if (isExistingWorkspace(input)) {
    const asNew = input as Partial<DefaultWorkspaceInput>;
    if (asNew.subscriptionId !== undefined || asNew.region !== undefined) {
      issues.push({ path: "existingWorkspaceId", message: "wires to an existing workspace: leave subscriptionId and region unset (they create a default one)" });
    }
    issues.push(...workspaceIdIssues(input.existingWorkspaceId, "existingWorkspaceId"));
    if (input.location !== undefined && !isDeferred(input.location)) issues.push(...regionIssues(input.location, "location"));
    issues.push(...booleanIssues(input.installSolution, "installSolution"));
    return issues;
  }
  issues.push(...subscriptionIdIssues(input.subscriptionId, "subscriptionId"));
  issues.push(...regionIssues(input.region, "region"));
  return issues;
}

function solutionDeclaration(
  key: string,
  product: SecuritySolution,
  ws: { workspaceId: Value<string>; workspaceName: Value<string>; resourceGroupName: Value<string>; location: Value<string> },
): SolutionDeclaration {
  const name = derive((workspaceName: string) => solutionName(product, workspaceName), ws.workspaceName);
  const plan = solutionPlan(product, "");
  return {
    kind: "solution",
    key: `${key}/solution`,
    role: "solution",
    dependsOn: [],
    // A solution lives in its workspace's resource group.
    props: { product, name, resourceGroupName: ws.resourceGroupName, workspaceName: ws.workspaceName, workspaceId: ws.workspaceId, location: ws.location, plan: { ...plan, name } },
  };
}

/** A default workspace unit under `key`. */
export function declareDefaultWorkspace(key: string, input: DefaultWorkspaceInput): WorkspaceUnit {
  const subscriptionId = input.subscriptionId.toLowerCase();
  const geography = geographyOf(input.region);
  const resourceGroupName = defaultResourceGroupName(geography.code);
  const workspaceName = defaultWorkspaceName(subscriptionId, geography.code);
  const location = geography.workspaceLocation;
  const resourceGroup: ResourceGroupDeclaration = { kind: "resource-group", key: `${key}/resource-group`, role: "resource-group", dependsOn: [], props: { name: resourceGroupName, location } };
  const workspace: WorkspaceDeclaration = {
    kind: "log-analytics-workspace",
    key: `${key}/workspace`,
    role: "workspace",
    dependsOn: [],
    props: { resourceGroupName: reference(resourceGroup.key, "name", resourceGroupName), name: workspaceName, location, sku: DEFAULT_WORKSPACE_SKU, retentionInDays: DEFAULT_WORKSPACE_RETENTION_DAYS },
  };
  const product = solutionForDefender(input.defender ?? true);
  // The solution names the created workspace's own id, so it waits for it.
  const solution = solutionDeclaration(key, product, { workspaceId: reference(workspace.key, "id"), workspaceName, resourceGroupName, location });
  return {
    kind: "workspace",
    key,
    subscriptionId,
    created: true,
    geography,
    workspaceId: defaultWorkspaceId(subscriptionId, geography.code),
    workspaceName,
    resourceGroupName,
    location,
    solution: product,
    resources: [resourceGroup, workspace, solution],
    lookups: [],
    issues: [],
    warnings: [],
  };
}

/** The lookup of an existing workspace's location, under `key`. */
export function workspaceLookup(key: string, workspaceId: Value<string>): WorkspaceLookup {
  return { key: `${key}/lookup`, resourceGroupName: derive(resourceGroupOf, workspaceId), workspaceName: derive(nameOf, workspaceId) };
}

/** The solution on an existing workspace, under `key` (no resource when `installSolution` is false). */
export function declareWorkspaceSolution(key: string, input: ExistingWorkspaceInput): WorkspaceUnit {
  const workspaceId = input.existingWorkspaceId;
  const installSolution = input.installSolution ?? true;
  const parts = { workspaceId, workspaceName: derive(nameOf, workspaceId), resourceGroupName: derive(resourceGroupOf, workspaceId) };
  // Looked up only when the solution needs it.
  const lookup = input.location === undefined && installSolution ? workspaceLookup(key, workspaceId) : undefined;
  const location: Value<string> = input.location ?? (lookup ? reference(lookup.key, "location") : "");
  const product = solutionForDefender(input.defender ?? true);
  return {
    kind: "workspace",
    key,
    subscriptionId: derive(subscriptionOf, workspaceId),
    created: false,
    ...parts,
    location,
    ...(installSolution ? { solution: product } : {}),
    resources: installSolution ? [solutionDeclaration(key, product, { ...parts, location })] : [],
    lookups: lookup ? [lookup] : [],
    issues: [],
    warnings: [],
  };
}

export interface WorkspaceIdParts {
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  readonly workspaceName: string;
}

/** The parts of a (valid) workspace ARM id. */
export function parseWorkspaceId(id: string): WorkspaceIdParts {
  return { subscriptionId: subscriptionOf(id), resourceGroupName: resourceGroupOf(id), workspaceName: nameOf(id) };
}

/**
 * With auto provisioning on: a default workspace per geography of the machines, or the solution
 * on the custom workspace when this subscription declares it.
 */
export const WORKSPACES_DECLARER: CapabilityDeclarer = {
  subscription: ({ spec, subscriptionId, machineRegions, customWorkspace }) => {
    const la = spec.logAnalyticsAgent;
    if (!la.autoProvision) return { units: [] };
    if (!customWorkspace) {
      return {
        units: geographiesOf(machineRegions).map((geo) => declareDefaultWorkspace(`${subscriptionId}/workspace-${geo.code}`, { subscriptionId, region: geo.workspaceLocation, defender: la.defender })),
      };
    }
    if (!customWorkspace.declareSolution) return { units: [] };
    return { units: [declareWorkspaceSolution(CUSTOM_WORKSPACE_KEY, { existingWorkspaceId: customWorkspace.id, location: customWorkspace.location, defender: la.defender })] };
  },
};
