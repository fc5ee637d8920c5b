/**
 * Issue 15's emulator parts: Resource Graph pages served from one evaluation of the query (a
 * consistent walk whose later pages cost the page, not the fleet), a management-group hierarchy
 * (ARM's Microsoft.Management API and `resourcecontainers` with managementGroupAncestorsChain),
 * recorded resource changes (`resourcechanges`) and Resource Graph's per-user quota headers.
 */
import https from "node:https";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { armToken, errorOf, EXACT_PAGING, raw, withEmulator } from "./helpers";
import type { FaultConfig, RunningEmulator, SeededHierarchy } from "../../src/emulator";
import { ASSOCIATION_QUERY, FLEET_QUERY } from "../../src/azure/graph";
import { associationsOfMachinesQuery, changesQuery, resourcesByIdQuery } from "../../src/azure/incremental";

const ROOT = resolve(__dirname, "../..");

type GraphRow = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rows are inspected ad hoc

let emu: RunningEmulator;
let graph: ResourceGraphClient;
beforeAll(async () => {
  emu = await withEmulator({ fleet: 1200, seed: 8, ...EXACT_PAGING });
  // Retries as the SDK does by default: on a loaded machine a kept-alive socket can close just as a
  // query is sent (socket hang up). No test here expects a retryable answer from this client.
  graph = new ResourceGraphClient(emu.credential(), { ...emu.clientOptions(), retryOptions: { maxRetries: 2, retryDelayInMs: 100 } });
});
afterAll(async () => emu?.stop());

interface Counters {
  byClass: Record<string, number>;
  work: Record<string, number>;
}

async function walk(query: string, opts: { subscriptions?: string[]; managementGroups?: string[]; between?: (page: number) => Promise<void> } = {}): Promise<{ rows: GraphRow[]; pages: number; totals: number[] }> {
  const rows: GraphRow[] = [];
  const totals: number[] = [];
  let skipToken: string | undefined;
  let pages = 0;
  do {
    const scope = opts.managementGroups ? { managementGroups: opts.managementGroups } : { subscriptions: opts.subscriptions ?? emu.subscriptionIds };
    const page = await graph.resources({ query, ...scope, options: { top: 1000, skipToken, resultFormat: "objectArray" } });
    pages++;
    totals.push(page.totalRecords);
    rows.push(...(page.data as GraphRow[]));
    skipToken = page.skipToken;
    if (skipToken && opts.between) await opts.between(pages);
  } while (skipToken);
  return { rows, pages, totals };
}

describe("paging", () => {
  test("a walk over the fleet evaluates the query once; later pages are slices of that result", async () => {
    await emu.admin("POST", "/admin/counters/reset");
    const { rows, pages, totals } = await walk(FLEET_QUERY);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(new Set(totals)).toEqual(new Set([rows.length]));
    const c = await emu.admin<Counters>("GET", "/admin/counters");
    expect(c.byClass.graph).toBe(pages);
    expect(c.work.graphEvaluations).toBe(1);
  });

  test("the walk reads one consistent result: a machine created between pages neither shifts nor repeats rows", async () => {
    const sub = emu.subscriptionIds[0]!;
    let made = 0;
    const { rows, totals } = await walk(FLEET_QUERY, {
      between: async (page) => {
        if (page !== 1) return;
        // "rg-aaa" sorts before every fleet group: re-evaluating with an offset would repeat a row.
        await emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: "rg-aaa", name: `vm-between-${made++}`, location: "eastus", osType: "Linux" });
      },
    });
    expect(made).toBe(1);
    expect(new Set(rows.map((r) => r.id.toLowerCase())).size).toBe(rows.length);
    expect(new Set(totals).size).toBe(1);
    expect(rows.some((r) => String(r.id).includes("vm-between-"))).toBe(false);
    // The next walk sees it.
    const again = await walk(FLEET_QUERY);
    expect(again.rows.some((r) => String(r.id).includes("vm-between-0"))).toBe(true);
  });
});

