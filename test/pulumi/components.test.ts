/**
 * The components one by one under setMocks: the planner's choices for the security-event tier
 * (warning with Defender off, refusal for Sentinel), exactly the definition's roles, the existing
 * workspace wiring, auto provisioning off, providers (own, given, for a workspace in another
 * subscription), the emulator endpoint, rehydration, and argument errors attributed to the component.
 */
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/azure-native/provider";
import type { AutoProvisioningArgs } from "../../components/pulumi/args";
import { AutoProvisioning } from "../../components/pulumi/autoProvisioning";
import { AzureMonitorAgentPolicy } from "../../components/pulumi/policy/azureMonitorAgentPolicy";
import { ExtensionPolicy } from "../../components/pulumi/policy/extensionPolicy";
import { selectEndpoint } from "../../components/pulumi/provider";
import { DefaultWorkspace } from "../../components/pulumi/workspace/defaultWorkspace";
import { SecurityEventCollection } from "../../components/pulumi/workspace/securityEventCollection";
import { checkedWorkspaceId, workspaceIdCheck } from "../../components/pulumi/workspace/workspaceId";
import { GEOGRAPHIES } from "../../src/spec/geography";
import { dataCollectionRuleId } from "../../src/spec/dcr";
import { parseSpec } from "../../src/spec/validate";
import { LOOKED_UP_LOCATION, startMocks, valueOf, type MockRun } from "./harness";
import { T, amaPolicyFacts, declaredFacts, expectComponentTree, freshInventory, plannedFacts } from "./graph";

const SUB = "11111111-1111-1111-1111-111111111111";
const OTHER = "99999999-9999-9999-9999-999999999999";
const WS = `/subscriptions/${SUB}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-main`;
const WS_OTHER = `/subscriptions/${OTHER}/resourceGroups/rg-hub/providers/Microsoft.OperationalInsights/workspaces/law-hub`;

let run: MockRun;
beforeEach(async () => {
  run = await startMocks();
});
// A constructor that throws has still registered its component, whose outputs follow asynchronously:
// let them reach this test's monitor before the next test installs its own.
afterEach(async () => {
  await run.settle();
});

/** Runs `declare`, waits for the registrations, and fails on any registration error. */
async function declared<T>(declare: () => T): Promise<T> {
  const value = declare();
  expect((await run.settle()).map((e) => e.message)).toEqual([]);
  return value;
}

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}

