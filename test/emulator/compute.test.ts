/** Machines and their extensions through arm-compute, arm-hybridcompute and arm-containerservice. */
import { ComputeManagementClient } from "@azure/arm-compute";
import { HybridComputeManagementClient } from "@azure/arm-hybridcompute";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ResourceManagementClient } from "@azure/arm-resources";
import { errorOf, FAST_POLL, withEmulator } from "./helpers";
import type { ExtensionPut, RunningEmulator } from "../../src/emulator";

let emu: RunningEmulator;
let compute: ComputeManagementClient;
let sub: string;
const RG = "rg-compute";

beforeAll(async () => {
  emu = await withEmulator({ listPageSize: 4 });
  sub = emu.subscriptionIds[1]!;
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  compute = new ComputeManagementClient(emu.credential(), sub, opts);
  await new ResourceManagementClient(emu.credential(), sub, opts).resourceGroups.createOrUpdate(RG, { location: "eastus" });
});
afterAll(async () => emu?.stop());

const windowsVm = (name: string, provisionVMAgent = true) => ({
  location: "eastus",
  hardwareProfile: { vmSize: "Standard_D2s_v3" },
  storageProfile: { osDisk: { osType: "Windows" as const, createOption: "FromImage" as const } },
  osProfile: { computerName: name, adminUsername: "azureuser", adminPassword: "Secret-Passw0rd!", windowsConfiguration: { provisionVMAgent } },
});

const dependencyAgent = { location: "eastus", publisher: "Microsoft.Azure.Monitoring.DependencyAgent", typePropertiesType: "DependencyAgentWindows", typeHandlerVersion: "9.10", autoUpgradeMinorVersion: true };

test("a VM round-trips through a long-running PUT; GET never returns the admin password", async () => {
  const poller = await compute.virtualMachines.beginCreateOrUpdate(RG, "vm-a", windowsVm("vm-a"), FAST_POLL);
  const vm = await poller.pollUntilDone();
  expect(vm).toMatchObject({ name: "vm-a", provisioningState: "Succeeded", storageProfile: { osDisk: { osType: "Windows" } } });
  const got = await compute.virtualMachines.get(RG, "vm-a");
  expect(got.vmId).toMatch(/^[0-9a-f-]{36}$/);
  expect(JSON.stringify(got)).not.toContain("Secret-Passw0rd!");
});

test("instanceView reports power state and VM agent status", async () => {
  const view = await compute.virtualMachines.instanceView(RG, "vm-a");
  expect(view.statuses?.map((s) => s.code)).toContain("PowerState/running");
  expect(view.vmAgent?.statuses?.[0]?.displayStatus).toBe("Ready");
  const expanded = await compute.virtualMachines.get(RG, "vm-a", { expand: "instanceView" });
  expect(expanded.instanceView?.statuses?.map((s) => s.code)).toContain("PowerState/running");
});

test("an extension PUT is long-running (Azure-AsyncOperation), then GET and list show it", async () => {
  const ext = await compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(RG, "vm-a", "DependencyAgentWindows", dependencyAgent, FAST_POLL);
  expect(ext).toMatchObject({ publisher: "Microsoft.Azure.Monitoring.DependencyAgent", typePropertiesType: "DependencyAgentWindows", provisioningState: "Succeeded" });
  const list = await compute.virtualMachineExtensions.list(RG, "vm-a");
  expect(list.value?.map((e) => e.name)).toEqual(["DependencyAgentWindows"]);
  const view = await compute.virtualMachines.instanceView(RG, "vm-a");
  expect(view.extensions?.[0]?.statuses?.[0]?.code).toBe("ProvisioningState/succeeded");
  const log = await emu.admin<{ value: ExtensionPut[] }>("GET", "/admin/extension-puts");
  expect(log.value.filter((e) => e.machineId.endsWith("/vm-a"))).toEqual([
    expect.objectContaining({ type: "DependencyAgentWindows", publisher: "Microsoft.Azure.Monitoring.DependencyAgent", source: "arm", version: "9.10" }),
  ]);
});

