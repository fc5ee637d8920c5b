/**
 * What a policy assignment's `policyDefinitionId` names: a built-in policy definition of the
 * catalog, or a custom policy set definition (initiative) stored at the assignment's scope or at a
 * management group above it (Azure assigns a definition only at or below its own scope). The
 * assignment handler reads from here the parameters it may be given and the effect that decides
 * whether it needs an identity; the set definitions' handler checks its members against the same
 * catalog.
 */
import type { Needs } from "../../arm/types";
import { ArmErrors } from "../../http/errors";
import type { StoredResource } from "../../store/resources";
import { builtinPolicy, effectiveEffect, policyDefinitionDoc, type BuiltinPolicy } from "../../catalog/policies";
import { reachedFrom } from "../../model/managementGroups";
import { POLICY_SET_DEFINITION_TYPE } from "../../model/resourceTypes";
import { parseId } from "../../util/armId";
import { isObject, type JsonObject } from "../../util/json";
import { setMembers } from "../../model/policySets";

type Deps = Needs<"store" | "tenantId">;

export interface AssignedPolicy {
  /** Canonical id, as the assignment stores it. */
  readonly id: string;
  /** For messages: the definition's or the set's name. */
  readonly name: string;
  /** The parameters it declares (name → declaration). */
  readonly parameters: JsonObject;
  /** The effect with the assignment's parameters; a set's: Modify or DeployIfNotExists if a member's is, else its first member's. */
  effect(given: JsonObject): string;
}

const DEFINITION_ID = /\/providers\/Microsoft\.Authorization\/policyDefinitions\/[^/]+$/i;
const SET_ID = /\/providers\/Microsoft\.Authorization\/policySetDefinitions\/[^/]+$/i;

/** A built-in definition by its tenant-level id, or PolicyDefinitionNotFound. */
export function builtinById(definitionId: string): BuiltinPolicy {
  const definition = DEFINITION_ID.test(definitionId) ? builtinPolicy(definitionId) : undefined;
  if (!definition) throw ArmErrors.policyDefinitionNotFound(definitionId.split("/").pop() ?? "");
  return definition;
}

export function assignedPolicy(ctx: Deps, definitionId: string, assignmentScope: string, invalid: (message: string) => Error): AssignedPolicy {
  if (SET_ID.test(definitionId)) return assignedSet(ctx, definitionId, assignmentScope, invalid);
  const definition = builtinById(definitionId);
  return {
    id: `/providers/Microsoft.Authorization/policyDefinitions/${definition.name}`,
    name: definition.name,
    parameters: (policyDefinitionDoc(definition)["properties"] as JsonObject)["parameters"] as JsonObject,
    effect: (given) => effectiveEffect(definition, given),
  };
}

function assignedSet(ctx: Deps, setId: string, assignmentScope: string, invalid: (message: string) => Error): AssignedPolicy {
  const stored = ctx.store.get(setId);
  if (!stored || stored.type.toLowerCase() !== POLICY_SET_DEFINITION_TYPE.toLowerCase()) throw ArmErrors.policySetDefinitionNotFound(setId.split("/").pop() ?? "");
  if (!assignableAt(ctx, parseId(stored.id).scope, assignmentScope)) {
    throw invalid(`The policy set definition '${stored.id}' is out of scope: a policy definition can be assigned only at or below its own scope ('${assignmentScope}').`);
  }
  const props = isObject(stored.doc["properties"]) ? stored.doc["properties"] : {};
  const declared = isObject(props["parameters"]) ? props["parameters"] : {};
  return {
    id: stored.id,
    name: String(stored.doc["name"]),
    parameters: declared,
    effect: (given) => setEffect(stored, given),
  };
}

/** Is a definition at `definitionScope` assignable at `assignmentScope` (the same scope, a scope containing it, or a group above it)? */
function assignableAt(ctx: Deps, definitionScope: string, assignmentScope: string): boolean {
  return reachedFrom(ctx, ctx.tenantId, assignmentScope)(definitionScope);
}

/** Each member's effect with the assignment's parameters (`[parameters('…')]` resolved through the set's). */
function setEffect(set: StoredResource, given: JsonObject): string {
  const effects = setMembers(set, given).map((m) => {
    const definition = builtinPolicy(m.policyDefinitionId);
    return definition ? effectiveEffect(definition, m.parameters) : "";
  });
  return effects.find((e) => e.toLowerCase() === "modify") ?? effects.find((e) => e.toLowerCase() === "deployifnotexists") ?? effects[0] ?? "";
}
