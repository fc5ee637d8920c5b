/**
 * DefaultWorkspace: Security Center's default Log Analytics workspace for one geography
 * (`DefaultResourceGroup-<geo>` + `DefaultWorkspace-<sub>-<geo>` in the geography's location, 30
 * days retention, with the Security or SecurityCenterFree solution), or the wiring to a user's
 * existing workspace (no resource group or workspace created; the solution only if asked).
 *
 * Every rule comes from src/spec (geography, naming, solution by Defender) and src/reconcile
 * (retention, SKU, solution plan): the same resources the planner's create-resource-group,
 * create-workspace and install-solution steps make.
 */
import * as pulumi from "@pulumi/pulumi";
import { Workspace, getWorkspaceOutput } from "@pulumi/azure-native/operationalinsights";
import { Solution } from "@pulumi/azure-native/operationsmanagement";
import { ResourceGroup } from "@pulumi/azure-native/resources";
import { geographyOf, normalizeRegion, type Geography } from "../../src/spec/geography";
import { defaultResourceGroupName, defaultWorkspaceName, solutionForDefender, solutionName, type SecuritySolution } from "../../src/spec/naming";
import { DEFAULT_WORKSPACE_RETENTION_DAYS, DEFAULT_WORKSPACE_SKU, solutionPlan } from "../../src/reconcile/workspaces";
import { failArgs, isKnown, parseSpecAs, type ValidationIssue } from "../internal/validation";
import { checkedWorkspaceId, parseWorkspaceId, workspaceIdIssues } from "./workspaceId";

export const DEFAULT_WORKSPACE_TYPE = "asc-autoprovision:workspace:DefaultWorkspace";

/** Create Security Center's default workspace for the geography of `region`. */
export interface NewDefaultWorkspaceArgs {
  /**
   * Subscription GUID the resource group and workspace are created in; it is part of the
   * workspace name (`DefaultWorkspace-<subscriptionId>-<geo>`). The azure-native provider in effect
   * must target this subscription (AutoProvisioning makes one that does). Changing it replaces the
   * resource group, the workspace and the solution.
   */
  readonly subscriptionId: string;
  /**
   * Any region of the machines this workspace serves, e.g. `northeurope`. Its geography
   * (src/spec/geography.ts) gives the code and the location: northeurope is in Europe, so the
   * workspace is `DefaultWorkspace-<sub>-WEU` in westeurope. A region outside every geography is a
   * geography of its own (its own region and short code). Moving to another geography replaces
   * everything; another region of the same geography changes nothing.
   */
  readonly region: string;
  /**
   * Azure Defender on/off. `true` (default) installs the `Security` solution, `false`
   * `SecurityCenterFree`. Changing it replaces the solution.
   */
  readonly defender?: boolean;
}

/** Wire to a user's existing workspace: nothing is created but (optionally) the solution. */
export interface ExistingWorkspaceArgs {
  /**
   * ARM id of the existing Log Analytics workspace
   * (`/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>`).
   * May be an Output; then it is validated when known. The azure-native provider in effect must
   * target the workspace's subscription.
   */
  readonly existingWorkspaceId: pulumi.Input<string>;
  /** The workspace's location, for the solution. Default: read from Azure (an invoke of getWorkspace). */
  readonly location?: pulumi.Input<string>;
  /**
   * Install the Security/SecurityCenterFree solution on the workspace (seed: a user workspace that
   * machines report to needs it). Default `true`. Set `false` when it is already installed (ARM
   * keeps one per workspace; import it instead) or declared elsewhere.
   */
  readonly installSolution?: boolean;
  /** Azure Defender on/off: `Security` (default `true`) or `SecurityCenterFree`. Changing it replaces the solution. */
  readonly defender?: boolean;
}

export type DefaultWorkspaceArgs = NewDefaultWorkspaceArgs | ExistingWorkspaceArgs;

function isExisting(args: DefaultWorkspaceArgs): args is ExistingWorkspaceArgs {
  return (args as ExistingWorkspaceArgs).existingWorkspaceId !== undefined;
}

