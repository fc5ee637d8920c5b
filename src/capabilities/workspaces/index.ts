/**
 * Workspaces: where machines report. Default workspaces per geography (created only when a
 * machine needs one), the Security / SecurityCenterFree solution by Defender on/off, the routes
 * from a workspace a machine already reports to, and retiring default workspaces no machine
 * reports to any more. Reads spec.logAnalyticsAgent (workspace, defender, reconfigureExisting,
 * deleteUnusedDefaultWorkspaces) and the inventory's workspaces. The agents plan into it.
 */
import { defineCapability } from "../../core/kernel";
import { WORKSPACES_DECLARER } from "./declare";
export { defaultWorkspaceFieldsSchema, existingWorkspaceFieldsSchema } from "./fields";
export type { DefaultWorkspaceFields, ExistingWorkspaceFields } from "./fields.generated";
import { noteUserWorkspaceSolutions } from "./findings";
import { WORKSPACE_STEPS, type WorkspaceSteps } from "./steps";

export {
  DEFAULT_WORKSPACE_RETENTION_DAYS,
  DEFAULT_WORKSPACE_SKU,
  ensureSecurityEventTable,
  ensureUserWorkspaceSolution,
  ensureWorkspaceAndSolution,
  fleetTargets,
  hasSolution,
  retireDefaultWorkspaces,
  securityCenterUses,
  solutionPlan,
  targetWorkspaceFor,
  type ReadyWorkspace,
  type TargetWorkspace,
} from "./plan";
export { isSecurityCenterWorkspace, routeFromWorkspace, type ExistingRoute } from "./routes";
export { recoveredCustomerId, softDeletedWithCustomerId } from "./softDeleted";
export { WORKSPACE_REASONS } from "./reasons";
export { USER_WORKSPACE_SOLUTION_INSTALLED } from "./findings";
export {
  declareDefaultWorkspace,
  declareWorkspaceSolution,
  isExistingWorkspace,
  parseWorkspaceId,
  workspaceInputIssues,
  workspaceLookup,
  type DefaultWorkspaceInput,
  type ExistingWorkspaceInput,
  type WorkspaceIdParts,
  type WorkspaceInput,
} from "./declare";
export type { CreateResourceGroupDetails, CreateWorkspaceDetails, DeleteWorkspaceDetails, InstallSolutionDetails, SolutionPlan, WorkspaceSteps } from "./steps";

export const workspaces = defineCapability<WorkspaceSteps>({
  id: "workspaces",
  title: "Default workspaces per geography, their Security Center solution, and their retirement",
  decisions: {},
  steps: WORKSPACE_STEPS,
  planner: { finish: noteUserWorkspaceSolutions },
  declare: WORKSPACES_DECLARER,
  arm: async () => (await import("./arm")).HANDLERS,
  // The spec's workspace id names no workspace Azure shows: a typo, or no read access.
  specProblems: ["workspace-not-found"],
});
