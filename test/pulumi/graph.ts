/**
 * Assertions over a mocked resource graph, shared by the example tests: parents, providers, no
 * workspace key anywhere, and the comparison with what the planner would do on a fresh fleet.
 */
import { emptyInventory } from "../../src/inventory/load";
import type { Inventory, InventoryWorkspace } from "../../src/inventory/schema";
import { nameOf, resourceGroupOf, subscriptionOf } from "../../src/inventory/ids";
import { plan } from "../../src/core";
import type { Spec } from "../../src/spec/schema";
import { workspaceKeyLeaks, type MockRun, type Props, type Recorded } from "./harness";

export const T = {
  autoProvisioning: "asc-autoprovision:index:AutoProvisioning",
  defaultWorkspace: "asc-autoprovision:workspace:DefaultWorkspace",
  securityEvents: "asc-autoprovision:workspace:SecurityEventCollection",
  extensionPolicy: "asc-autoprovision:policy:ExtensionPolicy",
  amaPolicy: "asc-autoprovision:policy:AzureMonitorAgentPolicy",
  provider: "pulumi:providers:azure-native",
  resourceGroup: "azure-native:resources:ResourceGroup",
  workspace: "azure-native:operationalinsights:Workspace",
  dataSource: "azure-native:operationalinsights:DataSource",
  solution: "azure-native:operationsmanagement:Solution",
  pricing: "azure-native:security:Pricing",
  workspaceSetting: "azure-native:security:WorkspaceSetting",
  policyAssignment: "azure-native:authorization:PolicyAssignment",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  remediation: "azure-native:policyinsights:RemediationAtSubscription",
  dataCollectionRule: "azure-native:monitor:DataCollectionRule",
  agentReconciliation: "pulumi-nodejs:dynamic/asc-autoprovision:AgentReconciliation",
} as const;

/** The component types each resource type may be parented to. */
const PARENT_TYPES: Record<string, readonly string[]> = {
  [T.defaultWorkspace]: [T.autoProvisioning],
  [T.securityEvents]: [T.autoProvisioning],
  [T.extensionPolicy]: [T.autoProvisioning],
  [T.amaPolicy]: [T.autoProvisioning],
  [T.pricing]: [T.autoProvisioning],
  [T.workspaceSetting]: [T.autoProvisioning],
  [T.agentReconciliation]: [T.autoProvisioning],
  [T.resourceGroup]: [T.defaultWorkspace],
  [T.workspace]: [T.defaultWorkspace],
  [T.solution]: [T.defaultWorkspace],
  [T.dataSource]: [T.securityEvents],
  [T.dataCollectionRule]: [T.securityEvents],
  [T.policyAssignment]: [T.extensionPolicy, T.amaPolicy],
  [T.roleAssignment]: [T.extensionPolicy, T.amaPolicy],
  [T.remediation]: [T.extensionPolicy, T.amaPolicy],
};

/**
 * Every resource a component declares is parented to its component, named under it, and (for
 * custom resources) registered with an explicit provider. `standalone` lists names of resources a
 * program declares itself (not through a component), which are skipped.
 */
export function expectComponentTree(run: MockRun, standalone: readonly string[] = []): void {
  for (const r of run.resources) {
    if (standalone.includes(r.name)) continue;
    if (r.type === T.autoProvisioning) {
      expect(r.parent).toBe("");
      continue;
    }
    const parent = run.parentOf(r);
    const wanted = r.type === T.provider ? [T.autoProvisioning] : PARENT_TYPES[r.type];
    if (!wanted) throw new Error(`unexpected resource type ${r.type} (${r.name})`);
    // A standalone ExtensionPolicy/DefaultWorkspace has no parent.
    if (!parent && [T.extensionPolicy, T.amaPolicy, T.defaultWorkspace, T.securityEvents].includes(r.type as never)) continue;
    expect({ name: r.name, parentType: parent?.type }).toEqual({ name: r.name, parentType: wanted.find((t) => t === parent?.type) ?? wanted.join(" or ") });
    expect(r.name.startsWith(parent!.name + "-")).toBe(true);
    // Under an AutoProvisioning every custom resource has an explicit provider (its subscription's),
    // except the dynamic AgentReconciliation, served by the dynamic-provider host.
    if (r.custom && r.type !== T.provider && r.type !== T.agentReconciliation && owningSubscription(run, r)) expect(r.provider).toMatch(/^urn:pulumi:.*[:$]pulumi:providers:azure-native::/);
  }
}

