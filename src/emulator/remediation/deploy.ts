/**
 * One remediation deployment: what Azure's Deploy-if-not-exists does for one resource, run
 * with the assignment's managed identity. It fails as Azure's does when the identity lacks a
 * role the definition lists (at a scope covering the resource), when the machine is not
 * running or has no VM agent, or when a parameter names no workspace or rule.
 */
import { createHash } from "node:crypto";
import type { ArmContext } from "../arm/types";
import type { BuiltinPolicy, Deploys } from "../catalog/policies";
import { builtinRole, roleGrants, roleGuidOf } from "../catalog/roles";
import { ArmError, ArmErrors, type OperationError } from "../http/errors";
import type { StoredResource } from "../store/resources";
import { getString, type Json, type JsonObject } from "../util/json";
import { roleAssignmentsCovering } from "../model/roles";
import { withAddonEnabled } from "../model/clusters";
import { extensionDoc, extensionsOf } from "../model/machines";
import { amaIdentityFailure, deploymentVerdict, workspaceFailure } from "../model/deployment";
import { withSystemAssigned } from "../model/identity";
import { associationResource } from "../model/associations";
import { workspaceCustomerId } from "../model/workspaces";
import { DCR_ASSOCIATION_TYPE, WORKSPACE_TYPE } from "../model/resourceTypes";
import { trackConnections } from "../model/connections";
import { parameterValue } from "./compliance";

export type DeploymentOutcome = { readonly ok: true } | { readonly ok: false; readonly error: OperationError };

const failed = (error: OperationError): DeploymentOutcome => ({ ok: false, error });

/** The action a deployment of this kind writes (named in AuthorizationFailed). */
function writeAction(d: Deploys): string {
  if (d.kind === "aksAddon") return "Microsoft.ContainerService/managedClusters/write";
  if (d.kind === "dcrAssociation") return "Microsoft.Insights/dataCollectionRuleAssociations/write";
  return d.systemIdentity ? "Microsoft.Compute/virtualMachines/write" : "Microsoft.Compute/virtualMachines/extensions/write";
}

function missingRole(ctx: ArmContext, policy: BuiltinPolicy, assignment: StoredResource, resourceId: string): OperationError | undefined {
  const principal = getString(assignment.doc, "identity", "principalId");
  if (!principal) {
    return ArmErrors.deploymentAuthorizationFailed(`The policy assignment '${assignment.id}' has no managed identity to deploy with.`);
  }
  const held = roleAssignmentsCovering(ctx, ctx.tenantId, principal, resourceId).map((r) => roleGuidOf(getString(r.doc, "properties", "roleDefinitionId") ?? ""));
  const hasSuperset = held.some((g) => builtinRole(g)?.superset === true);
  for (const needed of policy.roleGuids) {
    if (hasSuperset || held.includes(needed)) continue;
    const role = builtinRole(needed);
    return ArmErrors.deploymentAuthorizationFailed(
        `The client '${principal}' with object id '${principal}' does not have authorization to perform action '${writeAction(policy.deploys)}' over scope '${resourceId}' or the scope is invalid. ` +
        `The policy definition lists role '${role?.name ?? needed}' (${needed}); assign it to the policy assignment's identity at a scope covering the resource.`,
    );
  }
  return undefined;
}

/**
 * ARM's linked access check: a deployment that names another resource (the rule an association
 * links to, the workspace whose keys an agent gets) needs `action` on that resource too. The
 * roles the definition lists are granted at the assignment's scope; a rule or workspace outside it
 * needs a grant of its own there (the portal makes one for a parameter with `assignPermissions`).
 * Users of hub-and-spoke landing zones meet this as LinkedAuthorizationFailed (reference §4).
 */
function linkedAuthorizationFailure(ctx: ArmContext, assignment: StoredResource, write: { action: string; scope: string }, action: string, linkedScope: string): OperationError | undefined {
  const principal = getString(assignment.doc, "identity", "principalId") ?? "";
  const held = roleAssignmentsCovering(ctx, ctx.tenantId, principal, linkedScope);
  const grants = (r: StoredResource) => {
    const role = builtinRole(roleGuidOf(getString(r.doc, "properties", "roleDefinitionId") ?? ""));
    return role !== undefined && roleGrants(role, action);
  };
  if (held.some(grants)) return undefined;
  return ArmErrors.deploymentLinkedAuthorizationFailed(
    `The client '${principal}' with object id '${principal}' has permission to perform action '${write.action}' on scope '${write.scope}'; however, it does not have permission to perform action(s) '${action}' on the linked scope(s) '${linkedScope}' (respectively) or the linked scope(s) are invalid.`,
  );
}

/** ARM's uniqueString(): 13 base-32 characters of a hash of its input. */
export function uniqueString(text: string): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let n = createHash("sha256").update(text).digest().readBigUInt64BE(0);
  let out = "";
  for (let i = 0; i < 13; i++) {
    out += alphabet[Number(n & 31n)];
    n >>= 5n;
  }
  return out;
}

