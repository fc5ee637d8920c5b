/**
 * What a remediation task deploys: its assignment's built-in definition with the assignment's
 * parameters, or, for an assignment of a policy set (initiative), the one member its
 * `policyDefinitionReferenceId` names, with the member's parameters resolved through the set's.
 * Azure refuses a set's remediation without a reference id (InvalidCreateRemediationRequest) and
 * accepts one the set lacks, finding nothing to remediate (Azure/azure-powershell#25588: "0 of 0").
 */
import { builtinPolicy, type BuiltinPolicy } from "../catalog/policies";
import type { StoreContext } from "../model/context";
import { setMember } from "../model/policySets";
import { POLICY_SET_DEFINITION_TYPE } from "../model/resourceTypes";
import type { StoredResource } from "../store/resources";
import { getPath, getString, type Json } from "../util/json";

export type Remediated =
  | { readonly kind: "policy"; readonly policy: BuiltinPolicy; readonly parameters: Json | undefined }
  /** A set's assignment, and no member named. */
  | { readonly kind: "setWithoutReference" }
  /** A set's assignment, and a reference id none of its members has: nothing is non-compliant under it. */
  | { readonly kind: "noMember" }
  /** Neither a catalog definition nor a stored set of them. */
  | { readonly kind: "unsupported" };

export function remediatedPolicy(ctx: StoreContext, assignment: StoredResource, referenceId: string | null | undefined): Remediated {
  const definitionId = getString(assignment.doc, "properties", "policyDefinitionId") ?? "";
  const given = getPath(assignment.doc, ["properties", "parameters"]);
  const set = ctx.store.get(definitionId);
  if (!set || set.type.toLowerCase() !== POLICY_SET_DEFINITION_TYPE.toLowerCase()) {
    // A definition's assignment: a reference id is not asked for, and not looked at.
    const policy = builtinPolicy(definitionId);
    return policy ? { kind: "policy", policy, parameters: given } : { kind: "unsupported" };
  }
  if (!referenceId) return { kind: "setWithoutReference" };
  const member = setMember(set, given, referenceId);
  if (!member) return { kind: "noMember" };
  const policy = builtinPolicy(member.policyDefinitionId);
  return policy ? { kind: "policy", policy, parameters: member.parameters } : { kind: "unsupported" };
}
