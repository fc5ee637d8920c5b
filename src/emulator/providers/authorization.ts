/**
 * Microsoft.Authorization: built-in policy and role definitions (read-only), policy assignments
 * (a DINE assignment needs a managed identity, which needs a location; SystemAssigned mints a
 * principalId) and role assignments (at a management group, subscription, resource group or
 * resource; GUID names, known roles and principals, no duplicates).
 */
import type { ListInput, PutInput, PutResult, ResourceTypeSpec, Target, Needs } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { queryParam } from "../arm/paging";
import { ArmErrors } from "../http/errors";
import type { StoredResource } from "../store/resources";
import { clone, getString, isObject, keyIgnoringCase, type JsonObject } from "../util/json";
import { GUID_RE, newGuid } from "../util/random";
import { scopeCovers } from "../util/armId";
import { reachedFrom } from "../model/managementGroups";
import { BUILTIN_POLICIES, builtinPolicy, policyDefinitionDoc } from "../catalog/policies";
import { assignedPolicy } from "./common/assignedPolicy";
import { policyMetadata } from "./common/policyMetadata";
import { BUILTIN_ROLES, builtinRole, roleGuidOf, type BuiltinRole } from "../catalog/roles";
import { checkedResourceSelectors } from "../model/resourceSelectors";
import { principalExists } from "../model/roles";
import { POLICY_ASSIGNMENT_TYPE, POLICY_DEFINITION_TYPE, ROLE_ASSIGNMENT_TYPE, ROLE_DEFINITION_TYPE } from "../model/resourceTypes";

/** What these handlers use. */
type Deps = Needs<"store" | "clock" | "tenantId">;

// ---- policy definitions -------------------------------------------------------------------

function definitionResource(target: Target): StoredResource | undefined {
  const p = builtinPolicy(target.name);
  if (!p) return undefined;
  const doc = policyDefinitionDoc(p);
  return { id: String(doc["id"]), type: POLICY_DEFINITION_TYPE, doc, secret: null };
}

export const policyDefinitions: ResourceTypeSpec<Deps> = {
  type: POLICY_DEFINITION_TYPE,
  apiVersions: API_VERSIONS.policy,
  scopes: ["tenant", "managementGroup", "subscription"],
  virtual: (_ctx, target) => definitionResource(target),
  list: () => BUILTIN_POLICIES.map((p) => ({ id: `/providers/Microsoft.Authorization/policyDefinitions/${p.name}`, type: POLICY_DEFINITION_TYPE, doc: policyDefinitionDoc(p), secret: null })),
};

// ---- policy assignments -------------------------------------------------------------------

const invalidAssignment = ArmErrors.invalidCreatePolicyAssignmentRequest;

/** Azure Policy's limit of policy or initiative assignments at one scope (Microsoft Learn, "Azure subscription and service limits", "Azure Policy limits"). */
export const POLICY_ASSIGNMENTS_PER_SCOPE = 200;

/** Azure's fixed limit of role assignments per subscription, those at its groups and resources included (Microsoft Learn, "Troubleshoot Azure RBAC limits"). */
export const ROLE_ASSIGNMENTS_PER_SUBSCRIPTION = 4000;

/** A new assignment at a scope that already holds POLICY_ASSIGNMENTS_PER_SCOPE is refused; an update is not counted. */
function checkPolicyAssignmentQuota(input: PutInput<Deps>): void {
  const { ctx, target, existing } = input;
  if (existing) return;
  const scope = target.scope.toLowerCase();
  const items = target.subscriptionId ? ctx.store.list(POLICY_ASSIGNMENT_TYPE, { subscriptionId: target.subscriptionId }) : ctx.store.list(POLICY_ASSIGNMENT_TYPE, { subscriptionId: null });
  const at = items.filter((r) => (getString(r.doc, "properties", "scope") ?? "").toLowerCase() === scope).length;
  if (at >= POLICY_ASSIGNMENTS_PER_SCOPE) throw ArmErrors.policyAssignmentQuotaExceeded(target.scope, POLICY_ASSIGNMENTS_PER_SCOPE);
}

