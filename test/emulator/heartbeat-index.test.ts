/**
 * A Heartbeat answer is built from the machines of the workspaces it names (and of those only that
 * a `_ResourceId` filter allows), found through an index kept current on writes: its rows are those
 * of a build over every machine, before and after writes that move machines between workspaces,
 * and the machines it looks at follow the answer, not the fleet.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmulatorCore } from "../../src/emulator/core";
import { coreIn } from "./helpers";
import { heartbeatRows, heartbeatRowsOfEveryMachine } from "../../src/emulator/logs/heartbeat";
import { HEARTBEAT_WORKSPACES_PER_QUERY } from "../../src/azure/inventory";
import { LOG_ANALYTICS_AGENT } from "../../src/spec/extensions";
import type { FleetSummary } from "../../src/emulator";

let dir: string;
let core: EmulatorCore;
let fleet: FleetSummary;
const ALL_TIME = { from: -Infinity, to: Infinity };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "heartbeat-index-"));
  core = coreIn(dir);
  fleet = core.ensureFleet(400)!;
  // Heartbeats are as of now: two builds compare only on a clock that stands still.
  core.clock.freeze(true);
});
afterAll(() => {
  core?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The workspaces in batches, as the tool asks for them. */
const batches = (): Set<string>[] => {
  const all = fleet.workspaces.map((w) => w.customerId.toLowerCase());
  const out: Set<string>[] = [];
  for (let i = 0; i < all.length; i += HEARTBEAT_WORKSPACES_PER_QUERY) out.push(new Set(all.slice(i, i + HEARTBEAT_WORKSPACES_PER_QUERY)));
  return out;
};

/** Each batch's answer equals the build over every machine; returns the machines looked at per batch. */
function expectSameAsEveryMachine(): number[] {
  return batches().map((ids) => {
    const answer = heartbeatRows(core, ids, ALL_TIME);
    expect(answer.rows).toEqual(heartbeatRowsOfEveryMachine(core, ids, ALL_TIME).rows);
    return answer.machines;
  });
}

const machinesIn = (rows: readonly Record<string, unknown>[]) => new Set(rows.map((r) => r["_ResourceId"])).size;

