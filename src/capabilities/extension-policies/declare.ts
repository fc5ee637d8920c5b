/**
 * What the extension-policies capability declares: one of the seed's "Enable auto provisioning of
 * extensions" toggles as a Deploy-if-not-exists assignment at the subscription, with exactly the
 * roles its definition lists and a remediation task (the catalog is src/spec/policies.ts), for
 * each toggle that is on, whether auto provisioning is on or off (as the planner does).
 */
import { z } from "zod";
import { SEED_POLICIES, SEED_POLICY_KEYS, policyDefinitionId, type ExtensionPolicyKey } from "../../spec/policies";
import { extensionsSchema, type Spec } from "../../spec/schema";
import {
  booleanIssues,
  derive,
  isDeferred,
  reference,
  schemaIssues,
  subscriptionIdIssues,
  type CapabilityDeclarer,
  type PolicyAssignmentDeclaration,
  type PolicyUnit,
  type RemediationDeclaration,
  type ResourceSelector,
  type ResourcesUnit,
  type RoleAssignmentDeclaration,
  type ValidationIssue,
  type Value,
} from "../../core/kernel";
import { deployIfNotExists, IDENTITY_PRINCIPAL_TYPE, linkedGrant, REMEDIATION_MAX_RESOURCE_COUNT, type PolicyRole } from "./bundle";
import { extensionPolicyEnabled } from "./plan";
import { excludedGroupsFit, excludedGroupsIn, excludedGroupsOverLimit } from "./notScopes";
import type { ExtensionPolicyFields } from "./fields.generated";

export interface DeployIfNotExistsDeclarationInput {
  readonly key: string;
  /** Which assignments (PolicyUnit.family): `extension`, `ama`, another capability's. */
  readonly family: string;
  readonly policyKey: string;
  /** Lower-case subscription GUID: the assignment's and the roles' scope. */
  readonly subscriptionId: string;
  /** Assignment name; the remediation's too. */
  readonly assignmentName: string;
  readonly policyDefinitionId: string;
  readonly displayName: string;
  readonly roles: readonly PolicyRole[];
  readonly identityLocation: string;
  readonly parameters?: Readonly<Record<string, { readonly value: Value<string> }>>;
  /** What the parameters marked `assignPermissions` name (bundle.ts); one known only at deployment gets its grants whatever its subscription. */
  readonly linkedScopes?: readonly Value<string>[];
  /** Keys of the declarations that make the linked resources: a role assignment's scope must exist before it. */
  readonly linkedDependsOn?: readonly string[];
  readonly resourceSelectors?: readonly ResourceSelector[];
  readonly notScopes?: readonly string[];
  /**
   * The reconciler keeps the assignment's notScopes (the machines the spec and the seed's rules
   * leave alone, known only from the inventory): `notScopes` is what the assignment is created
   * with, and a front end never resets the list afterwards.
   */
  readonly reconcilerOwnsNotScopes?: boolean;
  readonly remediate: boolean;
  /** Keys of what the remediation waits for besides the roles (e.g. the data collection rule it links to). */
  readonly remediationDependsOn?: readonly string[];
}

/**
 * A Deploy-if-not-exists policy unit: the bundle (bundle.ts) as declarations. The roles take the
 * identity of the assignment Azure creates, and the remediation waits for the roles; a
 * declaration does not know how many resources are non-compliant, so its task may take as many
 * as one task can.
 */
