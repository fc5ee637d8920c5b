/**
 * A custom policy set definition's (initiative's) members as an assignment of it applies them:
 * each member's parameters with `[parameters('x')]` resolved through the set's (the assignment's
 * value, else the set's default). The assignment handler reads a member's effect from here, the
 * remediation engine the member a task names and its parameters.
 */
import type { StoredResource } from "../store/resources";
import { getString, isObject, keyIgnoringCase, type Json, type JsonObject } from "../util/json";

export interface SetMember {
  readonly policyDefinitionId: string;
  readonly referenceId: string;
  /** `{name: {value}}`, as an assignment of the member alone would carry them. */
  readonly parameters: JsonObject;
}

/** The set's members with their parameters resolved for an assignment given `given`. */
export function setMembers(set: StoredResource, given: unknown): SetMember[] {
  const props = isObject(set.doc["properties"]) ? set.doc["properties"] : {};
  const declared = isObject(props["parameters"]) ? props["parameters"] : {};
  const assigned = isObject(given) ? given : {};
  const members = Array.isArray(props["policyDefinitions"]) ? props["policyDefinitions"] : [];
  return members.filter(isObject).map((m) => {
    const parameters: JsonObject = {};
    for (const [name, p] of Object.entries(isObject(m["parameters"]) ? m["parameters"] : {})) {
      const raw = isObject(p) ? p["value"] : undefined;
      const ref = typeof raw === "string" ? /^\[parameters\('([^']+)'\)\]$/i.exec(raw)?.[1] : undefined;
      const value = ref === undefined ? raw : (field(assigned, ref, "value") ?? field(declared, ref, "defaultValue"));
      if (value !== undefined) parameters[name] = { value: value as Json };
    }
    return { policyDefinitionId: getString(m, "policyDefinitionId") ?? "", referenceId: getString(m, "policyDefinitionReferenceId") ?? "", parameters };
  });
}

/** The member a remediation's `policyDefinitionReferenceId` names (compared without case, as the set keeps them unique). */
export function setMember(set: StoredResource, given: unknown, referenceId: string): SetMember | undefined {
  return setMembers(set, given).find((m) => m.referenceId.toLowerCase() === referenceId.toLowerCase());
}

/** `f` of the parameter named `name` (without case): a given one's `value`, a declared one's `defaultValue`. */
function field(parameters: JsonObject, name: string, f: string): unknown {
  const key = keyIgnoringCase(parameters, name);
  const p = key === undefined ? undefined : parameters[key];
  return isObject(p) ? p[f] : undefined;
}
