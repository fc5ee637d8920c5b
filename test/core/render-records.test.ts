/**
 * Each step's compact record read once per plan (src/core/render/records.ts), and the text plan's
 * one pass over the steps for their subscriptions (facts.ts stepGroups): the same answers as the
 * step-by-step reads they replace.
 */
import { plan, renderPlan, subscriptionsOf } from "../../src/core";
import { compactRecordOf } from "../../src/core/kernel/compact";
import { compactStepLabel, stepGroups, stepIndicesBySubscription, stepLabel, subscriptionsWith } from "../../src/core/render/facts";
import { stepRecords } from "../../src/core/render/records";
import type { InventoryMachine } from "../../src/inventory";
import { defaultWorkspace, inventory, machine, spec } from "../helpers/fixtures";

const AMA = spec({ agent: "ama", workspace: "default" }, { dependencyAgent: { windows: true, linux: true } });

function planned() {
  const machines: InventoryMachine[] = Array.from({ length: 30 }, (_, i) => machine(`vm-${String(i).padStart(3, "0")}`, { osType: i % 3 ? "Windows" : "Linux", location: i % 2 ? "westeurope" : "eastus" }));
  return plan(AMA, inventory({ machines, workspaces: [defaultWorkspace("EUS", "c-eus", "eastus"), defaultWorkspace("WEU", "c-weu", "westeurope")] }));
}

describe("a plan's step records, read once", () => {
  it("are each step's compact record (undefined for a plain step), kept for the list and read again when it grew", () => {
    const p = planned();
    const records = stepRecords(p.steps);
    expect(records).toHaveLength(p.steps.length);
    p.steps.forEach((s, i) => expect(records[i]).toBe(compactRecordOf(s)));
    expect(records.some((r) => r !== undefined)).toBe(true);
    expect(records.some((r) => r === undefined)).toBe(true);
    expect(stepRecords(p.steps)).toBe(records);
    const longer = [...p.steps];
    expect(stepRecords(longer)).not.toBe(records);
    longer.push(p.steps[0]!);
    expect(stepRecords(longer)).toHaveLength(p.steps.length + 1);
  });

  it("give a compact step the label its own reads give", () => {
    const p = planned();
    const records = stepRecords(p.steps);
    p.steps.forEach((s, i) => {
      const r = records[i];
      if (r) expect(compactStepLabel(r)).toBe(stepLabel({ ...s, details: s.details }));
    });
  });

  it("group the steps by subscription and name their subscriptions as the separate passes do", () => {
    const p = planned();
    const groups = stepGroups(p);
    expect(groups.bySubscription).toEqual(stepIndicesBySubscription(p));
    expect(subscriptionsWith(p, groups.subscriptions)).toEqual(subscriptionsOf(p));
    expect(renderPlan(p, "text")).toContain(`in ${subscriptionsOf(p).length} subscription(s)`);
  });
});
