/**
 * The constructs at synth level (Testing.synthScope / Testing.synth and cdktf's matchers): every
 * azurerm resource kind with its key properties, the security-event data source's exact ARM body,
 * the AMA rule both ways, the seed's limits (Defender off, Sentinel), nothing for auto provisioning.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { App, LocalBackend, Testing, type TerraformStack } from "cdktf";
import { localStatePath } from "../../components/cdktf/backend";
import { DataAzurermLogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/data-azurerm-log-analytics-workspace";
import { LogAnalyticsSolution } from "@cdktf/provider-azurerm/lib/log-analytics-solution";
import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { MonitorDataCollectionRule } from "@cdktf/provider-azurerm/lib/monitor-data-collection-rule";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { ResourceGroupTemplateDeployment } from "@cdktf/provider-azurerm/lib/resource-group-template-deployment";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { SecurityCenterAutoProvisioning } from "@cdktf/provider-azurerm/lib/security-center-auto-provisioning";
import { SecurityCenterServerVulnerabilityAssessmentsSetting } from "@cdktf/provider-azurerm/lib/security-center-server-vulnerability-assessments-setting";
import { SecurityCenterSetting } from "@cdktf/provider-azurerm/lib/security-center-setting";
import { SubscriptionTemplateDeployment } from "@cdktf/provider-azurerm/lib/subscription-template-deployment";
import { SecurityCenterSubscriptionPricing } from "@cdktf/provider-azurerm/lib/security-center-subscription-pricing";
import { SecurityCenterWorkspace } from "@cdktf/provider-azurerm/lib/security-center-workspace";
import { SubscriptionPolicyAssignment } from "@cdktf/provider-azurerm/lib/subscription-policy-assignment";
import { SubscriptionPolicyRemediation } from "@cdktf/provider-azurerm/lib/subscription-policy-remediation";
import "cdktf/lib/testing/adapters/jest";
import {
  AutoProvisioning,
  AutoProvisioningStack,
  DefaultWorkspace,
  ExtensionPolicy,
  SecurityEventCollection,
  ValidationError,
  type AutoProvisioningStackProps,
} from "../../components/cdktf";
import { dataCollectionRuleBody, xPathQueriesForTier } from "../../src/spec/dcr";
import type { SpecInput } from "../../src/spec/schema";

Testing.setupJest();

const SUB = "11111111-1111-1111-1111-111111111111";
const SUB2 = "22222222-2222-2222-2222-222222222222";
const WS = `/subscriptions/${SUB}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-main`;
const DEFAULT_WEU = `/subscriptions/${SUB}/resourceGroups/DefaultResourceGroup-WEU/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-${SUB}-WEU`;

type Block = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is read by key

/** The blocks of one resource type in a synthesized stack. */
function blocks(synthesized: string, type: string, kind: "resource" | "data" = "resource"): Block[] {
  const doc = JSON.parse(synthesized) as Record<string, Record<string, Record<string, Block>> | undefined>;
  return Object.values(doc[kind]?.[type] ?? {});
}

