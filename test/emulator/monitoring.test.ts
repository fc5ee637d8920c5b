/** Log Analytics workspaces, data sources, solutions and Microsoft.Security settings through the official clients. */
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { OperationsManagementClient } from "@azure/arm-operations";
import { SecurityCenter } from "@azure/arm-security";
import { ComputeManagementClient } from "@azure/arm-compute";
import { ResourceManagementClient } from "@azure/arm-resources";
import { errorOf, FAST_POLL, raw, armToken, withEmulator } from "./helpers";
import { DEPRECATED_MESSAGE, trustEmulatorCertificate, type RunningEmulator } from "../../src/emulator";

let emu: RunningEmulator;
let sub: string;
let oi: OperationalInsightsManagementClient;
const RG = "rg-monitoring";

beforeAll(async () => {
  emu = await withEmulator();
  sub = emu.subscriptionIds[2]!;
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  oi = new OperationalInsightsManagementClient(emu.credential(), sub, opts);
  await new ResourceManagementClient(emu.credential(), sub, opts).resourceGroups.createOrUpdate(RG, { location: "eastus" });
});
afterAll(async () => emu?.stop());

async function workspace(name: string) {
  return oi.workspaces.beginCreateOrUpdateAndWait(RG, name, { location: "eastus", sku: { name: "PerGB2018" }, retentionInDays: 30 }, FAST_POLL);
}

test("a workspace gets a customerId at create, keeps it on update, and its keys only come from sharedKeys", async () => {
  const ws = await workspace("law-a");
  expect(ws.customerId).toMatch(/^[0-9a-f-]{36}$/);
  const again = await oi.workspaces.beginCreateOrUpdateAndWait(RG, "law-a", { location: "eastus", retentionInDays: 60 }, FAST_POLL);
  expect(again.customerId).toBe(ws.customerId);
  expect(again.retentionInDays).toBe(60);
  const keys = await oi.sharedKeys.getSharedKeys(RG, "law-a");
  expect(Buffer.from(keys.primarySharedKey!, "base64")).toHaveLength(64);
  expect(keys.secondarySharedKey).not.toBe(keys.primarySharedKey);
  const raw1 = JSON.stringify(await oi.workspaces.get(RG, "law-a"));
  expect(raw1).not.toContain(keys.primarySharedKey!);
  const listed: string[] = [];
  for await (const w of oi.workspaces.list()) listed.push(w.name!);
  expect(listed).toContain("law-a");
});

test("security events: Security Center's and Sentinel's configurations exclude each other", async () => {
  await workspace("law-sc");
  const ds = await oi.dataSources.createOrUpdate(RG, "law-sc", "SecurityEventCollectionConfiguration", {
    kind: "SecurityEventCollectionConfiguration",
    properties: { Tier: "Recommended", TierSetMethod: "Custom" },
  });
  expect(ds).toMatchObject({ kind: "SecurityEventCollectionConfiguration", properties: { Tier: "Recommended" } });
  const sentinel = await errorOf(
    oi.dataSources.createOrUpdate(RG, "law-sc", "SecurityInsightsSecurityEventCollectionConfiguration", {
      kind: "SecurityInsightsSecurityEventCollectionConfiguration",
      properties: { tier: "All", tierSetMethod: "Custom" },
    }),
  );
  expect(sentinel.statusCode).toBe(409);
  expect(sentinel.message).toMatch(/already configured by Security Center/);
  await workspace("law-sentinel");
  await oi.dataSources.createOrUpdate(RG, "law-sentinel", "SecurityInsightsSecurityEventCollectionConfiguration", { kind: "SecurityInsightsSecurityEventCollectionConfiguration", properties: { tier: "All" } });
  const sc = await errorOf(oi.dataSources.createOrUpdate(RG, "law-sentinel", "SecurityEventCollectionConfiguration", { kind: "SecurityEventCollectionConfiguration", properties: { Tier: "Minimal" } }));
  expect(sc.statusCode).toBe(409);
  expect(sc.message).toMatch(/Microsoft Sentinel/);
  const badTier = await errorOf(oi.dataSources.createOrUpdate(RG, "law-sc", "SecurityEventCollectionConfiguration", { kind: "SecurityEventCollectionConfiguration", properties: { Tier: "Most" } }));
  expect(badTier.statusCode).toBe(400);
  const listed: string[] = [];
  for await (const d of oi.dataSources.listByWorkspace(RG, "law-sc", "kind eq 'SecurityEventCollectionConfiguration'")) listed.push(d.name!);
  expect(listed).toEqual(["SecurityEventCollectionConfiguration"]);
});

