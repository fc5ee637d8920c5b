/**
 * Microsoft.Authorization: built-in policy and role definitions (read-only), policy assignments
 * (a DINE assignment needs a managed identity, which needs a location; SystemAssigned mints a
 * principalId) and role assignments (GUID names, known roles and principals, no duplicates).
 */
import type { ArmContext, ListInput, PutInput, PutResult, ResourceTypeSpec, Target } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { queryParam } from "../arm/paging";
import { ArmError, badRequest } from "../http/errors";
import type { StoredResource } from "../store/resources";
import { clone, getString, isObject, type JsonObject } from "../util/json";
import { GUID_RE, newGuid } from "../util/random";
import { scopeCovers } from "../util/armId";
import { BUILTIN_POLICIES, builtinPolicy, effectiveEffect, policyDefinitionDoc } from "../catalog/policies";
import { BUILTIN_ROLES, builtinRole, roleGuidOf, type BuiltinRole } from "../catalog/roles";
import { EMULATOR_PRINCIPAL_ID } from "../constants";
import { checkedResourceSelectors } from "../remediation/resourceSelectors";
import { AKS_TYPE, ARC_TYPE, POLICY_ASSIGNMENT_TYPE, POLICY_DEFINITION_TYPE, ROLE_ASSIGNMENT_TYPE, ROLE_DEFINITION_TYPE } from "./resourceTypes";

// ---- policy definitions -------------------------------------------------------------------

function definitionResource(target: Target): StoredResource | undefined {
  const p = builtinPolicy(target.name);
  if (!p) return undefined;
  const doc = policyDefinitionDoc(p);
  return { id: String(doc["id"]), type: POLICY_DEFINITION_TYPE, doc, secret: null };
}

export const policyDefinitions: ResourceTypeSpec = {
  type: POLICY_DEFINITION_TYPE,
  apiVersions: API_VERSIONS.policy,
  scopes: ["tenant", "subscription"],
  virtual: (_ctx, target) => definitionResource(target),
  list: () => BUILTIN_POLICIES.map((p) => ({ id: `/providers/Microsoft.Authorization/policyDefinitions/${p.name}`, type: POLICY_DEFINITION_TYPE, doc: policyDefinitionDoc(p), secret: null })),
};

// ---- policy assignments -------------------------------------------------------------------

const invalidAssignment = (message: string): ArmError => new ArmError(400, "InvalidCreatePolicyAssignmentRequest", message);

