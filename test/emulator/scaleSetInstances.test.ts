/**
 * Scale-set instances and the `Manual` upgrade policy, through arm-compute: a change of the model's
 * extensions leaves every existing instance with `latestModelApplied: false` until `manualUpgrade`
 * names it; `Automatic` instances follow the model; a new scale set's instances start on its model.
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import { ResourceManagementClient } from "@azure/arm-resources";
import { errorOf, FAST_POLL, withEmulator } from "./helpers";
import type { RunningEmulator } from "../../src/emulator";

let emu: RunningEmulator;
let compute: ComputeManagementClient;
const RG = "rg-vmss";

beforeAll(async () => {
  emu = await withEmulator();
  const sub = emu.subscriptionIds[1]!;
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  compute = new ComputeManagementClient(emu.credential(), sub, opts);
  await new ResourceManagementClient(emu.credential(), sub, opts).resourceGroups.createOrUpdate(RG, { location: "eastus" });
});
afterAll(async () => emu?.stop());

const ama = { publisher: "Microsoft.Azure.Monitor", typePropertiesType: "AzureMonitorLinuxAgent", typeHandlerVersion: "1.33", autoUpgradeMinorVersion: true, enableAutomaticUpgrade: true };

async function scaleSet(name: string, mode: "Manual" | "Automatic", capacity = 3): Promise<void> {
  await compute.virtualMachineScaleSets.beginCreateOrUpdateAndWait(
    RG,
    name,
    {
      location: "eastus",
      // The Azure Monitor Agent signs in with it.
      identity: { type: "SystemAssigned" },
      sku: { name: "Standard_D2s_v3", capacity },
      upgradePolicy: { mode },
      virtualMachineProfile: {
        osProfile: { computerNamePrefix: name.replace(/-/g, ""), adminUsername: "azureuser", linuxConfiguration: {} },
        storageProfile: { osDisk: { osType: "Linux", createOption: "FromImage" } },
        extensionProfile: { extensions: [{ name: "DependencyAgentLinux", publisher: "Microsoft.Azure.Monitoring.DependencyAgent", typePropertiesType: "DependencyAgentLinux", typeHandlerVersion: "9.10" }] },
      },
    },
    FAST_POLL,
  );
}

async function instances(name: string): Promise<{ id: string; latest: boolean | undefined; computerName: string | undefined }[]> {
  const out = [];
  for await (const vm of compute.virtualMachineScaleSetVMs.list(RG, name)) out.push({ id: vm.instanceId!, latest: vm.latestModelApplied, computerName: vm.osProfile?.computerName });
  return out;
}

test("a new scale set's instances run its model, with the names the Heartbeat table carries", async () => {
  await scaleSet("vmss-manual", "Manual");
  expect(await instances("vmss-manual")).toEqual([
    { id: "0", latest: true, computerName: "vmssmanual000000" },
    { id: "1", latest: true, computerName: "vmssmanual000001" },
    { id: "2", latest: true, computerName: "vmssmanual000002" },
  ]);
  const one = await compute.virtualMachineScaleSetVMs.get(RG, "vmss-manual", "1");
  expect(one).toMatchObject({ name: "vmss-manual_1", instanceId: "1", latestModelApplied: true, type: "Microsoft.Compute/virtualMachineScaleSets/virtualMachines" });
  expect(await errorOf(compute.virtualMachineScaleSetVMs.get(RG, "vmss-manual", "7"))).toMatchObject({ statusCode: 404 });
});

test("Manual: an extension added to the model leaves every instance behind until manualUpgrade names it (\"*\": all)", async () => {
  await compute.virtualMachineScaleSetExtensions.beginCreateOrUpdateAndWait(RG, "vmss-manual", "AzureMonitorLinuxAgent", ama, FAST_POLL);
  expect((await instances("vmss-manual")).map((i) => i.latest)).toEqual([false, false, false]);
  await compute.virtualMachineScaleSets.beginUpdateInstancesAndWait(RG, "vmss-manual", { instanceIds: ["0", "2"] }, FAST_POLL);
  expect((await instances("vmss-manual")).map((i) => i.latest)).toEqual([true, false, true]);
  await compute.virtualMachineScaleSets.beginUpdateInstancesAndWait(RG, "vmss-manual", { instanceIds: ["*"] }, FAST_POLL);
  expect((await instances("vmss-manual")).map((i) => i.latest)).toEqual([true, true, true]);
});

test("Manual: an unchanged extension PUT leaves the instances alone; a delete from the model does not", async () => {
  await compute.virtualMachineScaleSetExtensions.beginCreateOrUpdateAndWait(RG, "vmss-manual", "AzureMonitorLinuxAgent", ama, FAST_POLL);
  expect((await instances("vmss-manual")).map((i) => i.latest)).toEqual([true, true, true]);
  await compute.virtualMachineScaleSetExtensions.beginDeleteAndWait(RG, "vmss-manual", "DependencyAgentLinux", FAST_POLL);
  expect((await instances("vmss-manual")).map((i) => i.latest)).toEqual([false, false, false]);
});

test("manualUpgrade refuses an empty or unknown instance id, naming the field", async () => {
  const empty = await errorOf(compute.virtualMachineScaleSets.beginUpdateInstancesAndWait(RG, "vmss-manual", { instanceIds: [] }, FAST_POLL));
  expect(empty).toMatchObject({ statusCode: 400 });
  expect(empty.message).toContain("instanceIds");
  const unknown = await errorOf(compute.virtualMachineScaleSets.beginUpdateInstancesAndWait(RG, "vmss-manual", { instanceIds: ["9"] }, FAST_POLL));
  expect(unknown).toMatchObject({ statusCode: 400 });
  expect(unknown.message).toContain("9");
});

test("Automatic: instances follow the model", async () => {
  await scaleSet("vmss-auto", "Automatic", 2);
  await compute.virtualMachineScaleSetExtensions.beginCreateOrUpdateAndWait(RG, "vmss-auto", "AzureMonitorLinuxAgent", ama, FAST_POLL);
  expect((await instances("vmss-auto")).map((i) => i.latest)).toEqual([true, true]);
});
