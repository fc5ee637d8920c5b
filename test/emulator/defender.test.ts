/**
 * Issue 14: Defender for Cloud's APIs on the emulator with the published shapes (pricings
 * 2024-01-01 with extensions, operation status and resource level; settings 2022-05-01;
 * vulnerability-assessment settings and machine assessments) and Defender's own behaviour once a
 * plan is on: after its delay it deploys MDE and the vulnerability assessment itself, recorded with
 * source `defender`. Guest Configuration fails on a machine without a system-assigned identity.
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import type { ExtensionPut, RunningEmulator } from "../../src/emulator";
import { GUEST_CONFIGURATION_EXTENSION } from "../../src/spec/defender";
import { regionShortCode } from "../../src/spec/geography";
import { armToken, raw, withEmulator } from "./helpers";

let emu: RunningEmulator;
let sub: string;
let token: string;
const DELAY_S = 120;

beforeAll(async () => {
  emu = await withEmulator({ fleet: 120, seed: 14, defenderDelayMs: DELAY_S * 1000 });
  sub = emu.subscriptionIds[2]!;
  token = await armToken(emu);
});
afterAll(async () => emu?.stop());

const call = (method: string, path: string, apiVersion: string, body?: object) => raw(emu, method, `${path}?api-version=${apiVersion}`, { token, ...(body ? { body } : {}) });
const pricing = (scope: string, plan: string) => `${scope}/providers/Microsoft.Security/pricings/${plan}`;
const state = (name: string) => emu.fleet!.defender!.states[name]!;
const inSub = (ids: readonly string[]) => ids.filter((id) => id.toLowerCase().startsWith(`/subscriptions/${sub}/`));

describe("pricings 2024-01-01", () => {
  it("a plan with its sub-plan, extensions and enforce; each extension's operation status; a read-back", async () => {
    const put = await call("PUT", pricing(`/subscriptions/${sub}`, "VirtualMachines"), "2024-01-01", {
      properties: {
        pricingTier: "Standard",
        subPlan: "P2",
        enforce: "False",
        extensions: [{ name: "AgentlessVmScanning", isEnabled: "True", additionalExtensionProperties: { ExclusionTags: '[{"key":"scan","value":"no"}]' } }],
      },
    });
    expect(put.status).toBe(200);
    expect(put.body.properties).toMatchObject({ pricingTier: "Standard", subPlan: "P2", enforce: "False", freeTrialRemainingTime: "PT0S" });
    expect(put.body.properties.extensions).toEqual([
      { name: "MdeDesignatedSubscription", isEnabled: "False", operationStatus: { code: "Succeeded", message: "Successfully disabled extension" } },
      { name: "AgentlessVmScanning", isEnabled: "True", additionalExtensionProperties: { ExclusionTags: '[{"key":"scan","value":"no"}]' }, operationStatus: { code: "Succeeded", message: "Successfully enabled extension" } },
      { name: "FileIntegrityMonitoring", isEnabled: "False", operationStatus: { code: "Succeeded", message: "Successfully disabled extension" } },
    ]);
    const get = await call("GET", pricing(`/subscriptions/${sub}`, "VirtualMachines"), "2024-01-01");
    expect(get.body.properties.resourcesCoverageStatus).toMatch(/FullyCovered|PartiallyCovered/);
  });

  it("file integrity monitoring needs its workspace and its rules, even when a disabled extension carries properties", async () => {
    const ws = `/subscriptions/${sub}/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/law-fim`;
    const rules = JSON.stringify([{ RuleId: "1c18eca2-7d3b-4367-3397-097a1ef2edb1", MonitoredEntities: { LinuxFiles: [{ Path: "/etc/passwd" }] } }]);
    const fim = (isEnabled: string, props?: Record<string, string>) =>
      call("PUT", pricing(`/subscriptions/${sub}`, "VirtualMachines"), "2024-01-01", {
        properties: { pricingTier: "Standard", subPlan: "P2", extensions: [{ name: "FileIntegrityMonitoring", isEnabled, ...(props ? { additionalExtensionProperties: props } : {}) }] },
      });
    const refused = [await fim("True"), await fim("True", { DefinedWorkspaceId: ws }), await fim("False", { DefinedWorkspaceId: ws }), await fim("True", { DefinedWorkspaceId: ws, Rules: "{}" }), await fim("True", { DefinedWorkspaceId: "law-fim", Rules: rules })];
    expect(refused.map((r) => [r.status, r.body.error?.code])).toEqual(Array(5).fill([400, "InvalidInputError"]));
    expect(refused.map((r) => String(r.body.error.message).split(" in ")[0])).toEqual([
      "Missing required property 'DefinedWorkspaceId'",
      "Missing required property 'Rules'",
      "Missing required property 'Rules'",
      expect.stringMatching(/Rules must be a JSON array/),
      expect.stringMatching(/DefinedWorkspaceId 'law-fim' is not the resource id of a Log Analytics workspace/),
    ]);
    const ok = await fim("True", { DefinedWorkspaceId: ws, Rules: rules });
    expect(ok.status).toBe(200);
    expect(ok.body.properties.extensions.find((e: { name: string }) => e.name === "FileIntegrityMonitoring").additionalExtensionProperties).toEqual({ DefinedWorkspaceId: ws, Rules: rules });
    expect((await fim("False")).status).toBe(200);
  });

  it("refuses a deprecated sub-plan, an extension the plan has not, and a bad tier (InvalidInputError / InvalidParameter)", async () => {
    const deprecated = await call("PUT", pricing(`/subscriptions/${sub}`, "KeyVaults"), "2024-01-01", { properties: { pricingTier: "Standard", subPlan: "PerTransaction" } });
    expect([deprecated.status, deprecated.body.error.code]).toEqual([400, "InvalidInputError"]);
    expect(deprecated.body.error.message).toMatch(/deprecated.*PerKeyVault/);
    const unknown = await call("PUT", pricing(`/subscriptions/${sub}`, "VirtualMachines"), "2024-01-01", { properties: { pricingTier: "Standard", subPlan: "P2", extensions: [{ name: "ContainerSensor", isEnabled: "True" }] } });
    expect([unknown.status, unknown.body.error.code]).toEqual([400, "InvalidInputError"]);
    const tier = await call("PUT", pricing(`/subscriptions/${sub}`, "Arm"), "2024-01-01", { properties: { pricingTier: "Premium" } });
    expect([tier.status, tier.body.error.code]).toEqual([400, "InvalidParameter"]);
  });

  it("resource level: P1 or Free on a machine only, inherited until set, deletable; a subscription's is not", async () => {
    const vm = inSub(state("mde-onboarded-otherwise").concat(emu.fleet!.cases["no-agent"]!)).find((id) => /virtualMachines\//.test(id))!;
    const inherited = await call("GET", pricing(vm, "VirtualMachines"), "2024-01-01");
    expect(inherited.body.properties).toMatchObject({ pricingTier: "Standard", subPlan: "P2", inherited: "True", inheritedFrom: `/subscriptions/${sub}` });
    const p2 = await call("PUT", pricing(vm, "VirtualMachines"), "2024-01-01", { properties: { pricingTier: "Standard", subPlan: "P2" } });
    expect([p2.status, p2.body.error.code]).toEqual([400, "InvalidInputError"]);
    const p1 = await call("PUT", pricing(vm, "VirtualMachines"), "2024-01-01", { properties: { pricingTier: "Standard", subPlan: "P1" } });
    expect(p1.body.properties).toMatchObject({ pricingTier: "Standard", subPlan: "P1", inherited: "False" });
    expect((await call("DELETE", pricing(vm, "VirtualMachines"), "2024-01-01")).status).toBe(200);
    expect((await call("GET", pricing(vm, "VirtualMachines"), "2024-01-01")).body.properties.inherited).toBe("True");
    const sub1 = await call("DELETE", pricing(`/subscriptions/${sub}`, "VirtualMachines"), "2024-01-01");
    expect([sub1.status, sub1.body.error.code]).toEqual([400, "InvalidInputError"]);
  });

  it("a subscription that enforces its plan answers for its machines' own pricings, inherited, until it stops (user trial 20)", async () => {
    const vm = inSub(emu.fleet!.cases["no-agent"]!).find((id) => /virtualMachines\//.test(id))!;
    const subPricing = pricing(`/subscriptions/${sub}`, "VirtualMachines");
    const before = (await call("GET", subPricing, "2024-01-01")).body.properties;
    expect((await call("PUT", pricing(vm, "VirtualMachines"), "2024-01-01", { properties: { pricingTier: "Free" } })).body.properties).toMatchObject({ pricingTier: "Free", inherited: "False" });
    expect((await call("PUT", subPricing, "2024-01-01", { properties: { pricingTier: "Standard", subPlan: "P2", enforce: "True" } })).status).toBe(200);
    const enforced = (await call("GET", pricing(vm, "VirtualMachines"), "2024-01-01")).body.properties;
    expect(enforced).toMatchObject({ pricingTier: "Standard", subPlan: "P2", inherited: "True", inheritedFrom: `/subscriptions/${sub}` });
    expect(enforced.enforce).toBeUndefined();
    expect((await call("PUT", subPricing, "2024-01-01", { properties: { pricingTier: "Standard", subPlan: "P2", enforce: "False" } })).status).toBe(200);
    expect((await call("GET", pricing(vm, "VirtualMachines"), "2024-01-01")).body.properties).toMatchObject({ pricingTier: "Free", inherited: "False" });
    // Leave the fleet as the other tests found it.
    expect((await call("DELETE", pricing(vm, "VirtualMachines"), "2024-01-01")).status).toBe(200);
    expect((await call("PUT", subPricing, "2024-01-01", { properties: before })).status).toBe(200);
  });
});

describe("settings and vulnerability assessment", () => {
  it("WDATP and its companions: defaults, PUT with their kind, a wrong kind refused", async () => {
    const list = await call("GET", `/subscriptions/${sub}/providers/Microsoft.Security/settings`, "2022-05-01");
    expect(list.body.value.find((s: { name: string }) => s.name === "WDATP").properties.enabled).toBe(true);
    const put = await call("PUT", `/subscriptions/${sub}/providers/Microsoft.Security/settings/WDATP_UNIFIED_SOLUTION`, "2022-05-01", { kind: "DataExportSettings", properties: { enabled: true } });
    expect(put.body).toMatchObject({ name: "WDATP_UNIFIED_SOLUTION", kind: "DataExportSettings", properties: { enabled: true } });
    const wrong = await call("PUT", `/subscriptions/${sub}/providers/Microsoft.Security/settings/WDATP`, "2022-05-01", { kind: "AlertSyncSettings", properties: { enabled: true } });
    expect(wrong.status).toBe(400);
  });

  it("the subscription's provider MdeTvm (kind AzureServersSetting); absent until set", async () => {
    const path = `/subscriptions/${sub}/providers/Microsoft.Security/serverVulnerabilityAssessmentsSettings/AzureServersSetting`;
    expect((await call("GET", path, "2023-05-01")).status).toBe(404);
    const put = await call("PUT", path, "2023-05-01", { kind: "AzureServersSetting", properties: { selectedProvider: "MdeTvm" } });
    expect(put.body).toMatchObject({ kind: "AzureServersSetting", properties: { selectedProvider: "MdeTvm" } });
  });
});

describe("Defender's own behaviour", () => {
  it("after its delay it deploys MDE where it can (source defender), fails MDE.Linux without Python, skips what it cannot provision, then enables vulnerability assessment", async () => {
    const before = (await emu.admin<{ value: ExtensionPut[] }>("GET", "/admin/extension-puts")).value.length;
    await emu.admin("POST", "/admin/clock", { advanceSeconds: DELAY_S - 10 });
    expect((await emu.admin<{ value: ExtensionPut[] }>("GET", "/admin/extension-puts")).value.length).toBe(before);
    await emu.admin("POST", "/admin/clock", { advanceSeconds: 20 });
    const puts = (await emu.admin<{ value: ExtensionPut[] }>("GET", "/admin/extension-puts")).value.filter((p) => p.source === "defender");
    const machines = new Set(puts.map((p) => p.machineId.toLowerCase()));
    expect(puts.length).toBeGreaterThan(5);
    // Only MDE; in this subscription and in the fleet's own Defender subscription (its plan was on from the start).
    expect(puts.every((p) => /^MDE\.(Windows|Linux)$/.test(p.type))).toBe(true);
    expect(puts.some((p) => p.machineId.toLowerCase().startsWith(`/subscriptions/${sub}/`))).toBe(true);
    expect(puts.some((p) => p.machineId.toLowerCase().startsWith(`/subscriptions/${emu.subscriptionIds[0]}/`))).toBe(false);
    for (const id of inSub([...state("generalized-image"), ...state("unsupported-os"), ...state("resource-plan-free"), ...state("mde-extension")])) expect(machines.has(id.toLowerCase())).toBe(false);
    for (const id of inSub(state("mde-onboarded-otherwise"))) expect(machines.has(id.toLowerCase())).toBe(true);
    const compute = new ComputeManagementClient(emu.credential(), sub, emu.clientOptions());
    for (const id of inSub(state("linux-no-python")).filter((i) => /virtualMachines\//.test(i))) {
      const ext = await compute.virtualMachineExtensions.get(id.split("/")[4]!, id.split("/").pop()!, "MDE.Linux");
      expect(ext.provisioningState).toBe("Failed");
    }
    // Vulnerability assessment: the machines whose MDE is provisioned now have theirs.
    const noPython = new Set(inSub(state("linux-no-python")).map((x) => x.toLowerCase()));
    const provisioned = puts.find((p) => p.machineId.toLowerCase().startsWith(`/subscriptions/${sub}/`) && !noPython.has(p.machineId.toLowerCase()))!;
    const va = await call("GET", `${provisioned.machineId}/providers/Microsoft.Security/serverVulnerabilityAssessments/mdetvm`, "2015-06-01-preview");
    expect(va.body.properties.provisioningState).toBe("Succeeded");
    // The next sweep deploys nothing twice.
    await emu.admin("POST", "/admin/clock", { advanceSeconds: DELAY_S + 1 });
    expect((await emu.admin<{ value: ExtensionPut[] }>("GET", "/admin/extension-puts")).value.filter((p) => p.source === "defender")).toHaveLength(puts.length);
  });

  it("Guest Configuration fails on a machine without a system-assigned identity", async () => {
    const id = inSub(emu.fleet!.cases["no-agent"]!).find((x) => /virtualMachines\//.test(x) && !state("gc-installed").includes(x))!;
    const compute = new ComputeManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
    const vm = await compute.virtualMachines.get(id.split("/")[4]!, id.split("/").pop()!);
    const kind = GUEST_CONFIGURATION_EXTENSION[vm.storageProfile!.osDisk!.osType as "Windows" | "Linux"];
    await expect(
      compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(id.split("/")[4]!, vm.name!, kind.name, { location: vm.location, publisher: kind.publisher, typePropertiesType: kind.type, typeHandlerVersion: kind.version }, { updateIntervalInMs: 5 }),
    ).rejects.toThrow(/system-assigned managed identity/);
  });
});

describe("Defender for Containers' sensor", () => {
  it("reports to the default workspace of the cluster's own region, as policy 64def556 names it (brazilsouth: CQ, not the FAQ geography's EUS; user trial 20)", async () => {
    // A cluster where the FAQ's geography (United States: EUS) and the region's own code (CQ) differ.
    expect((await call("PUT", `/subscriptions/${sub}/resourceGroups/rg-aks-br`, "2021-04-01", { location: "brazilsouth" })).status).toBeLessThan(300);
    const br = await call("PUT", `/subscriptions/${sub}/resourceGroups/rg-aks-br/providers/Microsoft.ContainerService/managedClusters/aks-br`, "2024-05-01", {
      location: "brazilsouth",
      identity: { type: "SystemAssigned" },
      properties: { dnsPrefix: "aks-br", agentPoolProfiles: [{ name: "system", count: 1, vmSize: "Standard_D2s_v5", mode: "System" }] },
    });
    expect(br.status).toBeLessThan(300);
    for (const s of emu.subscriptionIds) {
      const on = await call("PUT", pricing(`/subscriptions/${s}`, "Containers"), "2024-01-01", { properties: { pricingTier: "Standard", extensions: [{ name: "ContainerSensor", isEnabled: "True" }] } });
      expect(on.status).toBe(200);
    }
    await emu.admin("POST", "/admin/clock", { advanceSeconds: DELAY_S + 1 });
    const clusters: { location: string; workspace?: string }[] = [];
    for (const s of emu.subscriptionIds) {
      const list = await call("GET", `/subscriptions/${s}/providers/Microsoft.ContainerService/managedClusters`, "2024-05-01");
      for (const c of list.body.value as { location: string; properties: { securityProfile?: { defender?: { logAnalyticsWorkspaceResourceId?: string } } } }[]) {
        clusters.push({ location: c.location, workspace: c.properties.securityProfile?.defender?.logAnalyticsWorkspaceResourceId });
      }
    }
    expect(clusters.map((c) => c.location)).toContain("brazilsouth");
    for (const { location, workspace } of clusters) {
      const code = regionShortCode(location);
      expect(workspace).toMatch(new RegExp(`/resourceGroups/DefaultResourceGroup-${code}/providers/Microsoft\\.OperationalInsights/workspaces/DefaultWorkspace-[0-9a-f-]{36}-${code}$`));
    }
  });
});
