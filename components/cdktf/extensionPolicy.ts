/**
 * ExtensionPolicy: one of the seed's "Enable auto provisioning of extensions" toggles: a
 * Deploy-if-not-exists assignment at the subscription with a system-assigned identity and a
 * location, a role assignment for exactly each role the definition lists (at the subscription, to
 * the assignment's identity; Terraform does not grant them by itself), and a remediation task for
 * the existing non-compliant resources, after the roles. The CDKTF twin of the Pulumi
 * ExtensionPolicy; the catalog (definitions, roles, names) is src/spec/policies.ts.
 */
import type { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import type { SubscriptionPolicyAssignment } from "@cdktf/provider-azurerm/lib/subscription-policy-assignment";
import type { SubscriptionPolicyRemediation } from "@cdktf/provider-azurerm/lib/subscription-policy-remediation";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { z } from "zod";
import { SEED_POLICIES, SEED_POLICY_KEYS, policyDefinitionId, type ExtensionPolicyKey, type PolicyDefinition } from "../../src/spec/policies";
import { extensionsSchema, specSchema } from "../../src/spec/schema";
import { declareDeployIfNotExists } from "./deployIfNotExists";
import { booleanIssues, failProps, schemaIssues, type ValidationIssue } from "./validation";

export { IDENTITY_PRINCIPAL_TYPE, REMEDIATION_DISCOVERY_MODE } from "./deployIfNotExists";

export interface ExtensionPolicyProps {
  /** Subscription GUID: the assignment's scope, its roles' scope, where the remediation runs. */
  readonly subscriptionId: string;
  /** `kubernetesPolicyAddon`, `dependencyAgentWindows` or `dependencyAgentLinux`. */
  readonly policy: ExtensionPolicyKey;
  /**
   * Location of the assignment's managed identity (ARM requires one with an identity; it does
   * not limit what the policy remediates).
   * @default "eastus" (the spec's default for extensions.identityLocation)
   */
  readonly identityLocation?: string;
  /**
   * Start a remediation task for the resources non-compliant when it is created. A remediation
   * is one-shot; `asc-autoprovision plan/apply` re-plans later ones.
   * @default true
   */
  readonly remediate?: boolean;
  /** @default - the stack's default azurerm provider */
  readonly provider?: TerraformProvider;
}

const policyKeySchema = z.enum(SEED_POLICY_KEYS as [ExtensionPolicyKey, ...ExtensionPolicyKey[]]);

export function validateExtensionPolicyProps(props: ExtensionPolicyProps): ValidationIssue[] {
  if (props === undefined || props === null || typeof props !== "object") return [{ path: "props", message: "are required" }];
  return [
    ...schemaIssues(specSchema.shape.subscriptions.element, props.subscriptionId, "subscriptionId"),
    ...schemaIssues(policyKeySchema, props.policy, "policy"),
    ...schemaIssues(extensionsSchema.shape.identityLocation, props.identityLocation, "identityLocation"),
    ...booleanIssues(props.remediate, "remediate"),
  ];
}

export class ExtensionPolicy extends Construct {
  /** The catalog entry: definition, display name, roles. */
  public readonly definition: PolicyDefinition;
  public readonly assignment: SubscriptionPolicyAssignment;
  /** One per role of the definition, in the catalog's order. */
  public readonly roleAssignments: RoleAssignment[];
  public readonly remediation?: SubscriptionPolicyRemediation;

  constructor(scope: Construct, id: string, props: ExtensionPolicyProps) {
    super(scope, id);
    const issues = validateExtensionPolicyProps(props);
    if (issues.length) failProps("ExtensionPolicy", id, issues);
    const policy = SEED_POLICIES[props.policy];
    this.definition = policy;
    const declared = declareDeployIfNotExists(this, {
      subscriptionId: props.subscriptionId.toLowerCase(),
      assignmentName: policy.shortName,
      policyDefinitionId: policyDefinitionId(policy),
      displayName: policy.displayName,
      roles: policy.roles,
      identityLocation: extensionsSchema.shape.identityLocation.parse(props.identityLocation),
      remediate: props.remediate ?? true,
      provider: props.provider,
    });
    this.assignment = declared.assignment;
    this.roleAssignments = declared.roleAssignments;
    this.remediation = declared.remediation;
  }
}