function deployAssociation(ctx: ArmContext, d: Extract<Deploys, { kind: "dcrAssociation" }>, params: Json | undefined, vm: StoredResource, assignment: StoredResource): DeploymentOutcome {
  const ruleId = parameterValue(params, d.ruleParameter) ?? "";
  const resourceType = parameterValue(params, "resourceType") ?? "Microsoft.Insights/dataCollectionRules";
  if (resourceType.toLowerCase() !== "microsoft.insights/datacollectionrules") {
    return failed(ArmErrors.invalidTemplateDeployment(`Parameter resourceType '${resourceType}': data collection endpoints are not emulated.`));
  }
  const name = `assoc-${uniqueString(`${String(vm.doc["name"])}${ruleId}`)}`;
  const id = `${vm.id}/providers/${DCR_ASSOCIATION_TYPE}/${name}`;
  const linked = linkedAuthorizationFailure(ctx, assignment, { action: writeAction(d), scope: id }, "Microsoft.Insights/dataCollectionRules/read", ruleId);
  if (linked) return failed(linked);
  try {
    const result = associationResource(ctx, undefined, id, name, { dataCollectionRuleId: ruleId }, ctx.store.get(id));
    const finish = trackConnections(ctx, [vm.id]);
    ctx.store.put({ id, type: DCR_ASSOCIATION_TYPE, doc: result.doc, secret: result.secret ?? null });
    finish();
    return { ok: true };
  } catch (err) {
    if (err instanceof ArmError) return failed(err.asOperationError());
    throw err;
  }
}

function deployExtension(ctx: ArmContext, d: Extract<Deploys, { kind: "vmExtension" }>, params: Json | undefined, resource: StoredResource, assignment: StoredResource): DeploymentOutcome {
  // Reuse the name of an existing extension of the same handler (a failed one is redeployed in place).
  const same = extensionsOf(ctx, resource).find(
    (e) =>
      (getString(e.doc, "properties", "publisher") ?? "").toLowerCase() === d.extension.publisher.toLowerCase() &&
      (getString(e.doc, "properties", "type") ?? "").toLowerCase() === d.extension.type.toLowerCase(),
  );
  const name = same ? String(same.doc["name"]) : d.extension.name;
  const verdict = deploymentVerdict(ctx, resource, name);
  if (verdict.refuse) return failed(verdict.refuse.asOperationError());
  if (verdict.failure) return { ok: false, error: verdict.failure };
  const props: JsonObject = { publisher: d.extension.publisher, type: d.extension.type, typeHandlerVersion: d.extension.version, autoUpgradeMinorVersion: true, settings: {} };
  let protectedSettings: JsonObject | undefined;
  if (d.workspaceParameter) {
    const wsId = parameterValue(params, d.workspaceParameter);
    const ws = wsId ? ctx.store.get(wsId) : undefined;
    if (!ws || ws.type.toLowerCase() !== WORKSPACE_TYPE.toLowerCase()) {
      return failed(ArmErrors.invalidTemplateDeployment(`The workspace '${wsId ?? ""}' given by parameter '${d.workspaceParameter}' does not exist.`));
    }
    // The template reads the workspace's keys (listKeys) for the agent's protected settings.
    const linked = linkedAuthorizationFailure(ctx, assignment, { action: writeAction(d), scope: `${resource.id}/extensions/${name}` }, "Microsoft.OperationalInsights/workspaces/sharedKeys/action", ws.id);
    if (linked) return failed(linked);
    props["settings"] = { workspaceId: workspaceCustomerId(ws), stopOnMultipleConnections: "true" };
    protectedSettings = { workspaceKey: String(ws.secret?.["primarySharedKey"] ?? "") };
    const failure = workspaceFailure(ctx, resource, name, props, protectedSettings);
    if (failure) return { ok: false, error: failure };
  }
  let machine = resource;
  if (d.systemIdentity) {
    // The template's first resource: the VM with a system-assigned identity (user-assigned ones kept).
    machine = { ...resource, doc: { ...resource.doc, identity: withSystemAssigned(resource, ctx.tenantId) } };
    ctx.store.put(machine);
    props["enableAutomaticUpgrade"] = true;
  }
  const identityFailure = amaIdentityFailure(machine, name, props);
  if (identityFailure) return { ok: false, error: identityFailure };
  const doc = extensionDoc(machine, name, props);
  const secret: JsonObject = { provisionedAt: ctx.clock.now() };
  if (protectedSettings) secret["protectedSettings"] = protectedSettings;
  ctx.store.put({ id: String(doc["id"]), type: String(doc["type"]), doc, secret });
  ctx.extensionLog.record({
    at: ctx.clock.iso(),
    machineId: machine.id,
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

/** `parameters`: what the policy deploys with (a set member's, resolved through the set's; else the assignment's). */
export function deployOne(ctx: ArmContext, policy: BuiltinPolicy, parameters: Json | undefined, assignment: StoredResource, resourceId: string): DeploymentOutcome {
  const resource = ctx.store.get(resourceId);
  if (!resource) return failed(ArmErrors.deploymentTargetGone(resourceId));
  const denied = missingRole(ctx, policy, assignment, resource.id);
  if (denied) return { ok: false, error: denied };
  const d = policy.deploys;
  if (d.kind === "aksAddon") {
    ctx.store.put({ ...resource, doc: withAddonEnabled(resource.doc, d.addon) });
    return { ok: true };
  }
  if (d.kind === "dcrAssociation") return deployAssociation(ctx, d, parameters, resource, assignment);
  return deployExtension(ctx, d, parameters, resource, assignment);
}
