/**
 * A change Resource Graph indexes late: its row shows in `resourcechanges` after a newer change was
 * already read, its timestamp below the watch's cursor (Azure: a change's timestamp approximates
 * when it was detected, and rows are indexed after the write). The emulator scripts that per
 * resource (`/admin/change-index-lag`); the next changes round reads the row from the overlap
 * window before the cursor, so the new machine it brings is in the inventory and the plan before
 * any full read, and no change row is read twice.
 */
import { IncrementalInventory } from "../../src/azure/incremental";
import { readInventoryFor } from "../../src/azure/inventory";
import { plan } from "../../src/core";
import type { Inventory } from "../../src/inventory";
import { loadSpecFile } from "../../src/spec/load";
import { startLab, type Lab } from "./helpers";

jest.setTimeout(120_000);

const LATE_SECONDS = 300;
const comparable = (inv: Inventory) => ({ ...inv, generatedAt: "" });

let lab: Lab;
beforeAll(async () => {
  lab = await startLab(20, {}, 17);
  // Frozen: only the test moves time, however long a loaded machine takes between rounds.
  await lab.emu.admin("POST", "/admin/clock", { freeze: true });
});
afterAll(() => lab?.emu.stop());

test("a change row that shows after a newer one was read is read by the next changes round, once", async () => {
  const spec = loadSpecFile(lab.specPath);
  // No full read after the first: what the rounds see comes from the change feed only.
  const reader = new IncrementalInventory(lab.conn, spec, { fullEvery: 1000 });
  expect((await reader.read()).mode).toBe("full");

  const sub = lab.emu.subscriptionIds[0]!;
  const vmId = (name: string) => `/subscriptions/${sub}/resourceGroups/rg-late/providers/Microsoft.Compute/virtualMachines/${name}`;
  const hasMachine = (inv: Inventory, name: string) => inv.machines.some((m) => m.id.toLowerCase() === vmId(name).toLowerCase());
  const newVm = (name: string) => lab.emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: "rg-late", name, location: "westeurope", osType: "Linux" });

  // vm-late's change rows are indexed LATE_SECONDS after its writes; vm-next's at once.
  await lab.emu.admin("PUT", "/admin/change-index-lag", { resources: { [vmId("vm-late")]: LATE_SECONDS } });
  await newVm("vm-late");
  await lab.emu.admin("POST", "/admin/clock", { advanceSeconds: 1 });
  await newVm("vm-next");
  await lab.emu.admin("POST", "/admin/clock", { advanceSeconds: 1 });

  // The newer change is read first: the cursor passes vm-late's timestamp.
  const first = await reader.read();
  expect(first.mode).toBe("changes");
  expect(hasMachine(first.inventory, "vm-next")).toBe(true);
  expect(hasMachine(first.inventory, "vm-late")).toBe(false);

  // vm-late's row shows now, with its write's timestamp (below the cursor).
  await lab.emu.admin("POST", "/admin/clock", { advanceSeconds: LATE_SECONDS });
  const late = await reader.read();
  expect(late).toMatchObject({ mode: "changes", changed: 1 });
  expect(hasMachine(late.inventory, "vm-late")).toBe(true);
  // The drift it brought is planned now, as a full read would plan it.
  const fresh = await readInventoryFor(lab.conn, spec);
  expect(comparable(late.inventory)).toEqual(comparable(fresh));
  const steps = plan(spec, late.inventory).steps.filter((s) => s.target.toLowerCase().includes("/virtualmachines/vm-late"));
  expect(steps.length).toBeGreaterThan(0);
  expect(steps).toEqual(plan(spec, fresh).steps.filter((s) => s.target.toLowerCase().includes("/virtualmachines/vm-late")));

  // Both rows are still inside the overlap window: neither is read again.
  const quiet = await reader.read();
  expect(quiet).toMatchObject({ mode: "changes", changed: 0, built: 0 });

  // A watch started now: its full read covers the window's rows, its first changes round reads none back.
  const restarted = new IncrementalInventory(lab.conn, spec, { fullEvery: 1000 });
  expect((await restarted.read()).mode).toBe("full");
  expect(await restarted.read()).toMatchObject({ mode: "changes", changed: 0, built: 0 });
});