function putPolicyAssignment(input: PutInput<Deps>): PutResult {
  const { ctx, body, target, existing, req } = input;
  const props = isObject(body["properties"]) ? clone(body["properties"]) : {};
  const definitionId = typeof props["policyDefinitionId"] === "string" ? props["policyDefinitionId"] : "";
  if (!definitionId) throw invalidAssignment(`The policy assignment '${target.name}' request is invalid: 'properties.policyDefinitionId' is required.`);
  const definition = assignedPolicy(ctx, definitionId, target.scope, invalidAssignment);
  const defParams = definition.parameters;
  const given = isObject(props["parameters"]) ? props["parameters"] : {};
  for (const [name, value] of Object.entries(given)) {
    const declared = keyIgnoringCase(defParams, name);
    if (!declared) throw ArmErrors.invalidPolicyParameters(`The policy parameters '${name}' are not defined in policy definition '${definition.name}'.`);
    if (!isObject(value) || !("value" in value)) throw ArmErrors.invalidPolicyParameters(`The policy parameter '${name}' must be given as {"value": ...}.`);
    const allowed = (defParams[declared] as JsonObject)["allowedValues"];
    if (Array.isArray(allowed) && !allowed.some((a) => String(a).toLowerCase() === String(value["value"]).toLowerCase())) {
      throw ArmErrors.invalidPolicyParameterValue(`The value '${String(value["value"])}' of parameter '${name}' is not allowed; allowed values are ${allowed.join(", ")}.`);
    }
  }
  for (const [name, decl] of Object.entries(defParams)) {
    if (isObject(decl) && decl["defaultValue"] === undefined && keyIgnoringCase(given, name) === undefined) {
      throw ArmErrors.missingPolicyParameter(`The policy assignment '${target.name}' has missing parameters '${name}' defined in policy definition '${definition.name}'.`);
    }
  }
  const effect = definition.effect(given);
  const identity = isObject(body["identity"]) ? body["identity"] : undefined;
  const identityType = String(identity?.["type"] ?? "None").toLowerCase();
  if (identityType === "userassigned") throw ArmErrors.unsupportedIdentity("User-assigned identities are not emulated; use {\"type\": \"SystemAssigned\"}.");
  if (identityType !== "none" && identityType !== "systemassigned") throw ArmErrors.invalidIdentity(`Identity type '${String(identity?.["type"])}' is not valid.`);
  if (identityType === "none" && ["deployifnotexists", "modify"].includes(effect.toLowerCase())) {
    const word = effect.toLowerCase() === "modify" ? "Modify" : "DeployIfNotExists";
    throw invalidAssignment(`Policy assignments must include a resource identity when assigning '${word}' policy definitions.`);
  }
  const location = typeof body["location"] === "string" ? body["location"].replace(/\s+/g, "").toLowerCase() : undefined;
  if (identityType === "systemassigned" && !location) {
    throw invalidAssignment(`The policy assignment '${target.name}' has a managed identity, so a location must be specified.`);
  }
  const selectors = checkedResourceSelectors(props["resourceSelectors"]);
  checkPolicyAssignmentQuota(input);
  const now = ctx.clock.iso();
  const doc: JsonObject = {
    id: target.id,
    name: target.name,
    type: POLICY_ASSIGNMENT_TYPE,
    properties: {
      displayName: props["displayName"] ?? null,
      description: props["description"] ?? null,
      policyDefinitionId: definition.id,
      definitionVersion: props["definitionVersion"] ?? "1.*.*",
      scope: target.scope,
      notScopes: Array.isArray(props["notScopes"]) ? props["notScopes"] : [],
      ...(selectors.length ? { resourceSelectors: selectors } : {}),
      parameters: clone(given),
      enforcementMode: props["enforcementMode"] ?? "Default",
      nonComplianceMessages: Array.isArray(props["nonComplianceMessages"]) ? props["nonComplianceMessages"] : [],
      metadata: policyMetadata(props["metadata"], existing, req, now),
    },
  };
  if (location) doc["location"] = location;
  if (identityType === "systemassigned") {
    const old = getString(existing?.doc, "identity", "principalId");
    doc["identity"] = { type: "SystemAssigned", principalId: old ?? newGuid(), tenantId: ctx.tenantId };
  }
  return { doc };
}

