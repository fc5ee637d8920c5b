/**
 * The Pulumi side of the comparison: the root program (components/program) on a stack config,
 * under `pulumi.runtime.setMocks`, as test/pulumi runs it; every registered resource normalized to
 * an ArmResource. The mocks give ARM-shaped ids in the subscription of the provider a resource was
 * registered with, and answer the workspace lookup (getWorkspace) from `lookups`.
 */
import * as pulumi from "@pulumi/pulumi";
import { declareStack } from "../../components/pulumi/program/program";
import { ARM, principalOf, type ArmResource } from "./armResources";

/** Mocked inputs: JSON-like values read by key. */
type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- mocked resource inputs are read ad hoc

export const PROJECT = "asc-autoprovision";

interface Registered {
  readonly type: string;
  readonly inputs: Props;
  readonly subscription: string;
  readonly id: string;
}

function subscriptionOfProvider(provider: string | undefined): string {
  const m = provider ? /::provider-([^:]+)$/.exec(provider) : null;
  return m ? m[1]! : "default";
}

/** The ARM id a create would return, by type (as test/pulumi/harness.ts mocks it). */
function mockedId(type: string, name: string, i: Props, sub: string): string {
  const rg = (n: string) => `/subscriptions/${sub}/resourceGroups/${n}`;
  switch (type) {
    case "pulumi:providers:azure-native":
      return `provider-${i["subscriptionId"]}`;
    case "azure-native:resources:ResourceGroup":
      return rg(i["resourceGroupName"]);
    case "azure-native:operationalinsights:Workspace":
      return `${rg(i["resourceGroupName"])}/providers/Microsoft.OperationalInsights/workspaces/${i["workspaceName"]}`;
    case "azure-native:operationsmanagement:Solution":
      return `${rg(i["resourceGroupName"])}/providers/Microsoft.OperationsManagement/solutions/${i["solutionName"]}`;
    case "azure-native:operationalinsights:DataSource":
      return `${rg(i["resourceGroupName"])}/providers/Microsoft.OperationalInsights/workspaces/${i["workspaceName"]}/dataSources/${i["dataSourceName"]}`;
    case "azure-native:monitor:DataCollectionRule":
      return `${rg(i["resourceGroupName"])}/providers/Microsoft.Insights/dataCollectionRules/${i["dataCollectionRuleName"]}`;
    case "azure-native:security:Pricing":
      return `${i["scopeId"]}/providers/Microsoft.Security/pricings/${i["pricingName"]}`;
    case "azure-native:security:WorkspaceSetting":
      return `/subscriptions/${sub}/providers/Microsoft.Security/workspaceSettings/${i["workspaceSettingName"]}`;
    case "azure-native:authorization:PolicyAssignment":
      return `${i["scope"]}/providers/Microsoft.Authorization/policyAssignments/${i["policyAssignmentName"]}`;
    case "azure-native:authorization:RoleAssignment":
      return `${i["scope"]}/providers/Microsoft.Authorization/roleAssignments/${i["roleAssignmentName"]}`;
    case "azure-native:policyinsights:RemediationAtSubscription":
      return `/subscriptions/${sub}/providers/Microsoft.PolicyInsights/remediations/${i["remediationName"]}`;
    default:
      return `${name}-id`;
  }
}

