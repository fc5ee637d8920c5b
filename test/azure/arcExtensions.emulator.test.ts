/**
 * The Azure Monitor Agent on an Arc-enabled server keeps `enableAutomaticUpgrade`: the install
 * step sends it at a current api-version (@azure/arm-hybridcompute targets 2021-05-20, whose model
 * lacks the property, so the SDK's serializer dropped it and the agent never upgraded itself). The
 * emulator, as ARM's provider, writes and reads an Arc extension through the model of the request's
 * api-version, so the step would fail here too if it sent an old version.
 */
import { HybridComputeManagementClient } from "@azure/arm-hybridcompute";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { ResourceManagementClient } from "@azure/arm-resources";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { emulatorConnection } from "../../src/azure/connection";
import { AzureStepRunner } from "../../src/azure/runner";
import { ArmBudgets } from "../../src/azure/budget";
import { ArmRest } from "../../src/azure/rest";
import { AZURE_MONITOR_AGENT, LOG_ANALYTICS_AGENT } from "../../src/spec/extensions";
import type { Step } from "../../src/capabilities";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ fleet: 40, seed: 7 });
});
afterAll(async () => emu?.stop());

test("install-extension on an Arc machine sends enableAutomaticUpgrade, and Azure keeps it", async () => {
  const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  let target: { id: string; location: string; os: "Windows" | "Linux" } | undefined;
  for (const sub of emu.subscriptionIds) {
    const hc = new HybridComputeManagementClient(emu.credential(), sub, emu.clientOptions());
    for await (const m of hc.machines.listBySubscription()) {
      const os = m.properties?.osName?.toLowerCase() === "windows" ? "Windows" : "Linux";
      const rg = m.id!.split("/")[4]!;
      const existing = [];
      for await (const e of hc.machineExtensions.list(rg, m.name!)) existing.push(e.properties?.type);
      if (!existing.includes(AZURE_MONITOR_AGENT[os].type)) target = { id: m.id!, location: m.location, os };
      if (target) break;
    }
    if (target) break;
  }
  expect(target).toBeDefined();
  const ama = AZURE_MONITOR_AGENT[target!.os];
  const step = {
    id: "ama",
    action: "install-extension",
    target: `${target!.id}/extensions/${ama.name}`,
    dependsOn: [],
    details: { machineId: target!.id, machineKind: "arc", osType: target!.os, location: target!.location, name: ama.name, publisher: ama.publisher, type: ama.type, typeHandlerVersion: ama.version, workspaceId: null, enableAutomaticUpgrade: true },
  } as Step;
  const runner = new AzureStepRunner(conn, { budgets: new ArmBudgets(), pollIntervalMs: 10 });
  await runner.run(step, { accepted: () => undefined } as never);
  const live = (await new ArmRest(conn).get(`${target!.id}/extensions/${ama.name}`, "2024-07-10")) as { properties: { enableAutomaticUpgrade?: boolean; provisioningState: string } };
  expect(live.properties.provisioningState).toBe("Succeeded");
  expect(live.properties.enableAutomaticUpgrade).toBe(true);
});

test("over REST, an Arc extension written at 2021-05-20 loses enableAutomaticUpgrade; at 2024-07-10 it keeps it", async () => {
  const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  const sub = emu.subscriptionIds[0]!;
  await emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: "rg-arc-versions", name: "arc-versions", location: "westeurope", osType: "Linux", kind: "arc" });
  const machineId = `/subscriptions/${sub}/resourceGroups/rg-arc-versions/providers/Microsoft.HybridCompute/machines/arc-versions`;
  const rest = new ArmRest(conn);
  const ama = AZURE_MONITOR_AGENT.Linux;
  const body = { location: "westeurope", properties: { publisher: ama.publisher, type: ama.type, typeHandlerVersion: ama.version, autoUpgradeMinorVersion: true, enableAutomaticUpgrade: true } };
  type Ext = { properties: { enableAutomaticUpgrade?: boolean; autoUpgradeMinorVersion?: boolean } };
  const path = `${machineId}/extensions/${ama.name}`;
  await (await rest.beginPut(path, "2021-05-20", body, 10)).pollUntilDone();
  const old = (await rest.get(path, "2024-07-10")) as Ext;
  expect(old.properties.enableAutomaticUpgrade).toBeUndefined();
  expect(old.properties.autoUpgradeMinorVersion).toBe(true);
  await (await rest.beginPut(path, "2024-07-10", body, 10)).pollUntilDone();
  expect(((await rest.get(path, "2024-07-10")) as Ext).properties.enableAutomaticUpgrade).toBe(true);
  // Read at the old version, the property is not in its model either.
  expect(((await rest.get(path, "2021-05-20")) as Ext).properties.enableAutomaticUpgrade).toBeUndefined();
});

test("an Arc extension's GET carries its instance view: one status, the handler's exit code 10 when the install failed beside a direct agent", async () => {
  const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  const sub = emu.subscriptionIds[0]!;
  await new ResourceManagementClient(emu.credential(), sub, emu.clientOptions()).resourceGroups.createOrUpdate("rg-arc-view", { location: "westeurope" });
  const oi = new OperationalInsightsManagementClient(emu.credential(), sub, emu.clientOptions());
  const ws = await oi.workspaces.beginCreateOrUpdateAndWait("rg-arc-view", "law-arc-view", { location: "westeurope", sku: { name: "PerGB2018" } });
  const key = (await oi.sharedKeys.getSharedKeys("rg-arc-view", "law-arc-view")).primarySharedKey!;
  const machine = (name: string, guest: Record<string, unknown>) =>
    emu.admin<{ id: string }>("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: "rg-arc-view", name, location: "westeurope", osType: "Linux", kind: "arc", guest }).then((m) => m.id);
  const oms = LOG_ANALYTICS_AGENT.Linux;
  const body = { location: "westeurope", properties: { publisher: oms.publisher, type: oms.type, typeHandlerVersion: "1.13", settings: { workspaceId: ws.customerId, stopOnMultipleConnections: true }, protectedSettings: { workspaceKey: key } } };
  const rest = new ArmRest(conn);
  type Ext = { properties: { provisioningState: string; instanceView?: { name?: string; type?: string; status?: { code?: string; level?: string; message?: string } } } };

  const beside = `${await machine("arc-view-direct", { directAgent: { workspaceCustomerIds: ["0badc0de-0000-4000-8000-000000000002"] } })}/extensions/${oms.name}`;
  await expect((await rest.beginPut(beside, "2024-07-10", body, 10)).pollUntilDone()).rejects.toThrow(/exit code 10/);
  const failed = (await rest.get(beside, "2024-07-10")) as Ext;
  expect(failed.properties.provisioningState).toBe("Failed");
  expect(failed.properties.instanceView).toMatchObject({ name: oms.name, type: `${oms.publisher}.${oms.type}`, status: { code: "ProvisioningState/failed/10", level: "Error", message: expect.stringMatching(/exit code 10/) } });

  const alone = `${await machine("arc-view-alone", {})}/extensions/${oms.name}`;
  await (await rest.beginPut(alone, "2024-07-10", body, 10)).pollUntilDone();
  expect(((await rest.get(alone, "2024-07-10")) as Ext).properties.instanceView).toMatchObject({ status: { code: "ProvisioningState/succeeded", level: "Info" } });
});
