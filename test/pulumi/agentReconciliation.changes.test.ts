/**
 * What a preview shows of an AgentReconciliation (see agentReconciliation.ts; the CLI's rendering
 * is checked in test/engine): `changes`, one line per machine with each step's label, the
 * subscription-level steps, and how many machines past the cap; `findings` keyed by what they are;
 * what a preview's check predicts and what the up itself stores; the plan file's name.
 */
import { mkdtempSync, readdirSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { changeLines, eachMachineSteps, PLAN_FILES_KEPT, planFileName, predictedReport, reportOf, savePlanFile } from "../../components/pulumi/reconcile/reconciler";
import { MAX_MACHINES, MORE_KEY, type ReconciliationInputs } from "../../components/pulumi/reconcile/types";
import type { Plan } from "../../src/core";
import { parseSpec } from "../../src/spec";
import { bigPlan } from "../helpers/bigPlan";

const GUID = "11111111-1111-1111-1111-111111111111";
const SUB = `/subscriptions/${GUID}`;
const WS = `${SUB}/resourceGroups/DefaultResourceGroup-WEU/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-${GUID}-WEU`;
const RULE = `${SUB}/resourceGroups/DefaultResourceGroup-WEU/providers/Microsoft.Insights/dataCollectionRules/asc-ama-weu`;
const vm = (n: number) => `${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-${String(n).padStart(4, "0")}`;

type Step = Plan["steps"][number];
const install = (machineId: string, extension: string): Step =>
  ({ id: `i-${machineId}-${extension}`, action: "install-extension", target: `${machineId}/extensions/${extension}`, dependsOn: [], details: { machineId } }) as unknown as Step;
const associate = (machineId: string): Step =>
  ({ id: `a-${machineId}`, action: "associate-dcr", target: `${machineId}/providers/Microsoft.Insights/dataCollectionRuleAssociations/asc`, dependsOn: [], details: { machineId, dataCollectionRuleId: RULE } }) as unknown as Step;
const rule = (tier: string): Step =>
  ({ id: "dcr", action: "update-dcr", target: RULE, dependsOn: [], details: { name: "asc-ama-weu", tier } }) as unknown as Step;

function planOf(count: number, extra: (m: string) => Step[] = (m) => [install(m, "MicrosoftMonitoringAgent")], shared: Step[] = []): Plan {
  const machines = Array.from({ length: count }, (_, i) => ({ id: vm(i), decision: "install" as const, workspace: WS, reason: "No Log Analytics agent." }));
  const steps = [...shared, ...machines.flatMap((m) => extra(m.id))];
  return { version: 1, machines, steps, findings: [], summary: {} as Plan["summary"] } as unknown as Plan;
}

const linesOf = (plan: Plan) => changeLines(plan, eachMachineSteps(plan), plan.machines.length, true);

test("one line per machine: each step by its action and label, so the second install-extension reads as what it installs", () => {
  const plan = planOf(1, (m) => [install(m, "AzureMonitorWindowsAgent"), associate(m), install(m, "AzurePolicyforWindows")]);
  const line = linesOf(plan)[vm(0)]!;
  expect(line).toBe(`install -> DefaultWorkspace-${GUID}-WEU: install-extension AzureMonitorWindowsAgent + AzurePolicyforWindows, associate-dcr asc-ama-weu`);
  // The machine's name is not repeated in its own line.
  expect(line).not.toContain("vm-0000");
});

test("subscription-level steps show too (a tier change is no longer only a counter), one line each, bounded", () => {
  const plan = planOf(0, undefined, [rule("Minimal")]);
  expect(linesOf(plan)).toEqual({ [`${GUID} update-dcr 1`]: "asc-ama-weu: Minimal" });
  const many = planOf(0, undefined, Array.from({ length: 45 }, (_, i) => ({ ...rule("All"), id: `dcr${i}`, target: `${RULE}${i}`, details: { name: `r${i}`, tier: "All" } }) as unknown as Step));
  const lines = linesOf(many);
  expect(Object.keys(lines)).toHaveLength(21);
  expect(lines[`${GUID} update-dcr 20`]).toBe("r19: All");
  expect(lines[`${GUID} ${MORE_KEY}`]).toBe("and 25 more subscription-level steps (the whole plan: planFile)");
});

test("past MAX_MACHINES machines, one more key says how many are not listed", () => {
  const lines = linesOf(planOf(MAX_MACHINES + 7));
  expect(Object.keys(lines)).toHaveLength(MAX_MACHINES + 1);
  expect(lines[MORE_KEY]).toBe("and 7 more machines (the whole plan: planFile)");
  expect(linesOf(planOf(3))[MORE_KEY]).toBeUndefined();
});

test("findings are keyed by code and target: dropping one leaves the others' entries as they were", () => {
  const finding = (i: number) => ({ severity: "warning" as const, code: `code-${i % 3}`, target: vm(i), message: `m${i}` });
  const withAll = { ...planOf(1), findings: Array.from({ length: 14 }, (_, i) => finding(i)) } as Plan;
  const oneDropped = { ...withAll, findings: withAll.findings.filter((_, i) => i !== 2) } as Plan;
  const [a, b] = [reportOf(withAll, { applied: 0, failed: 0, remaining: 1 }).findings, reportOf(oneDropped, { applied: 0, failed: 0, remaining: 1 }).findings];
  const changed = Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  expect(changed).toEqual([`code-2 ${vm(2)}`]);
  expect(a[`code-1 ${vm(4)}`]).toEqual(finding(4));
});

test("a preview's check predicts every change; the up itself stores what it leaves outstanding", () => {
  const plan = planOf(3, undefined, [rule("Minimal")]);
  expect(Object.keys(predictedReport(plan, "apply", "pending").changes)).toEqual([`${GUID} update-dcr 1`, vm(0), vm(1), vm(2)]);
  expect(predictedReport(plan, "apply", "outstanding").changes).toEqual({});
  // Report mode changes nothing: what is outstanding is the whole plan, in both.
  expect(Object.keys(predictedReport(plan, "report", "outstanding").changes)).toHaveLength(4);
});

test("after a partial apply, the machines whose steps did not run stay in changes", () => {
  const plan = planOf(MAX_MACHINES + 50);
  const outstanding = [...eachMachineSteps(plan)].filter((m) => m.change.id === vm(7));
  const report = reportOf(plan, { applied: 1, failed: 1, remaining: 1 }, null, { machines: outstanding, total: 1, shared: false });
  expect(Object.keys(report.changes)).toEqual([vm(7)]);
  expect(report.machines).toHaveLength(MAX_MACHINES);
  expect(report.machineCount).toBe(MAX_MACHINES + 50);
});

test("at 10,000 machines the state stays under its ~290 KB bound, the cap and its marker included", () => {
  const plan = bigPlan(10_000);
  const report = predictedReport(plan, "apply", "pending");
  expect(Object.keys(report.changes).filter((k) => k.startsWith("/subscriptions/"))).toHaveLength(MAX_MACHINES);
  expect(report.changes[MORE_KEY]).toMatch(/^and \d+ more machines/);
  expect(Object.keys(report.changes).filter((k) => k.endsWith(" set-pricing 1"))).toHaveLength(3);
  expect(Buffer.byteLength(JSON.stringify(report))).toBeLessThan(290_000);
});

describe("the plan file's name", () => {
  const inputs = (subscriptions: string[], stack = "platform/prod"): ReconciliationInputs => ({ spec: parseSpec({ subscriptions }), mode: "apply", stack });
  const converged = planOf(0);
  const OTHER = "22222222-2222-2222-2222-222222222222";

  test("two converged stacks (zero-step plans, one digest) write two files, not one overwriting the other", () => {
    expect(planFileName(converged, inputs([GUID]))).not.toBe(planFileName(converged, inputs([OTHER])));
    expect(planFileName(converged, inputs([GUID]))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{16}\.json$/);
  });

  test("a resource keeps its newest three plan files; another resource's are not touched", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "asc-plan-files-"));
    const mine = inputs([GUID]);
    const other = inputs([OTHER]);
    const theirs = await savePlanFile(planOf(1), stateDir, other);
    const written: string[] = [];
    for (let n = 1; n <= 5; n++) {
      written.push((await savePlanFile(planOf(n), stateDir, mine))!);
      // Written at distinct times: the newest are kept by the time they were written.
      utimesSync(written.at(-1)!, n, n);
    }
    expect(readdirSync(join(stateDir, "plans")).sort()).toEqual([...written.slice(2), theirs!].map((f) => basename(f)).sort());
    expect(PLAN_FILES_KEPT).toBe(3);
  });

  /** Saves plans of 1..count machines for `stack`, each written later than the one before; `named`: the file its state names. */
  async function previews(stateDir: string, stack: ReconciliationInputs, count: number, named?: string): Promise<string[]> {
    const written: string[] = [];
    for (let n = 1; n <= count; n++) {
      written.push((await savePlanFile(planOf(n + 10), stateDir, stack, named))!);
      utimesSync(written.at(-1)!, 1000 + n, 1000 + n);
    }
    return written;
  }
  const filesIn = (stateDir: string) => readdirSync(join(stateDir, "plans")).sort();

  test("another stack of the same scope in the same directory never removes this stack's plan file (user trial 18a)", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "asc-plan-files-"));
    const prod = (await savePlanFile(planOf(1), stateDir, inputs([GUID], "platform/prod")))!;
    utimesSync(prod, 1, 1);
    const copy = await previews(stateDir, inputs([GUID], "platform/prodcopy"), 4);
    expect(basename(prod).slice(0, 8)).not.toBe(basename(copy[0]!).slice(0, 8));
    expect(filesIn(stateDir)).toEqual([prod, ...copy.slice(1)].map((f) => basename(f)).sort());
  });

  test("previews that each plan something new keep the file the state names, the one just written and the newest other", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "asc-plan-files-"));
    const mine = inputs([GUID]);
    const named = (await savePlanFile(planOf(1), stateDir, mine))!;
    utimesSync(named, 1, 1);
    // Named as the state holds it: relative to the program's directory.
    const written = await previews(stateDir, mine, 4, join(".asc-autoprovision", "plans", basename(named)));
    expect(filesIn(stateDir)).toEqual([named, ...written.slice(2)].map((f) => basename(f)).sort());
    expect(PLAN_FILES_KEPT).toBe(3);
  });

  test("a state written before the stack was an input keeps its old file names and removes none", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "asc-plan-files-"));
    const legacy: ReconciliationInputs = { spec: parseSpec({ subscriptions: [GUID] }), mode: "apply" };
    const written = await previews(stateDir, legacy, 4);
    expect(filesIn(stateDir)).toHaveLength(4);
    expect(basename(written[0]!).slice(0, 8)).not.toBe(planFileName(planOf(11), inputs([GUID])).slice(0, 8));
  });

  test("the same stack and plan: the same name; another plan: another", () => {
    expect(planFileName(planOf(0), inputs([GUID]))).toBe(planFileName(converged, inputs([GUID])));
    expect(planFileName(planOf(2), inputs([GUID]))).not.toBe(planFileName(converged, inputs([GUID])));
  });
});