/**
 * ARM's `$filter` of an assignment list at `input.scope` (the policy and role assignment specs'
 * list descriptions): `atExactScope()` those at the scope itself; `atScope()` those that apply to it
 * (at it, at a scope containing it, management groups above it included); none, those and the ones
 * below it too. A list at a management group answers as `atScope()` when unfiltered (its spec
 * describes only the filtered lists; INFERRED).
 */
function filterByScope(items: StoredResource[], input: ListInput<Deps>, scopeOf: (r: StoredResource) => string): StoredResource[] {
  const filter = (queryParam(input.req, "$filter") ?? "").trim();
  // The hierarchy is read only when a management group's assignment is among the items.
  const applies = reachedFrom(input.ctx, input.ctx.tenantId, input.scope);
  if (/atExactScope\(\)/i.test(filter)) return items.filter((r) => sameScope(scopeOf(r), input.scope));
  if (/atScope\(\)/i.test(filter) || input.scopeKind === "managementGroup") return items.filter((r) => applies(scopeOf(r)));
  return items.filter((r) => applies(scopeOf(r)) || scopeCovers(input.scope, scopeOf(r)));
}

function sameScope(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\/+$/, "") === b.toLowerCase().replace(/\/+$/, "");
}

/** The assignments (policy or role) a list at `input.scope` considers: its subscription's, and those at management groups (any of which may be above it). */
function assignmentsNear(input: ListInput<Deps>, type: string): StoredResource[] {
  const atGroups = input.ctx.store.list(type, { subscriptionId: null });
  return input.subscriptionId ? [...input.ctx.store.list(type, { subscriptionId: input.subscriptionId }), ...atGroups] : atGroups;
}

export const policyAssignments: ResourceTypeSpec<Deps> = {
  type: POLICY_ASSIGNMENT_TYPE,
  apiVersions: API_VERSIONS.policy,
  scopes: ["managementGroup", "subscription", "resourceGroup", "resource"],
  patchable: true,
  updateStatus: 201,
  put: putPolicyAssignment,
  list: (input) => {
    let out = filterByScope(assignmentsNear(input, POLICY_ASSIGNMENT_TYPE), input, (r) => getString(r.doc, "properties", "scope") ?? "");
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

/**
 * The role-definition list's `$filter`: `roleName eq '...'` (exact, case-insensitive, as `az role
 * definition list --name` and `az role assignment create --role <name>` send it) or `type eq
 * 'BuiltInRole'|'CustomRole'`; anything else is ARM's 400.
 */
function roleDefinitionFilter(filter: string | null): (role: BuiltinRole) => boolean {
  const text = (filter ?? "").trim();
  if (!text) return () => true;
  const byName = /^roleName\s+eq\s+'((?:[^']|'')*)'$/i.exec(text);
  if (byName) {
    const name = byName[1]!.replace(/''/g, "'").toLowerCase();
    return (role) => role.name.toLowerCase() === name;
  }
  const byType = /^type\s+eq\s+'(BuiltInRole|CustomRole)'$/i.exec(text);
  if (byType) return () => byType[1]!.toLowerCase() === "builtinrole";
  throw ArmErrors.invalidFilter(`Unsupported $filter '${text}' for role definitions: use roleName eq '<name>' or type eq 'BuiltInRole'.`);
}

