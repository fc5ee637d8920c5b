/**
 * `changes`, the per-machine line `pulumi preview --diff` shows for an AgentReconciliation (see
 * agentReconciliation.ts; the CLI's rendering is checked in test/engine): what a preview's check
 * predicts, and what the up itself stores (nothing outstanding after an apply).
 */
import { changeLines, predictedReport, reportOf } from "../../components/pulumi/reconcile/reconciler";
import { MAX_MACHINES } from "../../components/pulumi/reconcile/types";
import type { Plan } from "../../src/core";

const SUB = "/subscriptions/11111111-1111-1111-1111-111111111111";
const WS = `${SUB}/resourceGroups/DefaultResourceGroup-WEU/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-11111111-1111-1111-1111-111111111111-WEU`;
const vm = (n: number) => `${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-${String(n).padStart(4, "0")}`;

function planFor(count: number): Plan {
  const machines = Array.from({ length: count }, (_, i) => ({ id: vm(i), decision: "install" as const, workspace: WS, reason: "No Log Analytics agent." }));
  const steps = machines.map((m, i) => ({ id: `s${i}`, action: "install-extension" as const, target: `${m.id}/extensions/MicrosoftMonitoringAgent`, dependsOn: [], details: { machineId: m.id } })) as unknown as Plan["steps"];
  return { version: 1, machines, steps, findings: [], summary: {} as Plan["summary"] };
}

test("one short line per machine, keyed by its id: decision, target workspace name, actions", () => {
  expect(changeLines([{ id: vm(1), decision: "install", workspace: WS, reason: "r", actions: ["install-extension"] }])).toEqual({
    [vm(1)]: "install -> DefaultWorkspace-11111111-1111-1111-1111-111111111111-WEU: install-extension",
  });
  expect(changeLines([{ id: vm(2), decision: "skip-not-eligible", workspace: null, reason: "r", actions: ["upgrade-extension"] }])[vm(2)]).toBe("skip-not-eligible -> no workspace: upgrade-extension");
  // Under the display's 150-character cut, so the CLI shows it whole.
  expect(Object.values(changeLines([{ id: vm(1), decision: "install-beside-scom", workspace: WS, reason: "r", actions: ["install-extension"] }]))[0]!.length).toBeLessThan(150);
});

test("a preview's check predicts every change; the up itself stores what it leaves outstanding", () => {
  const plan = planFor(3);
  expect(Object.keys(predictedReport(plan, "apply", "pending").changes)).toEqual([vm(0), vm(1), vm(2)]);
  expect(predictedReport(plan, "apply", "outstanding").changes).toEqual({});
  // Report mode changes nothing: what is outstanding is the whole plan, in both.
  expect(Object.keys(predictedReport(plan, "report", "outstanding").changes)).toHaveLength(3);
});

test("after a partial apply, the machines whose steps did not run stay in changes; the state stays bounded", () => {
  const plan = planFor(MAX_MACHINES + 50);
  const report = reportOf(plan, { applied: 1, failed: 1, remaining: 1 }, null, [{ id: vm(7), decision: "install", workspace: WS, reason: "r", actions: ["install-extension"] }]);
  expect(Object.keys(report.changes)).toEqual([vm(7)]);
  expect(report.machines).toHaveLength(MAX_MACHINES);
  expect(report.machineCount).toBe(MAX_MACHINES + 50);
  expect(Object.keys(predictedReport(plan, "apply", "pending").changes)).toHaveLength(MAX_MACHINES);
});
