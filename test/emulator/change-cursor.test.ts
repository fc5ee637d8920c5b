/**
 * The watch's change cursor at a full read (LATEST_CHANGE_QUERY): the newest change of the last
 * hour, read from the change log's last hour only (not 14 days of changes: 128k after a 100k
 * converge took the emulator past its query budget); with no change in that hour, a time two
 * hours back, from which the next round's change query still finds what happens next.
 */
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { EXACT_PAGING, withEmulator } from "./helpers";
import type { RunningEmulator } from "../../src/emulator";
import { changesQuery, cursorOf, LATEST_CHANGE_QUERY } from "../../src/azure/incremental";
import type { GraphRow } from "../../src/azure/graph";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await withEmulator({ fleet: 20, seed: 8, ...EXACT_PAGING });
});
afterAll(async () => emu?.stop());

/** A client per query: its token is issued on the emulator's clock, which the tests move hours on. */
/** A row with the change columns changesQuery projects. */
type Row = GraphRow & Record<string, unknown>;

const query = async (q: string): Promise<Row[]> => {
  const graph = new ResourceGraphClient(emu.credential(), { ...emu.clientOptions(), retryOptions: { maxRetries: 2, retryDelayInMs: 100 } });
  return (await graph.resources({ query: q, subscriptions: emu.subscriptionIds, options: { resultFormat: "objectArray" } })).data as Row[];
};
const hoursBefore = (iso: string, h: number) => new Date(Date.parse(iso) - h * 3600_000).toISOString();
const clockNow = async () => (await emu.admin<{ now: string }>("GET", "/admin/clock")).now;
const rowsRead = async () => (await emu.admin<{ work: Record<string, number> }>("GET", "/admin/counters")).work.graphRowsRead ?? 0;
const newVm = (name: string) => emu.admin("POST", "/admin/machines", { subscriptionId: emu.subscriptionIds[0], resourceGroup: "rg-cursor", name, location: "westeurope", osType: "Linux" });
const advanceHours = (h: number) => emu.admin("POST", "/admin/clock", { advanceSeconds: h * 3600 });

test("the newest change of the last hour, read from the last hour's changes only", async () => {
  for (let i = 0; i < 6; i++) await newVm(`vm-old-${i}`);
  await advanceHours(3);
  await newVm("vm-recent");
  const all = await query(changesQuery(undefined));
  const lastHour = await query(changesQuery(hoursBefore(await clockNow(), 1)));
  expect(lastHour.some((r) => String(r["targetResourceId"]).endsWith("/vm-recent"))).toBe(true);
  expect(lastHour.length).toBeLessThan(all.length);
  await emu.admin("POST", "/admin/counters/reset");
  expect(cursorOf(await query(LATEST_CHANGE_QUERY))).toBe(lastHour.map((r) => String(r["changeTime"])).sort().pop());
  expect(await rowsRead()).toBe(lastHour.length);
});

test("with no change in the last hour, a time before anything the next round must read", async () => {
  await advanceHours(5);
  const before = await clockNow();
  await emu.admin("POST", "/admin/counters/reset");
  const cursor = cursorOf(await query(LATEST_CHANGE_QUERY))!;
  const after = await clockNow();
  expect(await rowsRead()).toBe(0);
  // Two hours before the query was answered.
  expect(cursor >= hoursBefore(before, 2) && cursor <= hoursBefore(after, 2)).toBe(true);
  await newVm("vm-after");
  const next = await query(changesQuery(cursor));
  expect(next.map((r) => String(r["targetResourceId"]).split("/").pop())).toEqual(["vm-after"]);
});
