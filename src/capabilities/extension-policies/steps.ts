/** The steps of Deploy-if-not-exists policies: assignment, its roles, remediation, removal. */
import { nameOf, sameId, subscriptionOf } from "../../inventory/ids";
import { AKS_POLICY_ADDON, DEPENDENCY_AGENT } from "../../spec/extensions";
import { seedPolicyByDefinitionId } from "../../spec/policies";
import { simulatedPrincipalId, labelByTarget, workspaceLabel, type StepKinds } from "../../core/kernel";
import type { AssignmentFacts } from "./bundle";

const ASSIGNMENTS = "/providers/microsoft.authorization/policyassignments/";

/**
 * Where a grant is when not at its assignment's own scope (a hub's rule or workspace: bundle.ts's
 * linked grants), so the two grants of one role read apart: " at law-hub (subscription S)".
 */
function elsewhere(d: GrantRoleDetails): string {
  const at = d.policyAssignmentId.toLowerCase().indexOf(ASSIGNMENTS);
  if (at >= 0 && sameId(d.scope, d.policyAssignmentId.slice(0, at))) return "";
  const sub = subscriptionOf(d.scope);
  return ` at ${nameOf(d.scope)}${sub ? ` (subscription ${sub})` : ""}`;
}

/** The bundle's assignment (bundle.ts), as the step creates it. */
export interface AssignPolicyDetails extends AssignmentFacts {
  /** Set when the assignment stands in for this many machines' installs (delegation). */
  readonly delegatedMachines?: number;
}

export interface GrantRoleDetails {
  readonly scope: string;
  readonly roleDefinitionId: string;
  readonly roleName: string;
  readonly policyAssignmentId: string;
  /** null: the principal of the assignment a step of this plan creates (its output). */
  readonly principalId: string | null;
  /**
   * The grant of this name exists for this principal, an identity the assignment had before it was
   * deleted (Azure keeps a deleted identity's grants, and refuses a change of their principal): it
   * is deleted, then granted again.
   */
  readonly replacesPrincipalId?: string;
}

export interface CreateRemediationDetails {
  readonly policyAssignmentId: string;
  readonly name: string;
  readonly scope: string;
  readonly resourceIds: readonly string[];
  readonly resourceCount: number;
  readonly parallelDeployments: number;
  readonly resourceDiscoveryMode: "ReEvaluateCompliance";
}

/** PUT the assignment back with another notScopes (its other fields as they are); `added`/`removed` say what differs. */
export interface SetPolicyNotScopesDetails {
  readonly policyAssignmentId: string;
  readonly name: string;
  readonly scope: string;
  /** The whole list the assignment gets (sorted). */
  readonly notScopes: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export interface UnassignPolicyDetails {
  readonly policyAssignmentId: string;
  /** Resources outside the assignment's subscription its identity was granted roles at (bundle.ts `linkedScopes`): those go with it too. */
  readonly linkedScopes?: readonly string[];
}

export interface PolicySteps {
  readonly "assign-policy": AssignPolicyDetails;
  readonly "grant-role": GrantRoleDetails;
  readonly "create-remediation": CreateRemediationDetails;
  readonly "set-policy-not-scopes": SetPolicyNotScopesDetails;
  readonly "unassign-policy": UnassignPolicyDetails;
}

export const POLICY_STEPS: StepKinds<PolicySteps> = {
  "assign-policy": {
    label: (d, target) => (d.notScopes?.length ? `${labelByTarget(d, target)} (leaves out ${d.notScopes.length})` : labelByTarget(d, target)),
    simulate: (sim, d, target) => {
      sim.inventory.policyAssignments.push({
        id: target,
        name: d.name,
        policyDefinitionId: d.policyDefinitionId,
        scope: d.scope,
        identityPrincipalId: simulatedPrincipalId(target),
        location: d.location,
        ...(d.notScopes?.length ? { notScopes: [...d.notScopes] } : {}),
      });
    },
  },
  "grant-role": {
    label: (d) => `${d.roleName} to ${workspaceLabel(d.policyAssignmentId)}${elsewhere(d)}${d.replacesPrincipalId ? ` (replaces its grant to the deleted identity ${d.replacesPrincipalId})` : ""}`,
    simulate: (sim, d, target) => {
      const inv = sim.inventory;
      if (d.replacesPrincipalId) inv.roleAssignments = inv.roleAssignments.filter((r) => !sameId(r.id, target));
      const assignment = inv.policyAssignments.find((a) => sameId(a.id, d.policyAssignmentId));
      inv.roleAssignments.push({ id: target, principalId: d.principalId ?? assignment?.identityPrincipalId ?? "", roleDefinitionId: d.roleDefinitionId, scope: d.scope });
    },
  },
  "create-remediation": {
    label: (d) => `${d.name} (${d.resourceIds.length} resources)`,
    simulate: (sim, d, target) => {
      const inv = sim.inventory;
      inv.remediations.push({ id: target, policyAssignmentId: d.policyAssignmentId, provisioningState: "Succeeded" });
      const assignment = inv.policyAssignments.find((a) => sameId(a.id, d.policyAssignmentId));
      const policy = assignment && seedPolicyByDefinitionId(assignment.policyDefinitionId);
      if (!policy) return;
      for (const id of d.resourceIds) {
        if (policy.key === "kubernetesPolicyAddon") {
          const cluster = inv.clusters.find((c) => sameId(c.id, id));
          if (cluster) cluster.addons[AKS_POLICY_ADDON] = true;
          continue;
        }
        const m = sim.findMachine(id);
        const kind = DEPENDENCY_AGENT[policy.osType!];
        if (m) (m.extensions ??= []).push({ publisher: kind.publisher, type: kind.type, version: kind.version, name: kind.name });
      }
    },
  },
  "set-policy-not-scopes": {
    label: (d) => `${d.name}: notScopes ${d.removed.length ? `-${d.removed.length} ` : ""}${d.added.length ? `+${d.added.length} ` : ""}(${d.notScopes.length} in all)`,
    simulate: (sim, d, target) => {
      const assignment = sim.inventory.policyAssignments.find((a) => sameId(a.id, target));
      if (!assignment) return;
      if (d.notScopes.length) assignment.notScopes = [...d.notScopes];
      else delete assignment.notScopes;
    },
  },
  "unassign-policy": {
    label: labelByTarget,
    simulate: (sim, d, target) => {
      const inv = sim.inventory;
      const principal = inv.policyAssignments.find((a) => sameId(a.id, target))?.identityPrincipalId?.toLowerCase();
      inv.policyAssignments = inv.policyAssignments.filter((a) => !sameId(a.id, target));
      if (!principal) return;
      // As the handler (arm.ts): the identity's role assignments in the assignment's subscription, and at its linked resources, go with it.
      const sub = subscriptionOf(target).toLowerCase();
      const goes = (scope: string) => subscriptionOf(scope).toLowerCase() === sub || (d.linkedScopes ?? []).some((s) => sameId(s, scope));
      inv.roleAssignments = inv.roleAssignments.filter((r) => r.principalId.toLowerCase() !== principal || !goes(r.scope));
    },
  },
};
