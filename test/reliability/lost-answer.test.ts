/**
 * Issue 18, a write whose answer is lost: the emulator commits an extension PUT and closes the
 * connection without answering (scripted fault `drop: "after-commit"`, what a server killed between
 * its commit and its response does). The executor must read the extension before sending it again:
 * a second PUT is a duplicate install, and real ARM answers it with 409 AnotherOperationInProgress
 * while the first is still provisioning.
 */
import { applyPlan } from "../../src/azure/apply";
import { readInventory } from "../../src/azure/inventory";
import { plan } from "../../src/core";
import { loadSpecFile } from "../../src/spec/load";
import { duplicatePuts, startLab, type Lab } from "../e2e/helpers";

jest.setTimeout(120_000);

const SPEC = { extensions: {}, logAnalyticsAgent: { autoProvision: true, agent: "mma", workspace: "default", securityEvents: "Common" } };
const LOST = { seed: 5, scripted: [{ method: "PUT", pathContains: "/extensions/", drop: "after-commit", count: 4 }] };

async function applyWithLostAnswers(lab: Lab) {
  const spec = loadSpecFile(lab.specPath);
  const inventory = await readInventory(lab.conn, spec.subscriptions, { retry: { baseDelayMs: 20 } });
  const p = plan(spec, inventory);
  await lab.emu.admin("POST", "/admin/faults", LOST);
  const result = await applyPlan(lab.conn, p, { inventory, concurrency: 4, pollIntervalMs: 20, retry: { baseDelayMs: 20 } });
  const faults = await lab.emu.admin<{ injected: number }>("GET", "/admin/faults");
  await lab.emu.admin("DELETE", "/admin/faults");
  return { spec, plan: p, result, injected: faults.injected };
}

describe.each([
  ["done at once", 0],
  ["still provisioning when read", 1500],
])("an extension PUT committed but never answered (%s)", (_what, lroDelayMs) => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(40, SPEC, 61, { lroDelayMs });
  });
  afterAll(() => lab?.emu.stop());

  it("is read, not sent again: no duplicate install, every step done, converged", async () => {
    const { spec, plan: p, result, injected } = await applyWithLostAnswers(lab);
    expect(p.steps.filter((s) => s.action === "install-extension").length).toBeGreaterThan(4);
    expect(injected).toBe(4);
    expect(result.results.filter((r) => r.status === "failed").map((r) => r.error)).toEqual([]);
    expect(result.counts.done).toBe(p.steps.length);
    expect(await duplicatePuts(lab.emu)).toEqual([]);
    expect(plan(spec, await readInventory(lab.conn, spec.subscriptions)).steps).toEqual([]);
  });
});
