/**
 * A Deploy-if-not-exists policy assignment at a subscription, as the planner makes one: the
 * assignment with a system-assigned identity and a location, a role assignment for exactly each
 * role the definition lists (at the subscription, to the assignment's identity, named as the
 * planner names them), and a remediation task for the existing non-compliant resources that
 * waits for those roles. The extension-policy and Azure Monitor Agent capabilities declare theirs
 * with it.
 */
import { roleDefinitionId } from "../../spec/policies";
import { policyAssignmentId, stableGuid, subscriptionScope } from "../../reconcile/ids";
import { REMEDIATION_MAX_RESOURCE_COUNT, REMEDIATION_PARALLEL_DEPLOYMENTS } from "../../reconcile/policies";
import type { PolicyAssignmentDeclaration, PolicyUnit, RemediationDeclaration, ResourceSelector, RoleAssignmentDeclaration } from "./model";
import { reference, type Value } from "./value";

/** How a remediation finds its resources (the planner's create-remediation uses the same). */
export const REMEDIATION_DISCOVERY_MODE = "ExistingNonCompliant";
/** Role assignments to a managed identity name a service principal. */
export const IDENTITY_PRINCIPAL_TYPE = "ServicePrincipal";

export interface DeployIfNotExistsInput {
  readonly key: string;
  readonly family: PolicyUnit["family"];
  readonly policyKey: string;
  /** Lower-case subscription GUID: the assignment's and the roles' scope. */
  readonly subscriptionId: string;
  /** Assignment name; the remediation's too. */
  readonly assignmentName: string;
  readonly policyDefinitionId: string;
  readonly displayName: string;
  readonly roles: readonly { readonly id: string; readonly name: string }[];
  readonly identityLocation: string;
  readonly parameters?: Readonly<Record<string, { readonly value: Value<string> }>>;
  readonly resourceSelectors?: readonly ResourceSelector[];
  readonly notScopes?: readonly string[];
  readonly remediate: boolean;
  /** Keys of what the remediation waits for besides the roles (e.g. the data collection rule it links to). */
  readonly remediationDependsOn?: readonly string[];
}

export function declareDeployIfNotExists(input: DeployIfNotExistsInput): PolicyUnit {
  const scope = subscriptionScope(input.subscriptionId);
  // The id the planner gives an assignment of this name; role-assignment names derive from it.
  const plannedAssignmentId = policyAssignmentId(scope, input.assignmentName);
  const assignment: PolicyAssignmentDeclaration = {
    kind: "policy-assignment",
    key: `${input.key}/assignment`,
    role: "assignment",
    dependsOn: [],
    props: {
      scope,
      name: input.assignmentName,
      policyDefinitionId: input.policyDefinitionId,
      displayName: input.displayName,
      identityType: "SystemAssigned",
      location: input.identityLocation,
      ...(input.parameters !== undefined ? { parameters: input.parameters } : {}),
      ...(input.resourceSelectors !== undefined ? { resourceSelectors: input.resourceSelectors } : {}),
      ...(input.notScopes?.length ? { notScopes: [...input.notScopes] } : {}),
    },
  };
  const roles = input.roles.map(
    (role): RoleAssignmentDeclaration => ({
      kind: "role-assignment",
      key: `${input.key}/role-${role.id}`,
      role: `role-${role.id}`,
      dependsOn: [],
      props: {
        scope,
        name: stableGuid(plannedAssignmentId, role.id),
        roleId: role.id,
        roleDefinitionId: roleDefinitionId(input.subscriptionId, role.id),
        principalId: reference(assignment.key, "principalId"),
        principalType: IDENTITY_PRINCIPAL_TYPE,
      },
    }),
  );
  const remediation: RemediationDeclaration[] = input.remediate
    ? [
        {
          kind: "policy-remediation",
          key: `${input.key}/remediation`,
          role: "remediation",
          dependsOn: [...roles.map((r) => r.key), ...(input.remediationDependsOn ?? [])],
          props: {
            scope,
            name: input.assignmentName,
            policyAssignmentId: reference(assignment.key, "id"),
            resourceDiscoveryMode: REMEDIATION_DISCOVERY_MODE,
            // A declaration does not know how many resources are non-compliant: allow as many as one task may take.
            resourceCount: REMEDIATION_MAX_RESOURCE_COUNT,
            parallelDeployments: REMEDIATION_PARALLEL_DEPLOYMENTS,
          },
        },
      ]
    : [];
  return {
    kind: "policy",
    key: input.key,
    family: input.family,
    policyKey: input.policyKey,
    assignmentName: input.assignmentName,
    subscriptionId: input.subscriptionId,
    resources: [assignment, ...roles, ...remediation],
    lookups: [],
    issues: [],
    warnings: [],
  };
}
