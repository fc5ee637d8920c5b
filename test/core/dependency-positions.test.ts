/**
 * The text plan's "(after 4, 5)": each dependsOn id's step position, found among the latest steps
 * without building a compact step's id, exactly as an index of every step's id finds it.
 */
import { plan, renderPlan, type AnyStep } from "../../src/core";
import { compactRecordOf, type PlanOf } from "../../src/core/kernel";
import { DependencyPositions } from "../../src/core/render/positions";
import type { RenderedStep } from "../../src/core/render";
import { inventory, machine, spec, SUB, SUB2 } from "../helpers/fixtures";

type AnyPlan = PlanOf<AnyStep, string>;

function fleetPlan(n: number): AnyPlan {
  const machines = Array.from({ length: n }, (_, i) =>
    machine(`vm-${String(i).padStart(4, "0")}`, { location: i % 2 ? "westeurope" : "eastus", osType: i % 3 ? "Windows" : "Linux" }, i % 4 ? SUB : SUB2),
  );
  return plan(spec({ workspace: "default", agent: "ama" }, { dependencyAgent: { windows: true, linux: true } }, [SUB, SUB2]), inventory({ machines }, "2020-01-01", [SUB, SUB2])) as unknown as AnyPlan;
}

/** What the text always showed: the last step of each id, by an index of them all. */
function byIndex(steps: readonly RenderedStep[]): (number | undefined)[][] {
  const at = new Map<string, number>();
  steps.forEach((s, i) => at.set(s.id, i + 1));
  return steps.map((s) => s.dependsOn.map((d) => at.get(d)));
}

function found(steps: readonly RenderedStep[]): (number | undefined)[][] {
  const finder = new DependencyPositions(steps);
  return steps.map((s) => {
    finder.next();
    return s.dependsOn.map(finder.positionOf);
  });
}

describe("dependency positions", () => {
  const compact = fleetPlan(80);
  const plainCopy = JSON.parse(JSON.stringify(compact)) as AnyPlan;

  it("finds what an index of every step's id finds, for compact and plain steps", () => {
    expect(compact.steps.some((s) => s.dependsOn.length)).toBe(true);
    expect(found(compact.steps)).toEqual(byIndex(compact.steps));
    expect(found(plainCopy.steps)).toEqual(byIndex(plainCopy.steps));
  });

  it("builds no compact step's id when each depends on a recent step or a plain one", () => {
    let idReads = 0;
    const counted = compact.steps.map((s) => (compactRecordOf(s) ? new Proxy(s, { get: (t, k) => (k === "id" && idReads++, Reflect.get(t, k)) }) : s));
    expect(found(counted)).toEqual(byIndex(compact.steps));
    expect(idReads).toBe(0);
  });

  it("finds a step far back, a later step, and leaves an id that names no step unfound", () => {
    const step = (id: string, dependsOn: string[] = []): RenderedStep => ({ id, action: "a", target: id, dependsOn, details: {} });
    const filler = Array.from({ length: 40 }, (_, i) => step(`filler-${i}`));
    const steps = [step("first"), ...filler, step("uses-first", ["first", "later", "nowhere"]), step("later")];
    expect(found(steps)).toEqual(byIndex(steps));
    expect(found(steps)[41]).toEqual([1, 43, undefined]);
  });

  it("the text plan shows the same positions for compact and plain steps", () => {
    expect(renderPlan(compact, "text")).toBe(renderPlan(plainCopy, "text"));
    expect(renderPlan(compact, "text")).toMatch(/\(after \d+(, \d+)*\)/);
  });
});
