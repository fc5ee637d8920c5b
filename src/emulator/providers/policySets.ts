/**
 * Microsoft.Authorization/policySetDefinitions: custom initiatives at a management group or a
 * subscription (as Azure Landing Zones keeps its Deploy-MDFC-Config at its intermediate root
 * group), whose members are built-in policy definitions of the catalog (a missing one is
 * PolicyDefinitionNotFound). An assignment of one is checked by ./common/assignedPolicy.ts. Not
 * emulated: built-in initiatives, custom members, definition groups' rules, versions.
 */
import type { ListInput, Needs, PutInput, PutResult, ResourceTypeSpec } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { ArmErrors } from "../http/errors";
import type { StoredResource } from "../store/resources";
import { clone, getString, isObject, keyIgnoringCase, type JsonObject } from "../util/json";
import { parseId } from "../util/armId";
import { policyDefinitionDoc } from "../catalog/policies";
import { reachedFrom } from "../model/managementGroups";
import { POLICY_ASSIGNMENT_TYPE, POLICY_SET_DEFINITION_TYPE } from "../model/resourceTypes";
import { builtinById } from "./common/assignedPolicy";
import { policyMetadata } from "./common/policyMetadata";

type Deps = Needs<"store" | "clock" | "tenantId">;

function putPolicySet(input: PutInput<Deps>): PutResult {
  const { ctx, body, target, existing, req } = input;
  const props = isObject(body["properties"]) ? clone(body["properties"]) : {};
  const declared = isObject(props["parameters"]) ? props["parameters"] : {};
  const members = Array.isArray(props["policyDefinitions"]) ? props["policyDefinitions"] : [];
  if (members.length === 0) throw ArmErrors.invalidPolicySetDefinitionRequest(`The policy set definition '${target.name}' request is invalid: 'properties.policyDefinitions' must list at least one policy definition.`);
  const references = new Set<string>();
  const checked = members.map((m, i) => {
    if (!isObject(m) || typeof m["policyDefinitionId"] !== "string") throw ArmErrors.invalidPolicySetDefinitionRequest(`policyDefinitions[${i}].policyDefinitionId is required.`);
    const definition = builtinById(m["policyDefinitionId"]);
    const own = (policyDefinitionDoc(definition)["properties"] as JsonObject)["parameters"] as JsonObject;
    for (const name of Object.keys(isObject(m["parameters"]) ? m["parameters"] : {})) {
      if (keyIgnoringCase(own, name) === undefined) {
        throw ArmErrors.invalidPolicyParameters(`The policy parameters '${name}' are not defined in policy definition '${definition.name}'.`);
      }
    }
    // Azure names a member without a reference id itself; unique within the set.
    const referenceId = typeof m["policyDefinitionReferenceId"] === "string" ? m["policyDefinitionReferenceId"] : `${definition.name}-${i}`;
    if (references.has(referenceId.toLowerCase())) throw ArmErrors.invalidPolicySetDefinitionRequest(`The policy definition reference id '${referenceId}' is used twice.`);
    references.add(referenceId.toLowerCase());
    return { ...m, policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${definition.name}`, policyDefinitionReferenceId: referenceId, parameters: isObject(m["parameters"]) ? m["parameters"] : {} };
  });
  const now = ctx.clock.iso();
  return {
    doc: {
      id: target.id,
      name: target.name,
      type: POLICY_SET_DEFINITION_TYPE,
      properties: {
        policyType: "Custom",
        displayName: props["displayName"] ?? null,
        description: props["description"] ?? null,
        version: props["version"] ?? "1.0.0",
        parameters: declared,
        policyDefinitions: checked,
        policyDefinitionGroups: Array.isArray(props["policyDefinitionGroups"]) ? props["policyDefinitionGroups"] : [],
        metadata: policyMetadata(props["metadata"], existing, req, now),
      },
    },
  };
}

/** The custom sets a list at a scope shows: those at it and at the scopes and groups above it. */
function listSets(input: ListInput<Deps>): StoredResource[] {
  const all = [
    ...(input.subscriptionId ? input.ctx.store.list(POLICY_SET_DEFINITION_TYPE, { subscriptionId: input.subscriptionId }) : []),
    ...input.ctx.store.list(POLICY_SET_DEFINITION_TYPE, { subscriptionId: null }),
  ];
  const reaches = reachedFrom(input.ctx, input.ctx.tenantId, input.scope);
  return all.filter((r) => reaches(parseId(r.id).scope));
}

/**
 * Azure keeps a set while an assignment uses it: the DELETE is refused naming one (assignments can
 * only be at or below the set's scope: a subscription set's are in its subscription, a group's
 * anywhere under it).
 */
function refuseWhileAssigned(ctx: Deps, stored: StoredResource): void {
  const sub = parseId(stored.id).subscriptionId;
  const candidates = sub ? ctx.store.list(POLICY_ASSIGNMENT_TYPE, { subscriptionId: sub }) : ctx.store.listTypes([POLICY_ASSIGNMENT_TYPE]);
  const user = candidates.find((a) => (getString(a.doc, "properties", "policyDefinitionId") ?? "").toLowerCase() === stored.id.toLowerCase());
  if (user) throw ArmErrors.invalidDeletePolicySetDefinitionRequest(String(stored.doc["name"]), user.id);
}

export const policySetDefinitions: ResourceTypeSpec<Deps> = {
  type: POLICY_SET_DEFINITION_TYPE,
  apiVersions: API_VERSIONS.policySets,
  scopes: ["managementGroup", "subscription"],
  put: putPolicySet,
  list: listSets,
  beforeDelete: refuseWhileAssigned,
};
