/**
 * Workspace ARM ids: validated with the spec's own schema (the message a spec file would get) and
 * split into the resource group and name that azure-native's workspace-scoped resources take.
 */
import { logAnalyticsAgentSchema } from "../../src/spec/schema";
import { nameOf, resourceGroupOf, subscriptionOf } from "../../src/inventory/ids";
import { schemaIssues, type ValidationIssue } from "../internal/validation";

/** Issues of `id` as a workspace ARM id, reported at `path` (the argument's name). */
export function workspaceIdIssues(id: unknown, path: string): ValidationIssue[] {
  return schemaIssues(logAnalyticsAgentSchema.shape.workspace, { id }, "").map((i) => ({
    path: i.path === "id" ? path : i.path.startsWith("id") ? path + i.path.slice(2) : path,
    message: i.message,
  }));
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
