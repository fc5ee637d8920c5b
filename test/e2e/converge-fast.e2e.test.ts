/**
 * The watch and staleness benchmarks' converged fleet (bench/converge.ts): the per-machine writes
 * are recorded from the real step handlers and replayed into the emulator in batches. Checked on a
 * small fleet: a plan of the result has 0 steps, and the inventory is the one a real `apply` of the
 * same plan on the same generated fleet leaves, but for the GUIDs the emulator assigns at random
 * (principal ids of new identities, customer ids of new workspaces).
 */
import { applyPlan, readInventory } from "../../src/azure";
import { plan } from "../../src/core";
import type { Inventory } from "../../src/inventory";
import { parseSpec } from "../../src/spec/validate";
import { convergeFleet } from "../../bench/converge";
import { startLab, type Lab } from "./helpers";

jest.setTimeout(300_000);

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The inventory as JSON with the GUIDs only it holds (assigned at random) blanked. */
function comparable(inv: Inventory, other: Inventory): string {
  const theirs = new Set(JSON.stringify(other).toLowerCase().match(GUID) ?? []);
  return JSON.stringify({ ...inv, generatedAt: "" }).replace(GUID, (g) => (theirs.has(g.toLowerCase()) ? g : "<assigned>"));
}

describe("converging a fleet by recorded and replayed writes", () => {
  const labs: Lab[] = [];
  afterAll(async () => {
    for (const lab of labs) await lab.emu.stop();
  });

  it("leaves what apply leaves: the next plan has no step", async () => {
    const fast = await startLab(240, {}, 6);
    const real = await startLab(240, {}, 6);
    labs.push(fast, real);
    // The watch benchmark's spec (bench/exec.ts): today's default agent, AMA.
    const spec = parseSpec({ subscriptions: fast.emu.subscriptionIds, logAnalyticsAgent: { autoProvision: true, securityEvents: "Common" }, extensions: { kubernetesPolicyAddon: true, dependencyAgent: { windows: true, linux: true } } });

    const converged = await convergeFleet(fast.conn, fast.emu.admin, spec);
    expect(converged.stepsAfter).toBe(0);
    expect(converged.replayedWrites).toBeGreaterThan(converged.appliedSteps);

    const planned = plan(spec, await readInventory(real.conn, spec.subscriptions));
    expect(planned.steps.length).toBe(converged.steps);
    const applied = await applyPlan(real.conn, planned, { concurrency: 32, writes: { capacity: 10_000, refillPerSecond: 10_000 }, pollIntervalMs: 10 });
    expect(applied.counts.failed).toBe(0);

    const [a, b] = [await readInventory(fast.conn, spec.subscriptions), await readInventory(real.conn, spec.subscriptions)];
    expect(plan(spec, a).steps).toEqual([]);
    expect(plan(spec, b).steps).toEqual([]);
    expect(comparable(a, b)).toEqual(comparable(b, a));
  });
});
