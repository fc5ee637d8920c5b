/** Fault injection: scripted and random 429s with Retry-After, 500s, latency, ARM-like token buckets. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { armToken, errorOf, raw, withEmulator } from "./helpers";
import type { FaultConfig, RunningEmulator } from "../../src/emulator";

let emu: RunningEmulator;
let token: string;
let sub: string;
const rgPath = (name: string) => `/subscriptions/${sub}/resourcegroups/${name}?api-version=2025-04-01`;

beforeAll(async () => {
  emu = await withEmulator();
  sub = emu.subscriptionIds[0]!;
  token = await armToken(emu);
});
afterAll(async () => emu?.stop());
afterEach(async () => {
  await emu.admin("DELETE", "/admin/faults");
  await emu.admin("POST", "/admin/clock", { freeze: false });
});

test("scripted 429s per operation class carry Retry-After and ARM's body; the SDK retries through them", async () => {
  const config: FaultConfig = { scripted: [{ class: "write", resourceType: "Microsoft.Resources/resourceGroups", status: 429, count: 2, retryAfterSeconds: 0 }] };
  await emu.admin("POST", "/admin/faults", config);
  const first = await raw(emu, "PUT", rgPath("rg-429"), { token, body: { location: "eastus" } });
  expect(first.status).toBe(429);
  expect(first.headers["retry-after"]).toBe("0");
  expect(first.body.error.code).toBe("SubscriptionRequestsThrottled");
  // Reads are another class: not affected.
  expect((await raw(emu, "GET", `/subscriptions/${sub}/resourcegroups?api-version=2025-04-01`, { token })).status).toBe(200);
  await emu.admin("POST", "/admin/counters/reset");
  const rm = new ResourceManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 3, retryDelayInMs: 1 } });
  expect((await rm.resourceGroups.createOrUpdate("rg-429", { location: "eastus" })).name).toBe("rg-429");
  const c = await emu.admin<{ byStatus: Record<string, number>; byClass: Record<string, number> }>("GET", "/admin/counters");
  expect(c.byClass.write).toBe(2);
  expect(c.byStatus["429"]).toBe(1);
});

test("500s at a given rate, seeded: the same sequence every time", async () => {
  const run = async (): Promise<number[]> => {
    await emu.admin("POST", "/admin/faults", { seed: 9, serverErrors: { read: { rate: 0.5 } } } satisfies FaultConfig);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await raw(emu, "GET", `/subscriptions/${sub}/resourcegroups?api-version=2025-04-01`, { token })).status);
    return statuses;
  };
  const a = await run();
  const b = await run();
  expect(a).toEqual(b);
  expect(a.filter((s) => s === 500).length).toBeGreaterThan(0);
  expect(a.filter((s) => s === 200).length).toBeGreaterThan(0);
  const err = await raw(emu, "GET", `/subscriptions/${sub}/resourcegroups?api-version=2025-04-01`, { token });
  if (err.status === 500) expect(err.body.error.code).toBe("InternalServerError");
});

test("token buckets: writes beyond the budget get 429 until the bucket refills (emulator clock)", async () => {
  // A frozen clock: buckets refill only when the test moves time, however slow the machine is.
  await emu.admin("POST", "/admin/clock", { freeze: true });
  await emu.admin("POST", "/admin/faults", { buckets: { enabled: true, write: { capacity: 3, refillPerSecond: 1 } } } satisfies FaultConfig);
  const statuses: number[] = [];
  const remaining: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await raw(emu, "PUT", rgPath(`rg-bucket-${i}`), { token, body: { location: "eastus" } });
    statuses.push(r.status);
    remaining.push(String(r.headers["x-ms-ratelimit-remaining-subscription-writes"] ?? r.headers["retry-after"]));
  }
  expect(statuses).toEqual([201, 201, 201, 429, 429]);
  expect(remaining.slice(0, 3)).toEqual(["2", "1", "0"]);
  await emu.admin("POST", "/admin/clock", { advanceSeconds: 2 });
  expect((await raw(emu, "PUT", rgPath("rg-bucket-9"), { token, body: { location: "eastus" } })).status).toBe(201);
});

test("ARM's default buckets: reads 250 deep, refilled at 25 per second", async () => {
  await emu.admin("POST", "/admin/clock", { freeze: true });
  await emu.admin("POST", "/admin/faults", { buckets: { enabled: true } } satisfies FaultConfig);
  const read = () => raw(emu, "GET", `/subscriptions/${sub}/resourcegroups?api-version=2025-04-01`, { token });
  const statuses: number[] = [];
  for (let i = 0; i < 251; i++) statuses.push((await read()).status);
  expect(statuses.slice(0, 250).every((s) => s === 200)).toBe(true);
  expect(statuses[250]).toBe(429);
  const throttled = await read();
  expect(throttled.headers["retry-after"]).toBe("1");
  await emu.admin("POST", "/admin/clock", { advanceSeconds: 1 });
  const after: number[] = [];
  for (let i = 0; i < 26; i++) after.push((await read()).status);
  expect(after.filter((s) => s === 200)).toHaveLength(25);
});

test("Resource Graph throttling answers in Resource Graph's shape", async () => {
  await emu.admin("POST", "/admin/faults", { throttle: { graph: { rate: 1, retryAfterSeconds: 3 } } } satisfies FaultConfig);
  const graph = new ResourceGraphClient(emu.credential(), { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  const err = await errorOf(graph.resources({ query: "resources | project id", subscriptions: [sub] }));
  expect(err.statusCode).toBe(429);
  expect(err.code).toBe("RateLimiting");
});

test("latency is added per class; the admin API refuses an invalid configuration", async () => {
  await emu.admin("POST", "/admin/faults", { latencyMs: { read: 20 } } satisfies FaultConfig);
  expect((await raw(emu, "GET", `/subscriptions/${sub}/resourcegroups?api-version=2025-04-01`, { token })).status).toBe(200);
  const bad = await raw(emu, "POST", "/admin/faults", { token: emu.adminToken, body: { throttle: { write: { rate: 2 } } } });
  expect(bad.status).toBe(400);
  expect(bad.body.error.message).toMatch(/throttle\.write\.rate/);
});

test("a fault file given at start is applied", async () => {
  const file = join(tmpdir(), `faults-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ scripted: [{ method: "GET", status: 503, count: 1 }] }));
  const e = await withEmulator({ faults: file });
  try {
    const t = await armToken(e);
    const r = await raw(e, "GET", `/subscriptions/${e.subscriptionIds[0]}/resourcegroups?api-version=2025-04-01`, { token: t });
    expect(r.status).toBe(503);
    expect((await raw(e, "GET", `/subscriptions/${e.subscriptionIds[0]}/resourcegroups?api-version=2025-04-01`, { token: t })).status).toBe(200);
  } finally {
    await e.stop();
  }
});

test("a misbehaving server: raw answers (truncated JSON) and dropped connections, on script", async () => {
  await emu.admin("POST", "/admin/faults", {
    scripted: [
      { class: "graph", respond: { status: 200, body: '{"totalRecords": 3, "data": [' }, count: 1 },
      { class: "read", drop: true, count: 1 },
    ],
  } satisfies FaultConfig);
  const graph = new ResourceGraphClient(emu.credential(), { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  const truncated = await errorOf(graph.resources({ query: "resources | project id", subscriptions: [sub] }));
  expect(truncated.message).toMatch(/JSON|Unexpected end/i);
  const dropped = await raw(emu, "GET", `/subscriptions/${sub}/resourcegroups?api-version=2025-04-01`, { token }).then(
    () => "answered",
    (err: NodeJS.ErrnoException) => err.code ?? "error",
  );
  expect(dropped).toBe("ECONNRESET");
  expect((await raw(emu, "GET", `/subscriptions/${sub}/resourcegroups?api-version=2025-04-01`, { token })).status).toBe(200);
  const bad = await raw(emu, "POST", "/admin/faults", { token: emu.adminToken, body: { scripted: [{ status: 429, drop: true, count: 1 }] } });
  expect(bad.status).toBe(400);
});