test("the first poll of an operation with lroDelay sees InProgress, the resource shows Creating", async () => {
  const slow = await withEmulator({ lroDelayMs: 60_000 });
  try {
    const c = new ComputeManagementClient(slow.credential(), slow.subscriptionIds[0]!, { ...slow.clientOptions(), retryOptions: { maxRetries: 0 } });
    await new ResourceManagementClient(slow.credential(), slow.subscriptionIds[0]!, slow.clientOptions()).resourceGroups.createOrUpdate("rg", { location: "eastus" });
    const poller = await c.virtualMachines.beginCreateOrUpdate("rg", "vm-slow", windowsVm("vm-slow"), FAST_POLL);
    await poller.poll();
    expect(poller.isDone()).toBe(false);
    expect((await c.virtualMachines.get("rg", "vm-slow")).provisioningState).toBe("Creating");
    const again = await errorOf(c.virtualMachines.beginCreateOrUpdateAndWait("rg", "vm-slow", windowsVm("vm-slow"), FAST_POLL));
    expect(again.code).toBe("AnotherOperationInProgress");
    await slow.admin("POST", "/admin/clock", { advanceSeconds: 61 });
    const vm = await poller.pollUntilDone();
    expect(vm.provisioningState).toBe("Succeeded");
  } finally {
    await slow.stop();
  }
});

test("an extension on a VM without VM agent is accepted and then fails, as in Azure", async () => {
  await compute.virtualMachines.beginCreateOrUpdateAndWait(RG, "vm-noagent", windowsVm("vm-noagent", false), FAST_POLL);
  const err = await errorOf(compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(RG, "vm-noagent", "DependencyAgentWindows", dependencyAgent, FAST_POLL));
  // core-lro reports a failed operation as an Error naming the operation's error code, as with Azure.
  expect(err.message).toContain("VMAgentStatusCommunicationError");
  expect((await compute.virtualMachineExtensions.get(RG, "vm-noagent", "DependencyAgentWindows")).provisioningState).toBe("Failed");
  const view = await compute.virtualMachines.instanceView(RG, "vm-noagent");
  expect(view.vmAgent?.statuses?.[0]?.displayStatus).toBe("Not Ready");
});

test("a stopped VM refuses extension changes; power actions are long-running", async () => {
  await compute.virtualMachines.beginCreateOrUpdateAndWait(RG, "vm-stop", windowsVm("vm-stop"), FAST_POLL);
  await compute.virtualMachines.beginPowerOffAndWait(RG, "vm-stop", FAST_POLL);
  const view = await compute.virtualMachines.instanceView(RG, "vm-stop");
  expect(view.statuses?.map((s) => s.code)).toContain("PowerState/stopped");
  const err = await errorOf(compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(RG, "vm-stop", "DependencyAgentWindows", dependencyAgent, FAST_POLL));
  expect(err.statusCode).toBe(409);
  expect(err.code).toBe("OperationNotAllowed");
  await compute.virtualMachines.beginStartAndWait(RG, "vm-stop", FAST_POLL);
  expect((await compute.virtualMachines.instanceView(RG, "vm-stop")).statuses?.map((s) => s.code)).toContain("PowerState/running");
});

test("a second extension of the same handler under another name is refused", async () => {
  const err = await errorOf(compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(RG, "vm-a", "DA-again", dependencyAgent, FAST_POLL));
  expect(err.statusCode).toBe(400);
  expect(err.code).toBe("OperationNotAllowed");
});

test("extension DELETE is long-running and removes it", async () => {
  await compute.virtualMachineExtensions.beginDeleteAndWait(RG, "vm-a", "DependencyAgentWindows", FAST_POLL);
  expect((await compute.virtualMachineExtensions.list(RG, "vm-a")).value ?? []).toEqual([]);
  const err = await errorOf(compute.virtualMachineExtensions.get(RG, "vm-a", "DependencyAgentWindows"));
  expect(err.code).toBe("ResourceNotFound");
});

