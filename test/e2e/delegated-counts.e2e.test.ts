/**
 * Issue 18, "delegated installs miscount" ("5 applied (6 ARM writes)"): with --delegate-above the
 * apply runs policy steps the plan did not list and an install is made by a remediation task, so
 * "applied" counted steps the user never saw and the writes did not match either. Each count is now
 * named for what it counts: the plan's steps applied, its installs by remediation task, the
 * delegation's own policy steps, and ARM write requests (the emulator counts the same requests).
 */
import { readInventory } from "../../src/azure/inventory";
import { plan } from "../../src/core";
import { loadSpecFile } from "../../src/spec/load";
import { applyArgs, runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(180_000);

describe("an apply that hands installs to remediation tasks", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(60, {}, 91);
  });
  afterAll(() => lab?.emu.stop());

  it("reports the plan's steps, the installs by remediation, the delegation's steps and the ARM writes, each by name", async () => {
    const spec = loadSpecFile(lab.specPath);
    const planned = plan(spec, await readInventory(lab.conn, spec.subscriptions)).steps.length;
    await lab.emu.admin("POST", "/admin/counters/reset");
    const run = runCli(lab, [...applyArgs(lab), "--delegate-above", "2"]);
    expect(await run.exit).toBe(0);
    const summary = run.stdout().split("\n").find((l) => l.startsWith("Apply: "))!;
    console.log(`delegated apply of ${planned} planned steps: ${summary}`);
    const n = (re: RegExp) => Number(re.exec(summary)?.[1] ?? NaN);
    const applied = n(/^Apply: (\d+) applied/);
    const byRemediation = n(/Installs by remediation task, per machine: (\d+) done/);
    const delegationSteps = n(/Delegation's policy steps \(assignment, roles, remediation task, removal\): (\d+) done/);
    const writes = n(/ARM write requests: (\d+)\./);
    expect(byRemediation).toBeGreaterThan(0);
    // Every planned step is accounted for once: by an ARM call of its own, or by a remediation.
    expect(applied + byRemediation).toBe(planned);
    // assign-policy, grant-role (one per role), create-remediation, unassign-policy per batch.
    expect(delegationSteps).toBeGreaterThanOrEqual(4);
    const counters = await lab.emu.admin<{ byClass: Record<string, number>; byOperation: Record<string, number> }>("GET", "/admin/counters");
    // Every POST is a write to ARM, as the pacer charges it (budget.ts): a workspace's sharedKeys and
    // each remediation task's listDeployments (read after the apply for the per-machine outcomes) too.
    expect(Object.keys(counters.byOperation).filter((op) => /^POST .*listdeployments/i.test(op)).length).toBeGreaterThan(0);
    expect(writes).toBe(counters.byClass["write"]! + counters.byClass["delete"]!);
    expect(plan(spec, await readInventory(lab.conn, spec.subscriptions)).steps).toEqual([]);
  });
});
