/**
 * A throttled Resource Graph query waits as long as `x-ms-user-quota-resets-after` says: Resource
 * Graph names its quota window there and sends no Retry-After (the emulator answers the same), so
 * the inventory used to guess with exponential backoff and was refused again until the guess
 * outgrew the window.
 */
import { startEmulator, type RunningEmulator, type FaultConfig } from "../../src/emulator";
import { emulatorConnection } from "../../src/azure/connection";
import { queryGraph } from "../../src/azure/graph";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ fleet: 8, seed: 3 });
});
afterAll(async () => {
  await emu?.admin("POST", "/admin/clock", { freeze: false });
  await emu?.stop();
});

test("waits for the quota window Resource Graph names, once", async () => {
  const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  await emu.admin("POST", "/admin/clock", { freeze: true });
  await emu.admin("POST", "/admin/faults", { graphQuota: { enabled: true, queries: 1, windowSeconds: 7 } } satisfies FaultConfig);
  const waits: number[] = [];
  // Waiting moves the emulator's clock instead of the test's.
  const retry = { sleep: async (ms: number) => void (waits.push(ms), await emu.admin("POST", "/admin/clock", { advanceSeconds: ms / 1000 })), random: () => 1 };
  const query = "resources | project id, type | order by id asc";
  await queryGraph(conn, query, emu.subscriptionIds, retry);
  const rows = await queryGraph(conn, query, emu.subscriptionIds, retry);
  expect(rows.length).toBeGreaterThan(0);
  expect(waits).toEqual([7000]);
});