describe("id lookups and change reads use the store's indexes", () => {
  test("`where id in~ (...)` reads just those ids, not the fleet, and answers as a full scan does", async () => {
    const { rows: all } = await walk(FLEET_QUERY);
    const picked = [all[5]!, all[400]!, all[all.length - 1]!];
    // Casing as the client pleases, and an id that does not exist.
    const ids = [picked[0]!.id.toUpperCase(), picked[1]!.id, picked[2]!.id.toLowerCase(), `${picked[2]!.id}-gone`];
    await emu.admin("POST", "/admin/counters/reset");
    const { rows } = await walk(resourcesByIdQuery(ids));
    expect(rows).toEqual(picked);
    const c = await emu.admin<Counters>("GET", "/admin/counters");
    expect(c.work.graphEvaluations).toBe(1);
    expect(c.work.graphRowsRead).toBeLessThanOrEqual(ids.length);
    // Scope still applies: an id outside the subscriptions asked is not found.
    const other = emu.subscriptionIds.filter((s) => s !== picked[0]!.subscriptionId);
    expect((await walk(resourcesByIdQuery([picked[0]!.id]), { subscriptions: other })).rows).toEqual([]);
  });

  test("`where id startswith 'a' or id startswith 'b'` reads those ranges of ids, not the table, and answers as a full scan does", async () => {
    const { rows: all } = await walk(ASSOCIATION_QUERY);
    expect(all.length).toBeGreaterThan(10);
    const machineOf = (r: GraphRow) => String(r.id).slice(0, String(r.id).toLowerCase().indexOf("/providers/microsoft.insights/"));
    const picked = [all[1]!, all[Math.floor(all.length / 2)]!, all[all.length - 1]!];
    // Casing as the client pleases, and a machine without associations.
    const machines = [machineOf(picked[0]!).toUpperCase(), machineOf(picked[1]!), machineOf(picked[2]!).toLowerCase(), `${machineOf(picked[2]!)}-gone`];
    await emu.admin("POST", "/admin/counters/reset");
    const { rows } = await walk(associationsOfMachinesQuery(machines));
    expect(rows).toEqual(all.filter((r) => picked.some((p) => machineOf(p).toLowerCase() === machineOf(r).toLowerCase())));
    const c = await emu.admin<Counters>("GET", "/admin/counters");
    expect(c.work.graphEvaluations).toBe(1);
    expect(c.work.graphRowsRead).toBe(rows.length);
    // Scope still applies.
    const other = emu.subscriptionIds.filter((s) => s !== picked[0]!.id.split("/")[2]);
    expect((await walk(associationsOfMachinesQuery([machineOf(picked[0]!)]), { subscriptions: other })).rows).toEqual([]);
  });

  test("a filter the index cannot answer (or, !in) still scans, with the same result", async () => {
    const { rows: all } = await walk(FLEET_QUERY);
    const id = all[7]!.id;
    await emu.admin("POST", "/admin/counters/reset");
    const q = FLEET_QUERY.replace("| project", `| where id =~ '${id}' or name == 'no-such-machine'\n| project`);
    expect((await walk(q)).rows).toEqual([all[7]]);
    const c = await emu.admin<Counters>("GET", "/admin/counters");
    expect(c.work.graphRowsRead).toBeGreaterThan(1000);
  });

  test("resourcechanges since a time reads the change log from that time on", async () => {
    const sub = emu.subscriptionIds[2]!;
    for (let i = 0; i < 5; i++) await emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: "rg-idx", name: `vm-idx-${i}`, location: "westeurope", osType: "Linux" });
    const { rows: before } = await walk(changesQuery(undefined));
    expect(before.length).toBeGreaterThanOrEqual(5);
    const cursor = before.map((r) => r.changeTime as string).sort().pop()!;
    await emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: "rg-idx", name: "vm-idx-last", location: "westeurope", osType: "Linux" });
    await emu.admin("POST", "/admin/counters/reset");
    const { rows } = await walk(changesQuery(cursor));
    expect(rows.some((r) => String(r.targetResourceId).endsWith("/vm-idx-last"))).toBe(true);
    const c = await emu.admin<Counters>("GET", "/admin/counters");
    // The rows at or after the cursor only, not every change of the last 14 days.
    expect(c.work.graphRowsRead).toBe(rows.length);
    expect(rows.length).toBeLessThan(before.length);
  });
});