/** The subscription of the AutoProvisioning a resource belongs to (its nearest ancestor of that type), as the component registered it. */
export function owningSubscription(run: MockRun, r: Recorded): string | undefined {
  for (let p = run.parentOf(r); p; p = run.parentOf(p)) {
    if (p.type === T.autoProvisioning) return p.outputs["subscriptionId"];
  }
  return undefined;
}

/** No input, no state and no output carries a workspace key, and no key was ever asked for. */
export function expectNoWorkspaceKeys(run: MockRun, outputs: unknown): void {
  const leaks = run.resources.flatMap((r) => [
    ...workspaceKeyLeaks(r.inputs, `${r.name}.inputs`),
    ...workspaceKeyLeaks(r.state, `${r.name}.state`),
  ]);
  expect(leaks).toEqual([]);
  expect(workspaceKeyLeaks(outputs, "outputs")).toEqual([]);
  expect(run.invocations.map((i) => i.token).filter((t) => /sharedkeys/i.test(t))).toEqual([]);
}

/**
 * A fresh fleet for `spec`: the subscriptions onboarded in 2020 on the other pricing tier than the
 * spec's (so that the planner, which emits changes only, sets it), one Windows and
 * one Linux VM per machine region (no agent), an AKS cluster without the policy add-on, and the
 * given existing workspaces. On it the planner creates everything the components declare.
 */
export function freshInventory(spec: Spec, regions: ReadonlyMap<string, readonly string[]>, workspaces: InventoryWorkspace[] = []): Inventory {
  const inv = emptyInventory();
  return {
    ...inv,
    subscriptions: spec.subscriptions.map((id) => ({ id, onboardedAt: "2020-01-01" })),
    settings: Object.fromEntries(spec.subscriptions.map((s) => [s, { autoProvision: "Off" as const, workspaceId: null, pricingTier: spec.logAnalyticsAgent.defender ? ("Free" as const) : ("Standard" as const) }])),
    workspaces,
    machines: spec.subscriptions.flatMap((sub) =>
      (regions.get(sub) ?? []).flatMap((region) =>
        (["Windows", "Linux"] as const).map((osType) => ({
          id: `/subscriptions/${sub}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-${osType.toLowerCase()}-${region}`,
          kind: "vm" as const,
          osType,
          location: region,
          powerState: "running" as const,
          vmAgent: true,
          extensions: [],
          agents: [],
        })),
      ),
    ),
    clusters: spec.subscriptions.map((sub) => ({
      id: `/subscriptions/${sub}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-${sub.slice(0, 4)}`,
      location: "westeurope",
      addons: { azurepolicy: false },
    })),
  };
}

/** JSON with the keys of every object sorted. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/**
 * One line per Azure resource, in terms both sides can state. The AMA policies' resources are
 * left out: the planner does not assign them (src/spec/amaPolicies.ts); amaPolicyFacts states them.
 */
export function declaredFacts(run: MockRun): string[] {
  const facts: string[] = [];
  for (const r of run.resources) {
    if (run.parentOf(r)?.type === T.amaPolicy) continue;
    const i = r.inputs;
    switch (r.type) {
      case T.resourceGroup:
        facts.push(`resource-group ${r.subscription} ${i["resourceGroupName"]} ${i["location"]}`);
        break;
      case T.workspace:
        facts.push(`workspace ${r.subscription} ${i["resourceGroupName"]} ${i["workspaceName"]} ${i["location"]} ${i["sku"].name} ${i["retentionInDays"]}`);
        break;
      case T.solution:
        facts.push(`solution ${r.subscription} ${i["properties"].workspaceResourceId} ${i["resourceGroupName"]} ${i["solutionName"]} ${i["location"]} ${stable(i["plan"])}`);
        break;
      case T.dataSource:
        facts.push(`security-events ${r.subscription} ${i["resourceGroupName"]} ${i["workspaceName"]} ${i["dataSourceName"]} ${i["properties"].Tier}`);
        break;
      case T.pricing:
        facts.push(`pricing ${r.subscription} ${i["scopeId"]} ${i["pricingName"]} ${i["pricingTier"]}`);
        break;
      case T.workspaceSetting:
        facts.push(`workspace-setting ${r.subscription} ${i["workspaceSettingName"]} ${i["scope"]} ${i["workspaceId"]}`);
        break;
      case T.policyAssignment:
        facts.push(`assignment ${i["scope"]} ${i["policyAssignmentName"]} ${i["policyDefinitionId"]} ${i["displayName"]} ${i["location"]} ${i["identity"].type}`);
        break;
      case T.roleAssignment:
        facts.push(`role ${i["scope"]} ${i["roleAssignmentName"]} ${i["roleDefinitionId"]}`);
        break;
      case T.remediation:
        facts.push(`remediation ${r.subscription} ${i["policyAssignmentId"]} ${i["resourceDiscoveryMode"]} ${i["parallelDeployments"]}`);
        break;
      case T.dataCollectionRule: {
        const body = {
          location: i["location"],
          tags: i["tags"],
          properties: { description: i["description"], dataSources: i["dataSources"], destinations: i["destinations"], dataFlows: i["dataFlows"] },
        };
        facts.push(`data-collection-rule ${r.subscription} ${i["resourceGroupName"]} ${i["dataCollectionRuleName"]} ${i["location"]} ${stable(body)}`);
        break;
      }
    }
  }
  return facts.sort();
}

