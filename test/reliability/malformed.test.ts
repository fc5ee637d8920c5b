/**
 * A misbehaving server (issue "Reliability and security"): truncated JSON, wrong types, missing
 * fields in ARM answers give a clear error and no partial apply: nothing is written.
 */
import { readInventory } from "../../src/azure/inventory";
import { loadSpecFile } from "../../src/spec/load";
import { runCli, startLab, type Lab } from "../e2e/helpers";

jest.setTimeout(120_000);

let lab: Lab;
beforeAll(async () => {
  lab = await startLab(30, {}, 51);
});
afterAll(() => lab?.emu.stop());
afterEach(() => lab.emu.admin("DELETE", "/admin/faults"));

interface Counters {
  byClass: Record<string, number>;
}

const cases: [string, object][] = [
  ["truncated JSON from Resource Graph", { class: "graph", respond: { status: 200, body: '{"totalRecords": 3, "count": 3, "data": [{"id": "/subscriptions/x' }, count: 1 }],
  ["a row of the wrong type", { class: "graph", respond: { status: 200, body: JSON.stringify({ totalRecords: 1, count: 1, resultTruncated: "false", data: [{ id: 5, type: ["vm"] }] }) }, count: 1 }],
  [
    "a machine without its OS type",
    {
      class: "graph",
      respond: {
        status: 200,
        body: JSON.stringify({
          totalRecords: 1,
          count: 1,
          resultTruncated: "false",
          data: [{ id: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/v", type: "microsoft.compute/virtualmachines", location: "eastus", properties: {} }],
        }),
      },
      count: 1,
    },
  ],
  ["data that is not a list", { class: "graph", respond: { status: 200, body: JSON.stringify({ totalRecords: 1, count: 1, data: { rows: 3 } }) }, count: 1 }],
];

describe.each(cases)("%s", (_name, fault) => {
  it("stops with a clear error before any write", async () => {
    await lab.emu.admin("POST", "/admin/faults", { scripted: [fault] });
    await lab.emu.admin("POST", "/admin/counters/reset");
    const run = runCli(lab, ["apply", "--spec", lab.specPath, "--yes", "--state-dir", lab.stateDir]);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toMatch(/^asc-autoprovision: .+/m);
    expect(run.stderr()).not.toMatch(/\n\s+at /); // no stack trace
    const counters = await lab.emu.admin<Counters>("GET", "/admin/counters");
    expect(counters.byClass.write ?? 0).toBe(0);
    expect(counters.byClass.delete ?? 0).toBe(0);
  });
});

it("after the misbehaviour the same read works", async () => {
  const spec = loadSpecFile(lab.specPath);
  expect((await readInventory(lab.conn, spec.subscriptions)).machines.length).toBe(30);
});
