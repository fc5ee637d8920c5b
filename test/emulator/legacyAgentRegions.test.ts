/**
 * Regions Azure opened after 2024-01-01 never offered the Log Analytics agent: its extension is
 * refused there (404 ArtifactNotFound, no such extension image), while the Azure Monitor Agent is not,
 * and the region's extension image catalog does not list it.
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import { ResourceManagementClient } from "@azure/arm-resources";
import { errorOf, FAST_POLL, withEmulator } from "./helpers";
import type { RunningEmulator } from "../../src/emulator";
import { AZURE_MONITOR_AGENT, LOG_ANALYTICS_AGENT } from "../../src/spec/extensions";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await withEmulator();
});
afterAll(async () => emu?.stop());

test("the legacy agent's extension is refused on a VM in spaincentral; the Azure Monitor Agent is accepted", async () => {
  const sub = emu.subscriptionIds[0]!;
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  await new ResourceManagementClient(emu.credential(), sub, opts).resourceGroups.createOrUpdate("rg-esc", { location: "spaincentral" });
  const compute = new ComputeManagementClient(emu.credential(), sub, opts);
  await compute.virtualMachines.beginCreateOrUpdateAndWait("rg-esc", "vm-esc", { location: "spaincentral", identity: { type: "SystemAssigned" }, storageProfile: { osDisk: { osType: "Windows", createOption: "FromImage" } }, osProfile: { computerName: "vm-esc", windowsConfiguration: { provisionVMAgent: true } } }, FAST_POLL);
  const mma = LOG_ANALYTICS_AGENT.Windows;
  const refused = await errorOf(
    compute.virtualMachineExtensions.beginCreateOrUpdateAndWait("rg-esc", "vm-esc", mma.name, { location: "spaincentral", publisher: mma.publisher, typePropertiesType: mma.type, typeHandlerVersion: mma.version, settings: { workspaceId: "x" } }, FAST_POLL),
  );
  expect([refused.statusCode, refused.code]).toEqual([404, "ArtifactNotFound"]);
  const ama = AZURE_MONITOR_AGENT.Windows;
  const installed = await compute.virtualMachineExtensions.beginCreateOrUpdateAndWait("rg-esc", "vm-esc", ama.name, { location: "spaincentral", publisher: ama.publisher, typePropertiesType: ama.type, typeHandlerVersion: ama.version, enableAutomaticUpgrade: true }, FAST_POLL);
  expect(installed.provisioningState).toBe("Succeeded");
});

test("the extension image catalog of spaincentral lists no legacy agent; westeurope's does", async () => {
  const sub = emu.subscriptionIds[0]!;
  const images = new ComputeManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } }).virtualMachineExtensionImages;
  const mma = LOG_ANALYTICS_AGENT.Windows;
  const ama = AZURE_MONITOR_AGENT.Windows;
  expect((await images.listTypes("westeurope", mma.publisher)).map((t) => t.name)).toEqual(expect.arrayContaining([mma.type]));
  expect((await images.listVersions("westeurope", mma.publisher, mma.type)).length).toBeGreaterThan(0);
  for (const region of ["spaincentral", "Mexico Central"]) {
    expect(await images.listTypes(region, mma.publisher)).toEqual([]);
    const missing = await errorOf(images.listVersions(region, mma.publisher, mma.type));
    expect([missing.statusCode, missing.code]).toEqual([404, "ArtifactNotFound"]);
    expect((await images.listVersions(region, ama.publisher, ama.type)).length).toBeGreaterThan(0);
  }
});
