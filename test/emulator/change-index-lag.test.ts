/**
 * Late change rows (`changeIndexLagMs`, `/admin/change-index-lag`): Resource Graph indexes change
 * rows some time after the write, not in timestamp order. Each change row shows an extra time after
 * its write (seeded per change, or scripted per resource), its timestamp still the write's time;
 * the resources table shows the write as without it.
 */
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { EXACT_PAGING, withEmulator } from "./helpers";
import type { RunningEmulator } from "../../src/emulator";
import { changesQuery, resourcesByIdQuery } from "../../src/azure/incremental";

type Row = Record<string, unknown>;

const MAX_SECONDS = 600;
const VMS = 12;
let emu: RunningEmulator;
let graph: ResourceGraphClient;
beforeAll(async () => {
  emu = await withEmulator({ fleet: 0, seed: 21, changeIndexLagMs: MAX_SECONDS * 1000, ...EXACT_PAGING });
  graph = new ResourceGraphClient(emu.credential(), { ...emu.clientOptions(), retryOptions: { maxRetries: 2, retryDelayInMs: 100 } });
  await emu.admin("POST", "/admin/clock", { freeze: true });
});
afterAll(async () => emu?.stop());

const rows = async (query: string): Promise<Row[]> =>
  (await graph.resources({ query, subscriptions: emu.subscriptionIds, options: { resultFormat: "objectArray" } })).data as Row[];
const advance = (seconds: number) => emu.admin("POST", "/admin/clock", { advanceSeconds: seconds });
const now = async () => (await emu.admin<{ now: string }>("GET", "/admin/clock")).now;
const sub = () => emu.subscriptionIds[0]!;
const vmId = (name: string) => `/subscriptions/${sub()}/resourceGroups/rg-index/providers/Microsoft.Compute/virtualMachines/${name}`;
const newVm = (name: string) => emu.admin("POST", "/admin/machines", { subscriptionId: sub(), resourceGroup: "rg-index", name, location: "westeurope", osType: "Linux" });
const vmCreates = (r: readonly Row[]) => r.filter((c) => c["changeType"] === "Create" && String(c["targetResourceType"]) === "microsoft.compute/virtualmachines");

test("seeded: change rows show out of order, each within the maximum, stamped with the write's time; resources at once", async () => {
  const t0 = new Date(Date.parse(await now()) - 1000).toISOString();
  const written = new Map<string, string>();
  for (let i = 0; i < VMS; i++) {
    await newVm(`vm-${i}`);
    written.set(vmId(`vm-${i}`), await now());
    await advance(1);
  }
  // The resources table has every VM at once.
  expect((await rows(resourcesByIdQuery([...written.keys()]))).length).toBe(VMS);
  const seen: string[][] = [];
  for (let step = 0; step <= MAX_SECONDS; step += MAX_SECONDS / 4) {
    if (step) await advance(MAX_SECONDS / 4);
    seen.push(vmCreates(await rows(changesQuery(t0))).map((c) => String(c["targetResourceId"])));
  }
  // Some not yet at first, all by the maximum; a row once shown stays.
  expect(seen[0]!.length).toBeLessThan(VMS);
  expect(new Set(seen[seen.length - 1])).toEqual(new Set(written.keys()));
  for (let i = 1; i < seen.length; i++) expect(seen[i]).toEqual(expect.arrayContaining(seen[i - 1]!));
  // Out of order: some row showed while an older one (written earlier) had not yet.
  const order = [...written.keys()];
  const outOfOrder = seen.some((ids) => ids.some((id) => order.slice(0, order.indexOf(id)).some((older) => !ids.includes(older))));
  expect(outOfOrder).toBe(true);
  // Each row's timestamp is its write's time, not the time it showed.
  for (const c of vmCreates(await rows(changesQuery(t0)))) {
    expect(Date.parse(String(c["changeTime"]))).toBe(Date.parse(written.get(String(c["targetResourceId"]))!));
  }
});

test("scripted per resource through the admin API; a bad body is refused", async () => {
  await emu.admin("PUT", "/admin/change-index-lag", { resources: { [vmId("vm-scripted").toUpperCase()]: 120 } });
  expect(await emu.admin("GET", "/admin/change-index-lag")).toEqual({ maxExtraMs: 0, seed: 21, resources: { [vmId("vm-scripted").toLowerCase()]: 120_000 } });
  const t0 = new Date(Date.parse(await now()) - 1000).toISOString();
  await newVm("vm-scripted");
  await newVm("vm-other");
  const shown = async () => vmCreates(await rows(changesQuery(t0))).map((c) => String(c["targetResourceId"]).split("/").pop());
  expect(await shown()).toEqual(["vm-other"]);
  await advance(119);
  expect(await shown()).toEqual(["vm-other"]);
  await advance(1);
  expect((await shown()).sort()).toEqual(["vm-other", "vm-scripted"]);
  await expect(emu.admin("PUT", "/admin/change-index-lag", { maxExtraSeconds: -1 })).rejects.toThrow(/400.*maxExtraSeconds/);
  await expect(emu.admin("PUT", "/admin/change-index-lag", { lag: 5 })).rejects.toThrow(/400/);
  await emu.admin("PUT", "/admin/change-index-lag", {});
  expect(await emu.admin("GET", "/admin/change-index-lag")).toEqual({ maxExtraMs: 0, seed: 21, resources: {} });
});
