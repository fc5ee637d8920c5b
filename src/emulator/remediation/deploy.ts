/**
 * One remediation deployment: what Azure's Deploy-if-not-exists does for one resource, run
 * with the assignment's managed identity. It fails as Azure's does when the identity lacks a
 * role the definition lists (at a scope covering the resource), when the machine is not
 * running or has no VM agent, or when the workspace parameter names no workspace.
 */
import type { ArmContext } from "../arm/types";
import type { BuiltinPolicy } from "../catalog/policies";
import { builtinRole, roleGuidOf } from "../catalog/roles";
import type { StoredResource } from "../store/resources";
import { getPath, getString, isObject, type JsonObject } from "../util/json";
import { roleAssignmentsCovering } from "../providers/authorization";
import { withAddonEnabled } from "../providers/containerService";
import { deploymentVerdict, extensionDoc, extensionsOf, workspaceFailure } from "../providers/machines";
import { workspaceCustomerId } from "../providers/workspaceLookup";
import { WORKSPACE_TYPE } from "../providers/resourceTypes";

export type DeploymentOutcome = { readonly ok: true } | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

function missingRole(ctx: ArmContext, policy: BuiltinPolicy, assignment: StoredResource, resourceId: string): { code: string; message: string } | undefined {
  const principal = getString(assignment.doc, "identity", "principalId");
  const action = policy.deploys.kind === "aksAddon" ? "Microsoft.ContainerService/managedClusters/write" : "Microsoft.Compute/virtualMachines/extensions/write";
  if (!principal) {
    return { code: "AuthorizationFailed", message: `The policy assignment '${assignment.id}' has no managed identity to deploy with.` };
  }
  const held = roleAssignmentsCovering(ctx, principal, resourceId).map((r) => roleGuidOf(getString(r.doc, "properties", "roleDefinitionId") ?? ""));
  const hasSuperset = held.some((g) => builtinRole(g)?.superset === true);
  for (const needed of policy.roleGuids) {
    if (hasSuperset || held.includes(needed)) continue;
    const role = builtinRole(needed);
    return {
      code: "AuthorizationFailed",
      message:
        `The client '${principal}' with object id '${principal}' does not have authorization to perform action '${action}' over scope '${resourceId}' or the scope is invalid. ` +
        `The policy definition lists role '${role?.name ?? needed}' (${needed}); assign it to the policy assignment's identity at a scope covering the resource.`,
    };
  }
  return undefined;
}

export function deployOne(ctx: ArmContext, policy: BuiltinPolicy, assignment: StoredResource, resourceId: string): DeploymentOutcome {
  const resource = ctx.store.get(resourceId);
  if (!resource) return { ok: false, error: { code: "ResourceNotFound", message: `The resource '${resourceId}' no longer exists.` } };
  const denied = missingRole(ctx, policy, assignment, resource.id);
  if (denied) return { ok: false, error: denied };
  const d = policy.deploys;
  if (d.kind === "aksAddon") {
    ctx.store.put({ ...resource, doc: withAddonEnabled(resource.doc, d.addon) });
    return { ok: true };
  }
  // Reuse the name of an existing extension of the same handler (a failed one is redeployed in place).
  const same = extensionsOf(ctx, resource).find(
    (e) =>
      (getString(e.doc, "properties", "publisher") ?? "").toLowerCase() === d.extension.publisher.toLowerCase() &&
      (getString(e.doc, "properties", "type") ?? "").toLowerCase() === d.extension.type.toLowerCase(),
  );
  const name = same ? String(same.doc["name"]) : d.extension.name;
  const verdict = deploymentVerdict(ctx, resource, name);
  if (verdict.refuse) return { ok: false, error: { code: verdict.refuse.code, message: verdict.refuse.message } };
  if (verdict.failure) return { ok: false, error: verdict.failure };
  const props: JsonObject = { publisher: d.extension.publisher, type: d.extension.type, typeHandlerVersion: d.extension.version, autoUpgradeMinorVersion: true, settings: {} };
  let protectedSettings: JsonObject | undefined;
  if (d.workspaceParameter) {
    const params = getPath(assignment.doc, ["properties", "parameters"]);
    const wsId = isObject(params) ? getString(params, d.workspaceParameter, "value") : undefined;
    const ws = wsId ? ctx.store.get(wsId) : undefined;
    if (!ws || ws.type.toLowerCase() !== WORKSPACE_TYPE.toLowerCase()) {
      return { ok: false, error: { code: "InvalidTemplateDeployment", message: `The workspace '${wsId ?? ""}' given by parameter '${d.workspaceParameter}' does not exist.` } };
    }
    props["settings"] = { workspaceId: workspaceCustomerId(ws), stopOnMultipleConnections: "true" };
    protectedSettings = { workspaceKey: String(ws.secret?.["primarySharedKey"] ?? "") };
    const failure = workspaceFailure(ctx, resource, name, props, protectedSettings);
    if (failure) return { ok: false, error: failure };
  }
  const doc = extensionDoc(resource, name, props);
  ctx.store.put({ id: String(doc["id"]), type: String(doc["type"]), doc, secret: protectedSettings ? { protectedSettings } : null });
  ctx.extensionLog.record({
    at: ctx.clock.iso(),
    machineId: resource.id,
    name,
    publisher: d.extension.publisher,
    type: d.extension.type,
    version: d.extension.version,
    workspaceId: getString(props, "settings", "workspaceId") ?? null,
    source: "remediation",
    requestId: null,
  });
  return { ok: true };
}
