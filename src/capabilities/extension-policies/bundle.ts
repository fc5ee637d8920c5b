/**
 * The Deploy-if-not-exists bundle, built once for the planner's steps and the front ends'
 * declarations: a policy assignment at a subscription with a system-assigned identity and a
 * location, a role assignment for exactly each role the definition lists (at the subscription, to
 * the assignment's identity, named after the assignment's id and the role; again at each resource
 * a parameter links to outside the subscription, see `linkedScopes`), and a remediation task that
 * waits for them. The extension toggles (plan.ts, declare.ts), the Log Analytics
 * agent's delegation and the Azure Monitor Agent's policies all build theirs here.
 */
import { roleDefinitionId } from "../../spec/policies";
import { subscriptionOf } from "../../inventory/ids";
import { policyAssignmentId, remediationId, roleAssignmentId, stableGuid, subscriptionScope } from "../../core/kernel";
import { coveredBy } from "./notScopes";

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
  /**
   * The resources the assignment's parameters marked `assignPermissions` name (the rule an
   * association links to, the workspace whose keys an agent gets). ARM checks the deployment's
   * identity on them too (a linked access check); the roles at the assignment's scope cover one
   * under it, and one elsewhere (a hub subscription's rule or workspace) gets each role of the
   * definition at the resource itself, as the portal grants them for such a parameter. Without
   * them every deployment fails with LinkedAuthorizationFailed (reference §4).
   */
  readonly linkedScopes?: readonly string[];
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
  /** Where: the assignment's scope, or a linked resource outside it. */
  readonly scope: string;
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
  /** One per role of the definition, in its order, at the assignment's scope; then the same at each linked resource outside it. */
  readonly grants: readonly RoleGrantFacts[];
  /** The remediation task `name`, over at most `resourceCount` resources. */
  remediation(name: string, resourceCount: number): RemediationFacts;
}

export function deployIfNotExists<P>(input: DeployIfNotExistsInput<P>): DeployIfNotExistsBundle<P> {
  const scope = input.scope ?? subscriptionScope(input.subscriptionId);
  const assignmentId = input.assignmentId ?? policyAssignmentId(scope, input.assignmentName);
  const grants = input.roles.map((role): RoleGrantFacts => {
    const name = stableGuid(assignmentId, role.id);
    return { role, scope, name, id: roleAssignmentId(scope, name), roleDefinitionId: roleDefinitionId(input.subscriptionId, role.id), principalType: IDENTITY_PRINCIPAL_TYPE };
  });
  for (const linked of input.linkedScopes ?? []) {
    if (!coveredBy([scope], linked)) grants.push(...input.roles.map((role) => linkedGrant(assignmentId, linked, role)));
  }
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

/** A role for the identity of `assignmentId` at `linkedScope`, a resource outside its scope (`linkedScopes`), named after the three. */
export function linkedGrant(assignmentId: string, linkedScope: string, role: PolicyRole): RoleGrantFacts {
  const name = stableGuid(assignmentId, role.id, linkedScope);
  return { role, scope: linkedScope, name, id: roleAssignmentId(linkedScope, name), roleDefinitionId: roleDefinitionId(subscriptionOf(linkedScope), role.id), principalType: IDENTITY_PRINCIPAL_TYPE };
}
