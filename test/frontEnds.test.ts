/**
 * Both front ends render the same declaration model, for every example and the paths the examples
 * do not take: the Pulumi root program (under setMocks) and the CDKTF stack, given the same stack
 * input, compute the model src/core/declarations computes, and each renders every declaration of
 * it once, as the resource type its renderer maps the declaration's kind to, and nothing else.
 * What a kind renders to, property by property, is each front end's own test (test/pulumi,
 * test/cdktf); the model's rules are the capabilities' (test/declarations).
 */
import { readFileSync } from "node:fs";
import * as pulumiSdk from "@pulumi/pulumi";
import { Testing } from "cdktf";
import { parse } from "yaml";
import { AutoProvisioningStack, type AutoProvisioningStackProps } from "../components/cdktf";
import { declareStack, declareStackInScope } from "../components/pulumi/program/program";
import { readStackSettings, stackInput } from "../components/pulumi/program/stackConfig";
import {
  declareStack as declareStackModel,
  stackDeclarations,
  stackLookups,
  subscriptionPricingResource,
  symbolic,
  type DeclarationKind,
  type StackDeclarations,
} from "../src/core";
import type { SpecInput } from "../src/spec";
import { defaultWorkspaceStack, MACHINE_REGIONS } from "../examples/terraform/main";
import { configFromStackFile, startMocks } from "./pulumi/harness";

const SUB1 = "11111111-1111-1111-1111-111111111111";
const SUB2 = "22222222-2222-2222-2222-222222222222";
const HUB_WS = "/subscriptions/99999999-9999-9999-9999-999999999999/resourceGroups/rg-hub/providers/Microsoft.OperationalInsights/workspaces/law-hub";

type StackConfig = Record<string, unknown>;

/** The resource type each front end renders a kind as (a template deployment carries what azurerm cannot declare). */
const RENDERED_AS: Readonly<Record<DeclarationKind, readonly [pulumi: string, terraform: string, terraformNative?: string]>> = {
  "resource-group": ["azure-native:resources:ResourceGroup", "azurerm_resource_group"],
  "log-analytics-workspace": ["azure-native:operationalinsights:Workspace", "azurerm_log_analytics_workspace"],
  solution: ["azure-native:operationsmanagement:Solution", "azurerm_log_analytics_solution"],
  "security-events-data-source": ["azure-native:operationalinsights:DataSource", "azurerm_resource_group_template_deployment"],
  "data-collection-rule": ["azure-native:monitor:DataCollectionRule", "azurerm_resource_group_template_deployment", "azurerm_monitor_data_collection_rule"],
  pricing: ["azure-native:security:Pricing", "azurerm_subscription_template_deployment"],
  "security-setting": ["azure-native:resources:DeploymentAtSubscriptionScope", "azurerm_security_center_setting"],
  "server-va-setting": ["azure-native:security:AzureServersSetting", "azurerm_security_center_server_vulnerability_assessments_setting"],
  "workspace-setting": ["azure-native:security:WorkspaceSetting", "azurerm_security_center_workspace"],
  "policy-assignment": ["azure-native:authorization:PolicyAssignment", "azurerm_subscription_policy_assignment"],
  "role-assignment": ["azure-native:authorization:RoleAssignment", "azurerm_role_assignment"],
  "policy-remediation": ["azure-native:policyinsights:RemediationAtSubscription", "azurerm_subscription_policy_remediation"],
};


