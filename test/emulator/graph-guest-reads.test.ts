/**
 * A Resource Graph table reads the machines' guest state only when it has VM rows (their power
 * state): the policy and role assignment tables, read every watch round, do not read 100k machines'
 * guest states to build a few dozen rows.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmulatorCore } from "../../src/emulator/core";
import { coreIn } from "./helpers";
import { graphTable } from "../../src/emulator/graph/tables";
import { POLICY_ASSIGNMENT_TYPE, ROLE_ASSIGNMENT_TYPE } from "../../src/emulator/model/resourceTypes";

let dir: string;
let core: EmulatorCore;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "graph-guest-reads-"));
  core = coreIn(dir);
  core.ensureFleet(200);
  // An assignment and a role assignment of the tool's kind (the generated fleet has neither).
  const sub = `/subscriptions/${core.subscriptionIds[0]}`;
  const put = (id: string, type: string, properties: Record<string, string>) => core.tx(() => core.store.put({ id, type, secret: null, doc: { id, name: id.split("/").pop()!, type, properties } }));
  put(`${sub}/providers/${POLICY_ASSIGNMENT_TYPE}/da`, POLICY_ASSIGNMENT_TYPE, { scope: sub });
  put(`${sub}/providers/${ROLE_ASSIGNMENT_TYPE}/00000000-0000-0000-0000-000000000001`, ROLE_ASSIGNMENT_TYPE, { scope: sub, principalId: "p" });
});
afterAll(() => {
  core?.close();
  rmSync(dir, { recursive: true, force: true });
});

test.each(["policyresources", "authorizationresources", "insightsresources", "securityresources"])("%s is built without reading guest state", (table) => {
  const all = jest.spyOn(core.guest, "all");
  const one = jest.spyOn(core.guest, "get");
  try {
    expect(graphTable(core, table, core.subscriptionIds)!.rows.length).toBeGreaterThan(0);
    expect(all).not.toHaveBeenCalled();
    expect(one).not.toHaveBeenCalled();
  } finally {
    all.mockRestore();
    one.mockRestore();
  }
});

test("the resources table still carries each VM's power state from its guest", () => {
  const rows = graphTable(core, "resources", core.subscriptionIds)!.rows.filter((r) => r["type"] === "microsoft.compute/virtualmachines");
  const states = new Set(rows.map((r) => JSON.stringify((r["properties"] as { extended?: { instanceView?: { powerState?: { code?: string } } } }).extended?.instanceView?.powerState?.code)));
  expect([...states].some((s) => s?.includes("deallocated"))).toBe(true);
  expect([...states].some((s) => s?.includes("running"))).toBe(true);
});
