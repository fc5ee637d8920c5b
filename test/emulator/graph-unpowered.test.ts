/**
 * A watch asks Resource Graph every round which VMs are not running and which Arc machines are not
 * connected (NOT_RUNNING_QUERY): the emulator answers from its index of guest states, so its work
 * follows the answer, and the answer is the one a scan of every machine gives, also after a
 * machine is stopped, started or loses its agent.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmulatorCore } from "../../src/emulator/core";
import { coreIn } from "./helpers";
import { graphTable } from "../../src/emulator/graph/tables";
import { narrowingOf } from "../../src/emulator/graph/narrow";
import { parseQuery } from "../../src/emulator/kql/parser";
import { runQuery } from "../../src/emulator/kql/eval";
import { NOT_RUNNING_QUERY } from "../../src/azure/incremental";
import { ARC_TYPE, VM_TYPE } from "../../src/emulator/model/resourceTypes";

let dir: string;
let core: EmulatorCore;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "graph-unpowered-"));
  core = coreIn(dir);
  core.ensureFleet(300);
});
afterAll(() => {
  core?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The query's answer (ids) and the rows its table was built from, narrowed or from a full scan. */
function answer(narrowed: boolean): { ids: string[]; built: number } {
  const parsed = parseQuery(NOT_RUNNING_QUERY);
  const table = graphTable(core, parsed.table, core.subscriptionIds, narrowed ? narrowingOf(parsed) : {})!;
  return { ids: runQuery(parsed, () => table, { now: Date.now() }).rows.map((r) => String(r["id"])), built: table.rows.length };
}

test("the machines not running are read from the guest states' index, and are the full scan's", () => {
  expect(narrowingOf(parseQuery(NOT_RUNNING_QUERY))).toMatchObject({ unpowered: true, types: new Set([VM_TYPE.toLowerCase(), ARC_TYPE.toLowerCase()]) });
  const full = answer(false);
  const narrowed = answer(true);
  expect(full.ids.length).toBeGreaterThan(0);
  expect(narrowed.ids).toEqual(full.ids);
  expect(narrowed.built).toBeLessThan(full.built / 5);

  // A running VM stopped, a stopped one started, a running Arc machine without its agent: the index follows.
  const machines = core.store.listTypes([VM_TYPE, ARC_TYPE], core.subscriptionIds);
  const guest = (id: string) => core.guest.get(id)!;
  const vms = machines.filter((m) => m.type.toLowerCase() === VM_TYPE.toLowerCase() && core.guest.get(m.id));
  const running = vms.find((m) => guest(m.id).powerState === "running" && guest(m.id).vmAgent)!;
  const stopped = vms.find((m) => guest(m.id).powerState !== "running")!;
  const arc = machines.find((m) => m.type.toLowerCase() === ARC_TYPE.toLowerCase() && core.guest.get(m.id) && guest(m.id).powerState === "running" && guest(m.id).vmAgent)!;
  core.tx(() => {
    core.guest.put(running.id, { ...guest(running.id), powerState: "deallocated" });
    core.guest.put(stopped.id, { ...guest(stopped.id), powerState: "running" });
    core.guest.put(arc.id, { ...guest(arc.id), vmAgent: false });
  });
  const after = answer(true);
  expect(after.ids).toEqual(answer(false).ids);
  expect(after.ids).toContain(running.id);
  expect(after.ids).not.toContain(stopped.id);
  expect(after.ids).toContain(arc.id);
});

test("a filter that also keeps running machines is not narrowed to the index", () => {
  expect(narrowingOf(parseQuery("resources\n| where tostring(properties.extended.instanceView.powerState.code) !~ 'PowerState/running' or type =~ 'x'")).unpowered).toBeUndefined();
  expect(narrowingOf(parseQuery("resources\n| where tostring(properties.extended.instanceView.powerState.code) =~ 'PowerState/running'")).unpowered).toBeUndefined();
});
