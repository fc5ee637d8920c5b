/**
 * A changes round after many changes: the rows of the overlap window before the cursor were read
 * already, so the round asks Resource Graph how many the window holds (windowCountQuery) and reads
 * only the rows from the cursor on while none is new; a row indexed late (its timestamp inside the
 * window) raises the count, and the round reads the window again and finds it.
 */
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import type { AzureConnection } from "../../src/azure/connection";
import { IncrementalInventory } from "../../src/azure/incremental";
import type { Inventory } from "../../src/inventory";
import { loadSpecFile } from "../../src/spec/load";
import { startLab, type Lab } from "./helpers";

jest.setTimeout(120_000);

let lab: Lab;
beforeAll(async () => {
  lab = await startLab(20, {}, 23);
  // Frozen: only the test moves time, however long a loaded machine takes between rounds.
  await lab.emu.admin("POST", "/admin/clock", { freeze: true });
});
afterAll(() => lab?.emu.stop());

/** The resourcechanges queries the reads send, with the rows each brought back: recorded in the SDK client's pipeline. */
const sent: { query: string; rows: number }[] = [];
const recorder: PipelinePolicy = {
  name: "record-resourcechanges",
  async sendRequest(request, next) {
    const response = await next(request);
    const query = request.url.includes("Microsoft.ResourceGraph/resources") ? String((JSON.parse(String(request.body)) as { query?: unknown }).query ?? "") : "";
    if (query.startsWith("resourcechanges")) sent.push({ query, rows: ((JSON.parse(response.bodyAsText ?? "{}") as { data?: unknown[] }).data ?? []).length });
    return response;
  },
};

async function changeQueriesOf(read: () => Promise<unknown>): Promise<{ query: string; rows: number }[]> {
  sent.length = 0;
  await read();
  return [...sent];
}

test("a quiet round reads the change rows from the cursor on while the window holds none unread; a late row makes it read the window", async () => {
  const spec = loadSpecFile(lab.specPath);
  const conn: AzureConnection = { ...lab.conn, clientOptions: () => ({ ...lab.conn.clientOptions(), additionalPolicies: [{ policy: recorder, position: "perCall" }] }) };
  const reader = new IncrementalInventory(conn, spec, { fullEvery: 1000, windowCountedAbove: 3 });
  expect((await reader.read()).mode).toBe("full");

  const sub = lab.emu.subscriptionIds[0]!;
  const vmId = (name: string) => `/subscriptions/${sub}/resourceGroups/rg-window/providers/Microsoft.Compute/virtualMachines/${name}`;
  const hasMachine = (inv: Inventory, name: string) => inv.machines.some((m) => m.id.toLowerCase() === vmId(name).toLowerCase());
  const newVm = async (name: string) => {
    await lab.emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: "rg-window", name, location: "westeurope", osType: "Linux" });
    await lab.emu.admin("POST", "/admin/clock", { advanceSeconds: 1 });
  };
  for (let i = 0; i < 5; i++) await newVm(`vm-${i}`);
  // The five machines' changes: read from the window's start (fewer than 3 rows read in it yet).
  let round = await reader.read();
  expect(round.mode).toBe("changes");
  expect(round.changed).toBeGreaterThanOrEqual(5);

  // Nothing new: one count, then only the rows from the cursor on (the newest change's instant).
  const quiet = await changeQueriesOf(async () => (round = await reader.read()));
  expect(round).toMatchObject({ mode: "changes", changed: 0, built: 0 });
  expect(quiet.map((q) => q.query.split("\n").pop())).toEqual(["| project id = subscriptionId, type = 'change-count', n", "| order by id asc"]);
  const windowRows = quiet[0]!.rows;
  expect(windowRows).toBe(1);
  expect(quiet[1]!.rows).toBeLessThan(5);

  // vm-late's change rows are indexed 300 s after its writes; vm-next's at once: the cursor passes vm-late's timestamp.
  await lab.emu.admin("PUT", "/admin/change-index-lag", { resources: { [vmId("vm-late")]: 300 } });
  await newVm("vm-late");
  await newVm("vm-next");
  round = await reader.read();
  expect(hasMachine(round.inventory, "vm-next")).toBe(true);
  expect(hasMachine(round.inventory, "vm-late")).toBe(false);

  // vm-late's rows show now, below the cursor: the count is above what was read, the window is read again.
  await lab.emu.admin("POST", "/admin/clock", { advanceSeconds: 300 });
  const late = await changeQueriesOf(async () => (round = await reader.read()));
  expect(round).toMatchObject({ mode: "changes", changed: 1 });
  expect(hasMachine(round.inventory, "vm-late")).toBe(true);
  expect(late.map((q) => q.query.split("\n").pop())).toEqual(["| project id = subscriptionId, type = 'change-count', n", "| order by id asc"]);
  expect(late[1]!.rows).toBeGreaterThanOrEqual(5);

  // Read: quiet again.
  const after = await changeQueriesOf(async () => (round = await reader.read()));
  expect(round).toMatchObject({ mode: "changes", changed: 0, built: 0 });
  expect(after[1]!.rows).toBeLessThan(5);
});
