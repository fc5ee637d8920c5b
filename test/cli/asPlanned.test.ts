/**
 * `apply --plan`'s steps already as planned (src/cli/savedPlan.ts withoutDoneSteps): they are left
 * out of the plan that is run, and a step that waits on one of them runs as if it had succeeded.
 */
import { executePlan, type StepRunner } from "../../src/azure/executor";
import type { Plan, Step } from "../../src/core";
import { describeAsPlanned, withoutDoneSteps } from "../../src/cli/savedPlan";

const SUB = "/subscriptions/s";

function step(id: string, action: string, dependsOn: string[] = []): Step {
  const details = action === "set-pricing" ? { subscriptionId: "s", pricingName: "VirtualMachines", pricingTier: "Standard" } : { n: id };
  return { id, action, target: `${SUB}/x/${id}`, dependsOn, details } as unknown as Step;
}

const plan = (steps: Step[]): Plan => ({ version: 1, machines: [], steps, findings: [], summary: { machines: 0, decisions: {}, steps: steps.length, actions: {}, findings: {} } });

/** Runs every step it is given, and says which. */
function recorder(): StepRunner & { ran: string[] } {
  const ran: string[] = [];
  return { ran, run: async (s) => void ran.push(s.id), check: async () => "absent", wait: async () => undefined };
}

describe("steps already as planned", () => {
  const saved = plan([step("pricing", "set-pricing"), step("other", "install-extension"), step("after", "install-extension", ["pricing"])]);

  it("are not run; a step that depends on one runs, and the summary stays the reviewed plan's", async () => {
    const { plan: rest, asPlanned } = withoutDoneSteps(saved, { asPlanned: [SUB], doneSteps: [0] });
    expect(rest.steps.map((s) => s.id)).toEqual(["other", "after"]);
    expect(rest.summary).toBe(saved.summary);
    expect(asPlanned).toEqual({ parts: [SUB], steps: [{ step: "pricing", action: "set-pricing", label: "VirtualMachines: Standard" }] });
    const runner = recorder();
    const r = await executePlan(rest, runner);
    expect(runner.ran.sort()).toEqual(["after", "other"]);
    expect(r.counts).toEqual({ done: 2, "already-done": 0, failed: 0, skipped: 0 });
    expect(describeAsPlanned(asPlanned)).toBe(`Already as planned: 1 part(s) of the state changed since the plan to exactly what its steps set there (${SUB}); 1 step(s) not sent:\n  set-pricing: VirtualMachines: Standard\n`);
  });

  it("none: the plan is run as it is, and nothing is said", () => {
    const { plan: rest, asPlanned } = withoutDoneSteps(saved, { asPlanned: [], doneSteps: [] });
    expect(rest).toBe(saved);
    expect(describeAsPlanned(asPlanned)).toBe("");
  });
});
