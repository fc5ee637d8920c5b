/**
 * Resource Graph's paging is eventually consistent: a later page may repeat rows of the page
 * before it (the emulator's default repeats one per page, as Azure can). The inventory keeps
 * each resource once.
 */
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { emulatorConnection } from "../../src/azure/connection";
import { FLEET_QUERY, PAGE_SIZE, queryGraph } from "../../src/azure/graph";
import { readInventory } from "../../src/azure/inventory";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ fleet: 800, seed: 12 });
});
afterAll(async () => emu?.stop());

test("rows repeated across pages are read once, and the inventory lists each machine once", async () => {
  const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  const first = await new ResourceGraphClient(emu.credential(), emu.clientOptions()).resources({ query: FLEET_QUERY, subscriptions: emu.subscriptionIds, options: { top: PAGE_SIZE } });
  expect(first.totalRecords).toBeGreaterThan(PAGE_SIZE);
  const rows = await queryGraph(conn, FLEET_QUERY, emu.subscriptionIds);
  const ids = rows.map((r) => r.id.toLowerCase());
  expect(new Set(ids).size).toBe(ids.length);
  expect(rows).toHaveLength(first.totalRecords);
  const inv = await readInventory(conn, emu.subscriptionIds);
  const machineIds = inv.machines.map((m) => m.id.toLowerCase());
  expect(new Set(machineIds).size).toBe(machineIds.length);
  expect(inv.machines).toHaveLength(800);
});