/** The same lines from the planner's steps on `inventory`. */
export function plannedFacts(spec: Spec, inventory: Inventory): string[] {
  const facts: string[] = [];
  for (const step of plan(spec, inventory).steps) {
    const d = step.details as Props;
    switch (step.action) {
      case "create-resource-group":
        facts.push(`resource-group ${d["subscriptionId"]} ${d["name"]} ${d["location"]}`);
        break;
      case "create-workspace":
        facts.push(`workspace ${d["subscriptionId"]} ${d["resourceGroup"]} ${d["name"]} ${d["location"]} ${d["sku"]} ${d["retentionInDays"]}`);
        break;
      case "install-solution":
        facts.push(`solution ${subscriptionOf(d["workspaceId"])} ${d["workspaceId"]} ${resourceGroupOf(d["workspaceId"])} ${d["name"]} ${d["location"]} ${stable(d["plan"])}`);
        break;
      case "set-security-events":
        facts.push(`security-events ${subscriptionOf(d["workspaceId"])} ${resourceGroupOf(d["workspaceId"])} ${nameOf(d["workspaceId"])} ${d["dataSource"]} ${d["apiTier"]}`);
        break;
      case "set-pricing":
        facts.push(`pricing ${d["subscriptionId"]} /subscriptions/${d["subscriptionId"]} ${d["pricingName"]} ${d["pricingTier"]}`);
        break;
      case "set-workspace-setting":
        facts.push(`workspace-setting ${d["subscriptionId"]} ${nameOf(step.target)} ${d["scope"]} ${d["workspaceId"]}`);
        break;
      case "assign-policy":
        facts.push(`assignment ${d["scope"]} ${d["name"]} ${d["policyDefinitionId"]} ${d["displayName"]} ${d["location"]} ${d["identity"]}`);
        break;
      case "grant-role":
        facts.push(`role ${d["scope"]} ${nameOf(step.target)} ${d["roleDefinitionId"]}`);
        break;
      case "create-remediation":
        // The Dependency agent's remediation is the reconciler's alone (README, "Who owns what"): no front end declares it.
        if (/\/policyAssignments\/asc-dependency-agent-/.test(String(d["policyAssignmentId"]))) break;
        facts.push(`remediation ${subscriptionOf(d["scope"])} ${d["policyAssignmentId"]} ${d["resourceDiscoveryMode"]} ${d["parallelDeployments"]}`);
        break;
      case "create-dcr":
        facts.push(`data-collection-rule ${d["subscriptionId"]} ${d["resourceGroup"]} ${d["name"]} ${d["location"]} ${stable(d["body"])}`);
        break;
    }
  }
  return facts.sort();
}

/** The AMA policies' assignments: name, definition, DCR parameter, selected regions, not-scopes, location; one line each, sorted. */
export function amaPolicyFacts(run: MockRun): string[] {
  return run
    .ofType(T.policyAssignment)
    .filter((r) => run.parentOf(r)?.type === T.amaPolicy)
    .map((r) => {
      const i = r.inputs;
      const regions = i["resourceSelectors"]?.[0]?.selectors?.[0]?.in as string[] | undefined;
      return [i["policyAssignmentName"], nameOf(i["policyDefinitionId"]), i["parameters"]?.dcrResourceId?.value ?? "-", regions ? regions.join(",") : "*", (i["notScopes"] ?? []).join(",") || "-", i["location"]].join(" ");
    })
    .sort();
}
