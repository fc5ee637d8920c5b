/**
 * The markdown comment's figures in one pass over the steps (src/core/render/tally.ts): a compact
 * step's action and machine come from its record, so rendering a big plan reads a step's fields
 * only for the rows it shows; and a machine is counted once per subscription however its steps
 * interleave.
 */
import { plan, renderPlan, type AnyStep } from "../../src/core";
import { compactRecordOf, type PlanOf } from "../../src/core/kernel";
import { machineSubscriptionReader } from "../../src/core/render/facts";
import { tallySteps } from "../../src/core/render/tally";
import { subscriptionOf } from "../../src/inventory/ids";
import { inventory, machine, spec, SUB, SUB2 } from "../helpers/fixtures";

type AnyPlan = PlanOf<AnyStep, string>;

function fleetPlan(n: number): AnyPlan {
  const machines = Array.from({ length: n }, (_, i) =>
    machine(`vm-${String(i).padStart(4, "0")}`, { location: i % 2 ? "westeurope" : "eastus", osType: i % 3 ? "Windows" : "Linux" }, i % 4 ? SUB : SUB2),
  );
  return plan(spec({ workspace: "default", agent: "ama" }, { dependencyAgent: { windows: true, linux: true } }, [SUB, SUB2]), inventory({ machines }, "2020-01-01", [SUB, SUB2])) as unknown as AnyPlan;
}

/** The plan with each step behind a Proxy that counts reads of its named fields (the record is read through). */
function counted(p: AnyPlan): { plan: AnyPlan; reads: () => number } {
  let reads = 0;
  const steps = p.steps.map(
    (s) =>
      new Proxy(s, {
        get(target, key) {
          if (typeof key === "string") reads++;
          return Reflect.get(target, key) as unknown;
        },
      }),
  );
  return { plan: { ...p, steps }, reads: () => reads };
}

describe("markdown facts in one pass", () => {
  it("read a step's fields only for the rows shown, not once per step", () => {
    const p = fleetPlan(3000);
    const { plan: wrapped, reads } = counted(p);
    const text = renderPlan(wrapped, "markdown");
    expect(text).toBe(renderPlan(p, "markdown"));
    const rows = text.split("\n").filter((l) => /^\| \d+ \| `/.test(l)).length;
    expect(p.steps.length).toBeGreaterThan(6000);
    expect(rows).toBeLessThan(1000);
    // One read per row shown (its action), a few per step that is not compact (workspaces, rules).
    const plain = p.steps.filter((s) => !compactRecordOf(s)).length;
    expect(reads()).toBeLessThan(rows + 10 * Math.max(plain, 20));
  });

  it("count a machine once per subscription when its steps go back and forth between subscriptions", () => {
    const vm = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-1`;
    const step = (id: string, target: string) => ({ id, action: "install-extension", target, dependsOn: [], details: { machineId: vm, extension: "AzureMonitorWindowsAgent" } });
    const elsewhere = `/subscriptions/${SUB2}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws`;
    const facts = tallySteps({
      machines: [{ id: vm, decision: "ama-install", workspace: null, reason: "" }],
      steps: [step("a", vm), step("b", elsewhere), step("c", vm), step("d", elsewhere)],
      findings: [],
      summary: { machines: 1, decisions: { "ama-install": 1 }, findings: {} },
    });
    expect(facts.changing).toBe(1);
    expect(facts.subscriptions.map((s) => [s.id, s.steps, s.changing])).toEqual([
      [SUB, 2, 1],
      [SUB2, 2, 1],
    ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
    expect([...facts.stepIndices(SUB, false)]).toEqual([0, 2]);
    expect([...facts.stepIndices(SUB2, true)]).toEqual([1, 3]);
  });

  it("read a machine's subscription from its run of machines: the subscription its id names, sorted or not", () => {
    const ids = [
      "/providers/x/vm",
      `/subscriptions/${SUB}`,
      ...Array.from({ length: 40 }, (_, i) => `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-${String(i).padStart(2, "0")}`),
      ...Array.from({ length: 7 }, (_, i) => `/subscriptions/${SUB2.toUpperCase()}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-${i}`),
    ].sort();
    for (const list of [ids, [...ids].reverse()]) {
      const machines = list.map((id) => ({ id }));
      const read = machineSubscriptionReader(machines);
      expect(machines.map((_, m) => read(m))).toEqual(list.map((id) => subscriptionOf(id)));
    }
  });
});