export const roleDefinitions: ResourceTypeSpec<Deps> = {
  type: ROLE_DEFINITION_TYPE,
  apiVersions: API_VERSIONS.authorization,
  scopes: ["tenant", "managementGroup", "subscription", "resourceGroup", "resource"],
  virtual: (_ctx, target) => {
    const role = builtinRole(target.name);
    if (!role) return undefined;
    const scope = target.subscriptionId ? `/subscriptions/${target.subscriptionId}` : "";
    return { id: target.id, type: ROLE_DEFINITION_TYPE, doc: roleDefinitionDoc(role, scope), secret: null };
  },
  list: ({ subscriptionId, req }) => {
    const scope = subscriptionId ? `/subscriptions/${subscriptionId}` : "";
    const wanted = roleDefinitionFilter(queryParam(req, "$filter"));
    return BUILTIN_ROLES.filter(wanted).map((r) => ({ id: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${r.id}`, type: ROLE_DEFINITION_TYPE, doc: roleDefinitionDoc(r, scope), secret: null }));
  },
};

// ---- role assignments ---------------------------------------------------------------------

/** What follows a scope in the id of a role assignment at it. */
const ROLE_ASSIGNMENTS_SEGMENT = "/providers/Microsoft.Authorization/roleAssignments/";

function putRoleAssignment(input: PutInput<Deps>): PutResult {
  const { ctx, body, target, existing, req } = input;
  if (!GUID_RE.test(target.name)) {
    throw ArmErrors.invalidRoleAssignmentId(target.name);
  }
  const props = isObject(body["properties"]) ? body["properties"] : {};
  const roleDefinitionId = getString(props, "roleDefinitionId") ?? "";
  const principalId = (getString(props, "principalId") ?? "").toLowerCase();
  const roleGuid = roleGuidOf(roleDefinitionId);
  if (!roleDefinitionId || !builtinRole(roleGuid)) {
    throw ArmErrors.roleDefinitionDoesNotExist(roleGuid);
  }
  if (!principalId || !principalExists(ctx, principalId)) {
    throw ArmErrors.principalNotFound(
      `Principal ${principalId} does not exist in the directory ${ctx.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay.`,
    );
  }
  const canonicalRole = target.subscriptionId
    ? `/subscriptions/${target.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`
    : `/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
  if (existing) {
    const same = roleGuidOf(getString(existing.doc, "properties", "roleDefinitionId") ?? "") === roleGuid && getString(existing.doc, "properties", "principalId") === principalId;
    if (!same) throw ArmErrors.roleAssignmentUpdateNotPermitted();
    return { doc: existing.doc };
  }
  // Azure's key is (scope, principal, role): only the role assignments at this very scope are read,
  // one range of the primary key, not every one of the subscription.
  for (const other of ctx.store.getByPrefixes([`${target.scope}${ROLE_ASSIGNMENTS_SEGMENT}`], [ROLE_ASSIGNMENT_TYPE])) {
    const op = other.doc["properties"];
    if (
      isObject(op) &&
      String(op["scope"]).toLowerCase() === target.scope.toLowerCase() &&
      String(op["principalId"]).toLowerCase() === principalId &&
      roleGuidOf(String(op["roleDefinitionId"])) === roleGuid
    ) {
      throw ArmErrors.roleAssignmentExists(String(other.doc["name"]));
    }
  }
  // Counted from the (type, subscription) index: those at the subscription's groups and resources are in it; management groups' are not.
  if (target.subscriptionId && ctx.store.count([ROLE_ASSIGNMENT_TYPE], target.subscriptionId) >= ROLE_ASSIGNMENTS_PER_SUBSCRIPTION) {
    throw ArmErrors.roleAssignmentLimitExceeded();
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

export const roleAssignments: ResourceTypeSpec<Deps> = {
  type: ROLE_ASSIGNMENT_TYPE,
  apiVersions: API_VERSIONS.authorization,
  // A management group too: Azure Landing Zones grants its groups' policy identities their roles there.
  scopes: ["managementGroup", "subscription", "resourceGroup", "resource"],
  put: putRoleAssignment,
  list: (input) => {
    let out = filterByScope(assignmentsNear(input, ROLE_ASSIGNMENT_TYPE), input, (r) => getString(r.doc, "properties", "scope") ?? "");
    const m = /(?:principalId\s+eq\s+'([^']+)'|assignedTo\('([^']+)'\))/i.exec(queryParam(input.req, "$filter") ?? "");
    if (m) {
      const p = (m[1] ?? m[2]!).toLowerCase();
      out = out.filter((r) => getString(r.doc, "properties", "principalId") === p);
    }
    return out;
  },
};