/** Validates DefaultWorkspace's arguments (known values only); each issue names the argument. Exported for tests. */
export function validateDefaultWorkspaceArgs(args: DefaultWorkspaceArgs): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (args === undefined || args === null || typeof args !== "object") return [{ path: "args", message: "are required" }];
  if (typeof args.defender !== "boolean" && args.defender !== undefined) {
    issues.push({ path: "defender", message: `${JSON.stringify(args.defender)} is not a boolean` });
  }
  if (isExisting(args)) {
    if ((args as Partial<NewDefaultWorkspaceArgs>).subscriptionId !== undefined || (args as Partial<NewDefaultWorkspaceArgs>).region !== undefined) {
      issues.push({ path: "existingWorkspaceId", message: "wires to an existing workspace: leave subscriptionId and region unset (they create a default one)" });
    }
    if (isKnown(args.existingWorkspaceId)) issues.push(...workspaceIdIssues(args.existingWorkspaceId, "existingWorkspaceId"));
    return issues;
  }
  const sub = parseSpecAs({ subscriptions: [args.subscriptionId] }, (p) => (p.startsWith("subscriptions[0]") ? "subscriptionId" : p));
  issues.push(...sub.issues);
  if (typeof args.region !== "string" || normalizeRegion(args.region) === "") {
    issues.push({ path: "region", message: `${JSON.stringify(args.region)} is not a region name (e.g. "westeurope")` });
  }
  return issues;
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

  constructor(name: string, args: DefaultWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super(DEFAULT_WORKSPACE_TYPE, name, {}, opts);
    if (opts?.urn) return; // rehydrating a component another program created: nothing to declare
    const issues = validateDefaultWorkspaceArgs(args);
    if (issues.length) failArgs(this, "DefaultWorkspace", name, issues);
    const defender = args.defender ?? true;
    const product = solutionForDefender(defender);

    if (isExisting(args)) {
      const id = checkedWorkspaceId(this, "DefaultWorkspace", name, args.existingWorkspaceId, "existingWorkspaceId");
      const parts = id.apply(parseWorkspaceId);
      this.workspaceId = id;
      this.workspaceName = parts.apply((p) => p.workspaceName);
      this.resourceGroupName = parts.apply((p) => p.resourceGroupName);
      const installSolution = args.installSolution ?? true;
      // Looked up only when the solution needs it.
      this.location =
        args.location !== undefined || !installSolution
          ? pulumi.output(args.location ?? "")
          : getWorkspaceOutput({ resourceGroupName: this.resourceGroupName, workspaceName: this.workspaceName }, { parent: this }).location;
      if (installSolution) {
        this.solutionProduct = product;
        this.solution = this.declareSolution(name, product, id, this.workspaceName, this.resourceGroupName, this.location, []);
      }
    } else {
      const subscriptionId = args.subscriptionId.toLowerCase();
      const geography = geographyOf(args.region);
      const rgName = defaultResourceGroupName(geography.code);
      const wsName = defaultWorkspaceName(subscriptionId, geography.code);
      this.geography = geography;
      this.resourceGroup = new ResourceGroup(`${name}-resource-group`, { resourceGroupName: rgName, location: geography.workspaceLocation }, { parent: this });
      this.workspace = new Workspace(
        `${name}-workspace`,
        {
          resourceGroupName: rgName,
          workspaceName: wsName,
          location: geography.workspaceLocation,
          sku: { name: DEFAULT_WORKSPACE_SKU },
          retentionInDays: DEFAULT_WORKSPACE_RETENTION_DAYS,
        },
        { parent: this, dependsOn: [this.resourceGroup] },
      );
      // The workspace's own id (the planner's defaultWorkspaceId once created), so dependents wait for it.
      this.workspaceId = this.workspace.id;
      this.workspaceName = pulumi.output(wsName);
      this.resourceGroupName = pulumi.output(rgName);
      this.location = pulumi.output(geography.workspaceLocation);
      this.solutionProduct = product;
      this.solution = this.declareSolution(name, product, this.workspaceId, this.workspaceName, this.resourceGroupName, this.location, [this.workspace]);
    }

    this.registerOutputs({
      workspaceId: this.workspaceId,
      workspaceName: this.workspaceName,
      resourceGroupName: this.resourceGroupName,
      location: this.location,
      solutionProduct: this.solutionProduct,
    });
  }

  private declareSolution(
    name: string,
    product: SecuritySolution,
    workspaceId: pulumi.Output<string>,
    workspaceName: pulumi.Output<string>,
    resourceGroupName: pulumi.Output<string>,
    location: pulumi.Output<string>,
    dependsOn: pulumi.Resource[],
  ): Solution {
    const fullName = workspaceName.apply((ws) => solutionName(product, ws));
    return new Solution(
      `${name}-solution`,
      {
        // A solution lives in its workspace's resource group.
        resourceGroupName,
        solutionName: fullName,
        location,
        plan: fullName.apply((n) => solutionPlan(product, n)),
        properties: { workspaceResourceId: workspaceId },
      },
      { parent: this, dependsOn },
    );
  }
}
