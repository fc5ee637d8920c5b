/**
 * ExtensionPolicy: one of the seed's "Enable auto provisioning of extensions" toggles: a
 * Deploy-if-not-exists assignment at the subscription with a system-assigned identity and a
 * location, a role assignment for exactly each role the definition lists (at the subscription, to
 * the assignment's identity; Terraform does not grant them by itself), and a remediation task for
 * the existing non-compliant resources, after the roles. The CDKTF twin of the Pulumi
 * ExtensionPolicy; the catalog (definitions, roles, names) is src/spec/policies.ts.
 */
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { SubscriptionPolicyAssignment } from "@cdktf/provider-azurerm/lib/subscription-policy-assignment";
import { SubscriptionPolicyRemediation } from "@cdktf/provider-azurerm/lib/subscription-policy-remediation";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { z } from "zod";
import { SEED_POLICIES, SEED_POLICY_KEYS, policyDefinitionId, roleDefinitionId, type ExtensionPolicyKey, type PolicyDefinition } from "../../src/spec/policies";
import { extensionsSchema, specSchema } from "../../src/spec/schema";
import { policyAssignmentId, stableGuid, subscriptionScope } from "../../src/reconcile/ids";
import { REMEDIATION_MAX_RESOURCE_COUNT, REMEDIATION_PARALLEL_DEPLOYMENTS } from "../../src/reconcile/policies";
import { booleanIssues, failProps, schemaIssues, type ValidationIssue } from "./validation";

/** How a remediation finds its resources (as the planner's create-remediation and the Pulumi component). */
export const REMEDIATION_DISCOVERY_MODE = "ExistingNonCompliant";
/** A role assignment to a managed identity names a service principal. */
export const IDENTITY_PRINCIPAL_TYPE = "ServicePrincipal";

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
    const sub = props.subscriptionId.toLowerCase();
    const policy = SEED_POLICIES[props.policy];
    const scopeId = subscriptionScope(sub);
    // The planner's id for the assignment it makes; the role assignments' names derive from it.
    const plannedAssignmentId = policyAssignmentId(scopeId, policy.shortName);
    const provider = props.provider;
    this.definition = policy;

    this.assignment = new SubscriptionPolicyAssignment(this, "Assignment", {
      name: policy.shortName,
      subscriptionId: scopeId,
      policyDefinitionId: policyDefinitionId(policy),
      displayName: policy.displayName,
      identity: { type: "SystemAssigned" },
      location: extensionsSchema.shape.identityLocation.parse(props.identityLocation),
      provider,
    });

    this.roleAssignments = policy.roles.map(
      (role) =>
        new RoleAssignment(this, `Role-${role.id}`, {
          name: stableGuid(plannedAssignmentId, role.id),
          scope: scopeId,
          roleDefinitionId: roleDefinitionId(sub, role.id),
          principalId: this.assignment.identity.principalId,
          principalType: IDENTITY_PRINCIPAL_TYPE,
          // A new identity may not have replicated yet; ARM needs no lookup once the type is given.
          skipServicePrincipalAadCheck: true,
          provider,
        }),
    );

    if (props.remediate ?? true) {
      this.remediation = new SubscriptionPolicyRemediation(this, "Remediation", {
        name: policy.shortName,
        subscriptionId: scopeId,
        policyAssignmentId: this.assignment.id,
        resourceDiscoveryMode: REMEDIATION_DISCOVERY_MODE,
        // The number of non-compliant resources is not known here: allow as many as one task may take.
        resourceCount: REMEDIATION_MAX_RESOURCE_COUNT,
        parallelDeployments: REMEDIATION_PARALLEL_DEPLOYMENTS,
        dependsOn: this.roleAssignments,
        provider,
      });
    }
  }
}
