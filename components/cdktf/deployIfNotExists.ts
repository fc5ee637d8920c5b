/**
 * A Deploy-if-not-exists assignment at a subscription, as the planner makes one: the assignment
 * with a system-assigned identity and a location, a role assignment for exactly each role the
 * definition lists (at the subscription, to the assignment's identity; Terraform does not grant
 * them by itself), and a remediation task for the existing non-compliant resources, after the
 * roles. The CDKTF ExtensionPolicy and AzureMonitorAgentPolicy are DeployIfNotExistsConstructs.
 */
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { SubscriptionPolicyAssignment, type SubscriptionPolicyAssignmentResourceSelectors } from "@cdktf/provider-azurerm/lib/subscription-policy-assignment";
import { SubscriptionPolicyRemediation } from "@cdktf/provider-azurerm/lib/subscription-policy-remediation";
import type { ITerraformDependable, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { roleDefinitionId } from "../../src/spec/policies";
import { policyAssignmentId, stableGuid, subscriptionScope } from "../../src/reconcile/ids";
import { REMEDIATION_MAX_RESOURCE_COUNT, REMEDIATION_PARALLEL_DEPLOYMENTS } from "../../src/reconcile/policies";

/** How a remediation finds its resources (as the planner's create-remediation and the Pulumi component). */
export const REMEDIATION_DISCOVERY_MODE = "ExistingNonCompliant";
/** A role assignment to a managed identity names a service principal. */
export const IDENTITY_PRINCIPAL_TYPE = "ServicePrincipal";

export interface DeployIfNotExistsProps {
  /** Lower-case subscription GUID. */
  readonly subscriptionId: string;
  /** Assignment name; the remediation's too. */
  readonly assignmentName: string;
  readonly policyDefinitionId: string;
  readonly displayName: string;
  readonly roles: readonly { readonly id: string; readonly name: string }[];
  readonly identityLocation: string;
  readonly parameters?: Record<string, { value: string }>;
  readonly resourceSelectors?: SubscriptionPolicyAssignmentResourceSelectors[];
  readonly notScopes?: readonly string[];
  readonly remediate: boolean;
  /** What the remediation waits for besides the roles (e.g. the data collection rule it links to). */
  readonly remediationDependsOn?: ITerraformDependable[];
  readonly provider?: TerraformProvider;
}

export interface DeployIfNotExists {
  readonly assignment: SubscriptionPolicyAssignment;
  readonly roleAssignments: RoleAssignment[];
  readonly remediation?: SubscriptionPolicyRemediation;
}

/** Declares the assignment (`Assignment`), its roles (`Role-<guid>`) and its remediation (`Remediation`) in `scope`. */
export function declareDeployIfNotExists(scope: Construct, props: DeployIfNotExistsProps): DeployIfNotExists {
  const scopeId = subscriptionScope(props.subscriptionId);
  // The planner's id for an assignment of this name; the role assignments' names derive from it.
  const plannedAssignmentId = policyAssignmentId(scopeId, props.assignmentName);
  const provider = props.provider;
  const assignment = new SubscriptionPolicyAssignment(scope, "Assignment", {
    name: props.assignmentName,
    subscriptionId: scopeId,
    policyDefinitionId: props.policyDefinitionId,
    displayName: props.displayName,
    identity: { type: "SystemAssigned" },
    location: props.identityLocation,
    ...(props.parameters ? { parameters: JSON.stringify(props.parameters) } : {}),
    ...(props.resourceSelectors ? { resourceSelectors: props.resourceSelectors } : {}),
    ...(props.notScopes?.length ? { notScopes: [...props.notScopes] } : {}),
    provider,
  });
  const roleAssignments = props.roles.map(
    (role) =>
      new RoleAssignment(scope, `Role-${role.id}`, {
        name: stableGuid(plannedAssignmentId, role.id),
        scope: scopeId,
        roleDefinitionId: roleDefinitionId(props.subscriptionId, role.id),
        principalId: assignment.identity.principalId,
        principalType: IDENTITY_PRINCIPAL_TYPE,
        // A new identity may not have replicated yet; ARM needs no lookup once the type is given.
        skipServicePrincipalAadCheck: true,
        provider,
      }),
  );
  const remediation = props.remediate
    ? new SubscriptionPolicyRemediation(scope, "Remediation", {
        name: props.assignmentName,
        subscriptionId: scopeId,
        policyAssignmentId: assignment.id,
        resourceDiscoveryMode: REMEDIATION_DISCOVERY_MODE,
        // The number of non-compliant resources is not known here: allow as many as one task may take.
        resourceCount: REMEDIATION_MAX_RESOURCE_COUNT,
        parallelDeployments: REMEDIATION_PARALLEL_DEPLOYMENTS,
        dependsOn: [...roleAssignments, ...(props.remediationDependsOn ?? [])],
        provider,
      })
    : undefined;
  return { assignment, roleAssignments, remediation };
}

/** A construct that is one Deploy-if-not-exists assignment with its roles and remediation. */
export abstract class DeployIfNotExistsConstruct extends Construct {
  public readonly assignment: SubscriptionPolicyAssignment;
  /** One per role of the definition, in the catalog's order. */
  public readonly roleAssignments: RoleAssignment[];
  public readonly remediation?: SubscriptionPolicyRemediation;

  /** Declares what `declare` describes (it validates the props first). */
  protected constructor(scope: Construct, id: string, declare: () => DeployIfNotExistsProps) {
    super(scope, id);
    const declared = declareDeployIfNotExists(this, declare());
    this.assignment = declared.assignment;
    this.roleAssignments = declared.roleAssignments;
    this.remediation = declared.remediation;
  }
}
