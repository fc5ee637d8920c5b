/**
 * buildReport given the plan its caller made (the demo planned the inventory to apply it): the
 * report takes it and does not plan the inventory again, and its figures are those of planning it.
 * The planner is wrapped, not replaced: every call runs the real one and is counted.
 */
import * as actualCore from "../../src/core";
import { buildReport, renderReportJson } from "../../src/report";
import { timeline } from "./fixtures";

jest.mock("../../src/core", () => {
  const core = jest.requireActual<typeof actualCore>("../../src/core");
  return { ...core, plan: jest.fn(core.plan) };
});

const planner = actualCore.plan as jest.MockedFunction<typeof actualCore.plan>;
const t = timeline();
const inventory = t.inventories[t.inventories.length - 1]!;

beforeEach(() => planner.mockClear());

test("a given plan is taken as it is: the inventory is not planned again, the report is the same", () => {
  const replanned = buildReport(t.spec, [{ label: "day3", inventory }]);
  expect(planner).toHaveBeenCalledTimes(1);
  const given = planner.mock.results[0]!.value as actualCore.Plan;
  planner.mockClear();

  const report = buildReport(t.spec, [{ label: "day3", inventory, plan: given }]);
  expect(planner).not.toHaveBeenCalled();
  expect(renderReportJson(report)).toBe(renderReportJson(replanned));
});

test("several inventories: only those given without a plan are planned", () => {
  const [day1, day2] = t.inventories as [typeof inventory, typeof inventory];
  const own = actualCore.plan(t.spec, day2);
  planner.mockClear();
  const report = buildReport(t.spec, [
    { label: "day1", inventory: day1 },
    { label: "day2", inventory: day2, plan: own },
  ]);
  expect(planner).toHaveBeenCalledTimes(1);
  expect(planner.mock.calls[0]![1]).toBe(day1);
  expect(renderReportJson(report)).toBe(renderReportJson(buildReport(t.spec, [{ label: "day1", inventory: day1 }, { label: "day2", inventory: day2 }])));
});
