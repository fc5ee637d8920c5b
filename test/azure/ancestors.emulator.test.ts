/**
 * The reader records each subscription's display name and management groups (Resource Graph's
 * managementGroupAncestorsChain), what tells whether a group's policy assignment applies to it, and
 * asks Resource Graph for the policy assignments above the subscriptions too
 * (authorizationScopeFilter: AtScopeAboveAndBelow; its default leaves out the groups' ones).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emulatorConnection } from "../../src/azure/connection";
import { readInventory } from "../../src/azure";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { FLEET_SUBSCRIPTIONS } from "../../src/emulator/fleet/cases";

let emu: RunningEmulator;
let dir: string;
let subs: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "asc-ancestors-"));
  emu = await startEmulator({ fleet: 3, seed: 5, recordTraffic: dir });
  subs = [...emu.subscriptionIds].map((s) => s.toLowerCase()).sort();
  await emu.admin("POST", "/admin/management-groups", {
    groups: [
      { name: "corp", displayName: "Corp" },
      { name: "corp-eu", parent: "corp", subscriptions: [subs[0]] },
    ],
  });
});

afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Recorded {
  liveRequest: { url: string; body?: unknown };
}

describe("a subscription's management groups in the inventory", () => {
  it("read from resourcecontainers, direct parent first; the policy query asks for assignments above the subscriptions", async () => {
    const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
    const inv = await readInventory(conn, [subs[0]!, subs[1]!]);
    const of = (id: string) => inv.subscriptions.find((s) => s.id === id)!.managementGroupAncestors;
    expect(of(subs[0]!)).toEqual(["corp-eu", "corp", emu.tenantId]);
    // Not placed under any group: under the tenant root group only.
    expect(of(subs[1]!)).toEqual([emu.tenantId]);
    // Its display name: a subscription row's `name` (the report shows it beside the GUID).
    const fleetNames = FLEET_SUBSCRIPTIONS.map((s) => s.displayName);
    expect(inv.subscriptions.map((s) => s.displayName)).toHaveLength(2);
    for (const s of inv.subscriptions) expect(fleetNames).toContain(s.displayName);

    const graphBodies = readdirSync(dir)
      .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Recorded)
      .filter((r) => /microsoft\.resourcegraph\/resources/i.test(r.liveRequest.url))
      .map((r) => (typeof r.liveRequest.body === "string" ? JSON.parse(r.liveRequest.body) : r.liveRequest.body) as { query: string; options?: Record<string, unknown> });
    const byTable = (table: string) => graphBodies.filter((b) => b.query.startsWith(table));
    expect(byTable("policyresources").map((b) => b.options?.["authorizationScopeFilter"])).toEqual(["AtScopeAboveAndBelow"]);
    // The role query keeps Resource Graph's default (the planner compares roles at the assignment's own scope).
    expect(byTable("authorizationresources").map((b) => b.options?.["authorizationScopeFilter"])).toEqual([undefined]);
  });
});
