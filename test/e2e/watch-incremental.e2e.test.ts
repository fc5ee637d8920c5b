/**
 * Issue 15 item 5, a watch whose cost follows the changes: after a full read, a round reads only
 * what Resource Graph's resourcechanges shows changed. The test counts Resource Graph requests per
 * round on a 2,500-machine emulator fleet, and the rows the emulator built its answers from, and
 * checks that the patched inventory plans exactly as a full read does. Every machine has its own
 * Defender pricing (securityresources: three pages of rows) and its own rule association
 * (insightsresources: three pages, as an AMA fleet has after a converge), which resourcechanges
 * does not cover: a change round reads only those of the machines that changed or that the tool
 * wrote to (the associations by the prefix of their ids), and which machines are not running
 * (from the emulator's index of guest states, not every machine's row). The Heartbeat (Log Analytics) likewise:
 * all of it at a full read, only those machines' rows in a change round.
 */
import { HEARTBEAT_WORKSPACES_PER_QUERY, readInventoryFor } from "../../src/azure/inventory";
import { IncrementalInventory } from "../../src/azure/incremental";
import { sameInventory } from "../../src/azure/keptFleet";
import { queryGraph } from "../../src/azure/graph";
import { plan } from "../../src/core";
import type { Inventory } from "../../src/inventory";
import { loadSpecFile } from "../../src/spec/load";
import { PRICINGS_API_VERSION } from "../../src/spec/defender";
import { startLab, type Lab } from "./helpers";

jest.setTimeout(300_000);

interface Counters {
  byClass: Record<string, number>;
  work: Record<string, number>;
}

const comparable = (inv: Inventory) => ({ ...inv, generatedAt: "" });

