/**
 * The renderers read a compact step's machine and subscription from its record (no details or
 * target built per step): every format renders a plan exactly as it renders the same plan with
 * plain steps.
 */
import { changedMachines, machineReader, plan, PLAN_FORMATS, renderPlan, stepMachineIndices, type AnyStep } from "../../src/core";
import { compactRecordOf, type PlanOf } from "../../src/core/kernel";
import { inventory, machine, spec, SUB, SUB2 } from "../helpers/fixtures";

type AnyPlan = PlanOf<AnyStep, string>;

function fleetPlan(n: number): AnyPlan {
  const machines = Array.from({ length: n }, (_, i) =>
    machine(`vm-${String(i).padStart(4, "0")}`, { location: i % 2 ? "westeurope" : "eastus", osType: i % 3 ? "Windows" : "Linux" }, i % 4 ? SUB : SUB2),
  );
  return plan(spec({ workspace: "default", agent: "ama" }, { dependencyAgent: { windows: true, linux: true } }, [SUB, SUB2]), inventory({ machines }, "2020-01-01", [SUB, SUB2])) as unknown as AnyPlan;
}

describe("renderers over compact steps", () => {
  const compact = fleetPlan(60);
  const plainCopy = JSON.parse(JSON.stringify(compact)) as AnyPlan;

  it("the plan has compact steps in two subscriptions", () => {
    expect(compact.steps.filter((s) => compactRecordOf(s)).length).toBeGreaterThan(60);
    expect(plainCopy.steps.some((s) => compactRecordOf(s))).toBe(false);
  });

  it.each(PLAN_FORMATS)("%s: the same text as the plan with plain steps", (format) => {
    expect(renderPlan(compact, format)).toBe(renderPlan(plainCopy, format));
  });

  it("finds each step's machine as the catalog does", () => {
    const read = machineReader();
    const viaCatalog = plainCopy.steps.map((s) => (s.details as { machineId?: string }).machineId);
    expect(compact.steps.map((s) => read(s))).toEqual(viaCatalog);
    expect([...stepMachineIndices(compact)]).toEqual([...stepMachineIndices(plainCopy)]);
    expect(changedMachines(compact)).toEqual(changedMachines(plainCopy));
  });
});
