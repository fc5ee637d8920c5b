/**
 * Resource Graph's subscription caps on the emulator (issue 17): a tenant of 15,001 subscriptions,
 * held as membership rows with no machines, so a test builds it in one admin call. A query at a
 * management group answers for its first 5,000 subscriptions and one at the tenant for its first
 * 10,000, each cut answer marked with `x-ms-tenant-subscription-limit-hit: true` (Resource Graph's
 * throttling guide); the scope resolution refuses a cut answer naming the group and the cap, refuses
 * a scope over 10,000 subscriptions, and reads a large scope in batches of 100 subscriptions.
 */
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import type { PipelineRequest } from "@azure/core-rest-pipeline";
import { emulatorConnection, type AzureConnection } from "../../src/azure/connection";
import { resolveSubscriptions, SUBSCRIPTIONS_CAP } from "../../src/azure";
import { FLEET_QUERY, queryGraph, SUBSCRIPTION_BATCH, SUBSCRIPTION_LIMIT_HIT_HEADER } from "../../src/azure/graph";
import { startEmulator, type RunningEmulator, type SeededHierarchy } from "../../src/emulator";
import { parseSpec } from "../../src/spec";

// Resolving 10,001 subscriptions takes ~20 s on a quiet machine and over 60 s on a loaded one (a
// clean-clone CI beside a benchmark timed out at jest's default): a hang guard, not a time limit.
jest.setTimeout(240_000);

let emu: RunningEmulator;
let conn: AzureConnection;
let hierarchy: SeededHierarchy;
let seedMs: number;

beforeAll(async () => {
  emu = await startEmulator({ fleet: 1, seed: 3 });
  conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  const t0 = Date.now();
  hierarchy = await emu.admin<SeededHierarchy>("POST", "/admin/management-groups", {
    groups: [
      { name: "huge", newSubscriptions: 5001 },
      { name: "corp" },
      { name: "corp-a", parent: "corp", newSubscriptions: 4999 },
      { name: "corp-b", parent: "corp", newSubscriptions: 4999 },
      { name: "corp-c", parent: "corp", newSubscriptions: 2 },
    ],
  });
  seedMs = Date.now() - t0;
}, 300_000);

afterAll(() => emu?.stop());

const under = (group: string): string[] =>
  Object.entries(hierarchy.subscriptions)
    .filter(([, g]) => g === group)
    .map(([s]) => s.toLowerCase());

/** One raw Resource Graph page of `scope`'s subscriptions, with the cap header. */
async function containers(scope: { managementGroups: string[] } | Record<string, never>): Promise<{ total: number; limitHit: string | undefined }> {
  let limitHit: string | undefined;
  const client = new ResourceGraphClient(conn.credential, conn.clientOptions());
  const page = await client.resources(
    { query: "resourcecontainers | where type =~ 'microsoft.resources/subscriptions' | project id", ...scope, options: { top: 1000, resultFormat: "objectArray" } },
    { onResponse: (r) => (limitHit = r.headers.get(SUBSCRIPTION_LIMIT_HIT_HEADER)) },
  );
  return { total: page.totalRecords, limitHit };
}

/** A connection that records the body of each Resource Graph request. */
function recording(bodies: { subscriptions?: string[]; managementGroups?: string[] }[]): AzureConnection {
  const spy = { name: "record-graph-bodies", sendRequest: (req: PipelineRequest, next: (r: PipelineRequest) => Promise<never>) => {
    if (req.url.toLowerCase().includes("/providers/microsoft.resourcegraph/resources") && typeof req.body === "string") bodies.push(JSON.parse(req.body));
    return next(req);
  } };
  return { ...conn, clientOptions: () => ({ ...conn.clientOptions(), additionalPolicies: [{ policy: spy, position: "perCall" as const }] }) };
}

describe("Resource Graph's subscription caps", () => {
  test("the emulator holds 15,001 subscriptions under groups, seeded in one call", () => {
    expect(Object.keys(hierarchy.subscriptions).length).toBeGreaterThan(15_001);
    expect([under("huge").length, under("corp-a").length, under("corp-b").length, under("corp-c").length]).toEqual([5001, 4999, 4999, 2]);
    console.log(`seeded 15,001 subscriptions under 5 groups in ${seedMs} ms`);
  });

  test("a management group answers for its first 5,000 subscriptions, a tenant for its first 10,000, each cut marked by the header", async () => {
    expect(await containers({ managementGroups: ["huge"] })).toEqual({ total: 5000, limitHit: "true" });
    expect(await containers({ managementGroups: ["corp-a"] })).toEqual({ total: 4999, limitHit: undefined });
    expect(await containers({})).toEqual({ total: 10_000, limitHit: "true" });
    // corp holds 10,000 at any depth: 5,000 of them, cut.
    expect(await containers({ managementGroups: ["corp"] })).toEqual({ total: 5000, limitHit: "true" });
  });

  test("resolution refuses a group whose answer was cut, naming the group and the header", async () => {
    await expect(resolveSubscriptions(conn, parseSpec({ managementGroups: ["corp-a", "huge"] }))).rejects.toThrow(
      `managementGroups: huge: Resource Graph listed only part of its subscriptions (${SUBSCRIPTION_LIMIT_HIT_HEADER}: its cap is 5,000 under one management group, 10,000 in all): name its child groups instead`,
    );
  });

  test("a scope over 10,000 subscriptions is refused naming the cap; at 10,000 it resolves", async () => {
    const listed = emu.subscriptionIds[0]!.toLowerCase();
    const groups = ["corp-a", "corp-b", "corp-c"];
    await expect(resolveSubscriptions(conn, parseSpec({ managementGroups: groups, subscriptions: [listed] }))).rejects.toThrow(
      `the scope holds ${SUBSCRIPTIONS_CAP + 1} subscriptions, more than Resource Graph's ${SUBSCRIPTIONS_CAP}: split the spec`,
    );
    const resolved = await resolveSubscriptions(conn, parseSpec({ managementGroups: groups }));
    expect(resolved).toHaveLength(SUBSCRIPTIONS_CAP);
  });

  test("resolution asks one group at a time; the read that follows sends its subscriptions in batches of 100", async () => {
    const bodies: { subscriptions?: string[]; managementGroups?: string[] }[] = [];
    const spy = recording(bodies);
    const resolved = await resolveSubscriptions(spy, parseSpec({ managementGroups: ["corp-a", "corp-c"] }));
    expect(resolved).toEqual([...under("corp-a"), ...under("corp-c")].sort());
    // One group per request, its pages in a row (4,999 rows: at least 5 pages of 1,000), then the next group.
    const asked = bodies.map((b) => b.managementGroups!.join());
    expect(asked.filter((g) => g === "corp-a").length).toBeGreaterThanOrEqual(5);
    expect(asked).toEqual([...asked.filter((g) => g === "corp-a"), "corp-c"]);
    bodies.length = 0;
    await queryGraph(spy, FLEET_QUERY, resolved);
    expect(resolved).toHaveLength(5001);
    expect(bodies.map((b) => b.subscriptions!.length)).toEqual([...Array(50).fill(SUBSCRIPTION_BATCH), 1]);
    expect(bodies.flatMap((b) => b.subscriptions)).toEqual(resolved);
  });
});
