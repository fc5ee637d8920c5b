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
  /**
   * Subscription GUID: the assignment's scope (`/subscriptions/<id>`), the scope of its role
   * assignments, and the subscription the remediation runs in (the provider in effect must target
   * it). Changing it replaces everything.
   */
  readonly subscriptionId: string;
  /**
   * Which seed toggle: `kubernetesPolicyAddon` (Azure Policy Add-on for AKS), `dependencyAgentWindows`
   * or `dependencyAgentLinux` (Microsoft Dependency agent). Changing it replaces everything.
   */
  readonly policy: ExtensionPolicyKey;
  /**
   * Location of the assignment's managed identity (required by ARM for an assignment with an
   * identity; it does not limit what the policy remediates). Default: the spec's default for
   * `extensions.identityLocation` (eastus). Changing it replaces the assignment.
   */
  readonly identityLocation?: string;
  /**
   * Start a remediation task for the resources that are non-compliant when it is created
   * (resourceDiscoveryMode ExistingNonCompliant). Default `true`. A remediation is one-shot: it is
   * not re-run by later deployments (`asc-autoprovision plan/apply` and the AgentReconciliation
   * resource plan later ones).
   */
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