/** The resources of the single template deployment in `synthesized`. */
function templateResources(synthesized: string): Block[] {
  const [deployment, ...more] = blocks(synthesized, ResourceGroupTemplateDeployment.tfResourceType);
  expect(more).toEqual([]);
  expect(deployment!["deployment_mode"]).toBe("Incremental");
  const template = JSON.parse(deployment!["template_content"]) as Block;
  expect(template).toMatchObject({ $schema: expect.stringMatching(/deploymentTemplate\.json#$/), contentVersion: "1.0.0.0" });
  return template["resources"];
}

/** The Defender pricings in `synthesized`: each a subscription-scope template holding its exact body, by plan. */
function pricings(synthesized: string): Record<string, Block> {
  const bodies = blocks(synthesized, SubscriptionTemplateDeployment.tfResourceType)
    .flatMap((d) => (JSON.parse(d["template_content"]) as Block)["resources"] as Block[])
    .filter((r) => r["type"] === "Microsoft.Security/pricings");
  return Object.fromEntries(bodies.map((r) => [r["name"], r["properties"]]));
}

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}

function stackOf(props: AutoProvisioningStackProps): { stack: TerraformStack; json: string } {
  const stack = new AutoProvisioningStack(Testing.app(), "test", props);
  return { stack, json: Testing.synth(stack) };
}

describe("DefaultWorkspace", () => {
  test("a geography's resource group, workspace (PerGB2018, 30 days) and Security solution, named by the convention", () => {
    const json = Testing.synthScope((scope) => new DefaultWorkspace(scope, "ws", { subscriptionId: SUB, region: "northeurope" }));
    expect(json).toHaveResourceWithProperties(ResourceGroup, { name: "DefaultResourceGroup-WEU", location: "westeurope" });
    expect(json).toHaveResourceWithProperties(LogAnalyticsWorkspace, {
      name: `DefaultWorkspace-${SUB}-WEU`,
      location: "westeurope",
      sku: "PerGB2018",
      retention_in_days: 30,
      resource_group_name: expect.stringMatching(/^\$\{azurerm_resource_group\.ws_ResourceGroup_[0-9A-F]{8}\.name\}$/),
    });
    expect(json).toHaveResourceWithProperties(LogAnalyticsSolution, {
      solution_name: "Security",
      workspace_name: `DefaultWorkspace-${SUB}-WEU`,
      resource_group_name: "DefaultResourceGroup-WEU",
      location: "westeurope",
      workspace_resource_id: expect.stringMatching(/^\$\{azurerm_log_analytics_workspace\.ws_Workspace_[0-9A-F]{8}\.id\}$/),
      plan: { publisher: "Microsoft", product: "OMSGallery/Security", promotion_code: "" },
    });
  });

  test("Defender off: SecurityCenterFree", () => {
    const json = Testing.synthScope((scope) => new DefaultWorkspace(scope, "ws", { subscriptionId: SUB, region: "japanwest", defender: false }));
    expect(json).toHaveResourceWithProperties(LogAnalyticsSolution, { solution_name: "SecurityCenterFree", workspace_name: `DefaultWorkspace-${SUB}-EJP`, plan: expect.objectContaining({ product: "OMSGallery/SecurityCenterFree" }) });
  });

  test("an existing workspace: its solution only, at the location a data source reads", () => {
    let ws: DefaultWorkspace | undefined;
    const json = Testing.synthScope((scope) => {
      ws = new DefaultWorkspace(scope, "ws", { existingWorkspaceId: WS });
    });
    expect(json).not.toHaveResource(ResourceGroup);
    expect(json).not.toHaveResource(LogAnalyticsWorkspace);
    expect(json).toHaveDataSourceWithProperties(DataAzurermLogAnalyticsWorkspace, { name: "law-main", resource_group_name: "rg-logs" });
    expect(json).toHaveResourceWithProperties(LogAnalyticsSolution, {
      solution_name: "Security",
      workspace_name: "law-main",
      resource_group_name: "rg-logs",
      workspace_resource_id: WS,
      location: expect.stringMatching(/^\$\{data\.azurerm_log_analytics_workspace\.ws_Lookup_[0-9A-F]{8}\.location\}$/),
    });
    expect(ws!.workspaceId).toBe(WS);
  });

  test("an existing workspace with its location given: no lookup", () => {
    const json = Testing.synthScope((scope) => new DefaultWorkspace(scope, "ws", { existingWorkspaceId: WS, location: "uksouth" }));
    expect(json).not.toHaveDataSource(DataAzurermLogAnalyticsWorkspace);
    expect(json).toHaveResourceWithProperties(LogAnalyticsSolution, { location: "uksouth" });
  });
});

describe("SecurityEventCollection", () => {
  test("agent mma: the SecurityEventCollectionConfiguration data source's exact ARM body, in API words, in an Incremental template deployment", () => {
    const json = Testing.synthScope((scope) => new SecurityEventCollection(scope, "events", { workspaceId: WS, tier: "Common" }));
    expect(json).toHaveResourceWithProperties(ResourceGroupTemplateDeployment, {
      resource_group_name: "rg-logs",
      deployment_mode: "Incremental",
      name: expect.stringMatching(/^asc-security-events-[0-9a-f-]{36}$/),
    });
    expect(templateResources(json)).toEqual([
      {
        type: "Microsoft.OperationalInsights/workspaces/dataSources",
        apiVersion: "2020-08-01",
        name: "law-main/SecurityEventCollectionConfiguration",
        kind: "SecurityEventCollectionConfiguration",
        properties: { Tier: "Recommended", TierSetMethod: "Custom" },
      },
    ]);
  });

  test("tier None declares nothing; so does a tier with Defender off, with the planner's warning", () => {
    expect(blocks(Testing.synthScope((scope) => new SecurityEventCollection(scope, "events", { workspaceId: WS })), ResourceGroupTemplateDeployment.tfResourceType)).toEqual([]);
    let events: SecurityEventCollection | undefined;
    const json = Testing.synthScope((scope) => {
      events = new SecurityEventCollection(scope, "events", { workspaceId: WS, tier: "All", defender: false });
    });
    expect(json).not.toHaveResource(ResourceGroupTemplateDeployment);
    expect(events!.storedTier).toBe("None");
    expect(events!.node.metadata.map((m) => [m.type, m.data])).toEqual([
      ["@cdktf/warn", 'Storing Windows security events needs Azure Defender: the "All" tier is not stored while logAnalyticsAgent.defender is false.'],
    ]);
  });

  test("a workspace whose security events Sentinel configures refuses a tier", () => {
    const err = thrown(() => Testing.synthScope((scope) => new SecurityEventCollection(scope, "events", { workspaceId: WS, tier: "Minimal", sentinelOwnsSecurityEvents: true })));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe(
      'invalid SecurityEventCollection "events" props:\n  tier: "Minimal" cannot be set while sentinelOwnsSecurityEvents is true: ' +
        "Azure Sentinel configures the security events of law-main; a workspace's security events are configured by Security Center or by Sentinel, never both. " +
        "Set the tier in Sentinel, or disconnect Sentinel's Security Events connector first.",
    );
  });

  test("agent ama: the workspace's data collection rule, dataCollectionRuleBody as is, in a template deployment", () => {
    const json = Testing.synthScope((scope) => new SecurityEventCollection(scope, "events", { workspaceId: WS, tier: "Minimal", agent: "ama", location: "westeurope" }));
    expect(json).toHaveResourceWithProperties(ResourceGroupTemplateDeployment, { name: expect.stringMatching(/^asc-dcr-[0-9a-f-]{36}$/), resource_group_name: "rg-logs" });
    expect(templateResources(json)).toEqual([
      {
        type: "Microsoft.Insights/dataCollectionRules",
        apiVersion: "2022-06-01",
        name: "asc-law-main",
        ...JSON.parse(JSON.stringify(dataCollectionRuleBody({ location: "westeurope", workspaceResourceId: WS, tier: "Minimal" }))),
      },
    ]);
  });

  test("agent ama, tier None: the rule without a data flow (which azurerm_monitor_data_collection_rule cannot hold)", () => {
    const json = Testing.synthScope((scope) => new SecurityEventCollection(scope, "events", { workspaceId: WS, agent: "ama", location: "westeurope" }));
    const [rule] = templateResources(json);
    expect(rule!["properties"]).toMatchObject({ dataSources: {}, dataFlows: [], destinations: { logAnalytics: [{ workspaceResourceId: WS, name: "workspace" }] } });
  });

  test('agent ama, dataCollectionRule "native": azurerm_monitor_data_collection_rule with the tier\'s xPath queries', () => {
    const json = Testing.synthScope((scope) => new SecurityEventCollection(scope, "events", { workspaceId: WS, tier: "Common", agent: "ama", location: "eastus", dataCollectionRule: "native" }));
    expect(json).not.toHaveResource(ResourceGroupTemplateDeployment);
    expect(json).toHaveResourceWithProperties(MonitorDataCollectionRule, {
      name: "asc-law-main",
      resource_group_name: "rg-logs",
      location: "eastus",
      tags: { createdBy: "asc-autoprovision" },
      data_sources: { windows_event_log: [{ name: "securityEvents", streams: ["Microsoft-SecurityEvent"], x_path_queries: [...xPathQueriesForTier("Common")] }] },
      destinations: { log_analytics: [{ name: "workspace", workspace_resource_id: WS }] },
      data_flow: [{ streams: ["Microsoft-SecurityEvent"], destinations: ["workspace"] }],
    });
  });

  test('"native" refuses a rule that stores nothing, saying why', () => {
    const err = thrown(() => Testing.synthScope((scope) => new SecurityEventCollection(scope, "events", { workspaceId: WS, tier: "All", defender: false, agent: "ama", location: "eastus", dataCollectionRule: "native" })));
    expect(err.message).toBe(
      'invalid SecurityEventCollection "events" props:\n  dataCollectionRule: "native" cannot declare a rule that stores no security events (tier All, not stored): azurerm_monitor_data_collection_rule requires a data_flow; use "template"',
    );
  });

  test("agent ama without a location: read from Azure", () => {
    const json = Testing.synthScope((scope) => new SecurityEventCollection(scope, "events", { workspaceId: WS, agent: "ama" }));
    expect(json).toHaveDataSourceWithProperties(DataAzurermLogAnalyticsWorkspace, { name: "law-main", resource_group_name: "rg-logs" });
    expect(templateResources(json)[0]!["location"]).toMatch(/^\$\{data\.azurerm_log_analytics_workspace\.events_Lookup_[0-9A-F]{8}\.location\}$/);
  });
});

describe("ExtensionPolicy", () => {
  test("the assignment with a system-assigned identity and a location, exactly the definition's roles to that identity, the remediation after them", () => {
    let policy: ExtensionPolicy | undefined;
    const json = Testing.synthScope((scope) => {
      policy = new ExtensionPolicy(scope, "k8s", { subscriptionId: SUB, policy: "kubernetesPolicyAddon", identityLocation: "westeurope" });
    });
    expect(json).toHaveResourceWithProperties(SubscriptionPolicyAssignment, {
      name: "asc-k8s-policy-addon",
      subscription_id: `/subscriptions/${SUB}`,
      policy_definition_id: "/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7",
      display_name: "Deploy Azure Policy Add-on to Azure Kubernetes Service clusters",
      identity: { type: "SystemAssigned" },
      location: "westeurope",
    });
    const roles = blocks(json, RoleAssignment.tfResourceType);
    expect(roles.map((r) => r["role_definition_id"]).sort()).toEqual([
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/18ed5180-3e48-46fd-8541-4ea054d57064`,
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8`,
    ]);
    for (const r of roles) {
      expect(r).toMatchObject({
        scope: `/subscriptions/${SUB}`,
        principal_type: "ServicePrincipal",
        principal_id: expect.stringMatching(/^\$\{azurerm_subscription_policy_assignment\.k8s_Assignment_[0-9A-F]{8}\.identity\[0\]\.principal_id\}$/),
        name: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/),
      });
    }
    expect(json).toHaveResourceWithProperties(SubscriptionPolicyRemediation, {
      name: "asc-k8s-policy-addon",
      subscription_id: `/subscriptions/${SUB}`,
      policy_assignment_id: expect.stringMatching(/^\$\{azurerm_subscription_policy_assignment\.k8s_Assignment_[0-9A-F]{8}\.id\}$/),
      resource_discovery_mode: "ReEvaluateCompliance",
      resource_count: 50000,
      parallel_deployments: 10,
      depends_on: roles.map(() => expect.stringMatching(/^azurerm_role_assignment\.k8s_Role-/)),
    });
    expect(policy!.roleAssignments).toHaveLength(2);
  });

  test("the Dependency agent: Log Analytics Contributor only; the identity location defaults to the spec's", () => {
    const json = Testing.synthScope((scope) => new ExtensionPolicy(scope, "dep", { subscriptionId: SUB, policy: "dependencyAgentLinux", remediate: false }));
    expect(json).toHaveResourceWithProperties(SubscriptionPolicyAssignment, { name: "asc-dependency-agent-linux", location: "eastus" });
    expect(blocks(json, RoleAssignment.tfResourceType).map((r) => r["role_definition_id"])).toEqual([
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/92aaf0da-9dab-42b6-94a3-d43ce8d16293`,
    ]);
    expect(json).not.toHaveResource(SubscriptionPolicyRemediation);
  });
});

describe("AutoProvisioning (one subscription)", () => {
  const spec = (logAnalyticsAgent: Record<string, unknown>, extensions: Record<string, unknown> = {}): SpecInput =>
    ({ subscriptions: [SUB, SUB2], logAnalyticsAgent, extensions }) as SpecInput;

  test("Defender on: pricing VirtualMachines Standard; a workspace and tier per geography", () => {
    let ap: AutoProvisioning | undefined;
    const json = Testing.synthScope((scope) => {
      ap = new AutoProvisioning(scope, "asc", { spec: spec({ autoProvision: true, securityEvents: "Minimal" }), subscriptionId: SUB, machineRegions: ["westeurope", "northeurope", "eastus2"] });
    });
    expect(pricings(json)["VirtualMachines"]).toMatchObject({ pricingTier: "Standard" });
    expect(json).not.toHaveResource(SecurityCenterSubscriptionPricing);
    expect(blocks(json, LogAnalyticsWorkspace.tfResourceType).map((w) => w["name"]).sort()).toEqual([`DefaultWorkspace-${SUB}-EUS`, `DefaultWorkspace-${SUB}-WEU`]);
    expect(blocks(json, ResourceGroupTemplateDeployment.tfResourceType)).toHaveLength(2);
    expect(json).not.toHaveResource(SecurityCenterWorkspace);
    expect(ap!.workspaceIds).toEqual({ WEU: DEFAULT_WEU, EUS: DEFAULT_WEU.replace(/WEU/g, "EUS") });
  });

  test("Defender off: pricing Free", () => {
    const json = Testing.synthScope((scope) => new AutoProvisioning(scope, "asc", { spec: spec({ autoProvision: true, defender: false }), subscriptionId: SUB }));
    expect(pricings(json)).toEqual({ VirtualMachines: { pricingTier: "Free" } });
  });

  test("a custom workspace: the workspace setting at the subscription, no default workspace", () => {
    const json = Testing.synthScope((scope) => new AutoProvisioning(scope, "asc", { spec: spec({ autoProvision: true, workspace: { id: WS } }), subscriptionId: SUB2, machineRegions: ["westeurope"] }));
    expect(json).toHaveResourceWithProperties(SecurityCenterWorkspace, { scope: `/subscriptions/${SUB2}`, workspace_id: WS });
    expect(json).not.toHaveResource(LogAnalyticsWorkspace);
    expect(json).not.toHaveResource(LogAnalyticsSolution); // declared once per workspace, by the stack
  });

  test("auto provisioning off: the extension policies only", () => {
    const json = Testing.synthScope((scope) => new AutoProvisioning(scope, "asc", { spec: spec({}, { dependencyAgent: { windows: false } , kubernetesPolicyAddon: true }), subscriptionId: SUB, machineRegions: ["westeurope"] }));
    expect(Object.keys(JSON.parse(json).resource).sort()).toEqual(
      [RoleAssignment, SubscriptionPolicyAssignment, SubscriptionPolicyRemediation].map((c) => c.tfResourceType).sort(),
    );
  });

  test("a subscription that is not the spec's is refused, naming the prop", () => {
    const err = thrown(() => Testing.synthScope((scope) => new AutoProvisioning(scope, "asc", { spec: spec({}), subscriptionId: "33333333-3333-3333-3333-333333333333" })));
    expect(err.message).toBe(`invalid AutoProvisioning "asc" props:\n  subscriptionId: "33333333-3333-3333-3333-333333333333" is not one of spec.subscriptions (${SUB}, ${SUB2})`);
  });
});

describe("the AMA policies (agent: ama)", () => {
  const ama: SpecInput = { subscriptions: [SUB], logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Common" } };

  test("default workspaces: the association assignment carries the rule and its geography's regions; its remediation waits for the roles and the rule", () => {
    const json = Testing.synthScope((scope) => new AutoProvisioning(scope, "ama", { spec: ama, subscriptionId: SUB, machineRegions: ["northeurope"] }));
    const assignments = blocks(json, SubscriptionPolicyAssignment.tfResourceType);
    expect(assignments.map((a) => a["name"]).sort()).toEqual(["asc-ama-dcr-linux-WEU", "asc-ama-dcr-windows-WEU", "asc-ama-linux", "asc-ama-windows"]);
    const linux = assignments.find((a) => a["name"] === "asc-ama-dcr-linux-WEU")!;
    expect(JSON.parse(linux["parameters"])).toEqual({ dcrResourceId: { value: `/subscriptions/${SUB}/resourceGroups/DefaultResourceGroup-WEU/providers/Microsoft.Insights/dataCollectionRules/asc-DefaultWorkspace-${SUB}-WEU` } });
    expect(linux["resource_selectors"]).toEqual([{ name: "geography", selectors: [{ kind: "resourceLocation", in: expect.arrayContaining(["westeurope", "northeurope", "swedencentral"]) }] }]);
    expect(assignments.find((a) => a["name"] === "asc-ama-linux")!["resource_selectors"]).toBeUndefined();
    const remediations = blocks(json, SubscriptionPolicyRemediation.tfResourceType);
    expect(remediations).toHaveLength(4);
    const linuxRemediation = remediations.find((r) => r["name"] === "asc-ama-dcr-linux-WEU")!;
    expect(linuxRemediation["depends_on"]).toEqual([
      expect.stringMatching(/^azurerm_role_assignment\.ama_asc-ama-dcr-linux-WEU_Role-749f88d5/),
      expect.stringMatching(/^azurerm_role_assignment\.ama_asc-ama-dcr-linux-WEU_Role-92aaf0da/),
      expect.stringMatching(/^azurerm_resource_group_template_deployment\.ama_SecurityEvents-WEU/),
    ]);
  });

  test("a central workspace: the stack's one rule is what every subscription's association remediations wait for", () => {
    const json = Testing.synth(new AutoProvisioningStack(Testing.app(), "central", { spec: { ...ama, subscriptions: [SUB, SUB2], logAnalyticsAgent: { ...ama.logAnalyticsAgent, workspace: { id: WS } } } }));
    const remediations = blocks(json, SubscriptionPolicyRemediation.tfResourceType).filter((r) => r["name"].startsWith("asc-ama-dcr-"));
    expect(remediations).toHaveLength(4);
    for (const r of remediations) expect(r["depends_on"]).toContainEqual(expect.stringMatching(/^azurerm_resource_group_template_deployment\.CustomWorkspace-SecurityEvents/));
  });
});

describe("AutoProvisioningStack", () => {
  test("an azurerm provider per subscription, aliased by its GUID; every resource names its subscription's provider", () => {
    const { json } = stackOf({ spec: { subscriptions: [SUB, SUB2], logAnalyticsAgent: { autoProvision: true } }, machineRegions: ["westeurope"] });
    for (const sub of [SUB, SUB2]) {
      expect(json).toHaveProviderWithProperties(AzurermProvider, { alias: `sub-${sub}`, subscription_id: sub, features: [{ template_deployment: [{ delete_nested_items_during_deletion: true }] }] });
    }
    const doc = JSON.parse(json) as { resource: Record<string, Record<string, Block>> };
    for (const [type, byName] of Object.entries(doc.resource)) {
      for (const [name, b] of Object.entries(byName)) {
        const sub = /^asc-([0-9a-f-]{36})_/.exec(name)?.[1];
        expect({ type, name, provider: b["provider"] }).toEqual({ type, name, provider: `azurerm.sub-${sub}` });
      }
    }
  });

  test("a central workspace: its solution and tier once, through a provider for its own subscription", () => {
    const HUB_WS = "/subscriptions/99999999-9999-9999-9999-999999999999/resourceGroups/rg-hub/providers/Microsoft.OperationalInsights/workspaces/law-hub";
    const { stack, json } = stackOf({ spec: { subscriptions: [SUB, SUB2], logAnalyticsAgent: { autoProvision: true, agent: "mma", workspace: { id: HUB_WS }, securityEvents: "All" } }, workspaceLocation: "northeurope" });
    expect(json).toHaveProviderWithProperties(AzurermProvider, { alias: "sub-99999999-9999-9999-9999-999999999999" });
    expect(blocks(json, LogAnalyticsSolution.tfResourceType)).toEqual([expect.objectContaining({ workspace_name: "law-hub", location: "northeurope", provider: "azurerm.sub-99999999-9999-9999-9999-999999999999" })]);
    expect(templateResources(json)).toEqual([expect.objectContaining({ name: "law-hub/SecurityEventCollectionConfiguration", properties: { Tier: "All", TierSetMethod: "Custom" } })]);
    expect(blocks(json, SecurityCenterWorkspace.tfResourceType).map((w) => w["provider"]).sort()).toEqual([`azurerm.sub-${SUB}`, `azurerm.sub-${SUB2}`]);
    expect(json).not.toHaveDataSource(DataAzurermLogAnalyticsWorkspace);
    expect((stack as AutoProvisioningStack).providers.size).toBe(3);
  });

  test("the emulator: metadata_host on every provider", () => {
    const { json } = stackOf({ spec: { subscriptions: [SUB] }, metadataHost: "localhost:8443" });
    expect(json).toHaveProviderWithProperties(AzurermProvider, { metadata_host: "localhost:8443" });
  });

  test.each<[string, AutoProvisioningStackProps]>([
    ["auto provisioning on", { spec: { subscriptions: [SUB], logAnalyticsAgent: { autoProvision: true, securityEvents: "All" }, extensions: { kubernetesPolicyAddon: true } }, machineRegions: ["eastus"] }],
    ["a custom workspace", { spec: { subscriptions: [SUB], logAnalyticsAgent: { autoProvision: true, workspace: { id: WS } } } }],
    ["agent ama", { spec: { subscriptions: [SUB], logAnalyticsAgent: { autoProvision: true, agent: "ama" } }, machineRegions: ["eastus"] }],
    ["auto provisioning off", { spec: { subscriptions: [SUB], extensions: { dependencyAgent: { windows: false } } } }],
  ])("%s: never azurerm_security_center_auto_provisioning (Azure answers On with Deprecated; Off is left alone)", (_title, props) => {
    expect(stackOf(props).json).not.toHaveResource(SecurityCenterAutoProvisioning);
  });
});

describe("the state's local backend: no absolute path of the synthesizing machine (user trial 18a)", () => {
  /**
   * The synthesized `cdk.tf.json` of stack `id`, as `cdktf synth` makes it: a real App with the
   * default outdir `cdktf.out`, run in a temporary project directory.
   */
  function synthesized(id: string, withBackend?: (stack: TerraformStack) => void): { project: string; doc: Block } {
    const project = realpathSync(mkdtempSync(join(tmpdir(), "cdktf-backend-")));
    const cwd = process.cwd();
    process.chdir(project);
    try {
      const app = new App({ outdir: "cdktf.out" });
      const stack = new AutoProvisioningStack(app, id, { spec: { subscriptions: [SUB] } });
      withBackend?.(stack);
      app.synth();
    } finally {
      process.chdir(cwd);
    }
    return { project, doc: JSON.parse(readFileSync(join(project, "cdktf.out", "stacks", id, "cdk.tf.json"), "utf8")) as Block };
  }

  test("without a backend of the user's: cdktf's default file, named relative to the stack's directory", () => {
    const { project, doc } = synthesized("dev");
    try {
      const path = doc["terraform"]["backend"]["local"]["path"] as string;
      expect(path).toBe("../../../terraform.dev.tfstate");
      // Terraform resolves it from the stack's directory, where it runs: the file cdktf's default named.
      expect(resolve(project, "cdktf.out", "stacks", "dev", path)).toBe(join(project, "terraform.dev.tfstate"));
      expect(JSON.stringify(doc)).not.toContain(project);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  test("a backend of the user's is kept, alone", () => {
    const { project, doc } = synthesized("prod", (stack) => new LocalBackend(stack, { path: "state/prod.tfstate" }));
    try {
      expect(doc["terraform"]["backend"]).toEqual({ local: { path: "state/prod.tfstate" } });
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  test("the relative path follows the outdir", () => {
    expect(localStatePath("cdktf.out", "dev", "/work/app")).toBe("../../../terraform.dev.tfstate");
    expect(localStatePath("/work/app/build/out", "prod", "/work/app")).toBe("../../../../terraform.prod.tfstate");
  });
});

describe("construct ids: stable, and Terraform names that start with a letter", () => {
  test("the example's resource names", () => {
    const { json } = stackOf({ spec: { subscriptions: [SUB], logAnalyticsAgent: { autoProvision: true, agent: "mma", securityEvents: "Common" }, extensions: { dependencyAgent: { windows: true } } }, machineRegions: ["westeurope"] });
    const doc = JSON.parse(json) as { resource: Record<string, Record<string, unknown>> };
    const names = Object.values(doc.resource).flatMap((byName) => Object.keys(byName).map((n) => n.replace(/_[0-9A-F]{8}$/, "")));
    expect(names.sort()).toEqual(
      [
        `asc-${SUB}_Pricing`,
        `asc-${SUB}_Workspace-WEU_ResourceGroup`,
        `asc-${SUB}_Workspace-WEU_Workspace`,
        `asc-${SUB}_Workspace-WEU_Solution`,
        `asc-${SUB}_SecurityEvents-WEU`, // its single resource is "Resource"
        `asc-${SUB}_asc-dependency-agent-windows_Assignment`,
        `asc-${SUB}_asc-dependency-agent-windows_Role-92aaf0da-9dab-42b6-94a3-d43ce8d16293`,
        // No Remediation: the Dependency agent's is the reconciler's (README, "Who owns what").
      ].sort(),
    );
  });
});

describe("the defender section (issue 14): the subscription-level resources, from the shared model", () => {
  test("each plan's pricing, its exact body: sub-plan, every extension the spec manages on or off; the WDATP switches, the VA provider; no seed pricing beside them", () => {
    const { json } = stackOf({
      spec: {
        subscriptions: [SUB],
        defender: { servers: { plan: "P2", agentlessScanning: { exclusionTags: { scan: "no" } } }, plans: { StorageAccounts: { enabled: true, subPlan: "DefenderForStorageV2" } } },
      },
    });
    // azurerm's pricing resource would list only the enabled extensions and turn off every other one Azure reports.
    expect(json).not.toHaveResource(SecurityCenterSubscriptionPricing);
    expect(pricings(json)).toEqual({
      StorageAccounts: { pricingTier: "Standard", subPlan: "DefenderForStorageV2" },
      VirtualMachines: {
        pricingTier: "Standard",
        subPlan: "P2",
        enforce: "False",
        extensions: [
          { name: "MdeDesignatedSubscription", isEnabled: "False" },
          { name: "AgentlessVmScanning", isEnabled: "True", additionalExtensionProperties: { ExclusionTags: '[{"key":"scan","value":"no"}]' } },
          { name: "FileIntegrityMonitoring", isEnabled: "False" },
        ],
      },
    });
    expect(blocks(json, SecurityCenterSetting.tfResourceType).map((b) => [b["setting_name"], b["enabled"]]).sort()).toEqual([
      ["WDATP", true],
      ["WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW", false],
      ["WDATP_UNIFIED_SOLUTION", true],
    ]);
    expect(blocks(json, SecurityCenterServerVulnerabilityAssessmentsSetting.tfResourceType).map((b) => b["vulnerability_assessment_provider"])).toEqual(["MdeTvm"]);
  });

  test("an enforced plan: a subscription-scope template with the pricing's exact body (azurerm has no enforce)", () => {
    const { json } = stackOf({ spec: { subscriptions: [SUB], defender: { servers: { plan: "P1", enforce: true } } } });
    const [deployment] = blocks(json, SubscriptionTemplateDeployment.tfResourceType);
    const template = JSON.parse(deployment!["template_content"]) as { resources: { type: string; name: string; properties: Record<string, unknown> }[] };
    expect(template.resources).toEqual([
      expect.objectContaining({ type: "Microsoft.Security/pricings", name: "VirtualMachines", properties: expect.objectContaining({ pricingTier: "Standard", subPlan: "P1", enforce: "True" }) }),
    ]);
  });
});

describe("two stacks sharing one central workspace (one defender section a spec: a plan per subscription needs a stack each)", () => {
  const HUB_WS = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.OperationalInsights/workspaces/law-hub`;
  const specFor = (sub: string, plan: "P1" | "P2"): SpecInput =>
    ({ subscriptions: [sub], logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Common", workspace: { id: HUB_WS } }, defender: { servers: { plan } } }) as SpecInput;

  test("the second stack's installSolution and configureSecurityEvents false: the workspace's solution and rule are declared once across both", () => {
    const first = stackOf({ spec: specFor(SUB, "P2"), workspaceLocation: "westeurope" }).json;
    const second = stackOf({ spec: specFor(SUB2, "P1"), workspaceLocation: "westeurope", installSolution: false, configureSecurityEvents: false }).json;
    const rules = (json: string) => blocks(json, ResourceGroupTemplateDeployment.tfResourceType).filter((d) => d["name"].startsWith("asc-dcr-"));
    expect([blocks(first, LogAnalyticsSolution.tfResourceType).length, blocks(second, LogAnalyticsSolution.tfResourceType).length]).toEqual([1, 0]);
    expect([rules(first).length, rules(second).length]).toEqual([1, 0]);
    // Each still points its own subscription at the workspace, with its own plan.
    expect(blocks(second, SecurityCenterWorkspace.tfResourceType).map((b) => b["workspace_id"])).toEqual([HUB_WS]);
    expect([pricings(first)["VirtualMachines"]!["subPlan"], pricings(second)["VirtualMachines"]!["subPlan"]]).toEqual(["P2", "P1"]);
    // Without the switches, both would declare them: two Terraform states owning one resource.
    expect(blocks(stackOf({ spec: specFor(SUB2, "P1"), workspaceLocation: "westeurope" }).json, LogAnalyticsSolution.tfResourceType)).toHaveLength(1);
  });

  test("installSolution must be a boolean", () => {
    expect(() => stackOf({ spec: specFor(SUB2, "P1"), installSolution: "no" as never })).toThrow(/installSolution: "no" is not a boolean/);
  });
});
