/**
 * An extension's handler (publisher and type) is fixed when it is created: Compute refuses a PUT of
 * the same name with another one (409 PropertyChangeNotAllowed, "Changing property 'type' is not
 * allowed."; Azure/custom-script-extension-linux#105), and the extension keeps what it had. The
 * emulator once turned it into the other extension, which hid a plan that would fail on Azure.
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import { ResourceManagementClient } from "@azure/arm-resources";
import { errorOf, FAST_POLL, withEmulator } from "./helpers";
import type { RunningEmulator } from "../../src/emulator";
import { AZURE_MONITOR_AGENT } from "../../src/spec/extensions";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await withEmulator();
});
afterAll(async () => emu?.stop());

test("a PUT that changes an extension's type or publisher is refused; a new version of the same handler is not", async () => {
  const sub = emu.subscriptionIds[0]!;
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  await new ResourceManagementClient(emu.credential(), sub, opts).resourceGroups.createOrUpdate("rg-fixed", { location: "westeurope" });
  const compute = new ComputeManagementClient(emu.credential(), sub, opts);
  await compute.virtualMachines.beginCreateOrUpdateAndWait("rg-fixed", "vm-fixed", { location: "westeurope", identity: { type: "SystemAssigned" }, storageProfile: { osDisk: { osType: "Windows", createOption: "FromImage" } }, osProfile: { computerName: "vm-fixed", windowsConfiguration: { provisionVMAgent: true } } }, FAST_POLL);
  const ama = AZURE_MONITOR_AGENT.Windows;
  const put = (publisher: string, type: string, version: string) =>
    compute.virtualMachineExtensions.beginCreateOrUpdateAndWait("rg-fixed", "vm-fixed", ama.name, { location: "westeurope", publisher, typePropertiesType: type, typeHandlerVersion: version, enableAutomaticUpgrade: true }, FAST_POLL);
  await put(ama.publisher, ama.type, ama.version);

  const otherType = await errorOf(put("Microsoft.Compute", "CustomScriptExtension", "1.10"));
  expect([otherType.statusCode, otherType.code, otherType.message]).toEqual([409, "PropertyChangeNotAllowed", "Changing property 'publisher' is not allowed."]);
  const sameType = await errorOf(put(ama.publisher, "AzureMonitorLinuxAgent", ama.version));
  expect([sameType.statusCode, sameType.code, sameType.message]).toEqual([409, "PropertyChangeNotAllowed", "Changing property 'type' is not allowed."]);
  const kept = await compute.virtualMachineExtensions.get("rg-fixed", "vm-fixed", ama.name);
  expect([kept.publisher, kept.typePropertiesType]).toEqual([ama.publisher, ama.type]);

  // Case is not a change (ARM compares names without case), nor is another version of the handler.
  const updated = await put(ama.publisher.toLowerCase(), ama.type.toUpperCase(), "1.99");
  expect(updated.provisioningState).toBe("Succeeded");
});