test("solutions Security(<ws>) / SecurityCenterFree(<ws>) with their plan (arm-operations, CA trusted process-wide)", async () => {
  trustEmulatorCertificate(emu.caCert);
  const ws = await workspace("law-sol");
  const om = new OperationsManagementClient(emu.credential(), sub, "Microsoft.OperationalInsights", "workspaces", "law-sol", { baseUri: emu.url });
  const created = await om.solutions.createOrUpdate(RG, "SecurityCenterFree(law-sol)", {
    location: "eastus",
    plan: { name: "SecurityCenterFree(law-sol)", publisher: "Microsoft", product: "OMSGallery/SecurityCenterFree", promotionCode: "" },
    properties: { workspaceResourceId: ws.id! },
  });
  expect(created.plan).toMatchObject({ name: "SecurityCenterFree(law-sol)", product: "OMSGallery/SecurityCenterFree", publisher: "Microsoft" });
  const got = await om.solutions.get(RG, "SecurityCenterFree(law-sol)");
  expect(got.properties?.workspaceResourceId).toBe(ws.id);
  const wrong = await errorOf(
    om.solutions.createOrUpdate(RG, "Security(other)", { location: "eastus", plan: { name: "Security(other)", publisher: "Microsoft", product: "OMSGallery/Security", promotionCode: "" }, properties: { workspaceResourceId: ws.id! } }),
  );
  expect(wrong.message).toMatch(/must be 'Security\(law-sol\)'/);
});

test("the Log Analytics extension needs the workspace's key; a wrong key fails the deployment", async () => {
  const ws = await workspace("law-keys");
  const keys = await oi.sharedKeys.getSharedKeys(RG, "law-keys");
  const compute = new ComputeManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  const vm = (name: string) => ({ location: "eastus", storageProfile: { osDisk: { osType: "Windows" as const, createOption: "FromImage" as const } }, osProfile: { computerName: name, windowsConfiguration: {} } });
  await compute.virtualMachines.beginCreateOrUpdateAndWait(RG, "vm-mma", vm("vm-mma"), FAST_POLL);
  const mma = (key: string) => ({
    location: "eastus",
    publisher: "Microsoft.EnterpriseCloud.Monitoring",
    typePropertiesType: "MicrosoftMonitoringAgent",
    typeHandlerVersion: "1.0",
    settings: { workspaceId: ws.customerId, stopOnMultipleConnections: "true" },
    protectedSettings: { workspaceKey: key },
  });
  const bad = await errorOf(compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(RG, "vm-mma", "MicrosoftMonitoringAgent", mma("bm90LXRoZS1rZXk="), FAST_POLL));
  expect(bad.message).toContain("VMExtensionProvisioningError");
  const ok = await compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(RG, "vm-mma", "MicrosoftMonitoringAgent", mma(keys.primarySharedKey!), FAST_POLL);
  expect(ok.provisioningState).toBe("Succeeded");
  expect(JSON.stringify(await compute.virtualMachineExtensions.get(RG, "vm-mma", "MicrosoftMonitoringAgent"))).not.toContain(keys.primarySharedKey!);

  // A workspace machines still report to is deleted as Azure deletes it (Learn, "Delete and recover
  // a Log Analytics workspace": a soft delete, recoverable "including its data and connected agents"
  // for 14 days; it warns about agents, it does not refuse). The agent keeps its settings.
  await oi.workspaces.beginDeleteAndWait(RG, "law-keys", FAST_POLL);
  expect((await errorOf(oi.workspaces.get(RG, "law-keys"))).statusCode).toBe(404);
  const orphan = await compute.virtualMachineExtensions.get(RG, "vm-mma", "MicrosoftMonitoringAgent");
  expect([orphan.provisioningState, (orphan.settings as { workspaceId?: string }).workspaceId]).toEqual(["Succeeded", ws.customerId]);
  // Created again by name in its group and location: recovered, the same workspace to its agents.
  const again = await oi.workspaces.beginCreateOrUpdateAndWait(RG, "law-keys", { location: ws.location! }, FAST_POLL);
  expect(again.customerId).toBe(ws.customerId);
});