/** How many of each, sorted. */
function census(types: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

function stackFile(path: string): StackConfig {
  const doc = parse(readFileSync(path, "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^asc-autoprovision:/, ""), v]));
}

/** The CDKTF props of a stack config: the spec's keys and the model's other inputs. */
function stackProps(config: StackConfig): AutoProvisioningStackProps {
  const { subscriptions, managementGroups, exclude, logAnalyticsAgent, extensions, defender, machineRegions, sentinelOwnsSecurityEvents, workspaceLocation, amaPolicies, installSolution, configureSecurityEvents } = config;
  const scope = { ...(managementGroups !== undefined ? { managementGroups } : {}), ...(exclude !== undefined ? { exclude } : {}) };
  return {
    spec: { subscriptions, ...scope, logAnalyticsAgent, extensions, ...(defender !== undefined ? { defender } : {}) } as SpecInput,
    ...(machineRegions !== undefined ? { machineRegions: machineRegions as AutoProvisioningStackProps["machineRegions"] } : {}),
    ...(sentinelOwnsSecurityEvents !== undefined ? { sentinelOwnsSecurityEvents: sentinelOwnsSecurityEvents as boolean } : {}),
    ...(workspaceLocation !== undefined ? { workspaceLocation: workspaceLocation as string } : {}),
    ...(amaPolicies !== undefined ? { amaPolicies: amaPolicies as AutoProvisioningStackProps["amaPolicies"] } : {}),
    ...(installSolution !== undefined ? { installSolution: installSolution as boolean } : {}),
    ...(configureSecurityEvents !== undefined ? { configureSecurityEvents: configureSecurityEvents as boolean } : {}),
  };
}

/** The model of a stack config, as the core computes it from the config's settings (`resolved`: its management groups' subscriptions). */
function modelOf(config: StackConfig, resolved?: readonly string[]): StackDeclarations {
  const raw = Object.fromEntries(Object.entries(configFromStackFile({ config })));
  return declareStackModel(stackInput(readStackSettings(raw, {}, resolved)));
}

interface Rendering {
  /** The model the front end rendered. */
  readonly model: StackDeclarations;
  /** The declaration keys it rendered, sorted. */
  readonly keys: string[];
  /** The resource types it declared (providers left out), one per resource. */
  readonly types: string[];
  /** How many workspace lookups it declared. */
  readonly lookups: number;
  /** The body of every pricing it sends (`name` and ARM `properties`), sorted: what Azure is asked to hold. */
  readonly pricings: string[];
}

async function pulumiRendering(config: StackConfig, resolved?: readonly string[]): Promise<Rendering> {
  const run = await startMocks({ config: Object.fromEntries(Object.entries(configFromStackFile({ config })).map(([k, v]) => [`asc-autoprovision:${k}`, v])) });
  const stack = resolved ? await declareStackInScope(undefined, {}, () => Promise.resolve(resolved)) : declareStack();
  expect(await run.settle()).toEqual([]);
  const components = [...stack.components.values()];
  // Each component renders its subscription's part of the model; the owner of a shared workspace its units too.
  for (const [i, component] of components.entries()) {
    const { customWorkspace, external, ...rest } = component.declarations;
    const { customWorkspace: expected, external: expectedExternal, ...restExpected } = stack.model.subscriptions[i]!;
    expect(symbolic(rest)).toEqual(symbolic(restExpected));
    expect(customWorkspace?.workspaceId).toEqual(expected?.workspaceId);
    if (customWorkspace?.solution || customWorkspace?.securityEvents) {
      // The owner: the shared units this stack declares are its own, so nothing it waits for is declared elsewhere.
      expect(symbolic([customWorkspace.solution, customWorkspace.securityEvents])).toEqual(symbolic([stack.model.sharedWorkspace!.solution, stack.model.sharedWorkspace!.securityEvents]));
      expect(external).toEqual([]);
    } else {
      expect(external).toEqual(expectedExternal);
    }
  }
  return {
    model: stack.model,
    keys: components.flatMap((c) => c.rendered.keys()).sort(),
    types: run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).map((r) => r.type),
    lookups: run.invocations.filter((i) => i.token === "azure-native:operationalinsights:getWorkspace").length,
    pricings: run.resources
      .filter((r) => r.type === "azure-native:security:Pricing")
      .map(({ inputs: { scopeId: _scope, pricingName, pricingTier, ...rest } }) => pricingBody(String(pricingName), { pricingTier, ...rest }))
      .sort(),
  };
}

function cdktfRendering(stack: AutoProvisioningStack): Rendering {
  const doc = JSON.parse(Testing.synth(stack)) as { resource?: Record<string, Record<string, unknown>>; data?: Record<string, Record<string, unknown>> };
  for (const [i, sub] of [...stack.subscriptions.values()].entries()) expect(symbolic(sub.declarations)).toEqual(symbolic(stack.model.subscriptions[i]));
  return {
    model: stack.model,
    keys: [...stack.rendered.keys(), ...[...stack.subscriptions.values()].flatMap((s) => s.rendered.keys())].sort(),
    types: Object.entries(doc.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map(() => type)),
    lookups: Object.keys(doc.data?.["azurerm_log_analytics_workspace"] ?? {}).length,
    pricings: Object.values(doc.resource?.["azurerm_subscription_template_deployment"] ?? {})
      .flatMap((d) => (JSON.parse((d as { template_content: string }).template_content) as { resources: { type: string; name: string; properties: Record<string, unknown> }[] }).resources)
      .filter((r) => r.type === "Microsoft.Security/pricings")
      .map((r) => pricingBody(r.name, r.properties))
      .sort(),
  };
}

/** A pricing's body as one comparable string (keys sorted at every level). */
function pricingBody(name: string, properties: Record<string, unknown>): string {
  return JSON.stringify({ name, properties }, (_k, v: unknown) => (v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
}

/** Both front ends rendered `model`: every declaration once, as its kind's resource type, nothing more. */
function expectRendered(model: StackDeclarations, pulumi: Rendering, cdktf: Rendering, native = false): void {
  const declarations = stackDeclarations(model);
  expect(symbolic(pulumi.model)).toEqual(symbolic(model));
  expect(symbolic(cdktf.model)).toEqual(symbolic(model));
  expect(pulumi.keys).toEqual(declarations.map((d) => d.key).sort());
  expect(cdktf.keys).toEqual(pulumi.keys);
  expect(census(pulumi.types)).toEqual(census(declarations.map((d) => RENDERED_AS[d.kind][0])));
  expect(census(cdktf.types)).toEqual(census(declarations.map((d) => (native && RENDERED_AS[d.kind][2]) || RENDERED_AS[d.kind][1])));
  expect([pulumi.lookups, cdktf.lookups]).toEqual([stackLookups(model).length, stackLookups(model).length]);
  // Both send each pricing's one body, the model's: every extension it lists, on or off, and no other.
  const bodies = declarations.flatMap((d) => (d.kind === "pricing" ? [subscriptionPricingResource(d.props)] : [])).map((r) => pricingBody(r.name, r.properties)).sort();
  expect(pulumi.pricings).toEqual(bodies);
  expect(cdktf.pricings).toEqual(bodies);
}

// Defender off makes the components warn that a tier is not stored (asserted in test/pulumi): keep the output quiet.
beforeAll(() => jest.spyOn(pulumiSdk.log, "warn").mockImplementation(() => Promise.resolve()));
afterAll(() => jest.restoreAllMocks());

describe("the examples", () => {
  test("Pulumi.default-workspace.yaml and the CDKTF example app (examples/terraform): one model, rendered by both", async () => {
    const config = stackFile("examples/pulumi/Pulumi.default-workspace.yaml");
    const stack = defaultWorkspaceStack(Testing.app());
    // The example app's input is the stack file's.
    expect(config["machineRegions"]).toEqual(MACHINE_REGIONS);
    const model = modelOf(config);
    expectRendered(model, await pulumiRendering(config), cdktfRendering(stack));
    // 5 workspaces (group, workspace, solution, tier), 2 pricings, per subscription 2 assignments with 3 roles and 1 remediation
    // (the AKS add-on's: the Dependency agent's is the reconciler's, once it has left out what the spec leaves alone).
    expect(stackDeclarations(model)).toHaveLength(5 * 4 + 2 + 2 * (2 + 3 + 1));
    expect(census(stackDeclarations(model).map((d) => d.kind)).map(([k]) => k)).toEqual(
      ["log-analytics-workspace", "policy-assignment", "policy-remediation", "pricing", "resource-group", "role-assignment", "security-events-data-source", "solution"].sort(),
    );
  });

  test("Pulumi.central-workspace.yaml: a workspace setting per subscription, the workspace's solution and tier once", async () => {
    const config = stackFile("examples/pulumi/Pulumi.central-workspace.yaml");
    const model = modelOf(config);
    expectRendered(model, await pulumiRendering(config), cdktfRendering(new AutoProvisioningStack(Testing.app(), "central", stackProps(config))));
    const kinds = stackDeclarations(model).map((d) => d.kind);
    expect(kinds.filter((k) => k === "workspace-setting")).toHaveLength(2);
    expect(kinds.filter((k) => k === "solution")).toHaveLength(1);
    expect(model.sharedWorkspace?.owner).toBe(SUB1);
  });

  test.each(["examples/spec.yaml", "examples/spec-central.yaml", "examples/spec-off.yaml"])("%s", async (file) => {
    const config = { ...(parse(readFileSync(file, "utf8")) as StackConfig), machineRegions: ["westeurope", "eastus"] };
    const model = modelOf(config);
    expectRendered(model, await pulumiRendering(config), cdktfRendering(new AutoProvisioningStack(Testing.app(), "spec", stackProps(config))));
  });
});

const BASE = { subscriptions: [SUB1, SUB2], machineRegions: { [SUB1]: ["westeurope", "eastus"], [SUB2]: ["japaneast"] } };

const VARIANTS: readonly [string, StackConfig][] = [
  ["agent ama, default workspaces, Minimal: one data collection rule per workspace", { ...BASE, logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Minimal" } }],
  [
    "agent ama with Defender off: rules without a security-event stream, Free pricing, SecurityCenterFree",
    { ...BASE, logAnalyticsAgent: { autoProvision: true, agent: "ama", defender: false, securityEvents: "All" }, extensions: { kubernetesPolicyAddon: true } },
  ],
  [
    "agent ama, a central workspace in a subscription outside the spec (its own provider), Common",
    { ...BASE, logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Common", workspace: { id: HUB_WS } }, extensions: { dependencyAgent: { linux: true }, identityLocation: "northeurope" } },
  ],
  [
    "a central workspace whose solution another stack declares (installSolution false): its tier only",
    { ...BASE, logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Common", workspace: { id: HUB_WS } }, workspaceLocation: "northeurope", installSolution: false },
  ],
  [
    "a central workspace another stack declares (installSolution and configureSecurityEvents false): neither its solution nor its rule",
    { ...BASE, logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Common", workspace: { id: HUB_WS } }, workspaceLocation: "northeurope", installSolution: false, configureSecurityEvents: false },
  ],
  [
    "the same central workspace with its location given: nothing looked up",
    { ...BASE, logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: { id: HUB_WS } }, workspaceLocation: "northeurope" },
  ],
  [
    "agent mma, Defender off: the tier is not stored; a region outside every geography is its own",
    { subscriptions: [SUB1], machineRegions: ["westeurope", "southafricanorth", "uaenorth"], logAnalyticsAgent: { autoProvision: true, agent: "mma", defender: false, securityEvents: "Common" } },
  ],
  [
    "agent ama with amaPolicies: each subscription's not-scopes, no remediation tasks",
    {
      ...BASE,
      logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Common" },
      amaPolicies: { remediate: false, notScopes: [`/subscriptions/${SUB1}/resourceGroups/rg-self-managed`, `/subscriptions/${SUB2}/resourceGroups/rg-legacy`] },
    },
  ],
  ["agent ama with amaPolicies disabled: only the rules", { ...BASE, logAnalyticsAgent: { autoProvision: true, agent: "ama" }, amaPolicies: { enabled: false } }],
  ["auto provisioning off with a toggle: only the policy", { subscriptions: [SUB1], extensions: { kubernetesPolicyAddon: true } }],
  [
    "the defender section: each plan's pricing with sub-plan, extensions and enforce, the endpoint switches, the VA provider",
    {
      ...BASE,
      logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Common" },
      defender: {
        servers: {
          plan: "P2",
          agentlessScanning: { enabled: true, exclusionTags: { scan: "no" } },
          fileIntegrityMonitoring: { enabled: true, workspace: { id: HUB_WS } },
          directOnboarding: { subscription: SUB1 },
        },
        containers: { enabled: true, registryVulnerabilityAssessment: false },
        plans: {
          StorageAccounts: { enabled: true, subPlan: "DefenderForStorageV2", extensions: { OnUploadMalwareScanning: { enabled: true, capGBPerMonthPerStorageAccount: 1000 } } },
          CloudPosture: { enabled: true, extensions: { AgentlessVmScanning: { enabled: true, exclusionTags: { scan: "no" } }, SensitiveDataDiscovery: { enabled: false } } },
          KeyVaults: { enabled: false },
        },
      },
    },
  ],
  ["the defender section, servers P1 enforced, nothing else", { subscriptions: [SUB1], machineRegions: ["westeurope"], defender: { servers: { plan: "P1", enforce: true } } }],
  [
    "agent none with removeLegacyAgent (user trial 20, item 4): Defender's pricing and the toggles, no workspace, rule or agent policy",
    { ...BASE, logAnalyticsAgent: { agent: "none", removeLegacyAgent: true }, extensions: { kubernetesPolicyAddon: true }, defender: { servers: { plan: "P2", agentlessScanning: { enabled: true } } } },
  ],
];

describe("variants", () => {
  test.each(VARIANTS)("%s", async (_title, config) => {
    const model = modelOf(config);
    expectRendered(model, await pulumiRendering(config), cdktfRendering(new AutoProvisioningStack(Testing.app(), "variant", stackProps(config))));
    // The AMA assignments are there when they should be: per subscription, 2 extension ones and 2 per destination.
    const la = config["logAnalyticsAgent"] as { agent?: string; autoProvision?: boolean; workspace?: unknown } | undefined;
    const declared = (config["amaPolicies"] as { enabled?: boolean } | undefined)?.enabled ?? true;
    const expected = la?.agent === "ama" && la.autoProvision && declared ? (la.workspace ? 2 * 4 : 2 * 2 + 2 * 3) : 0; // SUB1: WEU, EUS; SUB2: EJP
    expect(model.subscriptions.flatMap((s) => s.amaPolicies)).toHaveLength(expected);
    // The defender section is declared, not dropped on the way: Servers' pricing with its sub-plan in every subscription.
    const servers = (config["defender"] as { servers?: { plan: string } } | undefined)?.servers;
    if (servers) {
      const pricings = stackDeclarations(model).filter((d) => d.kind === "pricing" && d.props.name === "VirtualMachines");
      expect(pricings.map((d) => d.kind === "pricing" && d.props.subPlan)).toEqual(model.subscriptions.map(() => servers.plan));
    }
    // The other plans' extensions too, the spec's names only (user trial 20, item 6).
    const plans = (config["defender"] as { plans?: Record<string, { extensions?: Record<string, unknown> }> } | undefined)?.plans ?? {};
    for (const [name, p] of Object.entries(plans)) {
      if (!p.extensions) continue;
      const declared = stackDeclarations(model).flatMap((d) => (d.kind === "pricing" && d.props.name === name ? [d.props.extensions?.map((e) => e.name)] : []));
      expect(declared).toEqual(model.subscriptions.map(() => Object.keys(p.extensions!)));
    }
  });

  test("agent none declares what auto provisioning off under ama declares: the removal is the agent reconciliation's", () => {
    const none = VARIANTS.find(([title]) => title.startsWith("agent none"))![1];
    const ama = { ...none, logAnalyticsAgent: { agent: "ama", removeLegacyAgent: true } };
    expect(symbolic(modelOf(none))).toEqual(symbolic(modelOf(ama)));
    expect(stackDeclarations(modelOf(none)).map((d) => d.kind)).not.toContain("log-analytics-workspace");
  });

  test('agent ama with dataCollectionRule "native": the same model, its rules as azurerm_monitor_data_collection_rule', async () => {
    const config = VARIANTS[0]![1];
    const model = modelOf(config);
    const cdktf = cdktfRendering(new AutoProvisioningStack(Testing.app(), "native", { ...stackProps(config), dataCollectionRule: "native" }));
    expectRendered(model, await pulumiRendering(config), cdktf, true);
    expect(cdktf.types.filter((t) => t === "azurerm_resource_group_template_deployment")).toEqual([]);
    expect(stackDeclarations(model).filter((d) => d.kind === "data-collection-rule")).toHaveLength(3);
  });
});

describe("management-group scope", () => {
  const SUB3 = "33333333-3333-3333-3333-333333333333";
  const RESOLVED = [SUB3, SUB1, SUB2]; // what resolveScope found: the listed one, and the group's, one of them excluded
  const CONFIG: StackConfig = {
    subscriptions: [SUB1],
    managementGroups: ["contoso"],
    exclude: { subscriptions: [SUB2], resourceGroups: [`/subscriptions/${SUB3}/resourceGroups/rg-sandbox`], machineTags: { provisioning: "off" } },
    logAnalyticsAgent: { autoProvision: true, agent: "ama", securityEvents: "Common" },
    machineRegions: { [SUB1]: ["westeurope"], [SUB3]: ["japaneast"] },
    extensions: { kubernetesPolicyAddon: true },
  };

  test("both front ends declare the resolved subscriptions (listed first, excluded ones left out) from one model", async () => {
    const model = modelOf(CONFIG, RESOLVED);
    expect(model.subscriptions.map((s) => s.subscriptionId)).toEqual([SUB1, SUB3]);
    const stack = new AutoProvisioningStack(Testing.app(), "groups", { ...stackProps(CONFIG), managementGroupSubscriptions: RESOLVED });
    expectRendered(model, await pulumiRendering(CONFIG, RESOLVED), cdktfRendering(stack));
    expect([...stack.subscriptions.keys()]).toEqual([SUB1, SUB3]);
    // A group's default workspace follows its subscription's regions, as for a listed one.
    expect(model.subscriptions[1]!.defaultWorkspaces.map((w) => w.workspace.key)).toEqual([expect.stringContaining(SUB3)]);
  });

  test("Terraform reads each group at plan time and fails on a subscription the synth did not know", () => {
    const stack = new AutoProvisioningStack(Testing.app(), "groups", { ...stackProps(CONFIG), managementGroupSubscriptions: RESOLVED });
    const doc = JSON.parse(Testing.synth(stack)) as { data: Record<string, Record<string, { name: string; provider: string; lifecycle: { postcondition: { condition: string; error_message: string }[] } }>> };
    const group = doc.data["azurerm_management_group"]!["ManagementGroup-contoso"]!;
    expect(group.name).toBe("contoso");
    expect(group.provider).toBe(`azurerm.sub-${SUB1}`);
    expect(group.lifecycle.postcondition).toEqual([
      {
        condition: `\${length(setsubtract([for s in self.all_subscription_ids : lower(s)], ${JSON.stringify([SUB1, SUB2, SUB3])})) == 0}`,
        error_message: "Management group contoso holds subscriptions this stack was not synthesized for: run resolveScope and cdktf synth again.",
      },
    ]);
  });

  test("unresolved groups are refused by both, naming the input; a resolution without groups too", async () => {
    expect(() => new AutoProvisioningStack(Testing.app(), "groups", stackProps(CONFIG))).toThrow(
      /managementGroupSubscriptions: is required: spec.managementGroups names contoso, whose subscriptions must be resolved before the stack is declared/,
    );
    expect(() => new AutoProvisioningStack(Testing.app(), "listed", { ...stackProps({ subscriptions: [SUB1] }), managementGroupSubscriptions: [SUB3] })).toThrow(
      /managementGroupSubscriptions: is only allowed with spec.managementGroups/,
    );
    await startMocks({ config: Object.fromEntries(Object.entries(configFromStackFile({ config: CONFIG })).map(([k, v]) => [`asc-autoprovision:${k}`, v])) });
    expect(() => declareStack()).toThrow(/asc-autoprovision:managementGroups: names management groups whose subscriptions are not resolved/);
    await expect(declareStackInScope(undefined, {}, () => Promise.reject(new Error("managementGroups: contoso: cannot list its subscriptions (403)")))).rejects.toThrow(
      "invalid stack config:\n  asc-autoprovision:managementGroups: managementGroups: contoso: cannot list its subscriptions (403)",
    );
  });

  test("machineRegions keyed by a subscription outside the resolved scope is refused once resolved", () => {
    const raw = configFromStackFile({ config: { ...CONFIG, machineRegions: { "44444444-4444-4444-4444-444444444444": ["westeurope"] } } });
    expect(() => readStackSettings(raw, {})).not.toThrow();
    expect(() => readStackSettings(raw, {}, RESOLVED)).toThrow(`asc-autoprovision:machineRegions.44444444-4444-4444-4444-444444444444: is not one of asc-autoprovision:subscriptions (${SUB1}, ${SUB3})`);
  });
});
