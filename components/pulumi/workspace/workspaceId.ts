/**
 * Workspace ARM ids known only at deployment: checked then with the spec's own schema (the
 * message a spec file would get), failing the resource that was handed the id.
 */
import * as pulumi from "@pulumi/pulumi";
import { workspaceIdIssues } from "../../../src/core";
import { failArgs } from "../internal/validation";

export { parseWorkspaceId, type WorkspaceIdParts } from "../../../src/capabilities/workspaces";
export { workspaceIdIssues } from "../../../src/core";

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