test("VM lists page with nextLink (page size 4 here) and for-await sees every VM once", async () => {
  for (let i = 0; i < 9; i++) await compute.virtualMachines.beginCreateOrUpdateAndWait(RG, `vm-list-${i}`, windowsVm(`vm-list-${i}`), FAST_POLL);
  const names: string[] = [];
  for await (const vm of compute.virtualMachines.listAll()) names.push(vm.name!);
  expect(names.filter((n) => n.startsWith("vm-list-"))).toHaveLength(9);
  expect(new Set(names).size).toBe(names.length);
  for await (const vm of compute.virtualMachines.listAll({ statusOnly: "true" })) {
    expect(vm.instanceView?.statuses?.some((st) => st.code?.startsWith("PowerState/"))).toBe(true);
  }
  const inRg: string[] = [];
  for await (const vm of compute.virtualMachines.list(RG)) inRg.push(vm.name!);
  expect(inRg.sort()).toEqual(names.sort());
});

test("scale sets: model extensions via virtualMachineScaleSets/{n}/extensions appear in the model", async () => {
  await compute.virtualMachineScaleSets.beginCreateOrUpdateAndWait(
    RG,
    "vmss-a",
    {
      location: "eastus",
      sku: { name: "Standard_D2s_v3", capacity: 3 },
      upgradePolicy: { mode: "Automatic" },
      virtualMachineProfile: { osProfile: { computerNamePrefix: "vmssa", adminUsername: "azureuser", linuxConfiguration: {} }, storageProfile: { osDisk: { osType: "Linux", createOption: "FromImage" } } },
    },
    FAST_POLL,
  );
  await compute.virtualMachineScaleSetExtensions.beginCreateOrUpdateAndWait(
    RG,
    "vmss-a",
    "DependencyAgentLinux",
    { publisher: "Microsoft.Azure.Monitoring.DependencyAgent", typePropertiesType: "DependencyAgentLinux", typeHandlerVersion: "9.10" },
    FAST_POLL,
  );
  const vmss = await compute.virtualMachineScaleSets.get(RG, "vmss-a");
  expect(vmss.virtualMachineProfile?.extensionProfile?.extensions?.map((e) => [e.name, e.typePropertiesType])).toEqual([["DependencyAgentLinux", "DependencyAgentLinux"]]);
  const exts: string[] = [];
  for await (const e of compute.virtualMachineScaleSetExtensions.list(RG, "vmss-a")) exts.push(e.name!);
  expect(exts).toEqual(["DependencyAgentLinux"]);
});

test("Arc machines (created by their agent: admin API) and their extensions through arm-hybridcompute", async () => {
  await emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: "rg-arc", name: "arc-01", location: "westeurope", osType: "Linux", kind: "arc" });
  const hc = new HybridComputeManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  const m = await hc.machines.get("rg-arc", "arc-01");
  expect(m).toMatchObject({ name: "arc-01", properties: { status: "Connected", osName: "linux" } });
  const ext = await hc.machineExtensions.beginCreateOrUpdateAndWait(
    "rg-arc",
    "arc-01",
    "DependencyAgentLinux",
    { location: "westeurope", properties: { publisher: "Microsoft.Azure.Monitoring.DependencyAgent", type: "DependencyAgentLinux", typeHandlerVersion: "9.10" } },
    FAST_POLL,
  );
  expect(ext.properties?.provisioningState).toBe("Succeeded");
  const machines: string[] = [];
  for await (const x of hc.machines.listBySubscription()) machines.push(x.name!);
  expect(machines).toContain("arc-01");
  await emu.admin("PATCH", `/admin/guest?id=${encodeURIComponent(m.id!)}`, { powerState: "stopped" });
  expect((await hc.machines.get("rg-arc", "arc-01")).properties?.status).toBe("Disconnected");
});

test("AKS clusters round-trip with addonProfiles; enabling azurepolicy is a long-running PUT", async () => {
  const aks = new ContainerServiceClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  const created = await aks.managedClusters.beginCreateOrUpdateAndWait(RG, "aks-a", { location: "eastus", dnsPrefix: "aksa", addonProfiles: {} }, FAST_POLL);
  expect(created.provisioningState).toBe("Succeeded");
  const cluster = await aks.managedClusters.get(RG, "aks-a");
  const updated = await aks.managedClusters.beginCreateOrUpdateAndWait(RG, "aks-a", { ...cluster, addonProfiles: { azurePolicy: { enabled: true } } }, FAST_POLL);
  expect(updated.addonProfiles?.["azurepolicy"]?.enabled).toBe(true);
  expect(updated.identity?.principalId).toBe(cluster.identity?.principalId);
});
