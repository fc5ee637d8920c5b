/**
 * DefaultWorkspace: Security Center's default Log Analytics workspace for one geography
 * (`DefaultResourceGroup-<geo>` + `DefaultWorkspace-<sub>-<geo>` in the geography's location, with
 * the Security or SecurityCenterFree solution), or the solution on a user's existing workspace.
 * The CDKTF twin of the Pulumi DefaultWorkspace; every rule comes from src/spec (geography, naming,
 * solution by Defender) and src/reconcile (SKU, retention, solution plan).
 */
import { DataAzurermLogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/data-azurerm-log-analytics-workspace";
import { LogAnalyticsSolution } from "@cdktf/provider-azurerm/lib/log-analytics-solution";
import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { nameOf, resourceGroupOf } from "../../src/inventory/ids";
import { geographyOf, type Geography } from "../../src/spec/geography";
import { defaultResourceGroupName, defaultWorkspaceId, defaultWorkspaceName, solutionForDefender, solutionName, type SecuritySolution } from "../../src/spec/naming";
import { specSchema } from "../../src/spec/schema";
import { DEFAULT_WORKSPACE_RETENTION_DAYS, DEFAULT_WORKSPACE_SKU, solutionPlan } from "../../src/reconcile/workspaces";
import { booleanIssues, failProps, regionIssues, schemaIssues, workspaceIdIssues, type ValidationIssue } from "./validation";

/** Create Security Center's default workspace for the geography of `region`. */
export interface NewDefaultWorkspaceProps {
  /**
   * Subscription GUID the resource group and workspace are created in (part of the workspace
   * name). `provider` must target it.
   */
  readonly subscriptionId: string;
  /**
   * Any region of the machines this workspace serves: its geography gives the code and the
   * location (northeurope → `DefaultWorkspace-<sub>-WEU` in westeurope).
   */
  readonly region: string;
  /**
   * Azure Defender on: the `Security` solution; off: `SecurityCenterFree`.
   * @default true
   */
  readonly defender?: boolean;
  /**
   * The azurerm provider for `subscriptionId`.
   * @default - the stack's default azurerm provider
   */
  readonly provider?: TerraformProvider;
}

/** Install the solution on a user's existing workspace; nothing else is created. */
export interface ExistingWorkspaceProps {
  /** ARM id of the existing Log Analytics workspace. `provider` must target its subscription. */
  readonly existingWorkspaceId: string;
  /**
   * The workspace's location, for the solution.
   * @default - read from Azure (an `azurerm_log_analytics_workspace` data source)
   */
  readonly location?: string;
  /** @default true */
  readonly defender?: boolean;
  /** @default - the stack's default azurerm provider */
  readonly provider?: TerraformProvider;
}

export type DefaultWorkspaceProps = NewDefaultWorkspaceProps | ExistingWorkspaceProps;

function isExisting(props: DefaultWorkspaceProps): props is ExistingWorkspaceProps {
  return (props as ExistingWorkspaceProps).existingWorkspaceId !== undefined;
}

export function validateDefaultWorkspaceProps(props: DefaultWorkspaceProps): ValidationIssue[] {
  if (props === undefined || props === null || typeof props !== "object") return [{ path: "props", message: "are required" }];
  const issues = booleanIssues(props.defender, "defender");
  if (isExisting(props)) {
    issues.push(...workspaceIdIssues(props.existingWorkspaceId, "existingWorkspaceId"));
    if (props.location !== undefined) issues.push(...regionIssues(props.location, "location"));
    return issues;
  }
  issues.push(...schemaIssues(specSchema.shape.subscriptions.element, props.subscriptionId, "subscriptionId"));
  issues.push(...regionIssues(props.region, "region"));
  return issues;
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

  constructor(scope: Construct, id: string, props: DefaultWorkspaceProps) {
    super(scope, id);
    const issues = validateDefaultWorkspaceProps(props);
    if (issues.length) failProps("DefaultWorkspace", id, issues);
    const provider = props.provider;
    this.solutionProduct = solutionForDefender(props.defender ?? true);
    let workspaceResourceId: string;

    if (isExisting(props)) {
      this.workspaceId = props.existingWorkspaceId;
      this.workspaceName = nameOf(this.workspaceId);
      this.resourceGroupName = resourceGroupOf(this.workspaceId);
      if (props.location !== undefined) {
        this.location = props.location;
      } else {
        this.lookup = new DataAzurermLogAnalyticsWorkspace(this, "Lookup", { name: this.workspaceName, resourceGroupName: this.resourceGroupName, provider });
        this.location = this.lookup.location;
      }
      workspaceResourceId = this.workspaceId;
    } else {
      const sub = props.subscriptionId.toLowerCase();
      const geography = geographyOf(props.region);
      this.geography = geography;
      this.workspaceId = defaultWorkspaceId(sub, geography.code);
      this.workspaceName = defaultWorkspaceName(sub, geography.code);
      this.resourceGroupName = defaultResourceGroupName(geography.code);
      this.location = geography.workspaceLocation;
      this.resourceGroup = new ResourceGroup(this, "ResourceGroup", { name: this.resourceGroupName, location: this.location, provider });
      this.workspace = new LogAnalyticsWorkspace(this, "Workspace", {
        name: this.workspaceName,
        resourceGroupName: this.resourceGroup.name,
        location: this.location,
        sku: DEFAULT_WORKSPACE_SKU,
        retentionInDays: DEFAULT_WORKSPACE_RETENTION_DAYS,
        provider,
      });
      // The created workspace's id, so the solution waits for it.
      workspaceResourceId = this.workspace.id;
    }

    // azurerm names the solution `<solution_name>(<workspace_name>)` and sets plan.name to that itself.
    const plan = solutionPlan(this.solutionProduct, solutionName(this.solutionProduct, this.workspaceName));
    this.solution = new LogAnalyticsSolution(this, "Solution", {
      solutionName: this.solutionProduct,
      workspaceName: this.workspaceName,
      workspaceResourceId,
      // A solution lives in its workspace's resource group.
      resourceGroupName: this.resourceGroupName,
      location: this.location,
      plan: { publisher: plan.publisher, product: plan.product, promotionCode: plan.promotionCode },
      provider,
    });
  }
}
