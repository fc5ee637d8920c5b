export * from "./defaultWorkspace";
export * from "./securityEventCollection";
export { parseWorkspaceId, workspaceIdIssues, type WorkspaceIdParts } from "./workspaceId";