function putPolicyAssignment(input: PutInput): PutResult {
  const { ctx, body, target, existing, req } = input;
  const props = isObject(body["properties"]) ? clone(body["properties"]) : {};
  const definitionId = typeof props["policyDefinitionId"] === "string" ? props["policyDefinitionId"] : "";
  if (!definitionId) throw invalidAssignment(`The policy assignment '${target.name}' request is invalid: 'properties.policyDefinitionId' is required.`);
  const definition = /\/providers\/Microsoft\.Authorization\/policyDefinitions\/[^/]+$/i.test(definitionId) ? builtinPolicy(definitionId) : undefined;
  if (!definition) throw new ArmError(404, "PolicyDefinitionNotFound", `The policy definition '${definitionId.split("/").pop()}' could not be found.`);
  const defParams = (policyDefinitionDoc(definition)["properties"] as JsonObject)["parameters"] as JsonObject;
  const given = isObject(props["parameters"]) ? props["parameters"] : {};
  for (const [name, value] of Object.entries(given)) {
    const declared = Object.keys(defParams).find((k) => k.toLowerCase() === name.toLowerCase());
    if (!declared) throw new ArmError(400, "InvalidPolicyParameters", `The policy parameters '${name}' are not defined in policy definition '${definition.name}'.`);
    if (!isObject(value) || !("value" in value)) throw new ArmError(400, "InvalidPolicyParameters", `The policy parameter '${name}' must be given as {"value": ...}.`);
    const allowed = (defParams[declared] as JsonObject)["allowedValues"];
    if (Array.isArray(allowed) && !allowed.some((a) => String(a).toLowerCase() === String(value["value"]).toLowerCase())) {
      throw new ArmError(400, "InvalidPolicyParameterValue", `The value '${String(value["value"])}' of parameter '${name}' is not allowed; allowed values are ${allowed.join(", ")}.`);
    }
  }
  for (const [name, decl] of Object.entries(defParams)) {
    if (isObject(decl) && decl["defaultValue"] === undefined && !Object.keys(given).some((k) => k.toLowerCase() === name.toLowerCase())) {
      throw new ArmError(400, "MissingPolicyParameter", `The policy assignment '${target.name}' has missing parameters '${name}' defined in policy definition '${definition.name}'.`);
    }
  }
  const effect = effectiveEffect(definition, given);
  const identity = isObject(body["identity"]) ? body["identity"] : undefined;
  const identityType = String(identity?.["type"] ?? "None").toLowerCase();
  if (identityType === "userassigned") throw badRequest("UnsupportedIdentity", "User-assigned identities are not emulated; use {\"type\": \"SystemAssigned\"}.");
  if (identityType !== "none" && identityType !== "systemassigned") throw badRequest("InvalidIdentity", `Identity type '${String(identity?.["type"])}' is not valid.`);
  if (identityType === "none" && ["deployifnotexists", "modify"].includes(effect.toLowerCase())) {
    const word = effect.toLowerCase() === "modify" ? "Modify" : "DeployIfNotExists";
    throw invalidAssignment(`Policy assignments must include a resource identity when assigning '${word}' policy definitions.`);
  }
  const location = typeof body["location"] === "string" ? body["location"].replace(/\s+/g, "").toLowerCase() : undefined;
  if (identityType === "systemassigned" && !location) {
    throw invalidAssignment(`The policy assignment '${target.name}' has a managed identity, so a location must be specified.`);
  }
  const selectors = checkedResourceSelectors(props["resourceSelectors"]);
  const now = ctx.clock.iso();
  const oldMeta = isObject(existing?.doc["properties"]) ? (existing!.doc["properties"] as JsonObject)["metadata"] : undefined;
  const doc: JsonObject = {
    id: target.id,
    name: target.name,
    type: POLICY_ASSIGNMENT_TYPE,
    properties: {
      displayName: props["displayName"] ?? null,
      description: props["description"] ?? null,
      policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${definition.name}`,
      definitionVersion: props["definitionVersion"] ?? "1.*.*",
      scope: target.scope,
      notScopes: Array.isArray(props["notScopes"]) ? props["notScopes"] : [],
      ...(selectors.length ? { resourceSelectors: selectors } : {}),
      parameters: clone(given),
      enforcementMode: props["enforcementMode"] ?? "Default",
      nonComplianceMessages: Array.isArray(props["nonComplianceMessages"]) ? props["nonComplianceMessages"] : [],
      metadata: {
        ...(isObject(props["metadata"]) ? props["metadata"] : {}),
        createdBy: isObject(oldMeta) ? oldMeta["createdBy"] ?? null : req.principal?.oid ?? null,
        createdOn: isObject(oldMeta) ? oldMeta["createdOn"] ?? now : now,
        ...(existing ? { updatedBy: req.principal?.oid ?? null, updatedOn: now } : {}),
      },
    },
  };
  if (location) doc["location"] = location;
  if (identityType === "systemassigned") {
    const old = getString(existing?.doc, "identity", "principalId");
    doc["identity"] = { type: "SystemAssigned", principalId: old ?? newGuid(), tenantId: ctx.tenantId };
  }
  return { doc };
}

function filterByScope(items: StoredResource[], input: ListInput, scopeOf: (r: StoredResource) => string): StoredResource[] {
  const filter = (queryParam(input.req, "$filter") ?? "").trim();
  let out = items;
  if (/atScope\(\)/i.test(filter)) out = out.filter((r) => scopeCovers(scopeOf(r), input.scope));
  else out = out.filter((r) => scopeCovers(scopeOf(r), input.scope) || scopeCovers(input.scope, scopeOf(r)));
  return out;
}

export const policyAssignments: ResourceTypeSpec = {
  type: POLICY_ASSIGNMENT_TYPE,
  apiVersions: API_VERSIONS.policy,
  scopes: ["subscription", "resourceGroup", "resource"],
  patchable: true,
  updateStatus: 201,
  put: putPolicyAssignment,
  list: (input) => {
    const items = input.subscriptionId ? input.ctx.store.list(POLICY_ASSIGNMENT_TYPE, { subscriptionId: input.subscriptionId }) : [];
    let out = filterByScope(items, input, (r) => getString(r.doc, "properties", "scope") ?? "");
    const m = /policyDefinitionId\s+eq\s+'([^']+)'/i.exec(queryParam(input.req, "$filter") ?? "");
    if (m) out = out.filter((r) => (getString(r.doc, "properties", "policyDefinitionId") ?? "").toLowerCase() === m[1]!.toLowerCase());
    return out;
  },
};

// ---- role definitions ---------------------------------------------------------------------

function roleDefinitionDoc(role: BuiltinRole, scope: string): JsonObject {
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`,
    name: role.id,
    type: ROLE_DEFINITION_TYPE,
    properties: {
      roleName: role.name,
      type: "BuiltInRole",
      description: role.description,
      assignableScopes: ["/"],
      permissions: [{ actions: [...role.actions], notActions: [], dataActions: [], notDataActions: [] }],
      createdOn: "2015-02-02T21:55:09.8806423Z",
      updatedOn: "2024-01-01T00:00:00.0000000Z",
    },
  };
}

export const roleDefinitions: ResourceTypeSpec = {
  type: ROLE_DEFINITION_TYPE,
  apiVersions: API_VERSIONS.authorization,
  scopes: ["tenant", "subscription", "resourceGroup", "resource"],
  virtual: (_ctx, target) => {
    const role = builtinRole(target.name);
    if (!role) return undefined;
    const scope = target.subscriptionId ? `/subscriptions/${target.subscriptionId}` : "";
    return { id: target.id, type: ROLE_DEFINITION_TYPE, doc: roleDefinitionDoc(role, scope), secret: null };
  },
  list: ({ subscriptionId }) => {
    const scope = subscriptionId ? `/subscriptions/${subscriptionId}` : "";
    return BUILTIN_ROLES.map((r) => ({ id: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${r.id}`, type: ROLE_DEFINITION_TYPE, doc: roleDefinitionDoc(r, scope), secret: null }));
  },
};

// ---- role assignments ---------------------------------------------------------------------

/** Principals that exist in the emulator's directory: the dev service principal and managed identities. */
export function knownPrincipals(ctx: ArmContext): Set<string> {
  const out = new Set<string>([EMULATOR_PRINCIPAL_ID]);
  for (const r of ctx.store.listTypes([POLICY_ASSIGNMENT_TYPE, AKS_TYPE, ARC_TYPE])) {
    const p = getString(r.doc, "identity", "principalId");
    if (p) out.add(p.toLowerCase());
  }
  return out;
}

function putRoleAssignment(input: PutInput): PutResult {
  const { ctx, body, target, existing, req } = input;
  if (!GUID_RE.test(target.name)) {
    throw badRequest("InvalidRoleAssignmentId", `The role assignment ID '${target.name}' is not valid. The role assignment ID must be a GUID.`);
  }
  const props = isObject(body["properties"]) ? body["properties"] : {};
  const roleDefinitionId = getString(props, "roleDefinitionId") ?? "";
  const principalId = (getString(props, "principalId") ?? "").toLowerCase();
  const roleGuid = roleGuidOf(roleDefinitionId);
  if (!roleDefinitionId || !builtinRole(roleGuid)) {
    throw badRequest("RoleDefinitionDoesNotExist", `The specified role definition with ID '${roleGuid}' does not exist.`);
  }
  if (!principalId || !knownPrincipals(ctx).has(principalId)) {
    throw badRequest(
      "PrincipalNotFound",
      `Principal ${principalId} does not exist in the directory ${ctx.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay.`,
    );
  }
  const canonicalRole = target.subscriptionId
    ? `/subscriptions/${target.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`
    : `/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
  if (existing) {
    const same = roleGuidOf(getString(existing.doc, "properties", "roleDefinitionId") ?? "") === roleGuid && getString(existing.doc, "properties", "principalId") === principalId;
    if (!same) throw badRequest("RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
    return { doc: existing.doc };
  }
  for (const other of ctx.store.list(ROLE_ASSIGNMENT_TYPE, { subscriptionId: target.subscriptionId })) {
    const op = other.doc["properties"];
    if (
      isObject(op) &&
      String(op["scope"]).toLowerCase() === target.scope.toLowerCase() &&
      String(op["principalId"]).toLowerCase() === principalId &&
      roleGuidOf(String(op["roleDefinitionId"])) === roleGuid
    ) {
      throw new ArmError(409, "RoleAssignmentExists", `The role assignment already exists. The ID of the existing role assignment is ${String(other.doc["name"])}.`);
    }
  }
  const now = ctx.clock.iso();
  return {
    doc: {
      id: target.id,
      name: target.name,
      type: ROLE_ASSIGNMENT_TYPE,
      properties: {
        roleDefinitionId: canonicalRole,
        principalId,
        principalType: getString(props, "principalType") ?? "ServicePrincipal",
        scope: target.scope,
        condition: null,
        conditionVersion: null,
        description: getString(props, "description") ?? null,
        createdOn: now,
        updatedOn: now,
        createdBy: req.principal?.oid ?? null,
        updatedBy: req.principal?.oid ?? null,
        delegatedManagedIdentityResourceId: null,
      },
    },
  };
}

export const roleAssignments: ResourceTypeSpec = {
  type: ROLE_ASSIGNMENT_TYPE,
  apiVersions: API_VERSIONS.authorization,
  scopes: ["subscription", "resourceGroup", "resource"],
  put: putRoleAssignment,
  list: (input) => {
    const items = input.subscriptionId ? input.ctx.store.list(ROLE_ASSIGNMENT_TYPE, { subscriptionId: input.subscriptionId }) : [];
    let out = filterByScope(items, input, (r) => getString(r.doc, "properties", "scope") ?? "");
    const m = /(?:principalId\s+eq\s+'([^']+)'|assignedTo\('([^']+)'\))/i.exec(queryParam(input.req, "$filter") ?? "");
    if (m) {
      const p = (m[1] ?? m[2]!).toLowerCase();
      out = out.filter((r) => getString(r.doc, "properties", "principalId") === p);
    }
    return out;
  },
};

/** Role assignments of a principal whose scope covers `resourceId`. */
export function roleAssignmentsCovering(ctx: ArmContext, principalId: string, resourceId: string): StoredResource[] {
  const sub = /^\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1] ?? null;
  return ctx.store
    .list(ROLE_ASSIGNMENT_TYPE, { subscriptionId: sub })
    .filter((r) => getString(r.doc, "properties", "principalId") === principalId.toLowerCase() && scopeCovers(getString(r.doc, "properties", "scope") ?? "", resourceId));
}