export function declareDeployIfNotExists(input: DeployIfNotExistsDeclarationInput): PolicyUnit {
  const bundle = deployIfNotExists({
    subscriptionId: input.subscriptionId,
    assignmentName: input.assignmentName,
    policyDefinitionId: input.policyDefinitionId,
    displayName: input.displayName,
    identityLocation: input.identityLocation,
    roles: input.roles,
    ...(input.parameters !== undefined ? { parameters: input.parameters } : {}),
    ...(input.notScopes?.length ? { notScopes: [...input.notScopes] } : {}),
    linkedScopes: (input.linkedScopes ?? []).filter((s): s is string => !isDeferred(s)),
  });
  const { parameters, notScopes } = bundle.assignment;
  const assignment: PolicyAssignmentDeclaration = {
    kind: "policy-assignment",
    key: `${input.key}/assignment`,
    role: "assignment",
    dependsOn: [],
    props: {
      scope: bundle.scope,
      name: bundle.assignment.name,
      policyDefinitionId: bundle.assignment.policyDefinitionId,
      displayName: bundle.assignment.displayName,
      identityType: bundle.assignment.identity,
      location: bundle.assignment.location,
      ...(parameters !== undefined ? { parameters } : {}),
      ...(input.resourceSelectors !== undefined ? { resourceSelectors: input.resourceSelectors } : {}),
      ...(notScopes !== undefined ? { notScopes } : {}),
    },
    ...(input.reconcilerOwnsNotScopes ? { ignoreChanges: ["notScopes"] } : {}),
  };
  const principalId = reference<string>(assignment.key, "principalId");
  const atScope = bundle.grants.filter((g) => g.scope === bundle.scope);
  const linked = bundle.grants.filter((g) => g.scope !== bundle.scope);
  // A linked resource known only at deployment: its grants are computed then (bundle.ts's rule).
  const deferred = (input.linkedScopes ?? []).filter(isDeferred).flatMap((scope) =>
    input.roles.map((role) => ({
      role,
      scope,
      name: derive((s: string) => linkedGrant(bundle.assignmentId, s, role).name, scope),
      roleDefinitionId: derive((s: string) => linkedGrant(bundle.assignmentId, s, role).roleDefinitionId, scope),
    })),
  );
  const roles = [
    ...atScope.map((grant): RoleAssignmentDeclaration => roleDeclaration(`${input.key}/role-${grant.role.id}`, grant, principalId)),
    ...[...linked, ...deferred].map(
      (grant, i): RoleAssignmentDeclaration => ({
        ...roleDeclaration(`${input.key}/linked-${Math.floor(i / input.roles.length)}-role-${grant.role.id}`, grant, principalId),
        dependsOn: [...(input.linkedDependsOn ?? [])],
      }),
    ),
  ];
  const task = bundle.remediation(input.assignmentName, REMEDIATION_MAX_RESOURCE_COUNT);
  const remediation: RemediationDeclaration[] = input.remediate
    ? [
        {
          kind: "policy-remediation",
          key: `${input.key}/remediation`,
          role: "remediation",
          dependsOn: [...roles.map((r) => r.key), ...(input.remediationDependsOn ?? [])],
          props: {
            scope: task.scope,
            name: task.name,
            policyAssignmentId: reference(assignment.key, "id"),
            resourceDiscoveryMode: task.resourceDiscoveryMode,
            resourceCount: task.resourceCount,
            parallelDeployments: task.parallelDeployments,
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

/** One grant as a declaration; its role is what follows the unit's key. */
function roleDeclaration(key: string, grant: { readonly role: PolicyRole; readonly scope: Value<string>; readonly name: Value<string>; readonly roleDefinitionId: Value<string> }, principalId: Value<string>): RoleAssignmentDeclaration {
  return {
    kind: "role-assignment",
    key,
    role: key.slice(key.lastIndexOf("/") + 1),
    dependsOn: [],
    props: { scope: grant.scope, name: grant.name, roleId: grant.role.id, roleDefinitionId: grant.roleDefinitionId, principalId, principalType: IDENTITY_PRINCIPAL_TYPE },
  };
}

/** fields.ts documents each field. */
export type ExtensionPolicyInput = ExtensionPolicyFields;

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

/**
 * What the front ends leave to the reconciler for a toggle: what its assignment leaves out
 * (notScopes.ts), and for a Dependency-agent (VM) toggle its remediation.
 */
export interface ReconcilerOwned {
  /** What the assignment is created with: the spec's `exclude.resourceGroups` in its subscription. */
  readonly notScopes: readonly string[];
}

/**
 * The assignment of one toggle, under `key`. Its notScopes are the reconciler's (its
 * `ignoreChanges`): a front end creates the assignment with `reconciled.notScopes` (none by
 * default) and never resets the list the reconciler keeps. For a VM toggle the machines the spec
 * and the seed's rules leave alone are known only from the inventory; the AKS add-on's list is
 * the spec's excluded groups alone, but one owner per field for every toggle keeps the rule one.
 */
export function declareExtensionPolicy(key: string, input: ExtensionPolicyInput, reconciled?: ReconcilerOwned): PolicyUnit {
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
    reconcilerOwnsNotScopes: true,
    notScopes: reconciled?.notScopes ?? [],
    remediate: input.remediate ?? true,
  });
}

/**
 * The toggles that are on, one assignment each, whether auto provisioning is on or off (as the
 * planner does). A VM toggle's assignment has no remediation here: a front end's one-shot task
 * would run before the reconciler has left out the machines to leave alone, so the reconciler
 * (`asc-autoprovision apply`, the AgentReconciliation resource) starts it once they are.
 * Where the spec's excluded groups overflow an assignment's notScopes (excludedGroupsFit) there is
 * none, as the planner makes none: the toggle declares only a warning saying why.
 */
export const EXTENSION_POLICIES_DECLARER: CapabilityDeclarer = {
  subscription: ({ spec, subscriptionId }) => ({
    units: enabledExtensionPolicies(spec.extensions).map((policy) => {
      const key = `${subscriptionId}/policy-${policy}`;
      if (!excludedGroupsFit(spec, subscriptionId)) return undeclaredPolicy(key, spec, subscriptionId, policy);
      return declareExtensionPolicy(
        key,
        { subscriptionId, policy, identityLocation: spec.extensions.identityLocation, remediate: SEED_POLICIES[policy].osType === undefined },
        { notScopes: excludedGroupsIn(spec, subscriptionId) },
      );
    }),
  }),
};

/**
 * A toggle whose assignment the spec's excluded groups leave no room for: nothing to deploy, and
 * the warning a front end shows (`pulumi preview`, `cdktf synth`). A unit of no component's (the
 * front ends render its nothing as it is), so no ExtensionPolicy stands for an assignment that
 * is not there.
 */
function undeclaredPolicy(key: string, spec: Spec, subscriptionId: string, policy: ExtensionPolicyKey): ResourcesUnit {
  const { displayName, osType } = SEED_POLICIES[policy];
  const instead = osType
    ? "installs the Dependency agent machine by machine"
    : "enables the add-on cluster by cluster outside them, with Defender for Containers' azurePolicy on";
  const warning =
    `${excludedGroupsOverLimit(spec, subscriptionId, displayName)}; this stack declares none (ARM would refuse it), and the reconciler ` +
    `(asc-autoprovision apply, or the AgentReconciliation resource) ${instead}.`;
  return { kind: "resources", family: "extension-policies", key, subscriptionId, resources: [], lookups: [], issues: [], warnings: [warning] };
}