describe("management groups", () => {
  let hierarchy: SeededHierarchy;
  beforeAll(async () => {
    hierarchy = await emu.admin<SeededHierarchy>("POST", "/admin/management-groups", {
      groups: [
        { name: "contoso", displayName: "Contoso" },
        { name: "contoso-prod", displayName: "Production", parent: "contoso", subscriptions: [emu.subscriptionIds[0], emu.subscriptionIds[1]] },
        { name: "contoso-scale", displayName: "Scale", parent: "contoso", newSubscriptions: 1200 },
      ],
    });
  });

  test("the seeded hierarchy: groups under the tenant root group, subscriptions under their group", () => {
    expect(hierarchy.groups).toMatchObject({ [emu.tenantId]: null, contoso: emu.tenantId, "contoso-prod": "contoso", "contoso-scale": "contoso" });
    expect(hierarchy.subscriptions[emu.subscriptionIds[0]!]).toBe("contoso-prod");
    expect(hierarchy.subscriptions[emu.subscriptionIds[2]!]).toBe(emu.tenantId);
    expect(Object.values(hierarchy.subscriptions).filter((g) => g === "contoso-scale")).toHaveLength(1200);
  });

  test("resourcecontainers: subscriptions carry managementGroupAncestorsChain, so the ones under a group are found with paging", async () => {
    const query = [
      "resourcecontainers",
      "| where type =~ 'microsoft.resources/subscriptions'",
      "| mv-expand mg = properties.managementGroupAncestorsChain",
      "| where tostring(mg.name) =~ 'contoso'",
      "| project id, subscriptionId, chain = properties.managementGroupAncestorsChain",
      "| order by id asc",
    ].join("\n");
    const { rows, pages } = await walk(query, { subscriptions: Object.keys(hierarchy.subscriptions) });
    expect(rows).toHaveLength(1202);
    expect(pages).toBe(2);
    const prod = rows.find((r) => r.subscriptionId === emu.subscriptionIds[0])!;
    expect(prod.chain).toEqual([
      { displayName: "Production", name: "contoso-prod" },
      { displayName: "Contoso", name: "contoso" },
      { displayName: "Tenant Root Group", name: emu.tenantId },
    ]);
    const groups = (await walk("resourcecontainers | where type =~ 'microsoft.management/managementgroups' | project id, name, properties")).rows;
    expect(groups.map((g) => g.name).sort()).toEqual(["contoso", "contoso-prod", "contoso-scale", emu.tenantId].sort());
    expect(groups.find((g) => g.name === "contoso-prod")!.properties.details.managementGroupAncestorsChain).toEqual([
      { displayName: "Contoso", name: "contoso" },
      { displayName: "Tenant Root Group", name: emu.tenantId },
    ]);
  });

  test("a query scoped to management groups reads the subscriptions at and below them", async () => {
    const { rows } = await walk("resources | where type =~ 'microsoft.compute/virtualmachines' | project id, subscriptionId", { managementGroups: ["contoso-prod"] });
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.subscriptionId))).toEqual(new Set([emu.subscriptionIds[0], emu.subscriptionIds[1]]));
    const err = await errorOf(graph.resources({ query: "resources | project id", managementGroups: ["no-such-group"] }));
    expect(err.statusCode).toBe(400);
  });

  test("ARM's Microsoft.Management API: get with children, descendants, moving a subscription, and refusing to delete a group with children", async () => {
    const token = await armToken(emu);
    const v = "api-version=2021-04-01";
    const root = await raw(emu, "GET", `/providers/Microsoft.Management/managementGroups/${emu.tenantId}?${v}`, { token });
    expect(root.status).toBe(200);
    expect(root.body.properties.displayName).toBe("Tenant Root Group");
    const got = await raw(emu, "GET", `/providers/Microsoft.Management/managementGroups/contoso?${v}&$expand=children&$recurse=true`, { token });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: "/providers/Microsoft.Management/managementGroups/contoso", type: "Microsoft.Management/managementGroups", name: "contoso" });
    expect(got.body.properties.details.parent).toMatchObject({ name: emu.tenantId });
    const prod = got.body.properties.children.find((c: GraphRow) => c.name === "contoso-prod");
    expect(prod.children.map((c: GraphRow) => c.id).sort()).toEqual([`/subscriptions/${emu.subscriptionIds[0]}`, `/subscriptions/${emu.subscriptionIds[1]}`].sort());
    const desc = await raw(emu, "GET", `/providers/Microsoft.Management/managementGroups/contoso/descendants?${v}`, { token });
    expect(desc.status).toBe(200);
    expect(desc.body.value.filter((d: GraphRow) => d.type === "/subscriptions")).toHaveLength(1202);
    expect(desc.body.value.filter((d: GraphRow) => d.type === "Microsoft.Management/managementGroups").map((d: GraphRow) => d.name).sort()).toEqual(["contoso-prod", "contoso-scale"]);

    const move = await raw(emu, "PUT", `/providers/Microsoft.Management/managementGroups/contoso-prod/subscriptions/${emu.subscriptionIds[2]}?${v}`, { token, body: {} });
    expect(move.status).toBe(200);
    expect((await emu.admin<SeededHierarchy>("GET", "/admin/management-groups")).subscriptions[emu.subscriptionIds[2]!]).toBe("contoso-prod");
    expect((await raw(emu, "DELETE", `/providers/Microsoft.Management/managementGroups/contoso-prod/subscriptions/${emu.subscriptionIds[2]}?${v}`, { token })).status).toBe(200);
    expect((await emu.admin<SeededHierarchy>("GET", "/admin/management-groups")).subscriptions[emu.subscriptionIds[2]!]).toBe(emu.tenantId);

    const refused = await raw(emu, "DELETE", `/providers/Microsoft.Management/managementGroups/contoso?${v}`, { token });
    expect(refused.status).toBe(409);
    const created = await raw(emu, "PUT", `/providers/Microsoft.Management/managementGroups/empty?${v}`, { token, body: { properties: { displayName: "Empty", details: { parent: { id: "/providers/Microsoft.Management/managementGroups/contoso" } } } } });
    expect(created.status).toBe(200);
    expect((await raw(emu, "DELETE", `/providers/Microsoft.Management/managementGroups/empty?${v}`, { token })).status).toBe(200);
    const cycle = await raw(emu, "PUT", `/providers/Microsoft.Management/managementGroups/contoso?${v}`, { token, body: { properties: { details: { parent: { id: "/providers/Microsoft.Management/managementGroups/contoso-prod" } } } } });
    expect(cycle.status).toBe(400);
  });
});