describe("SecurityEventCollection", () => {
  test("stores the tier in the API's words with TierSetMethod Custom", async () => {
    const sec = await declared(() => new SecurityEventCollection("events", { workspaceId: WS, tier: "Common" }));
    const [source] = run.ofType(T.dataSource);
    expect(source!.inputs).toEqual({
      resourceGroupName: "rg-logs",
      workspaceName: "law-main",
      dataSourceName: "SecurityEventCollectionConfiguration",
      kind: "SecurityEventCollectionConfiguration",
      properties: { Tier: "Recommended", TierSetMethod: "Custom" },
    });
    expect(run.parentOf(source!)!.name).toBe("events");
    expect(sec.apiTier).toBe("Recommended");
    expect(await valueOf(sec.dataSourceId)).toMatch(/\/resourceGroups\/rg-logs\/providers\/Microsoft.OperationalInsights\/workspaces\/law-main\/dataSources\/SecurityEventCollectionConfiguration$/);
  });

  test("None declares no data source", async () => {
    await declared(() => new SecurityEventCollection("events", { workspaceId: WS }));
    expect(run.ofType(T.dataSource)).toEqual([]);
  });

  test("with Defender off a tier is not stored: the planner's warning, nothing declared", async () => {
    const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    try {
      const sec = await declared(() => new SecurityEventCollection("events", { workspaceId: WS, tier: "All", defender: false }));
      expect(warn).toHaveBeenCalledWith('Storing Windows security events needs Azure Defender: the "All" tier is not stored while logAnalyticsAgent.defender is false.', sec);
      expect(run.ofType(T.dataSource)).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  test("refuses a tier on a workspace whose security events Sentinel owns, naming the argument", () => {
    const err = thrown(() => new SecurityEventCollection("events", { workspaceId: WS, tier: "Minimal", sentinelOwnsSecurityEvents: true }));
    expect(pulumi.ResourceError.isInstance(err)).toBe(true);
    expect((err as pulumi.ResourceError).resource).toBeInstanceOf(SecurityEventCollection);
    expect(err.message).toBe(
      'SecurityEventCollection "events" has invalid arguments:\n' +
        '  tier: "Minimal" cannot be set while sentinelOwnsSecurityEvents is true: Azure Sentinel configures the security events of law-main; ' +
        "a workspace's security events are configured by Security Center or by Sentinel, never both. Set the tier in Sentinel, or disconnect Sentinel's Security Events connector first.",
    );
  });

  test("a Sentinel-owned workspace with tier None is left alone", async () => {
    await declared(() => new SecurityEventCollection("events", { workspaceId: WS, sentinelOwnsSecurityEvents: true }));
    expect(run.ofType(T.dataSource)).toEqual([]);
  });

  test("a workspace id known only at deployment is checked then, naming the argument", async () => {
    // The check checkedWorkspaceId applies inside the Output (a rejected Output is the deployment's error).
    const holder = new pulumi.ComponentResource("test:index:Holder", "holder");
    const check = workspaceIdCheck(holder, "SecurityEventCollection", "events", "workspaceId");
    const err = thrown(() => check("not-an-id"));
    expect(pulumi.ResourceError.isInstance(err) && err.resource).toBe(holder);
    expect(err.message).toBe(
      'SecurityEventCollection "events" has invalid arguments:\n  workspaceId: "not-an-id": must be the ARM id of a Log Analytics workspace (/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>)',
    );
    expect(check(WS)).toBe(WS);
    expect(await valueOf(checkedWorkspaceId(holder, "X", "x", pulumi.output(WS), "workspaceId"))).toBe(WS);
    await run.settle();
  });
});

describe("ExtensionPolicy", () => {
  test("the Dependency agent (Linux): assignment with identity and location, its one role, a remediation after it", async () => {
    const policy = await declared(() => new ExtensionPolicy("dep", { subscriptionId: SUB, policy: "dependencyAgentLinux", identityLocation: "uksouth" }));
    const [assignment] = run.ofType(T.policyAssignment);
    expect(assignment!.inputs).toEqual({
      policyAssignmentName: "asc-dependency-agent-linux",
      scope: `/subscriptions/${SUB}`,
      policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/4da21710-ce6f-4e06-8cdb-5cc4c93ffbee",
      displayName: "Deploy Dependency agent for Linux virtual machines",
      identity: { type: "SystemAssigned" },
      location: "uksouth",
      enforcementMode: "Default",
    });
    const roles = run.ofType(T.roleAssignment);
    expect(roles.map((r) => r.inputs)).toEqual([
      {
        roleAssignmentName: expect.stringMatching(/^[0-9a-f-]{36}$/),
        scope: `/subscriptions/${SUB}`,
        roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/92aaf0da-9dab-42b6-94a3-d43ce8d16293`,
        principalId: assignment!.state["identity"].principalId,
        principalType: "ServicePrincipal",
      },
    ]);
    const [remediation] = run.ofType(T.remediation);
    expect(remediation!.inputs).toEqual({
      remediationName: "asc-dependency-agent-linux",
      policyAssignmentId: assignment!.id,
      resourceDiscoveryMode: "ReEvaluateCompliance",
      resourceCount: 50000,
      parallelDeployments: 10,
    });
    expect(await valueOf(policy.roleAssignmentIds)).toEqual([`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/${roles[0]!.inputs["roleAssignmentName"]}`]);
    expectComponentTree(run);
  });

  test("role-assignment names are the planner's (stable across runs)", async () => {
    await declared(() => new ExtensionPolicy("k8s", { subscriptionId: SUB, policy: "kubernetesPolicyAddon" }));
    const names = run.ofType(T.roleAssignment).map((r) => r.inputs["roleAssignmentName"]).sort();
    const spec = parseSpec({ subscriptions: [SUB], extensions: { kubernetesPolicyAddon: true } });
    const planned = plannedFacts(spec, freshInventory(spec, new Map())).filter((f) => f.startsWith("role ")).map((f) => f.split(" ")[2]).sort();
    expect(names).toEqual(planned);
    expect(names).toHaveLength(2);
  });

  test("remediate false: no remediation", async () => {
    const policy = await declared(() => new ExtensionPolicy("k8s", { subscriptionId: SUB, policy: "kubernetesPolicyAddon", remediate: false }));
    expect(run.ofType(T.remediation)).toEqual([]);
    expect(await valueOf(policy.remediationId)).toBeUndefined();
  });

  test("bad arguments fail with one line per argument", () => {
    const err = thrown(() => new ExtensionPolicy("p", { subscriptionId: "sub", policy: "dependencyAgent" as never, identityLocation: "" }));
    expect(err.message).toBe(
      'ExtensionPolicy "p" has invalid arguments:\n' +
        '  subscriptionId: "sub": must be a subscription GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)\n' +
        '  policy: "dependencyAgent" is not one of kubernetesPolicyAddon, dependencyAgentWindows, dependencyAgentLinux\n' +
        '  identityLocation: "": Too small: expected string to have >=1 characters',
    );
  });
});

describe("DefaultWorkspace", () => {
  test("a region outside every geography is its own geography, in its own region", async () => {
    const dw = await declared(() => new DefaultWorkspace("za", { subscriptionId: SUB, region: "South Africa North", defender: false }));
    expect(run.ofType(T.workspace).map((w) => [w.inputs["resourceGroupName"], w.inputs["workspaceName"], w.inputs["location"]])).toEqual([
      ["DefaultResourceGroup-JNB", `DefaultWorkspace-${SUB}-JNB`, "southafricanorth"],
    ]);
    expect(run.ofType(T.solution).map((s) => s.inputs["solutionName"])).toEqual([`SecurityCenterFree(DefaultWorkspace-${SUB}-JNB)`]);
    expect(dw.geography).toMatchObject({ code: "JNB", ownRegion: true });
  });

  test("an existing workspace: no group or workspace, the solution at the looked-up location", async () => {
    const dw = await declared(() => new DefaultWorkspace("mine", { existingWorkspaceId: WS }));
    expect(run.ofType(T.resourceGroup)).toEqual([]);
    expect(run.ofType(T.workspace)).toEqual([]);
    expect(run.ofType(T.solution).map((s) => [s.inputs["resourceGroupName"], s.inputs["solutionName"], s.inputs["location"]])).toEqual([
      ["rg-logs", "Security(law-main)", LOOKED_UP_LOCATION],
    ]);
    expect(await valueOf(dw.workspaceId)).toBe(WS);
  });

  test("an existing workspace without the solution declares nothing and looks nothing up", async () => {
    await declared(() => new DefaultWorkspace("mine", { existingWorkspaceId: WS, installSolution: false }));
    expect(run.resources.map((r) => r.type)).toEqual([T.defaultWorkspace]);
    expect(run.invocations).toEqual([]);
  });

  test("both modes at once is an error naming the argument", () => {
    const err = thrown(() => new DefaultWorkspace("x", { existingWorkspaceId: WS, region: "westeurope" } as never));
    expect(err.message).toBe('DefaultWorkspace "x" has invalid arguments:\n  existingWorkspaceId: wires to an existing workspace: leave subscriptionId and region unset (they create a default one)');
  });
});

describe("AutoProvisioning", () => {
  const base: AutoProvisioningArgs = { subscriptionId: SUB };

  test("auto provisioning off: only the extension policies, as the planner", async () => {
    const args: AutoProvisioningArgs = { ...base, logAnalyticsAgent: { autoProvision: false, securityEvents: "All" }, extensions: { kubernetesPolicyAddon: true }, machineRegions: ["westeurope"] };
    const ap = await declared(() => new AutoProvisioning("off", args));
    expect(new Set(run.resources.map((r) => r.type))).toEqual(new Set([T.autoProvisioning, T.provider, T.extensionPolicy, T.policyAssignment, T.roleAssignment, T.remediation]));
    expect(ap.pricing).toBeUndefined();
    expect(await valueOf(ap.workspaceIds)).toEqual({});
    const spec = parseSpec({ subscriptions: [SUB], logAnalyticsAgent: { autoProvision: false, securityEvents: "All" }, extensions: { kubernetesPolicyAddon: true } });
    expect(declaredFacts(run)).toEqual(plannedFacts(spec, freshInventory(spec, new Map([[SUB, ["westeurope"]]]))));
  });

  test("Defender off with a tier: pricing Free, SecurityCenterFree, a warning and no data source, as the planner", async () => {
    const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    try {
      const la = { autoProvision: true, defender: false, securityEvents: "Minimal" } as const;
      await declared(() => new AutoProvisioning("free", { ...base, logAnalyticsAgent: la, machineRegions: ["eastus", "westus2"] }));
      expect(run.ofType(T.pricing).map((p) => p.inputs["pricingTier"])).toEqual(["Free"]);
      expect(run.ofType(T.workspace)).toHaveLength(1); // eastus and westus2: one US geography
      expect(run.ofType(T.dataSource)).toEqual([]);
      expect(warn).toHaveBeenCalledTimes(1);
      const spec = parseSpec({ subscriptions: [SUB], logAnalyticsAgent: la });
      expect(declaredFacts(run)).toEqual(plannedFacts(spec, freshInventory(spec, new Map([[SUB, ["eastus", "westus2"]]]))));
    } finally {
      warn.mockRestore();
    }
  });

  test("a provider in the options is used: the component makes none", async () => {
    await declared(() => {
      const given = new Provider("given", { subscriptionId: SUB });
      return new AutoProvisioning("mine", { ...base, logAnalyticsAgent: { autoProvision: true }, machineRegions: ["westeurope"] }, { providers: [given] });
    });
    expect(run.ofType(T.provider).map((p) => p.name)).toEqual(["given"]);
    for (const r of run.resources.filter((x) => x.custom && x.type !== T.provider)) expect(r.provider).toMatch(/::given::provider-/);
  });

  test("a custom workspace in another subscription: its solution and tier go through a provider for that subscription", async () => {
    await declared(
      () =>
        new AutoProvisioning("spoke", {
          ...base,
          logAnalyticsAgent: { autoProvision: true, agent: "mma", securityEvents: "All", workspace: { id: WS_OTHER, location: "northeurope" } },
        }),
    );
    expect(run.ofType(T.provider).map((p) => [p.name, p.inputs["subscriptionId"]]).sort()).toEqual([
      ["spoke-provider", SUB],
      ["spoke-workspace-provider", OTHER],
    ]);
    expect(run.ofType(T.workspaceSetting).map((w) => [w.subscription, w.inputs["workspaceId"]])).toEqual([[SUB, WS_OTHER]]);
    expect(run.ofType(T.solution).map((s) => [s.subscription, s.inputs["solutionName"], s.inputs["location"]])).toEqual([[OTHER, "Security(law-hub)", "northeurope"]]);
    expect(run.ofType(T.dataSource).map((d) => [d.subscription, d.inputs["properties"].Tier])).toEqual([[OTHER, "All"]]);
    expectComponentTree(run);
  });

  test("with a provider of your own, a workspace in another subscription needs workspace.provider", () => {
    const given = new Provider("given", { subscriptionId: SUB });
    const err = thrown(() => new AutoProvisioning("spoke", { ...base, logAnalyticsAgent: { autoProvision: true, workspace: { id: WS_OTHER } } }, { provider: given }));
    expect(pulumi.ResourceError.isInstance(err)).toBe(true);
    expect(err.message).toBe(
      'AutoProvisioning "spoke" has invalid arguments:\n' +
        `  logAnalyticsAgent.workspace.provider: the workspace is in subscription ${OTHER}, not ${SUB}: pass an azure-native provider for that subscription (or set installSolution and configureSecurityEvents to false)`,
    );
  });

  test("the emulator endpoint: providers discover ARM from it, with instance discovery off", async () => {
    await declared(() => new AutoProvisioning("emu", { ...base, endpoint: selectEndpoint("https://localhost:8443", {}) }));
    const [provider] = run.ofType(T.provider);
    expect(provider!.inputs).toMatchObject({ subscriptionId: SUB, metadataHost: "localhost:8443", disableInstanceDiscovery: "true" });
  });

  test("the provider authenticates as the default one would: azure-native stack config is carried over", async () => {
    run = await startMocks({ config: { "azure-native:tenantId": "t-1", "azure-native:clientId": "c-1", "azure-native:useMsi": "true", "azure-native:subscriptionId": OTHER } });
    await declared(() => new AutoProvisioning("cfg", base));
    const [provider] = run.ofType(T.provider);
    expect(provider!.inputs).toMatchObject({ tenantId: "t-1", useMsi: "true", subscriptionId: SUB });
    expect(JSON.stringify(provider!.inputs["clientId"])).toContain("c-1"); // azure-native marks it secret
  });

  test("rehydrating an existing component (opts.urn) declares nothing", async () => {
    const first = await declared(() => new AutoProvisioning("re", { ...base, logAnalyticsAgent: { autoProvision: true } }));
    const urn = await valueOf(first.urn);
    const before = run.resources.length;
    const again = await declared(() => new AutoProvisioning("re", { ...base, logAnalyticsAgent: { autoProvision: true } }, { urn }));
    expect(run.resources.length).toBe(before);
    expect(await valueOf(again.urn)).toBe(urn);
    expect(again.pricing).toBeUndefined();
  });

  test("bad arguments fail before anything is declared, attributed to the component, naming each argument", () => {
    const err = thrown(
      () =>
        new AutoProvisioning("bad", {
          subscriptionId: SUB,
          logAnalyticsAgent: { securityEvents: "Most" as never, workspace: { id: "nope" } },
          machineRegions: ["westeurope", ""],
        }),
    );
    expect(pulumi.ResourceError.isInstance(err)).toBe(true);
    expect((err as pulumi.ResourceError).resource).toBeInstanceOf(AutoProvisioning);
    expect(err.message).toBe(
      'AutoProvisioning "bad" has invalid arguments:\n' +
        '  logAnalyticsAgent.workspace.id: "nope": must be the ARM id of a Log Analytics workspace (/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>)\n' +
        '  logAnalyticsAgent.securityEvents: "Most" is not one of None, Minimal, Common, All\n' +
        '  machineRegions[1]: "" is not a region name (e.g. "westeurope")',
    );
  });

  test("the seed's cross-field rule: the Dependency agent needs the Log Analytics agent", () => {
    const err = thrown(() => new AutoProvisioning("dep", { subscriptionId: SUB, extensions: { dependencyAgent: { linux: true } } }));
    expect(err.message).toBe(
      'AutoProvisioning "dep" has invalid arguments:\n  extensions.dependencyAgent.linux: the Dependency agent requires the Log Analytics agent: set logAnalyticsAgent.autoProvision to true',
    );
  });

  test("the spec seam for the agent reconciliation: validated, defaults filled, the custom workspace resolved", async () => {
    const ap = await declared(() => new AutoProvisioning("seam", { subscriptionId: SUB.toUpperCase(), logAnalyticsAgent: { autoProvision: true, workspace: { id: pulumi.output(WS) } } }));
    expect(await valueOf(ap.spec)).toEqual(parseSpec({ subscriptions: [SUB], logAnalyticsAgent: { autoProvision: true, workspace: { id: WS } } }));
    expect(ap.subscriptionId).toBe(SUB);
    expect(ap.readiness.map((r) => (r as unknown as { __name: string }).__name).sort()).toEqual(["seam-security-events", "seam-workspace", "seam-workspace-setting"]);
  });
});

describe("Azure Monitor Agent (agent: ama)", () => {
  const regions = new Map([[SUB, ["westeurope", "japaneast"]]]);

  test("default workspaces: each gets its data collection rule with the tier, no legacy data source, as the planner", async () => {
    const la = { autoProvision: true, agent: "ama", securityEvents: "Minimal" } as const;
    await declared(() => new AutoProvisioning("ama", { subscriptionId: SUB, logAnalyticsAgent: la, machineRegions: regions.get(SUB) }));
    expect(run.ofType(T.dataSource)).toEqual([]);
    const rules = run.ofType(T.dataCollectionRule);
    expect(rules.map((r) => [r.subscription, r.inputs["resourceGroupName"], r.inputs["dataCollectionRuleName"], r.inputs["location"]]).sort()).toEqual([
      [SUB, "DefaultResourceGroup-EJP", `asc-DefaultWorkspace-${SUB}-EJP`, "japaneast"],
      [SUB, "DefaultResourceGroup-WEU", `asc-DefaultWorkspace-${SUB}-WEU`, "westeurope"],
    ]);
    const [rule] = rules;
    expect(rule!.inputs["dataSources"].windowsEventLogs[0].streams).toEqual(["Microsoft-SecurityEvent"]);
    expect(rule!.inputs["dataSources"].windowsEventLogs[0].xPathQueries[0]).toMatch(/^Security!\*\[System\[\(EventID=1102\) or /);
    expect(rule!.inputs["destinations"].logAnalytics).toEqual([{ name: "workspace", workspaceResourceId: expect.stringMatching(/\/workspaces\/DefaultWorkspace-/) }]);
    expectComponentTree(run);
    const spec = parseSpec({ subscriptions: [SUB], logAnalyticsAgent: la });
    expect(declaredFacts(run)).toEqual(plannedFacts(spec, freshInventory(spec, regions)));
  });

  test("Defender off: the rule is still declared (machines report through it) without a security-event stream, as the planner", async () => {
    const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    try {
      const la = { autoProvision: true, agent: "ama", defender: false, securityEvents: "All" } as const;
      await declared(() => new AutoProvisioning("ama", { subscriptionId: SUB, logAnalyticsAgent: la, machineRegions: ["westeurope"] }));
      const [rule] = run.ofType(T.dataCollectionRule);
      expect(rule!.inputs["dataSources"]).toEqual({});
      expect(rule!.inputs["dataFlows"]).toEqual([]);
      expect(warn).toHaveBeenCalledTimes(1);
      const spec = parseSpec({ subscriptions: [SUB], logAnalyticsAgent: la });
      expect(declaredFacts(run)).toEqual(plannedFacts(spec, freshInventory(spec, new Map([[SUB, ["westeurope"]]]))));
    } finally {
      warn.mockRestore();
    }
  });

  test("a custom workspace: its rule at the looked-up location (one lookup for solution and rule), as the planner", async () => {
    const la = { autoProvision: true, agent: "ama", securityEvents: "Common", workspace: { id: WS } } as const;
    await declared(() => new AutoProvisioning("ama", { subscriptionId: SUB, logAnalyticsAgent: la, machineRegions: ["westeurope"] }));
    expect(run.ofType(T.dataCollectionRule).map((r) => [r.inputs["resourceGroupName"], r.inputs["dataCollectionRuleName"], r.inputs["location"]])).toEqual([
      ["rg-logs", "asc-law-main", LOOKED_UP_LOCATION],
    ]);
    expect(run.invocations).toHaveLength(1);
    const spec = parseSpec({ subscriptions: [SUB], logAnalyticsAgent: la });
    const existing = { id: WS, customerId: "c0000000-0000-0000-0000-000000000002", location: LOOKED_UP_LOCATION, createdBySecurityCenter: false, solutions: [] };
    expect(declaredFacts(run)).toEqual(plannedFacts(spec, freshInventory(spec, new Map([[SUB, ["westeurope"]]]), [existing])));
  });
});

describe("the AMA policies (agent: ama)", () => {
  const AMA_WIN = "ca817e41-e85a-4783-bc7f-dc532d36235e";
  const AMA_LINUX = "a4034bc6-ae50-406d-bf76-50f4ee5a7811";
  const DCRA_WIN = "244efd75-0d92-453c-b9a3-7d73ca36ed52";
  const DCRA_LINUX = "58e891b9-ce13-4ac3-86e4-ac3e1f20cb07";
  const VM_CONTRIBUTOR = "9980e02c-c2be-4d73-94e8-173b1dc7cf3c";
  const MONITORING_CONTRIBUTOR = "749f88d5-cbae-40b8-bcfc-e573ddc772fa";
  const LA_CONTRIBUTOR = "92aaf0da-9dab-42b6-94a3-d43ce8d16293";
  const regionsOf = (key: string) => GEOGRAPHIES.find((g) => g.key === key)!.regions.join(",");
  const ruleOf = (code: string) => dataCollectionRuleId(`/subscriptions/${SUB}/resourceGroups/DefaultResourceGroup-${code}/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-${SUB}-${code}`);
  const la = { autoProvision: true, agent: "ama", securityEvents: "Minimal" } as const;

  test("default workspaces: per OS the AMA extension everywhere, and per OS and geography the association with that workspace's rule, limited to the geography's regions", async () => {
    const ap = await declared(() => new AutoProvisioning("ama", { subscriptionId: SUB, logAnalyticsAgent: la, machineRegions: ["westeurope", "japaneast", "northeurope"] }));
    expect(amaPolicyFacts(run)).toEqual([
      `asc-ama-dcr-linux-EJP ${DCRA_LINUX} ${ruleOf("EJP")} ${regionsOf("japan")} - eastus`,
      `asc-ama-dcr-linux-WEU ${DCRA_LINUX} ${ruleOf("WEU")} ${regionsOf("europe")} - eastus`,
      `asc-ama-dcr-windows-EJP ${DCRA_WIN} ${ruleOf("EJP")} ${regionsOf("japan")} - eastus`,
      `asc-ama-dcr-windows-WEU ${DCRA_WIN} ${ruleOf("WEU")} ${regionsOf("europe")} - eastus`,
      `asc-ama-linux ${AMA_LINUX} - * - eastus`,
      `asc-ama-windows ${AMA_WIN} - * - eastus`,
    ]);
    // The rule each association policy names is one this component declares.
    const rules = run.ofType(T.dataCollectionRule).map((r) => r.id);
    for (const f of amaPolicyFacts(run).filter((l) => l.includes("-dcr-"))) expect(rules).toContain(f.split(" ")[2]);
    const [selector] = run.ofType(T.policyAssignment).find((a) => a.inputs["policyAssignmentName"] === "asc-ama-dcr-windows-WEU")!.inputs["resourceSelectors"];
    expect(selector).toEqual({ name: "geography", selectors: [{ kind: "resourceLocation", in: regionsOf("europe").split(",") }] });
    expect(ap.amaPolicies).toHaveLength(6);
    expect(Object.keys(await valueOf(ap.amaPolicyAssignmentIds))).toEqual(["asc-ama-windows", "asc-ama-dcr-windows-WEU", "asc-ama-dcr-windows-EJP", "asc-ama-linux", "asc-ama-dcr-linux-WEU", "asc-ama-dcr-linux-EJP"]);
    expectComponentTree(run);
  });

  test("exactly the roles each definition lists, to the assignment's identity; the remediation waits for them and for the rule", async () => {
    await declared(() => new AutoProvisioning("ama", { subscriptionId: SUB, logAnalyticsAgent: la, machineRegions: ["westeurope"] }));
    const policies = run.ofType(T.amaPolicy);
    const roleIds = (p: (typeof policies)[number]) => run.resources.filter((r) => r.type === T.roleAssignment && r.parent === p.urn).map((r) => r.inputs["roleDefinitionId"].split("/").pop());
    expect(policies.map((p) => [p.name, roleIds(p)])).toEqual([
      ["ama-asc-ama-windows", [VM_CONTRIBUTOR]],
      ["ama-asc-ama-dcr-windows-WEU", [MONITORING_CONTRIBUTOR, LA_CONTRIBUTOR]],
      ["ama-asc-ama-linux", [VM_CONTRIBUTOR]],
      ["ama-asc-ama-dcr-linux-WEU", [MONITORING_CONTRIBUTOR, LA_CONTRIBUTOR]],
    ]);
    const [rule] = run.ofType(T.dataCollectionRule);
    for (const p of policies) {
      const children = run.resources.filter((r) => r.parent === p.urn);
      const assignment = children.find((r) => r.type === T.policyAssignment)!;
      const roles = children.filter((r) => r.type === T.roleAssignment);
      const remediation = children.find((r) => r.type === T.remediation)!;
      for (const role of roles) expect(role.inputs).toMatchObject({ scope: `/subscriptions/${SUB}`, principalId: assignment.state["identity"].principalId, principalType: "ServicePrincipal" });
      expect(remediation.inputs).toMatchObject({ remediationName: assignment.inputs["policyAssignmentName"], policyAssignmentId: assignment.id, resourceDiscoveryMode: "ReEvaluateCompliance" });
      for (const role of roles) expect(remediation.dependencies).toContain(role.urn);
      if (p.name.includes("-dcr-")) expect(remediation.dependencies).toContain(rule!.urn);
    }
  });

  test("a custom workspace: the associations name its rule and select every region", async () => {
    await declared(() => new AutoProvisioning("ama", { subscriptionId: SUB, logAnalyticsAgent: { ...la, workspace: { id: WS } }, machineRegions: ["westeurope", "eastus"] }));
    expect(amaPolicyFacts(run)).toEqual([
      `asc-ama-dcr-linux ${DCRA_LINUX} ${dataCollectionRuleId(WS)} * - eastus`,
      `asc-ama-dcr-windows ${DCRA_WIN} ${dataCollectionRuleId(WS)} * - eastus`,
      `asc-ama-linux ${AMA_LINUX} - * - eastus`,
      `asc-ama-windows ${AMA_WIN} - * - eastus`,
    ]);
    expect(run.ofType(T.policyAssignment).filter((a) => a.inputs["resourceSelectors"] !== undefined)).toEqual([]);
  });

  test("not with agent mma, nor with auto provisioning off, nor with enabled false", async () => {
    await declared(() => new AutoProvisioning("mma", { subscriptionId: SUB, logAnalyticsAgent: { autoProvision: true, agent: "mma" }, machineRegions: ["westeurope"] }));
    await declared(() => new AutoProvisioning("off", { subscriptionId: SUB, logAnalyticsAgent: { autoProvision: false, agent: "ama" }, extensions: { kubernetesPolicyAddon: true } }));
    await declared(() => new AutoProvisioning("disabled", { subscriptionId: SUB, logAnalyticsAgent: la, machineRegions: ["westeurope"], amaPolicies: { enabled: false } }));
    expect(run.ofType(T.amaPolicy)).toEqual([]);
  });

  test("not-scopes reach every assignment; remediation is off by default beside the agent reconciliation, on when asked", async () => {
    const rg = `/subscriptions/${SUB}/resourceGroups/rg-self-managed`;
    await declared(() => new AutoProvisioning("ama", { subscriptionId: SUB, logAnalyticsAgent: la, machineRegions: ["westeurope"], amaPolicies: { notScopes: [rg] }, reconcile: { mode: "report" } }));
    expect(amaPolicyFacts(run).map((f) => f.split(" ")[4])).toEqual([rg, rg, rg, rg]);
    expect(run.resources.filter((r) => r.type === T.remediation && run.parentOf(r)?.type === T.amaPolicy)).toEqual([]);
    // The reconciliation waits for the policies.
    const [agents] = run.ofType(T.agentReconciliation);
    for (const a of run.ofType(T.policyAssignment)) expect(agents!.dependencies).toContain(a.urn);
    await run.settle();
    run = await startMocks();
    await declared(() => new AutoProvisioning("ama", { subscriptionId: SUB, logAnalyticsAgent: la, machineRegions: ["westeurope"], amaPolicies: { remediate: true }, reconcile: { mode: "report" } }));
    expect(run.resources.filter((r) => r.type === T.remediation && run.parentOf(r)?.type === T.amaPolicy)).toHaveLength(4);
  });

  test("bad amaPolicies fail naming the argument and the allowed values", () => {
    const err = thrown(
      () =>
        new AutoProvisioning("bad", {
          subscriptionId: SUB,
          logAnalyticsAgent: la,
          amaPolicies: { enable: false, notScopes: [`/subscriptions/${OTHER}/resourceGroups/rg`, "rg-mine"] } as never,
        }),
    );
    expect(err.message).toBe(
      'AutoProvisioning "bad" has invalid arguments:\n' +
        '  amaPolicies.notScopes[1]: "rg-mine": must be an ARM id under a subscription (/subscriptions/<guid>/resourceGroups/<rg>[/providers/...])\n' +
        "  amaPolicies.enable: is not a known field (allowed: enabled, remediate, notScopes)",
    );
    const outside = thrown(() => new AutoProvisioning("bad2", { subscriptionId: SUB, logAnalyticsAgent: la, amaPolicies: { notScopes: [`/subscriptions/${OTHER}/resourceGroups/rg`] } }));
    expect(outside.message).toBe(`AutoProvisioning "bad2" has invalid arguments:\n  amaPolicies.notScopes[0]: "/subscriptions/${OTHER}/resourceGroups/rg" is not in subscription ${SUB}`);
  });

  test("AzureMonitorAgentPolicy alone: catalog names and no selector by default; its arguments checked, naming each", async () => {
    await declared(() => new AzureMonitorAgentPolicy("linux", { subscriptionId: SUB, policy: "dcrAssociationLinuxVm", dataCollectionRuleId: pulumi.output(dataCollectionRuleId(WS)) }));
    expect(amaPolicyFacts(run)).toEqual([`asc-ama-dcr-linux ${DCRA_LINUX} ${dataCollectionRuleId(WS)} * - eastus`]);
    const err = thrown(() => new AzureMonitorAgentPolicy("p", { subscriptionId: SUB, policy: "dcrAssociationWindowsVm", regions: [], assignmentName: "a/b", remediate: "yes" as never }));
    expect(err.message).toBe(
      'AzureMonitorAgentPolicy "p" has invalid arguments:\n' +
        "  dataCollectionRuleId: is required by dcrAssociationWindowsVm (the rule its associations link machines to)\n" +
        "  regions: [] is not a non-empty list of region names\n" +
        '  assignmentName: "a/b" must be 1 to 64 characters without <>*%&:\\?.+/\n' +
        '  remediate: "yes" is not a boolean',
    );
    const ext = thrown(() => new AzureMonitorAgentPolicy("q", { subscriptionId: SUB, policy: "amaWindows" as never }));
    expect(ext.message).toBe('AzureMonitorAgentPolicy "q" has invalid arguments:\n  policy: "amaWindows" is not one of amaWindowsVm, amaLinuxVm, dcrAssociationWindowsVm, dcrAssociationLinuxVm');
    const extra = thrown(() => new AzureMonitorAgentPolicy("r", { subscriptionId: SUB, policy: "amaLinuxVm", dataCollectionRuleId: dataCollectionRuleId(WS) }));
    expect(extra.message).toBe('AzureMonitorAgentPolicy "r" has invalid arguments:\n  dataCollectionRuleId: is only for the association policies (dcrAssociationWindowsVm, dcrAssociationLinuxVm)');
  });
});

describe("the defender section (issue 14): the subscription-level resources, from the shared model", () => {
  const defender = {
    servers: { plan: "P2", agentlessScanning: { exclusionTags: { scan: "no" } } },
    plans: { StorageAccounts: { enabled: true, subPlan: "DefenderForStorageV2" } },
  } as const;

  test("each plan's pricing with sub-plan and extensions, the WDATP switches in a subscription-scope template, the VA provider", async () => {
    await declared(() => new AutoProvisioning("def", { subscriptionId: SUB, defender }));
    const pricings = run.ofType(T.pricing).map((p) => p.inputs).sort((a, b) => (String(a["pricingName"]) < String(b["pricingName"]) ? 1 : -1));
    expect(pricings).toEqual([
      expect.objectContaining({ scopeId: `/subscriptions/${SUB}`, pricingName: "VirtualMachines", pricingTier: "Standard", subPlan: "P2", enforce: "False" }),
      expect.objectContaining({ pricingName: "StorageAccounts", pricingTier: "Standard", subPlan: "DefenderForStorageV2" }),
    ]);
    // Every extension of the plan, with its switch: an absent one would be left as Azure has it.
    expect(pricings[0]!["extensions"]).toEqual(
      expect.arrayContaining([
        { name: "AgentlessVmScanning", isEnabled: "True", additionalExtensionProperties: { ExclusionTags: '[{"key":"scan","value":"no"}]' } },
        { name: "FileIntegrityMonitoring", isEnabled: "False" },
        { name: "MdeDesignatedSubscription", isEnabled: "False" },
      ]),
    );
    expect(run.ofType("azure-native:security:AzureServersSetting").map((s) => s.inputs["selectedProvider"])).toEqual(["MdeTvm"]);
    const settings = run.ofType("azure-native:resources:DeploymentAtSubscriptionScope").map((d) => (d.inputs["properties"] as { template: { resources: { type: string; name: string; kind: string; properties: { enabled: boolean } }[] } }).template.resources[0]!);
    expect(settings.map((r) => [r.type, r.name, r.kind, r.properties.enabled]).sort()).toEqual([
      ["Microsoft.Security/settings", "WDATP", "DataExportSettings", true],
      ["Microsoft.Security/settings", "WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW", "DataExportSettings", false],
      ["Microsoft.Security/settings", "WDATP_UNIFIED_SOLUTION", "DataExportSettings", true],
    ]);
  });

  test("a designated subscription that is another of the stack's is accepted: the extension is off here", async () => {
    const other = "22222222-2222-2222-2222-222222222222";
    await declared(() => new AutoProvisioning("designated", { subscriptionId: SUB, defender: { servers: { plan: "P1", directOnboarding: { subscription: other } } } }));
    const [servers] = run.ofType(T.pricing).map((p) => p.inputs);
    expect(servers!["extensions"]).toEqual(expect.arrayContaining([{ name: "MdeDesignatedSubscription", isEnabled: "False" }]));
  });
});
