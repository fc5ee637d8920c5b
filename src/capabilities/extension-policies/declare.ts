/**
 * What the extension-policies capability declares: one of the seed's "Enable auto provisioning of
 * extensions" toggles as a Deploy-if-not-exists assignment at the subscription, with exactly the
 * roles its definition lists and a remediation task (the catalog is src/spec/policies.ts), for
 * each toggle that is on, whether auto provisioning is on or off (as the planner does).
 */
import { z } from "zod";
import { SEED_POLICIES, SEED_POLICY_KEYS, policyDefinitionId, type ExtensionPolicyKey } from "../../spec/policies";
import { extensionsSchema, type Spec } from "../../spec/schema";
import { extensionPolicyEnabled } from "../../reconcile/policies";
import { declareDeployIfNotExists } from "../../core/declarations/deployIfNotExists";
import { booleanIssues, schemaIssues, subscriptionIdIssues, type ValidationIssue } from "../../core/declarations/issues";
import type { PolicyUnit } from "../../core/declarations/model";

export interface ExtensionPolicyInput {
  readonly subscriptionId: string;
  /** `kubernetesPolicyAddon`, `dependencyAgentWindows` or `dependencyAgentLinux`. */
  readonly policy: ExtensionPolicyKey;
  /** Where the assignment's managed identity lives (default: the spec's, eastus). */
  readonly identityLocation?: string;
  /** Start a remediation task for the existing non-compliant resources (default true). */
  readonly remediate?: boolean;
}

const policyKeySchema = z.enum(SEED_POLICY_KEYS as [ExtensionPolicyKey, ...ExtensionPolicyKey[]]);

/** Issues of an extension-policy input, each naming the field. */
export function extensionPolicyInputIssues(input: ExtensionPolicyInput): ValidationIssue[] {
  if (input === undefined || input === null || typeof input !== "object") return [{ path: "args", message: "are required" }];
  return [
    ...subscriptionIdIssues(input.subscriptionId, "subscriptionId"),
    ...schemaIssues(policyKeySchema, input.policy, "policy"),
    ...schemaIssues(extensionsSchema.shape.identityLocation, input.identityLocation, "identityLocation"),
    ...booleanIssues(input.remediate, "remediate"),
  ];
}

/** The toggles that are on in the spec's `extensions`, in the catalog's order. */
export function enabledExtensionPolicies(extensions: Spec["extensions"]): ExtensionPolicyKey[] {
  return SEED_POLICY_KEYS.filter((key) => extensionPolicyEnabled(extensions, key));
}

/** The assignment of one toggle, under `key`. */
export function declareExtensionPolicy(key: string, input: ExtensionPolicyInput): PolicyUnit {
  const policy = SEED_POLICIES[input.policy];
  return declareDeployIfNotExists({
    key,
    family: "extension",
    policyKey: input.policy,
    subscriptionId: input.subscriptionId.toLowerCase(),
    assignmentName: policy.shortName,
    policyDefinitionId: policyDefinitionId(policy),
    displayName: policy.displayName,
    roles: policy.roles,
    identityLocation: extensionsSchema.shape.identityLocation.parse(input.identityLocation),
    remediate: input.remediate ?? true,
  });
}