function normalize(r: Registered): ArmResource | undefined {
  const i = r.inputs;
  const at = (armType: string, props: Record<string, unknown>): ArmResource => ({ armType, name: r.id, props });
  switch (r.type) {
    case "pulumi:providers:azure-native":
      return undefined;
    case "azure-native:resources:ResourceGroup":
      return at(ARM.resourceGroup, { location: i["location"] });
    case "azure-native:operationalinsights:Workspace":
      return at(ARM.workspace, { location: i["location"], sku: i["sku"].name, retentionInDays: i["retentionInDays"] });
    case "azure-native:operationsmanagement:Solution":
      return at(ARM.solution, { location: i["location"], workspaceResourceId: i["properties"].workspaceResourceId, plan: i["plan"] });
    case "azure-native:operationalinsights:DataSource":
      return at(ARM.dataSource, { kind: i["kind"], properties: i["properties"] });
    case "azure-native:monitor:DataCollectionRule":
      return at(ARM.dataCollectionRule, {
        location: i["location"],
        tags: i["tags"],
        properties: { description: i["description"], dataSources: i["dataSources"], destinations: i["destinations"], dataFlows: i["dataFlows"] },
      });
    case "azure-native:security:Pricing":
      return at(ARM.pricing, { pricingTier: i["pricingTier"] });
    case "azure-native:security:WorkspaceSetting":
      return at(ARM.workspaceSetting, { scope: i["scope"], workspaceId: i["workspaceId"] });
    case "azure-native:authorization:PolicyAssignment":
      return at(ARM.policyAssignment, {
        policyDefinitionId: i["policyDefinitionId"],
        displayName: i["displayName"],
        location: i["location"],
        identityType: i["identity"].type,
        parameters: i["parameters"] ?? null,
        resourceSelectors: i["resourceSelectors"] ?? null,
        notScopes: i["notScopes"] ?? null,
      });
    case "azure-native:authorization:RoleAssignment":
      return at(ARM.roleAssignment, { roleDefinitionId: i["roleDefinitionId"], principalId: i["principalId"], principalType: i["principalType"] });
    case "azure-native:policyinsights:RemediationAtSubscription":
      return at(ARM.remediation, {
        policyAssignmentId: i["policyAssignmentId"],
        resourceDiscoveryMode: i["resourceDiscoveryMode"],
        resourceCount: i["resourceCount"],
        parallelDeployments: i["parallelDeployments"],
      });
    default:
      throw new Error(`no normalizer for Pulumi resource type ${r.type}: the comparison must learn it`);
  }
}

/** Waits for every registration to reach the mock monitor; returns the errors that failed any. */
async function settle(): Promise<Error[]> {
  // waitForRPCs is exported by the runtime's settings module but left out of its typings.
  const settings = (await import("@pulumi/pulumi/runtime/settings")) as unknown as { waitForRPCs(): Promise<void> };
  const errors: Error[] = [];
  for (let i = 0; i < 3; i++) {
    try {
      await settings.waitForRPCs();
    } catch (err) {
      errors.push(err as Error);
    }
    await new Promise((r) => setImmediate(r));
  }
  return errors;
}

/**
 * Declares the root program on `config` (keys of the `asc-autoprovision` namespace, values as a
 * Pulumi.<stack>.yaml holds them) and returns its Azure resources. `lookups` maps a workspace ARM
 * id (lower-case) to the location getWorkspace answers.
 */
export async function pulumiResources(config: Record<string, unknown>, lookups: ReadonlyMap<string, string> = new Map()): Promise<ArmResource[]> {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) raw[`${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  pulumi.runtime.setAllConfig(raw);
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (!args.custom) return { id: undefined, state: {} };
        const subscription = subscriptionOfProvider(args.provider);
        const id = mockedId(args.type, args.name, args.inputs, subscription);
        registered.push({ type: args.type, inputs: args.inputs, subscription, id });
        const state: Props = { ...args.inputs };
        if (args.type === "azure-native:authorization:PolicyAssignment") state["identity"] = { ...args.inputs["identity"], principalId: principalOf(id) };
        return { id, state };
      },
      call(args) {
        if (args.token !== "azure-native:operationalinsights:getWorkspace") throw new Error(`unexpected invoke ${args.token}`);
        const provider = subscriptionOfProvider(args.provider);
        const id = `/subscriptions/${provider}/resourceGroups/${args.inputs["resourceGroupName"]}/providers/Microsoft.OperationalInsights/workspaces/${args.inputs["workspaceName"]}`;
        const location = lookups.get(id.toLowerCase());
        if (!location) throw new Error(`no mocked location for ${id}`);
        return { name: args.inputs["workspaceName"], location };
      },
    },
    PROJECT,
    "parity",
    false,
  );
  declareStack();
  const errors = await settle();
  if (errors.length) throw errors[0];
  return registered.map(normalize).filter((r): r is ArmResource => r !== undefined);
}
