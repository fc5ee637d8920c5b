/**
 * The Deploy-if-not-exists bundle, built once for the planner's steps and the front ends'
 * declarations: a policy assignment at a subscription with a system-assigned identity and a
 * location, a role assignment for exactly each role the definition lists (at the subscription, to
 * the assignment's identity, named after the assignment's id and the role), and a remediation
 * task that waits for them. The extension toggles (plan.ts, declare.ts), the Log Analytics
 * agent's delegation and the Azure Monitor Agent's policies all build theirs here.
 */
import { roleDefinitionId } from "../../spec/policies";
import { policyAssignmentId, remediationId, roleAssignmentId, stableGuid, subscriptionScope } from "../../core/kernel";

/** Remediation limits (reference §2.8): resourceCount 500 by default, 50,000 at most; parallelDeployments 10 by default. */
export const REMEDIATION_DEFAULT_RESOURCE_COUNT = 500;
export const REMEDIATION_MAX_RESOURCE_COUNT = 50_000;
export const REMEDIATION_PARALLEL_DEPLOYMENTS = 10;
/**
 * How a remediation finds its resources: it re-evaluates compliance first. A remediation created
 * right after its assignment in ExistingNonCompliant mode finds nothing, since Azure evaluates a
 * new assignment only some time later and that mode acts on evaluated resources alone.
 */
export const REMEDIATION_DISCOVERY_MODE = "ReEvaluateCompliance";
/** Role assignments to a managed identity name a service principal. */
export const IDENTITY_PRINCIPAL_TYPE = "ServicePrincipal";

/** A built-in role a policy definition lists. */
export interface PolicyRole {
  /** The role definition's GUID. */
  readonly id: string;
  readonly name: string;
}

export interface DeployIfNotExistsInput<P = unknown> {
  /** Lower-case subscription GUID: the scope of the assignment, its roles and its remediation, unless `scope` says otherwise. */
  readonly subscriptionId: string;
  /** A resource group of the subscription instead (its ARM id): the assignment, roles and remediation are there. Default: the subscription. */
  readonly scope?: string;
  /** The assignment's name (this tool names its assignments). */
  readonly assignmentName: string;
  /** An assignment that exists under its own id (someone else's): its roles are named after it. Default: the id of `assignmentName` here. */
  readonly assignmentId?: string;
  readonly policyDefinitionId: string;
  readonly displayName: string;
  /** Where the assignment's managed identity lives. */
  readonly identityLocation: string;
  readonly roles: readonly PolicyRole[];
  readonly parameters?: Readonly<Record<string, { readonly value: P }>>;
  readonly notScopes?: readonly string[];
}

/** The assignment, in the planner's words (its assign-policy details). */
export interface AssignmentFacts<P = unknown> {
  readonly subscriptionId: string;
  readonly name: string;
  readonly scope: string;
  readonly policyDefinitionId: string;
  readonly displayName: string;
  /** Where the assignment's managed identity lives. */
  readonly location: string;
  readonly identity: "SystemAssigned";
  readonly parameters?: Readonly<Record<string, { readonly value: P }>>;
  readonly notScopes?: readonly string[];
}

/** One role for the assignment's identity. */
export interface RoleGrantFacts {
  readonly role: PolicyRole;
  /** The role assignment's name: a GUID of the assignment's id and the role, so granting twice is one assignment. */
  readonly name: string;
  /** The role assignment's ARM id. */
  readonly id: string;
  readonly roleDefinitionId: string;
  readonly principalType: typeof IDENTITY_PRINCIPAL_TYPE;
}

/** A remediation task of the assignment. */
export interface RemediationFacts {
  readonly id: string;
  readonly name: string;
  readonly scope: string;
  readonly policyAssignmentId: string;
  readonly resourceDiscoveryMode: typeof REMEDIATION_DISCOVERY_MODE;
  readonly resourceCount: number;
  readonly parallelDeployments: number;
}

export interface DeployIfNotExistsBundle<P = unknown> {
  readonly scope: string;
  readonly assignmentId: string;
  readonly assignment: AssignmentFacts<P>;
  /** One per role of the definition, in its order. */
  readonly grants: readonly RoleGrantFacts[];
  /** The remediation task `name`, over at most `resourceCount` resources. */
  remediation(name: string, resourceCount: number): RemediationFacts;
}

export function deployIfNotExists<P>(input: DeployIfNotExistsInput<P>): DeployIfNotExistsBundle<P> {
  const scope = input.scope ?? subscriptionScope(input.subscriptionId);
  const assignmentId = input.assignmentId ?? policyAssignmentId(scope, input.assignmentName);
  const grants = input.roles.map((role): RoleGrantFacts => {
    const name = stableGuid(assignmentId, role.id);
    return { role, name, id: roleAssignmentId(scope, name), roleDefinitionId: roleDefinitionId(input.subscriptionId, role.id), principalType: IDENTITY_PRINCIPAL_TYPE };
  });
  return {
    scope,
    assignmentId,
    assignment: {
      subscriptionId: input.subscriptionId,
      name: input.assignmentName,
      scope,
      policyDefinitionId: input.policyDefinitionId,
      displayName: input.displayName,
      location: input.identityLocation,
      identity: "SystemAssigned",
      ...(input.parameters !== undefined ? { parameters: input.parameters } : {}),
      ...(input.notScopes !== undefined ? { notScopes: input.notScopes } : {}),
    },
    grants,
    remediation: (name, resourceCount) => ({
      id: remediationId(scope, name),
      name,
      scope,
      policyAssignmentId: assignmentId,
      resourceDiscoveryMode: REMEDIATION_DISCOVERY_MODE,
      resourceCount,
      parallelDeployments: REMEDIATION_PARALLEL_DEPLOYMENTS,
    }),
  };
}