describe("incremental watch rounds", () => {
  let lab: Lab;
  const pricingPut = (machineId: string, tier: "Standard" | "Free") => ({
    method: "PUT",
    path: `${machineId}/providers/Microsoft.Security/pricings/VirtualMachines?api-version=${PRICINGS_API_VERSION}`,
    body: { properties: tier === "Standard" ? { pricingTier: "Standard", subPlan: "P1" } : { pricingTier: "Free" } },
  });
  const associationPut = (machineId: string, name: string, ruleId: string) => ({
    method: "PUT",
    path: `${machineId}/providers/Microsoft.Insights/dataCollectionRuleAssociations/${name}?api-version=2022-06-01`,
    body: { properties: { dataCollectionRuleId: ruleId } },
  });
  let machines: string[] = [];
  let ruleId = "";
  beforeAll(async () => {
    // Defender's own deployments (10 minutes after a plan is on by default) would be changes of
    // their own when the last round moves the clock on.
    lab = await startLab(2500, {}, 91, { defenderDelayMs: 86_400_000 });
    // Every machine its own pricing (P1), as resource-level plans can be, and its own rule
    // association, as every AMA machine has after a converge: seeded in one call.
    machines = Object.values(lab.emu.fleet!.cases).flat();
    const [rule] = await queryGraph(lab.conn, "resources\n| where type =~ 'microsoft.insights/datacollectionrules'\n| project id, type\n| order by id asc", lab.emu.subscriptionIds);
    ruleId = rule!.id;
    const r = await lab.emu.admin<{ failed: number }>("POST", "/admin/replay", { requests: machines.flatMap((m) => [pricingPut(m, "Standard"), associationPut(m, "watch-test", ruleId)]) });
    expect(r.failed).toBe(0);
    // An agent heartbeats to its association's workspace a minute after the association (on the
    // emulator's clock): moved past that, so the full read already sees every seeded machine's
    // agent. Otherwise a test slower than a minute (a loaded machine) met those heartbeats first in
    // a later full read, on machines no round read again (seen at the next full read, by design).
    // Then frozen: each round and the full read it is compared with answer at the same instant, and
    // only the test moves time (the 900 s below), however long a loaded machine takes between them.
    await lab.emu.admin("POST", "/admin/clock", { advanceSeconds: 120, freeze: true });
  });
  afterAll(() => lab?.emu.stop());

  it("reads the fleet once, then only what changed; plans as a full read does", async () => {
    const spec = loadSpecFile(lab.specPath);
    const reader = new IncrementalInventory(lab.conn, spec, { fullEvery: 10 });
    const rowsRead: number[] = [];
    /** Per round: Log Analytics queries, and the machines the emulator built Heartbeat rows for. */
    const heartbeat: { queries: number; machines: number }[] = [];
    const graphRequests = async (read: () => Promise<unknown>) => {
      await lab.emu.admin("POST", "/admin/counters/reset");
      await read();
      const c = await lab.emu.admin<Counters>("GET", "/admin/counters");
      rowsRead.push(c.work.graphRowsRead ?? 0);
      heartbeat.push({ queries: c.byClass.query ?? 0, machines: c.work.heartbeatMachines ?? 0 });
      return c.byClass.graph ?? 0;
    };
    let last: Awaited<ReturnType<IncrementalInventory["read"]>> | undefined;
    const round = () => graphRequests(async () => (last = await reader.read()));

    const full = await round();
    expect(last!.mode).toBe("full");
    expect(last!.built).toBe(last!.inventory.machines.length);
    const afterFull = last!.inventory;
    const quiet = await round();
    expect(last).toMatchObject({ mode: "changes", changed: 0 });
    // Nothing changed: no machine is built again, and the inventory is the last one item for item
    // (the watch then keeps the last round's plan instead of planning 2,500 machines again).
    expect(last!.built).toBe(0);
    expect(last!.inventory.machines.every((m, i) => m === afterFull.machines[i])).toBe(true);
    expect(sameInventory(afterFull, last!.inventory)).toBe(true);

    for (let i = 0; i < 10; i++) {
      await lab.emu.admin("POST", "/admin/machines", { subscriptionId: lab.emu.subscriptionIds[i % 3], resourceGroup: "rg-new", name: `vm-new-${i}`, location: "westeurope", osType: i % 2 ? "Linux" : "Windows" });
    }
    const tenNew = await round();
    expect(last!.mode).toBe("changes");
    expect(last!.changed).toBeGreaterThanOrEqual(10);
    // The new machines are built; the 2,500 others are handed out as the last round built them.
    expect(last!.built).toBe(10);
    expect(sameInventory(afterFull, last!.inventory)).toBe(false);
    console.log(`Resource Graph requests per round on 2,500 machines, each with its own pricing and rule association: full read ${full}, no changes ${quiet}, 10 new machines ${tenNew} (${last!.changed} changed resources read back); rows the emulator built the answers from: ${rowsRead.join(", ")}`);
    // A full read pages through the fleet; the others cost the changes, not the fleet.
    expect(full).toBeGreaterThanOrEqual(3);
    // Per round: the changes, the machines not running (a start or a stop is no resource change),
    // the per-subscription tables (policy, roles, management-group ancestors); the machines' Defender rows and rule associations
    // only for machines that changed (none, then the 10 new ones: 1 query each). Reading all of
    // them again would add 3 pages of each to every round.
    expect(full).toBeGreaterThanOrEqual(3 + 3 + 5);
    expect(quiet).toBeLessThanOrEqual(5);
    expect(tenNew).toBeLessThanOrEqual(8);
    // And the emulator's work follows the changes too: the change feed and the read-back of changed
    // ids come from its indexes (the per-round tables of assignments and settings stay small).
    const [fullRows, quietRows, tenNewRows] = rowsRead;
    expect(quietRows!).toBeLessThan(fullRows! / 10);
    expect(tenNewRows! - quietRows!).toBeLessThanOrEqual(4 * last!.changed);

    // The Heartbeat: every machine's at the full read (a query per 10 workspaces); none in a round
    // without changes; in a round with changes, those machines' only (one query per 10 workspaces
    // for up to 200 machines; the new machines have no agent, so no machine's rows are built).
    const batches = Math.ceil(last!.inventory.workspaces.length / HEARTBEAT_WORKSPACES_PER_QUERY);
    console.log(`Heartbeat per round: ${heartbeat.map((h) => `${h.queries} queries, rows of ${h.machines} machines built`).join("; ")}`);
    expect(heartbeat[0]).toEqual({ queries: batches, machines: expect.any(Number) });
    expect(heartbeat[0]!.machines).toBeGreaterThan(1000);
    expect(heartbeat[1]).toEqual({ queries: 0, machines: 0 });
    expect(heartbeat[2]!.queries).toBe(batches);
    expect(heartbeat[2]!.machines).toBeLessThanOrEqual(last!.changed);

    const fresh = await readInventoryFor(lab.conn, spec);
    expect(comparable(last!.inventory)).toEqual(comparable(fresh));
    const planned = plan(spec, last!.inventory);
    expect(planned).toEqual(plan(spec, fresh));
    expect(planned.steps.filter((s) => s.target.includes("vm-new-")).length).toBeGreaterThanOrEqual(10);

    // A pricing or an association the tool sets changes no machine: the round after reads that
    // machine's rows again (its association replaced: one gone, one new).
    const target = machines[0]!;
    const associationsOf = (inv: Inventory) => (inv.dataCollectionRuleAssociations ?? []).filter((a) => a.machineId.toLowerCase() === target.toLowerCase()).map((a) => a.id.split("/").pop());
    expect(last!.inventory.machines.find((m) => m.id.toLowerCase() === target.toLowerCase())?.pricing).toEqual({ pricingTier: "Standard", subPlan: "P1" });
    expect(associationsOf(last!.inventory)).toEqual(["watch-test"]);
    await lab.emu.admin("POST", "/admin/replay", {
      requests: [pricingPut(target, "Free"), { method: "DELETE", path: `${target}/providers/Microsoft.Insights/dataCollectionRuleAssociations/watch-test?api-version=2022-06-01` }, associationPut(target, "watch-test-2", ruleId)],
    });
    reader.noteWritten([target]);
    const afterWrite = await round();
    // The change feed is read again from the overlap window before its cursor; the rows read there are not read back again.
    expect(last).toMatchObject({ mode: "changes", changed: 0, built: 1 });
    expect(afterWrite).toBeLessThanOrEqual(7);
    expect(heartbeat[3]!.queries).toBe(batches);
    expect(heartbeat[3]!.machines).toBeLessThanOrEqual(1);
    expect(last!.inventory.machines.find((m) => m.id.toLowerCase() === target.toLowerCase())?.pricing).toEqual({ pricingTier: "Free" });
    expect(associationsOf(last!.inventory)).toEqual(["watch-test-2"]);
    expect(comparable(last!.inventory)).toEqual(comparable(await readInventoryFor(lab.conn, spec)));

    // A quarter of an hour on, a round reads one machine's heartbeats: the directly installed agents
    // of the machines it did not read (kept from the full read) are still judged at their own read,
    // not against the new rows' clock (they would read as stopped: older than 10 minutes).
    await lab.emu.admin("POST", "/admin/clock", { advanceSeconds: 900 });
    const direct = lab.emu.fleet!.cases["direct-agent-windows"]!;
    reader.noteWritten([direct[0]!]);
    await round();
    expect(last).toMatchObject({ mode: "changes" });
    expect(heartbeat[4]!.machines).toBeLessThanOrEqual(last!.changed + 1);
    const directAgents = (inv: Inventory) => new Map(inv.machines.filter((m) => m.agents?.some((a) => a.kind === "direct")).map((m) => [m.id, m.agents] as const));
    const later = await readInventoryFor(lab.conn, spec);
    const now = directAgents(later);
    expect(now.size).toBeGreaterThanOrEqual(direct.length);
    expect(directAgents(last!.inventory)).toEqual(now);
    // And the whole inventory: every agent kept from the earlier reads still heartbeats in the window.
    expect(comparable(last!.inventory)).toEqual(comparable(later));

    // Above `heartbeatMachinesNarrowed` machines to read again, a change round reads the whole
    // Heartbeat: a query per 10 workspaces, not one per 200 machines and 10 workspaces.
    const wide = new IncrementalInventory(lab.conn, spec, { fullEvery: 10, heartbeatMachinesNarrowed: 5 });
    last = await wide.read();
    wide.noteWritten(machines.slice(0, 6));
    await graphRequests(async () => (last = await wide.read()));
    expect(last).toMatchObject({ mode: "changes" });
    expect(heartbeat[heartbeat.length - 1]).toEqual({ queries: batches, machines: heartbeat[0]!.machines });
    // The whole Heartbeat read again: every machine's agents are added again.
    expect(last!.built).toBe(last!.inventory.machines.length);
    expect(comparable(last!.inventory)).toEqual(comparable(await readInventoryFor(lab.conn, spec)));
  });
});