describe("Microsoft.Security settings (arm-security)", () => {
  let sc: SecurityCenter;
  beforeAll(() => {
    sc = new SecurityCenter(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  });

  test("autoProvision On is refused with 400 Deprecated, as Azure does today; Off is accepted", async () => {
    const err = await errorOf(sc.autoProvisioningSettings.create("default", { autoProvision: "On" }));
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe("Deprecated");
    expect(err.message).toBe(DEPRECATED_MESSAGE);
    const off = await sc.autoProvisioningSettings.create("default", { autoProvision: "Off" });
    expect(off.autoProvision).toBe("Off");
    const all: string[] = [];
    for await (const s of sc.autoProvisioningSettings.list()) all.push(`${s.name}=${s.autoProvision}`);
    expect(all).toEqual(["default=Off"]);
    const r = await raw(emu, "PUT", `/subscriptions/${sub}/providers/Microsoft.Security/autoProvisioningSettings/default?api-version=2017-08-01-preview`, {
      token: await armToken(emu),
      body: { properties: { autoProvision: "On" } },
    });
    expect(r.body).toEqual({ error: { code: "Deprecated", message: "Log Analytics auto provisioning is deprecated and can no longer be enabled." } });
  });

  test("workspaceSettings point the subscription at an existing workspace", async () => {
    const ws = await workspace("law-setting");
    const set = await sc.workspaceSettings.create("default", { workspaceId: ws.id, scope: `/subscriptions/${sub}` });
    expect(set.workspaceId).toBe(ws.id);
    expect((await sc.workspaceSettings.get("default")).scope).toBe(`/subscriptions/${sub}`);
    const bad = await errorOf(sc.workspaceSettings.create("default", { workspaceId: `${ws.id}-nope`, scope: `/subscriptions/${sub}` }));
    expect(bad.statusCode).toBe(400);
  });

  test("pricings: every plan Free by default, Standard once set; other tiers refused", async () => {
    const list = await sc.pricings.list();
    expect(list.value?.find((p) => p.name === "VirtualMachines")?.pricingTier).toBe("Free");
    const std = await sc.pricings.update("VirtualMachines", { pricingTier: "Standard" });
    expect(std.pricingTier).toBe("Standard");
    expect((await sc.pricings.get("VirtualMachines")).pricingTier).toBe("Standard");
    const bad = await errorOf(sc.pricings.update("VirtualMachines", { pricingTier: "Gold" as "Standard" }));
    expect(bad.statusCode).toBe(400);
  });
});

test("a PATCH of the Log Analytics extension keeps its protected settings", async () => {
  const ws = await workspace("law-patch");
  const keys = await oi.sharedKeys.getSharedKeys(RG, "law-patch");
  const compute = new ComputeManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  await compute.virtualMachines.beginCreateOrUpdateAndWait(RG, "vm-patch", { location: "eastus", storageProfile: { osDisk: { osType: "Linux", createOption: "FromImage" } } }, FAST_POLL);
  await compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
    RG,
    "vm-patch",
    "OMSAgentForLinux",
    { location: "eastus", publisher: "Microsoft.EnterpriseCloud.Monitoring", typePropertiesType: "OmsAgentForLinux", typeHandlerVersion: "1.7", settings: { workspaceId: ws.customerId }, protectedSettings: { workspaceKey: keys.primarySharedKey } },
    FAST_POLL,
  );
  const upgraded = await compute.virtualMachineExtensions.beginUpdateAndWait(RG, "vm-patch", "OMSAgentForLinux", { typeHandlerVersion: "1.13" }, FAST_POLL);
  expect(upgraded).toMatchObject({ typeHandlerVersion: "1.13", provisioningState: "Succeeded" });
});
