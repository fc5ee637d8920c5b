/**
 * Workspace ARM ids: validated with the spec's own schema (the message a spec file would get) and
 * split into the resource group and name that azure-native's workspace-scoped resources take.
 */
import { logAnalyticsAgentSchema } from "../../src/spec/schema";
import { nameOf, resourceGroupOf, subscriptionOf } from "../../src/inventory/ids";
import * as pulumi from "@pulumi/pulumi";
import { failArgs, schemaIssues, type ValidationIssue } from "../internal/validation";

/** Issues of `id` as a workspace ARM id, reported at `path` (the argument's name). */
export function workspaceIdIssues(id: unknown, path: string): ValidationIssue[] {
  if (typeof id !== "string") return [{ path, message: `${JSON.stringify(id) ?? String(id)} is not a string (the workspace's ARM id)` }];
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

/**
 * `id` validated once it is known (an Output is checked at deployment, a known value again here):
 * the result rejects with a ResourceError attributed to `resource`, naming `path`, so that every
 * resource built from it fails rather than being declared with a bad workspace.
 */
export function checkedWorkspaceId(resource: pulumi.Resource, typeName: string, name: string, id: pulumi.Input<string>, path: string): pulumi.Output<string> {
  return pulumi.output(id).apply(workspaceIdCheck(resource, typeName, name, path));
}

/** The check checkedWorkspaceId applies to the known value: returns it, or throws the ResourceError. */
export function workspaceIdCheck(resource: pulumi.Resource, typeName: string, name: string, path: string): (id: string) => string {
  return (id) => {
    const issues = workspaceIdIssues(id, path);
    if (issues.length) failArgs(resource, typeName, name, issues);
    return id;
  };
}