describe("resource changes", () => {
  const CHANGES = (since: string) =>
    [
      "resourcechanges",
      "| extend changeTime = todatetime(properties.changeAttributes.timestamp), targetResourceId = tostring(properties.targetResourceId), changeType = tostring(properties.changeType)",
      `| where changeTime > todatetime('${since}')`,
      "| project id, changeTime, targetResourceId, changeType, properties",
      "| order by id asc",
    ].join("\n");

  test("a generated fleet is history: no changes are recorded for it", async () => {
    const { rows } = await walk(CHANGES("2000-01-01T00:00:00Z"));
    expect(rows.filter((r) => String(r.targetResourceId).includes("-0001"))).toEqual([]);
  });

  test("creates, updates and deletes are recorded with changeTime, targetResourceId and changeType, and a query since a time reads only what is newer", async () => {
    await emu.admin("POST", "/admin/clock", { freeze: true });
    const { now: t0 } = await emu.admin<{ now: string }>("GET", "/admin/clock");
    await emu.admin("POST", "/admin/clock", { advanceSeconds: 1 });
    const sub = emu.subscriptionIds[1]!;
    for (let i = 0; i < 10; i++) await emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: "rg-new", name: `vm-new-${i}`, location: "westeurope", osType: "Windows" });
    const token = await armToken(emu);
    const vmId = `/subscriptions/${sub}/resourceGroups/rg-new/providers/Microsoft.Compute/virtualMachines/vm-new-0`;
    const tagged = await raw(emu, "PATCH", `${vmId}?api-version=2024-07-01`, { token, body: { tags: { owner: "ops" } } });
    expect(tagged.status).toBe(200);
    await emu.admin("POST", "/admin/clock", { advanceSeconds: 1 });
    const del = await raw(emu, "DELETE", `${vmId.replace("vm-new-0", "vm-new-9")}?api-version=2024-07-01`, { token });
    expect(del.status).toBe(202);
    await emu.admin("GET", "/admin/health"); // settles the delete

    await emu.admin("POST", "/admin/counters/reset");
    const { rows, pages } = await walk(CHANGES(t0));
    expect(pages).toBe(1);
    const byType = (t: string) => rows.filter((r) => r.changeType === t);
    expect(byType("Create").map((r) => r.targetResourceId).sort()).toEqual(Array.from({ length: 10 }, (_, i) => vmId.replace("vm-new-0", `vm-new-${i}`)).sort());
    const update = byType("Update").find((r) => r.targetResourceId === vmId)!;
    expect(update.properties.changes["tags.owner"]).toMatchObject({ previousValue: null, newValue: "ops", propertyChangeType: "Insert" });
    expect(update.properties.changeAttributes.correlationId).toBeTruthy();
    expect(byType("Delete").map((r) => r.targetResourceId)).toEqual([vmId.replace("vm-new-0", "vm-new-9")]);
    for (const r of rows) expect(Date.parse(r.changeTime)).toBeGreaterThan(Date.parse(t0));
    // Only what happened after the last change: nothing.
    const latest = rows.map((r) => r.changeTime).sort().pop()!;
    expect((await walk(CHANGES(latest))).rows).toEqual([]);
    await emu.admin("POST", "/admin/clock", { freeze: false });
  });
});

