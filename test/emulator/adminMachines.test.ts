/**
 * `POST /admin/machines` with a name an existing machine has in another case: ARM names are
 * case-insensitive, so it is that machine, updated as ARM's PUT of `VM1` updates `vm1` (same id,
 * the name's first case kept, tags replaced), answered 200, not a second machine nor a 201.
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import { FAST_POLL, raw, withEmulator } from "./helpers";
import type { RunningEmulator } from "../../src/emulator";

interface Created {
  id: string;
  resource: { name: string; tags?: Record<string, string>; properties: { vmId: string; osProfile: { computerName: string }; storageProfile: { osDisk: { name: string } } } };
  guest: { powerState: string };
}

let emu: RunningEmulator;
let sub: string;
let compute: ComputeManagementClient;

beforeAll(async () => {
  emu = await withEmulator();
  sub = emu.subscriptionIds[0]!;
  compute = new ComputeManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
});
afterAll(async () => emu?.stop());

const post = (body: Record<string, unknown>) => emu.admin<Created>("POST", "/admin/machines", { subscriptionId: sub, location: "westeurope", osType: "Linux", ...body });

async function machinesIn(group: string): Promise<string[]> {
  const out: string[] = [];
  for await (const vm of compute.virtualMachines.list(group)) out.push(vm.name!);
  return out;
}

test("ARM's own PUT of a name in another case updates the machine and keeps its name (the reference)", async () => {
  await post({ resourceGroup: "rg-arm", name: "vm1", tags: { a: "1" } });
  const put = await compute.virtualMachines.beginCreateOrUpdateAndWait("rg-arm", "VM1", { location: "westeurope", tags: { b: "2" }, storageProfile: { osDisk: { osType: "Linux", createOption: "FromImage" } } }, FAST_POLL);
  expect([put.name, put.tags]).toEqual(["vm1", { b: "2" }]);
  expect(await machinesIn("rg-arm")).toEqual(["vm1"]);
});

test("the admin API does the same: one machine, its id and name's case kept, tags replaced, answered 200", async () => {
  const first = await post({ resourceGroup: "rg-admin", name: "vm1", tags: { a: "1" }, guest: { powerState: "stopped" } });
  const second = await emu.admin<Created>("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: "RG-ADMIN", name: "VM1", location: "westeurope", osType: "Linux", tags: { c: "3" } });
  expect(second.id).toBe(first.id);
  expect(second.resource.name).toBe("vm1");
  expect(second.resource.tags).toEqual({ c: "3" });
  // Still the machine created first: its vmId, its computer and disk names, its guest state.
  expect(second.resource.properties.vmId).toBe(first.resource.properties.vmId);
  expect(second.resource.properties.osProfile.computerName).toBe("vm1");
  expect(second.resource.properties.storageProfile.osDisk.name).toBe("vm1_OsDisk_1");
  expect(second.guest.powerState).toBe("stopped");
  expect(await machinesIn("rg-admin")).toEqual(["vm1"]);
  expect((await compute.virtualMachines.get("rg-admin", "vm1")).tags).toEqual({ c: "3" });
});

test("it answers 201 for a new machine and 200 for an existing one", async () => {
  const status = async (name: string) =>
    (await raw(emu, "POST", "/admin/machines", { token: emu.adminToken, body: { subscriptionId: sub, resourceGroup: "rg-status", name, location: "westeurope", osType: "Windows" } })).status;
  expect(await status("vm-s")).toBe(201);
  expect(await status("VM-S")).toBe(200);
});
