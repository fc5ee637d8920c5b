/** The steps of workspaces: resource group, workspace, its Security Center solution, deletion. */
import type { SecuritySolution } from "../../spec/naming";
import { simulatedCustomerId, targetLabel, type StepKinds } from "../../core/kernel";

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

const byTarget = (_d: unknown, target: string) => targetLabel(target);

export const WORKSPACE_STEPS: StepKinds<WorkspaceSteps> = {
  "create-resource-group": { label: byTarget, simulate: () => undefined },
  "create-workspace": {
    label: byTarget,
    simulate: (sim, d, target) =>
      sim.addWorkspace({ id: target, customerId: simulatedCustomerId(target), location: d.location, createdBySecurityCenter: true, solutions: [] }),
  },
  "install-solution": {
    label: byTarget,
    simulate: (sim, d) => {
      sim.workspace(d.workspaceId).solutions.push(d.solution);
    },
  },
  "delete-workspace": { label: byTarget, simulate: (sim, _d, target) => sim.removeWorkspace(target) },
};