describe("Resource Graph quota headers", () => {
  function post(emuUrl: string, ca: string, token: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
    const body = JSON.stringify({ query: "resources | project id | take 1", subscriptions: emu.subscriptionIds });
    return new Promise((resolve, reject) => {
      const req = https.request(new URL("/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01", emuUrl), {
        method: "POST",
        ca,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  test("off by default: every answer reports a full quota and nothing is refused", async () => {
    const token = await armToken(emu);
    for (let i = 0; i < 20; i++) {
      const r = await post(emu.url, emu.caCert, token);
      expect(r.status).toBe(200);
      expect(r.headers["x-ms-user-quota-remaining"]).toBe("14");
      expect(r.headers["x-ms-user-quota-resets-after"]).toBe("00:00:05");
    }
  });

  test("enabled: 15 queries per 5-second window per user, counted down in the headers, then 429 until the window resets", async () => {
    const token = await armToken(emu);
    await emu.admin("POST", "/admin/clock", { freeze: true });
    await emu.admin("POST", "/admin/faults", { graphQuota: { enabled: true } } satisfies FaultConfig);
    try {
      const remaining: string[] = [];
      for (let i = 0; i < 15; i++) {
        const r = await post(emu.url, emu.caCert, token);
        expect(r.status).toBe(200);
        remaining.push(String(r.headers["x-ms-user-quota-remaining"]));
        expect(r.headers["x-ms-user-quota-resets-after"]).toBe("00:00:05");
      }
      expect(remaining).toEqual(Array.from({ length: 15 }, (_, i) => String(14 - i)));
      const refused = await post(emu.url, emu.caCert, token);
      expect(refused.status).toBe(429);
      // Resource Graph names the wait in x-ms-user-quota-resets-after, without Retry-After.
      expect(refused.headers["retry-after"]).toBeUndefined();
      expect(refused.headers["x-ms-user-quota-resets-after"]).toBe("00:00:05");
      expect(refused.headers["x-ms-user-quota-remaining"]).toBe("0");
      await emu.admin("POST", "/admin/clock", { advanceSeconds: 5 });
      const again = await post(emu.url, emu.caCert, token);
      expect(again.status).toBe(200);
      expect(again.headers["x-ms-user-quota-remaining"]).toBe("14");
      // Configurable: 3 per 10 s.
      await emu.admin("POST", "/admin/faults", { graphQuota: { enabled: true, queries: 3, windowSeconds: 10 } } satisfies FaultConfig);
      const first = await post(emu.url, emu.caCert, token);
      expect([first.headers["x-ms-user-quota-remaining"], first.headers["x-ms-user-quota-resets-after"]]).toEqual(["2", "00:00:10"]);
    } finally {
      await emu.admin("DELETE", "/admin/faults");
      await emu.admin("POST", "/admin/clock", { freeze: false });
    }
  });
});

describe("seeding management groups at start", () => {
  test("EmulatorOptions.managementGroups applies a hierarchy at start", async () => {
    const other = await withEmulator({ ...EXACT_PAGING, managementGroups: [{ name: "corp", displayName: "Corp", newSubscriptions: 2 }] });
    try {
      const h = await other.admin<SeededHierarchy>("GET", "/admin/management-groups");
      expect(h.groups["corp"]).toBe(other.tenantId);
      expect(Object.values(h.subscriptions).filter((g) => g === "corp")).toHaveLength(2);
    } finally {
      await other.stop();
    }
  });

  test("emulator start --management-groups with an invalid file fails naming the entry, before anything is written", () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-mg-"));
    try {
      writeFileSync(join(dir, "groups.json"), JSON.stringify([{ name: "ok" }, { name: "bad name!" }]));
      const r = spawnSync(
        process.execPath,
        ["-r", join(ROOT, "test/emulator/fixtures/ts-register.js"), join(ROOT, "test/emulator/fixtures/emulator-cli.ts"), "emulator", "start", "--port", "0", "--state", join(dir, "emu", "state.sqlite"), "--management-groups", join(dir, "groups.json")],
        { cwd: ROOT, encoding: "utf8", timeout: 60_000 },
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/--management-groups .*groups\.json: \[1\.name\]/);
      expect(existsSync(join(dir, "emu"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
