/**
 * DefaultWorkspace: Security Center's default Log Analytics workspace for one geography
 * (`DefaultResourceGroup-<geo>` + `DefaultWorkspace-<sub>-<geo>` in the geography's location, 30
 * days retention, with the Security or SecurityCenterFree solution), or the wiring to a user's
 * existing workspace (no resource group or workspace created; the solution only if asked).
 *
 * A renderer of the workspaces capability's unit (src/capabilities/workspaces/declare.ts): the same
 * resources the planner's create-resource-group, create-workspace and install-solution steps make.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Workspace } from "@pulumi/azure-native/operationalinsights";
import type { Solution } from "@pulumi/azure-native/operationsmanagement";
import type { ResourceGroup } from "@pulumi/azure-native/resources";
import {
  declareDefaultWorkspace,
  declareWorkspaceSolution,
  workspaceInputIssues,
  type DefaultWorkspaceInput,
  type ExistingWorkspaceFields,
  type ExistingWorkspaceInput,
} from "../../../src/capabilities/workspaces";
import { type WorkspaceUnit } from "../../../src/core";
import type { Geography, SecuritySolution } from "../../../src/spec";
import type { WithInputs } from "../args";
import { failArgs, modelValue, type ValidationIssue } from "../internal/validation";
import { isDeclaredUnit, type DeclaredUnit } from "../render/declared";
import { RenderedDeclarations } from "../render/registry";
import { renderUnit } from "../render/resources";
import { checkedWorkspaceId } from "./workspaceId";

export const DEFAULT_WORKSPACE_TYPE = "asc-autoprovision:workspace:DefaultWorkspace";

/** Create Security Center's default workspace for the geography of `region` (each field's documentation is the capability's fields.ts). */
export type NewDefaultWorkspaceArgs = DefaultWorkspaceInput;

/** Wire to a user's existing workspace: nothing is created but (optionally) the solution. Its id and location may be Outputs, validated when known. */
export type ExistingWorkspaceArgs = WithInputs<ExistingWorkspaceFields, "existingWorkspaceId" | "location">;

export type DefaultWorkspaceArgs = NewDefaultWorkspaceArgs | ExistingWorkspaceArgs;

function isExisting(args: DefaultWorkspaceArgs): args is ExistingWorkspaceArgs {
  return (args as ExistingWorkspaceArgs).existingWorkspaceId !== undefined;
}

/** An existing workspace's arguments as the model's input: Outputs become deferred values. */
function existingInput(args: ExistingWorkspaceArgs, id: pulumi.Input<string> = args.existingWorkspaceId): ExistingWorkspaceInput {
  return { ...args, existingWorkspaceId: modelValue<string>(id), location: args.location === undefined ? undefined : modelValue<string>(args.location) };
}

/** Validates DefaultWorkspace's arguments (known values only); each issue names the argument. Exported for tests. */
export function validateDefaultWorkspaceArgs(args: DefaultWorkspaceArgs): ValidationIssue[] {
  if (args === undefined || args === null || typeof args !== "object") return [{ path: "args", message: "are required" }];
  return workspaceInputIssues(isExisting(args) ? existingInput(args) : args);
}

export class DefaultWorkspace extends pulumi.ComponentResource {
  /** ARM id of the workspace (created or existing). */
  public readonly workspaceId!: pulumi.Output<string>;
  /** Name of the workspace, e.g. `DefaultWorkspace-<sub>-WEU`. */
  public readonly workspaceName!: pulumi.Output<string>;
  /** Resource group of the workspace, e.g. `DefaultResourceGroup-WEU`. */
  public readonly resourceGroupName!: pulumi.Output<string>;
  /** Location of the workspace (the geography's workspace location for a created one; "" for an existing one without a solution and no `location` given). */
  public readonly location!: pulumi.Output<string>;
  /** The geography served (created workspaces only). */
  public readonly geography?: Geography;
  /** `Security` or `SecurityCenterFree`; undefined when no solution is declared. */
  public readonly solutionProduct?: SecuritySolution;
  public readonly resourceGroup?: ResourceGroup;
  public readonly workspace?: Workspace;
  public readonly solution?: Solution;

  constructor(name: string, args: DefaultWorkspaceArgs | DeclaredUnit<WorkspaceUnit>, opts?: pulumi.ComponentResourceOptions) {
    super(DEFAULT_WORKSPACE_TYPE, name, {}, opts);
    if (opts?.urn) return; // rehydrating a component another program created: nothing to declare
    const { declared: unit, registry } = isDeclaredUnit<WorkspaceUnit>(args) ? args : { declared: this.declare(name, args), registry: new RenderedDeclarations() };
    const rendered = renderUnit({ parent: this, name, registry, options: { parent: this } }, unit);
    this.resourceGroup = rendered.get("resource-group") as ResourceGroup | undefined;
    this.workspace = rendered.get("workspace") as Workspace | undefined;
    this.solution = rendered.get("solution") as Solution | undefined;
    // A created workspace's own id, so dependents wait for it.
    this.workspaceId = this.workspace ? this.workspace.id : registry.output(unit.workspaceId);
    this.workspaceName = registry.output(unit.workspaceName);
    this.resourceGroupName = registry.output(unit.resourceGroupName);
    this.location = registry.output(unit.location);
    this.geography = unit.geography;
    this.solutionProduct = unit.solution;
    this.registerOutputs({
      workspaceId: this.workspaceId,
      workspaceName: this.workspaceName,
      resourceGroupName: this.resourceGroupName,
      location: this.location,
      solutionProduct: this.solutionProduct,
    });
  }

  /** The unit the arguments describe (validated first; an existing workspace's id is checked once known). */
  private declare(name: string, args: DefaultWorkspaceArgs): WorkspaceUnit {
    const issues = validateDefaultWorkspaceArgs(args);
    if (issues.length) failArgs(this, "DefaultWorkspace", name, issues);
    if (!isExisting(args)) return declareDefaultWorkspace(name, args);
    return declareWorkspaceSolution(name, existingInput(args, checkedWorkspaceId(this, "DefaultWorkspace", name, args.existingWorkspaceId, "existingWorkspaceId")));
  }
}
