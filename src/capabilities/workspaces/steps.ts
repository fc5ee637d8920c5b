/** The steps of workspaces: resource group, workspace, its Security Center solution, deletion. */
import type { SecuritySolution } from "../../spec/naming";
import { simulatedCustomerId, labelByTarget, type StepKinds } from "../../core/kernel";

export interface CreateResourceGroupDetails {
  readonly subscriptionId: string;
  readonly name: string;
  readonly location: string;
}

export interface CreateWorkspaceDetails {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly sku: string;
  readonly retentionInDays: number;
  readonly createdBySecurityCenter: true;
}

export interface SolutionPlan {
  readonly name: string;
  readonly product: string;
  readonly publisher: string;
  readonly promotionCode: string;
}

export interface InstallSolutionDetails {
  readonly workspaceId: string;
  readonly solution: SecuritySolution;
  readonly name: string;
  readonly location: string;
  readonly plan: SolutionPlan;
  /** Why it is installed where the spec does not ask for it (a user's workspace); the step's label shows it. */
  readonly reason?: string;
}

export interface DeleteWorkspaceDetails {
  readonly workspaceId: string;
}

export interface WorkspaceSteps {
  readonly "create-resource-group": CreateResourceGroupDetails;
  readonly "create-workspace": CreateWorkspaceDetails;
  readonly "install-solution": InstallSolutionDetails;
  readonly "delete-workspace": DeleteWorkspaceDetails;
}

export const WORKSPACE_STEPS: StepKinds<WorkspaceSteps> = {
  "create-resource-group": { label: labelByTarget, simulate: () => undefined },
  "create-workspace": {
    label: labelByTarget,
    simulate: (sim, d, target) =>
      sim.addWorkspace({ id: target, customerId: simulatedCustomerId(target), location: d.location, createdBySecurityCenter: true, solutions: [] }),
  },
  "install-solution": {
    label: (d, target) => (d.reason ? `${labelByTarget(d, target)}: ${d.reason}` : labelByTarget(d, target)),
    simulate: (sim, d) => {
      sim.workspace(d.workspaceId).solutions.push(d.solution);
    },
  },
  "delete-workspace": { label: labelByTarget, simulate: (sim, _d, target) => sim.removeWorkspace(target) },
};