test("an answer equals the build over every machine, and looks at the machines of its workspaces only", () => {
  const looked = expectSameAsEveryMachine();
  const everyMachine = heartbeatRowsOfEveryMachine(core, new Set(), ALL_TIME).machines;
  expect(everyMachine).toBeGreaterThanOrEqual(400);
  // Before: every query built every machine's heartbeats (4 batches x the fleet). Now the batches
  // together look at each reporting machine about once (a machine may report to several batches).
  const reporting = machinesIn(heartbeatRowsOfEveryMachine(core, new Set(fleet.workspaces.map((w) => w.customerId.toLowerCase())), ALL_TIME).rows);
  expect(looked.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(reporting * 1.2);
  for (const [i, ids] of batches().entries()) {
    // Machines looked at but without a row: failed extensions, machines without guest state.
    expect(looked[i]!).toBeLessThanOrEqual(machinesIn(heartbeatRows(core, ids, ALL_TIME).rows) * 1.2 + 2);
  }
});

test("a _ResourceId filter narrows the machines looked at to those it names", () => {
  const all = new Set(fleet.workspaces.map((w) => w.customerId.toLowerCase()));
  const some = [fleet.cases["mma-default-workspace"]![0]!, fleet.cases["scom-2016"]![0]!, fleet.cases["no-agent"]![0]!].map((m) => m.toLowerCase());
  const answer = heartbeatRows(core, all, ALL_TIME, { ids: new Set(some) });
  expect(answer.machines).toBeLessThanOrEqual(2); // the machine without an agent is not in the index
  expect(answer.rows).toEqual(heartbeatRowsOfEveryMachine(core, all, ALL_TIME).rows.filter((r) => some.includes(String(r["_ResourceId"]))));
  expect(heartbeatRows(core, all, ALL_TIME, { prefixes: [some[0]!] }).rows).toEqual(answer.rows.filter((r) => r["_ResourceId"] === some[0]));
});

test("the index follows writes that move machines between workspaces", () => {
  expectSameAsEveryMachine();
  const ruleId = `${fleet.workspaces[0]!.id.replace(/\/providers\/.*$/i, "")}/providers/Microsoft.Insights/dataCollectionRules/dcr-index`;
  const rulePut = (workspaceResourceId: string) => ({
    method: "PUT" as const,
    path: `${ruleId}?api-version=2022-06-01`,
    body: {
      location: "eastus",
      properties: {
        dataSources: { windowsEventLogs: [{ name: "ev", streams: ["Microsoft-Event"], xPathQueries: ["System!*[System[(Level=1)]]"] }] },
        destinations: { logAnalytics: [{ name: "law", workspaceResourceId }] },
        dataFlows: [{ streams: ["Microsoft-Event"], destinations: ["law"] }],
      },
    },
  });
  // In the first batch and in the last: the rule moving from one to the other moves its machines between queries.
  const [target, other] = [fleet.workspaces[0]!, fleet.workspaces[fleet.workspaces.length - 1]!].map((w) => core.store.get(w.id)!);
  expect(batches().length).toBeGreaterThan(1);
  const quiet = fleet.cases["no-agent"]!.filter((m) => m.includes("/virtualMachines/"));
  const [a, c, d] = quiet;
  // A machine whose Azure Monitor Agent runs (AMA needs a managed identity to install).
  const b = fleet.cases["ama"]!.find((m) => m.includes("/virtualMachines/"))!;
  core.guest.put(b, { ...core.guest.get(b)!, ama: null }); // its rules' destinations only
  const cid = (w: typeof target) => String((w!.doc["properties"] as Record<string, unknown>)["customerId"]).toLowerCase();
  const rowsOf = (m: string) => heartbeatRows(core, new Set(fleet.workspaces.map((w) => w.customerId.toLowerCase())), ALL_TIME).rows.filter((r) => r["_ResourceId"] === m.toLowerCase()).map((r) => [r["Category"], r["TenantId"]]);
  const amaBefore = rowsOf(b); // a rule the fleet gave it
  const os = (id: string) => (core.guest.get(id)?.osType ?? "Windows") as "Windows" | "Linux";
  // A Log Analytics extension on a machine that reported nowhere.
  const mma = LOG_ANALYTICS_AGENT[os(a!)];
  const failed = core.replay([
    {
      method: "PUT",
      path: `${a}/extensions/${mma.name}?api-version=2024-07-01`,
      body: { location: "eastus", properties: { publisher: mma.publisher, type: mma.type, typeHandlerVersion: mma.version, settings: { workspaceId: String(target!.doc["properties"] && (target!.doc["properties"] as Record<string, unknown>)["customerId"]) }, protectedSettings: { workspaceKey: String(target!.secret?.["primarySharedKey"]) } } },
    },
    // An Azure Monitor Agent associated with a rule that sends to one workspace, then to another.
    rulePut(target!.id),
    { method: "PUT", path: `${b}/providers/Microsoft.Insights/dataCollectionRuleAssociations/index?api-version=2022-06-01`, body: { properties: { dataCollectionRuleId: ruleId } } },
  ]);
  expect(failed).toEqual([]);
  // AMA heartbeats a minute after it learned of its destination.
  core.clock.advance(120_000);
  expect(rowsOf(a!)).toEqual([["Direct Agent", cid(target)]]);
  expect(rowsOf(b).sort()).toEqual([...amaBefore, ["Azure Monitor Agent", cid(target)]].sort());
  expectSameAsEveryMachine();

  // The rule now sends elsewhere; a directly installed agent; an extension removed (its last
  // heartbeat kept); a machine deleted.
  expect(
    core.replay([
      rulePut(other!.id),
      { method: "DELETE", path: `${a}/extensions/${mma.name}?api-version=2024-07-01` },
      { method: "DELETE", path: `${d}?api-version=2024-07-01` },
    ]),
  ).toEqual([]);
  core.guest.put(c!, { ...core.guest.get(c!)!, directAgent: { workspaceCustomerIds: [cid(other)] } });
  core.clock.advance(120_000);
  // The new destination; the old one's last row stays.
  expect(rowsOf(b).sort()).toEqual([...amaBefore, ["Azure Monitor Agent", cid(other)], ["Azure Monitor Agent", cid(target)]].sort());
  expect(rowsOf(c!)).toEqual([["Direct Agent", cid(other)]]);
  expect(rowsOf(d!)).toEqual([]);
  expect(rowsOf(a!)).toEqual([["Direct Agent", cid(target)]]); // kept from before the removal
  expectSameAsEveryMachine();

  // A resource group deleted with its machines.
  const group = a!.replace(/\/providers\/.*$/i, "");
  expect(core.replay([{ method: "DELETE", path: `${group}?api-version=2021-04-01` }])).toEqual([]);
  expect(rowsOf(a!)).toEqual([]);
  expectSameAsEveryMachine();
});
