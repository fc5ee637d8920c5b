/**
 * User trial 20, item 14: a finding made per subscription names its subscription in text and
 * markdown. Its target is the subscription's own resource (a pricing), whose last segment is the
 * same everywhere: "sub-plan-drops-features (VirtualMachines)" read three times alike.
 */
import { plan, renderMarkdown, renderText } from "../../src/core";
import { inventory } from "../helpers/fixtures";
import { defenderSpec, P2_IN_PLACE, SUB, SUB2 } from "./defender.fixtures";

describe("per-subscription findings name their subscription", () => {
  // P2 → P1 in two subscriptions: one sub-plan-drops-features per subscription.
  const p = plan(defenderSpec({ servers: { plan: "P1", vulnerabilityAssessment: "none" } }, {}, [SUB, SUB2]), inventory({ settings: { [SUB]: P2_IN_PLACE, [SUB2]: P2_IN_PLACE } }, "2020-01-01", [SUB, SUB2]));

  it("the plan has one finding per subscription", () => {
    expect(p.findings.filter((f) => f.code === "sub-plan-drops-features").map((f) => f.target)).toEqual([
      `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/VirtualMachines`,
      `/subscriptions/${SUB2}/providers/Microsoft.Security/pricings/VirtualMachines`,
    ]);
  });

  it("text: a line each, with its subscription", () => {
    const lines = renderText(p).split("\n").filter((l) => l.includes("sub-plan-drops-features"));
    expect(lines.map((l) => /\(([^)]*)\):/.exec(l)![1])).toEqual([`VirtualMachines in subscription ${SUB}`, `VirtualMachines in subscription ${SUB2}`]);
  });

  it("markdown: the grouped line's examples name both", () => {
    const line = renderMarkdown(p).split("\n").find((l) => l.includes("`sub-plan-drops-features`"))!;
    expect(line).toContain(`\`sub-plan-drops-features\` × 2 (VirtualMachines in subscription ${SUB}, VirtualMachines in subscription ${SUB2}):`);
  });

  it("a target that is no subscription's resource keeps its short name", () => {
    expect(renderText(p)).toMatch(/ \(defender\.servers\.vulnerabilityAssessment\): /);
  });
});
