/**
 * Issue 17 item 3: Resource Graph is eventually consistent. With `graphWriteLagMs`, a write shows
 * in Resource Graph's tables and `resourcechanges` only once the lag has passed on the emulator's
 * clock; ARM's GET answers it at once. Creates, updates and deletes are all lagged.
 */
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { armToken, EXACT_PAGING, raw, withEmulator } from "./helpers";
import type { RunningEmulator } from "../../src/emulator";
import { changesQuery, resourcesByIdQuery } from "../../src/azure/incremental";
import { FLEET_QUERY } from "../../src/azure/graph";

type GraphRow = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rows are inspected ad hoc

const LAG_SECONDS = 120;
let emu: RunningEmulator;
let graph: ResourceGraphClient;
beforeAll(async () => {
  emu = await withEmulator({ fleet: 30, seed: 12, graphWriteLagMs: LAG_SECONDS * 1000, ...EXACT_PAGING });
  graph = new ResourceGraphClient(emu.credential(), { ...emu.clientOptions(), retryOptions: { maxRetries: 2, retryDelayInMs: 100 } });
  await emu.admin("POST", "/admin/clock", { freeze: true });
});
afterAll(async () => emu?.stop());

async function rows(query: string): Promise<GraphRow[]> {
  const page = await graph.resources({ query, subscriptions: emu.subscriptionIds, options: { resultFormat: "objectArray" } });
  return page.data as GraphRow[];
}

/** The kinds of change Resource Graph shows for one resource since a time, in order, each once. */
async function changeTypes(since: string, id: string): Promise<string[]> {
  return [...new Set((await rows(changesQuery(since))).filter((r) => r.targetResourceId === id).map((r) => String(r.changeType)))];
}

const advance = (seconds: number) => emu.admin("POST", "/admin/clock", { advanceSeconds: seconds });

test("a generated fleet is visible at once; a new VM, a tag and a delete show only after the lag, while ARM's GET has them at once", async () => {
  expect((await rows(FLEET_QUERY)).length).toBeGreaterThan(30);
  const { now: t0 } = await emu.admin<{ now: string }>("GET", "/admin/clock");
  const sub = emu.subscriptionIds[0]!;
  await emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: "rg-lag", name: "vm-lag", location: "westeurope", osType: "Linux" });
  const vmId = `/subscriptions/${sub}/resourceGroups/rg-lag/providers/Microsoft.Compute/virtualMachines/vm-lag`;
  const token = await armToken(emu);
  expect((await raw(emu, "GET", `${vmId}?api-version=2024-07-01`, { token })).status).toBe(200);
  expect(await rows(resourcesByIdQuery([vmId]))).toEqual([]);
  expect(await changeTypes(t0, vmId)).toEqual([]);

  await advance(LAG_SECONDS / 2);
  const tagged = await raw(emu, "PATCH", `${vmId}?api-version=2024-07-01`, { token, body: { tags: { owner: "ops" } } });
  expect(tagged.status).toBe(200);
  await advance(LAG_SECONDS / 2 + 1);
  // The create is visible now, the tag (written half a lag later) not yet.
  const [created] = await rows(resourcesByIdQuery([vmId]));
  expect(created).toMatchObject({ id: vmId });
  expect(created!.tags ?? {}).toEqual({});
  expect(await changeTypes(t0, vmId)).toEqual(["Create"]);

  await advance(LAG_SECONDS / 2);
  expect((await rows(resourcesByIdQuery([vmId])))[0]!.tags).toEqual({ owner: "ops" });
  expect(await changeTypes(t0, vmId)).toEqual(["Create", "Update"]);

  const del = await raw(emu, "DELETE", `${vmId}?api-version=2024-07-01`, { token });
  expect(del.status).toBe(202);
  await emu.admin("GET", "/admin/health"); // settles the delete
  expect((await raw(emu, "GET", `${vmId}?api-version=2024-07-01`, { token })).status).toBe(404);
  // Still listed by Resource Graph, in a full read as in an id lookup.
  expect((await rows(FLEET_QUERY)).some((r) => r.id === vmId)).toBe(true);
  expect((await rows(resourcesByIdQuery([vmId]))).length).toBe(1);
  await advance(LAG_SECONDS + 1);
  expect((await rows(FLEET_QUERY)).some((r) => r.id === vmId)).toBe(false);
  expect(await changeTypes(t0, vmId)).toEqual(["Create", "Update", "Delete"]);
});
