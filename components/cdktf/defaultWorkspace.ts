/**
 * DefaultWorkspace: Security Center's default Log Analytics workspace for one geography
 * (`DefaultResourceGroup-<geo>` + `DefaultWorkspace-<sub>-<geo>` in the geography's location, with
 * the Security or SecurityCenterFree solution), or the solution on a user's existing workspace.
 * A renderer of the workspaces capability's unit (src/capabilities/workspaces/declare.ts), as the
 * Pulumi DefaultWorkspace is.
 */
import type { DataAzurermLogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/data-azurerm-log-analytics-workspace";
import type { LogAnalyticsSolution } from "@cdktf/provider-azurerm/lib/log-analytics-solution";
import type { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import type { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import {
  declareDefaultWorkspace,
  declareWorkspaceSolution,
  workspaceInputIssues,
  type DefaultWorkspaceInput,
  type ExistingWorkspaceInput,
} from "../../src/capabilities/workspaces";
import { type WorkspaceUnit } from "../../src/core";
import type { Geography, SecuritySolution } from "../../src/spec";
import { isDeclaredUnit, type DeclaredUnit } from "./render/declared";
import { RenderedDeclarations } from "./render/registry";
import { renderUnit } from "./render/resources";
import { failProps, type ValidationIssue } from "./validation";

/** Create Security Center's default workspace for the geography of `region` (each field's documentation is the model's). */
export interface NewDefaultWorkspaceProps extends DefaultWorkspaceInput {
  /**
   * The azurerm provider for `subscriptionId`.
   * @default - the stack's default azurerm provider
   */
  readonly provider?: TerraformProvider;
}

/** Install the solution on a user's existing workspace; nothing else is created. */
export interface ExistingWorkspaceProps extends Omit<ExistingWorkspaceInput, "existingWorkspaceId" | "location" | "installSolution"> {
  /** The workspace's ARM id (see ExistingWorkspaceInput). `provider` must target its subscription. */
  readonly existingWorkspaceId: string;
  /**
   * The workspace's location, for the solution.
   * @default - read from Azure (an `azurerm_log_analytics_workspace` data source)
   */
  readonly location?: string;
  /** @default - the stack's default azurerm provider */
  readonly provider?: TerraformProvider;
}

export type DefaultWorkspaceProps = NewDefaultWorkspaceProps | ExistingWorkspaceProps;

function isExisting(props: DefaultWorkspaceProps): props is ExistingWorkspaceProps {
  return (props as ExistingWorkspaceProps).existingWorkspaceId !== undefined;
}

export function validateDefaultWorkspaceProps(props: DefaultWorkspaceProps): ValidationIssue[] {
  return workspaceInputIssues(props);
}

export class DefaultWorkspace extends Construct {
  /** ARM id of the workspace, known at synth (a created workspace's id is the one Azure gives it). */
  public readonly workspaceId: string;
  /** `DefaultWorkspace-<sub>-<geo>`, or the existing workspace's name. */
  public readonly workspaceName: string;
  public readonly resourceGroupName: string;
  /** The workspace's location: the geography's, the given one, or a token of the looked-up one. */
  public readonly location: string;
  /** The geography served (created workspaces only). */
  public readonly geography?: Geography;
  public readonly solutionProduct: SecuritySolution;
  public readonly resourceGroup?: ResourceGroup;
  public readonly workspace?: LogAnalyticsWorkspace;
  /** The lookup of an existing workspace's location, when none was given. */
  public readonly lookup?: DataAzurermLogAnalyticsWorkspace;
  public readonly solution: LogAnalyticsSolution;

  constructor(scope: Construct, id: string, props: DefaultWorkspaceProps | DeclaredUnit<WorkspaceUnit>) {
    super(scope, id);
    let unit: WorkspaceUnit;
    let registry: RenderedDeclarations;
    if (isDeclaredUnit<WorkspaceUnit>(props)) {
      ({ declared: unit, registry } = props);
    } else {
      const issues = validateDefaultWorkspaceProps(props);
      if (issues.length) failProps("DefaultWorkspace", id, issues);
      unit = isExisting(props) ? declareWorkspaceSolution(id, props) : declareDefaultWorkspace(id, props);
      registry = new RenderedDeclarations();
    }
    const rendered = renderUnit({ scope: this, registry, provider: props.provider }, unit);
    this.resourceGroup = rendered.get("resource-group") as ResourceGroup | undefined;
    this.workspace = rendered.get("workspace") as LogAnalyticsWorkspace | undefined;
    this.solution = rendered.get("solution") as LogAnalyticsSolution;
    this.lookup = unit.lookups[0] && registry.lookup(unit.lookups[0].key);
    this.workspaceId = registry.token(unit.workspaceId);
    this.workspaceName = registry.token(unit.workspaceName);
    this.resourceGroupName = registry.token(unit.resourceGroupName);
    this.location = registry.token(unit.location);
    this.geography = unit.geography;
    this.solutionProduct = unit.solution!;
  }
}
