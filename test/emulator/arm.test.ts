/** ARM behaviour common to every resource type, through @azure/arm-resources and raw requests. */
import { ResourceManagementClient } from "@azure/arm-resources";
import { armToken, errorOf, raw, withEmulator, FAST_POLL } from "./helpers";
import { ONBOARDED_AT_TAG, type RunningEmulator } from "../../src/emulator";

let emu: RunningEmulator;
let rm: ResourceManagementClient;
let token: string;
let sub: string;
beforeAll(async () => {
  emu = await withEmulator({ listPageSize: 3 });
  sub = emu.subscriptionIds[0]!;
  rm = new ResourceManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  token = await armToken(emu);
});
afterAll(async () => emu?.stop());

test("resource groups round-trip: create, get, exists, tag, list, delete (long-running)", async () => {
  const created = await rm.resourceGroups.createOrUpdate("rg-roundtrip", { location: "West Europe", tags: { team: "sec" } });
  expect(created).toMatchObject({ name: "rg-roundtrip", location: "westeurope", tags: { team: "sec" }, type: "Microsoft.Resources/resourceGroups" });
  expect(created.id).toBe(`/subscriptions/${sub}/resourceGroups/rg-roundtrip`);
  expect(await rm.resourceGroups.get("RG-ROUNDTRIP")).toMatchObject({ name: "rg-roundtrip" });
  expect((await rm.resourceGroups.checkExistence("rg-roundtrip")).body).toBe(true);
  expect((await rm.resourceGroups.checkExistence("rg-nope")).body).toBe(false);
  const moved = await errorOf(rm.resourceGroups.createOrUpdate("rg-roundtrip", { location: "eastus" }));
  expect(moved.code).toBe("InvalidResourceGroupLocation");
  await rm.resourceGroups.delete("rg-roundtrip", FAST_POLL);
  const gone = await errorOf(rm.resourceGroups.get("rg-roundtrip"));
  expect(gone.statusCode).toBe(404);
  expect(gone.code).toBe("ResourceGroupNotFound");
});

test("lists are paged with nextLink and the SDK follows it", async () => {
  for (let i = 0; i < 8; i++) await rm.resourceGroups.createOrUpdate(`rg-page-${i}`, { location: "eastus" });
  const first = await raw(emu, "GET", `/subscriptions/${sub}/resourcegroups?api-version=2025-04-01`, { token });
  expect(first.body.value).toHaveLength(3);
  expect(first.body.nextLink).toMatch(new RegExp(`^${emu.url}/subscriptions/${sub}/resourcegroups\\?api-version=2025-04-01&%24skiptoken=`));
  const names: string[] = [];
  for await (const rg of rm.resourceGroups.list()) names.push(rg.name!);
  expect(names.filter((n) => n.startsWith("rg-page-")).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `rg-page-${i}`));
  expect(new Set(names).size).toBe(names.length);
});

test("subscriptions carry their Security Center onboarding date as a tag, readable through the tags API", async () => {
  const subs = await raw(emu, "GET", `/subscriptions?api-version=2022-12-01`, { token });
  expect(subs.body.value.map((s: { subscriptionId: string }) => s.subscriptionId)).toEqual(emu.subscriptionIds.slice().sort());
  const legacy = subs.body.value.find((s: { subscriptionId: string }) => s.subscriptionId === emu.subscriptionIds[0]);
  expect(legacy.tags[ONBOARDED_AT_TAG] < "2019-03-17").toBe(true);
  const tags = await rm.tagsOperations.getAtScope(`/subscriptions/${emu.subscriptionIds[1]}`);
  expect(tags.properties?.tags?.[ONBOARDED_AT_TAG]).toBe("2019-09-15");
});

describe("errors have ARM's shape and status", () => {
  test("missing api-version: 400 MissingApiVersionParameter", async () => {
    const r = await raw(emu, "GET", `/subscriptions/${sub}/resourcegroups`, { token });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("MissingApiVersionParameter");
  });

  test("unsupported api-version: 400 InvalidApiVersionParameter naming the supported ones", async () => {
    const r = await raw(emu, "GET", `/subscriptions/${sub}/providers/Microsoft.Security/autoProvisioningSettings/default?api-version=2099-01-01`, { token });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("InvalidApiVersionParameter");
    expect(r.body.error.message).toContain("2017-08-01-preview");
  });

  test("unknown resource type: 404 InvalidResourceType", async () => {
    const r = await raw(emu, "GET", `/subscriptions/${sub}/resourceGroups/rg-page-0/providers/Microsoft.Compute/virtualGizmos/x?api-version=2026-04-01`, { token });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("InvalidResourceType");
  });

  test("missing resource of a known type: 404 ResourceNotFound; missing group: ResourceGroupNotFound", async () => {
    const r = await raw(emu, "GET", `/subscriptions/${sub}/resourceGroups/rg-page-0/providers/Microsoft.Compute/virtualMachines/nope?api-version=2026-04-01`, { token });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("ResourceNotFound");
    const g = await raw(emu, "GET", `/subscriptions/${sub}/resourceGroups/rg-nope/providers/Microsoft.Compute/virtualMachines/nope?api-version=2026-04-01`, { token });
    expect(g.status).toBe(404);
    expect(g.body.error.code).toBe("ResourceGroupNotFound");
    const s = await raw(emu, "GET", `/subscriptions/00000000-0000-4000-8000-000000000000/resourcegroups?api-version=2025-04-01`, { token });
    expect(s.body.error.code).toBe("SubscriptionNotFound");
  });

  test("malformed JSON: 400 InvalidRequestContent", async () => {
    const r = await raw(emu, "PUT", `/subscriptions/${sub}/resourcegroups/rg-bad?api-version=2025-04-01`, { token, body: '{"location": "eastus",' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("InvalidRequestContent");
  });

  test("the SDK's RestError carries the code", async () => {
    const err = await errorOf(rm.resourceGroups.get("rg-missing"));
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe("ResourceGroupNotFound");
  });
});

test("responses carry request ids and rate-limit headers", async () => {
  const r = await raw(emu, "GET", `/subscriptions/${sub}/resourcegroups?api-version=2025-04-01`, { token, headers: { "x-ms-correlation-request-id": "corr-123" } });
  expect(r.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  expect(r.headers["x-ms-correlation-request-id"]).toBe("corr-123");
  expect(Number(r.headers["x-ms-ratelimit-remaining-subscription-reads"])).toBeGreaterThan(0);
  const w = await raw(emu, "PUT", `/subscriptions/${sub}/resourcegroups/rg-hdr?api-version=2025-04-01`, { token, body: { location: "eastus" } });
  expect(Number(w.headers["x-ms-ratelimit-remaining-subscription-writes"])).toBeLessThanOrEqual(200);
});

test("the admin API is not behind a bearer token and counts requests per class and operation", async () => {
  await emu.admin("POST", "/admin/counters/reset");
  await rm.resourceGroups.get("rg-page-1");
  await rm.resourceGroups.createOrUpdate("rg-count", { location: "eastus" });
  const c = await emu.admin<{ byClass: Record<string, number>; byOperation: Record<string, number> }>("GET", "/admin/counters");
  expect(c.byClass.read).toBe(1);
  expect(c.byClass.write).toBe(1);
  expect(c.byOperation["GET microsoft.resources/resourcegroups"]).toBe(1);
  expect(c.byOperation["PUT microsoft.resources/resourcegroups"]).toBe(1);
});
