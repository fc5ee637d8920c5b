/**
 * A Deploy-if-not-exists policy assignment at a subscription, as the planner makes one: the
 * assignment with a system-assigned identity and a location, a role assignment for exactly each
 * role the definition lists (at the subscription, to the assignment's identity, named as the
 * planner names them), and a remediation task for the existing non-compliant resources that waits
 * for those roles. ExtensionPolicy and AzureMonitorAgentPolicy are DeployIfNotExistsComponents.
 */
import * as pulumi from "@pulumi/pulumi";
import { PolicyAssignment, RoleAssignment } from "@pulumi/azure-native/authorization";
import type * as inputs from "@pulumi/azure-native/types/input";
import { RemediationAtSubscription } from "@pulumi/azure-native/policyinsights";
import { roleDefinitionId } from "../../src/spec/policies";
import { policyAssignmentId, stableGuid, subscriptionScope } from "../../src/reconcile/ids";
import { REMEDIATION_MAX_RESOURCE_COUNT, REMEDIATION_PARALLEL_DEPLOYMENTS } from "../../src/reconcile/policies";

/** How a remediation finds its resources (the planner's create-remediation uses the same). */
export const REMEDIATION_DISCOVERY_MODE = "ExistingNonCompliant";
/** Role assignments to a managed identity name a service principal. */
export const IDENTITY_PRINCIPAL_TYPE = "ServicePrincipal";

export interface DeployIfNotExistsArgs {
  /** Lower-case subscription GUID: the assignment's and the roles' scope. */
  readonly subscriptionId: string;
  /** Assignment name; the remediation's too. */
  readonly assignmentName: string;
  readonly policyDefinitionId: string;
  readonly displayName: string;
  readonly roles: readonly { readonly id: string; readonly name: string }[];
  readonly identityLocation: string;
  readonly parameters?: pulumi.Input<Record<string, { value: pulumi.Input<string> }>>;
  readonly resourceSelectors?: inputs.authorization.ResourceSelectorArgs[];
  readonly notScopes?: readonly string[];
  readonly remediate: boolean;
  /** What the remediation must wait for besides the roles (e.g. the data collection rule it links to). */
  readonly remediationDependsOn?: pulumi.Input<pulumi.Resource>[];
}

export interface DeployIfNotExists {
  readonly assignment: PolicyAssignment;
  readonly principalId: pulumi.Output<string>;
  readonly roleAssignments: RoleAssignment[];
  readonly remediation?: RemediationAtSubscription;
}

/** Declares the assignment, its roles and its remediation under `parent`, named `<name>-...`. */
export function declareDeployIfNotExists(parent: pulumi.Resource, name: string, args: DeployIfNotExistsArgs): DeployIfNotExists {
  const scope = subscriptionScope(args.subscriptionId);
  // The id the planner gives an assignment of this name; role-assignment names derive from it.
  const plannedAssignmentId = policyAssignmentId(scope, args.assignmentName);
  const assignment = new PolicyAssignment(
    `${name}-assignment`,
    {
      policyAssignmentName: args.assignmentName,
      scope,
      policyDefinitionId: args.policyDefinitionId,
      displayName: args.displayName,
      identity: { type: "SystemAssigned" },
      location: args.identityLocation,
      ...(args.parameters !== undefined ? { parameters: args.parameters } : {}),
      ...(args.resourceSelectors !== undefined ? { resourceSelectors: args.resourceSelectors } : {}),
      ...(args.notScopes?.length ? { notScopes: [...args.notScopes] } : {}),
    },
    { parent },
  );
  const principalId = assignment.identity.apply((identity) => {
    if (!identity?.principalId) {
      throw new pulumi.ResourceError(`the assignment of "${args.displayName}" has no managed identity, so no role can be granted to it`, parent, true);
    }
    return identity.principalId;
  });
  const roleAssignments = args.roles.map(
    (role) =>
      new RoleAssignment(
        `${name}-role-${role.id}`,
        {
          roleAssignmentName: stableGuid(plannedAssignmentId, role.id),
          scope,
          roleDefinitionId: roleDefinitionId(args.subscriptionId, role.id),
          principalId,
          principalType: IDENTITY_PRINCIPAL_TYPE,
        },
        { parent },
      ),
  );
  const remediation = args.remediate
    ? new RemediationAtSubscription(
        `${name}-remediation`,
        {
          remediationName: args.assignmentName,
          policyAssignmentId: assignment.id,
          resourceDiscoveryMode: REMEDIATION_DISCOVERY_MODE,
          // Pulumi does not know how many resources are non-compliant: allow as many as one task may take.
          resourceCount: REMEDIATION_MAX_RESOURCE_COUNT,
          parallelDeployments: REMEDIATION_PARALLEL_DEPLOYMENTS,
        },
        { parent, dependsOn: [...roleAssignments, ...(args.remediationDependsOn ?? [])] },
      )
    : undefined;
  return { assignment, principalId, roleAssignments, remediation };
}

/** A component that is one Deploy-if-not-exists assignment with its roles and remediation. */
export abstract class DeployIfNotExistsComponent extends pulumi.ComponentResource {
  /** ARM id of the assignment. */
  public readonly assignmentId!: pulumi.Output<string>;
  /** Object id of the assignment's system-assigned identity. */
  public readonly principalId!: pulumi.Output<string>;
  /** ARM ids of the role assignments, one per role of the definition, in the catalog's order. */
  public readonly roleAssignmentIds!: pulumi.Output<string[]>;
  /** ARM id of the remediation, when one is declared. */
  public readonly remediationId!: pulumi.Output<string | undefined>;
  public readonly assignment!: PolicyAssignment;
  public readonly roleAssignments!: RoleAssignment[];
  public readonly remediation?: RemediationAtSubscription;

  /**
   * Declares what `declare` describes; `declare` validates the arguments first and fails on the
   * component it is handed. Nothing is declared when an existing component is rehydrated (opts.urn).
   */
  protected constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions | undefined, declare: (self: pulumi.ComponentResource) => DeployIfNotExistsArgs) {
    super(type, name, {}, opts);
    if (opts?.urn) return;
    const declared = declareDeployIfNotExists(this, name, declare(this));
    this.assignment = declared.assignment;
    this.assignmentId = declared.assignment.id;
    this.principalId = declared.principalId;
    this.roleAssignments = declared.roleAssignments;
    this.roleAssignmentIds = pulumi.all(declared.roleAssignments.map((r) => r.id));
    this.remediation = declared.remediation;
    this.remediationId = declared.remediation ? declared.remediation.id : pulumi.output(undefined);
    this.registerOutputs({
      assignmentId: this.assignmentId,
      principalId: this.principalId,
      roleAssignmentIds: this.roleAssignmentIds,
      remediationId: this.remediationId,
    });
  }
}
