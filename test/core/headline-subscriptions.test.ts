/**
 * The text headline's "in N subscription(s)" counts the plan's subscriptions: those of its machines
 * and clusters, and those whose own settings a step changes. A hub workspace's rule in a
 * subscription outside the scope (a user's trial: "100 machine(s) in 2 subscription(s)" for a scope
 * of one) is listed under its subscription but not counted.
 */
import { plan, renderPlan, subscriptionsOf } from "../../src/core";
import { stepGroups, subscriptionsWith } from "../../src/core/render/facts";
import { dataCollectionRuleId } from "../../src/spec/dcr";
import { inventory, machine, spec, SUB, SUB2, workspace } from "../helpers/fixtures";

const headline = (p: ReturnType<typeof plan>) => renderPlan(p, "text").split("\n")[0]!;

describe("the headline's subscription count", () => {
  const hub = workspace("law-hub", "c-hub", { solutions: ["Security"] }, SUB2);
  const machines = [machine("vm-1"), machine("vm-2", { osType: "Linux" })];

  it("does not count the hub subscription where the central workspace's rule is created", () => {
    const p = plan(spec({ agent: "ama", workspace: { id: hub.id } }), inventory({ machines, workspaces: [hub] }));
    const rule = p.steps.find((s) => s.action === "create-dcr");
    expect(rule?.target).toBe(dataCollectionRuleId(hub.id));
    // Listed under its own subscription...
    expect([...stepGroups(p).bySubscription.keys()]).toContain(SUB2);
    // ...and counted nowhere.
    expect(subscriptionsOf(p)).toEqual([SUB]);
    expect(subscriptionsWith(p, stepGroups(p).subscriptions)).toEqual([SUB]);
    expect(headline(p)).toMatch(/^Plan: 2 machine\(s\) in 1 subscription\(s\);/);
  });

  it("counts a subscription in scope without machines whose own settings a step changes", () => {
    const p = plan(spec({ agent: "ama", workspace: { id: hub.id } }, {}, [SUB, SUB2]), inventory({ machines, workspaces: [hub] }, "2020-01-01", [SUB, SUB2]));
    const onSub2 = p.steps.filter((s) => s.target.toLowerCase().startsWith(`/subscriptions/${SUB2}/providers/`));
    expect(onSub2.length).toBeGreaterThan(0);
    expect(subscriptionsOf(p)).toEqual([SUB, SUB2]);
    expect(headline(p)).toMatch(/^Plan: 2 machine\(s\) in 2 subscription\(s\);/);
  });
});
