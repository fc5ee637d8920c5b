/**
 * The order of examples/ci/asc-autoprovision.yml's apply job on a merge: the reviewed plan, then
 * `pulumi up`. The Pulumi program declares the subscription's pricing from the same spec (one
 * declaration model); its up is played here as the writes azure-native makes for it: a PUT of each
 * declared `security.Pricing`, over the emulator's ARM with the same token a provider gets. Up
 * first, the reviewed plan is refused as stale; the plan first, the up's writes leave nothing to do.
 */
import { join } from "node:path";
import { readInventory } from "../../src/azure/inventory";
import { declareSubscription, parsePlan, plan, type Plan } from "../../src/core";
import { PRICINGS_API_VERSION } from "../../src/spec/defender";
import { loadSpecFile } from "../../src/spec/load";
import { armToken, raw } from "../emulator/helpers";
import { readFileSync } from "node:fs";
import { runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(300_000);

interface Counters {
  byClass: Record<string, number>;
}

describe("the workflow's apply on a merge: the reviewed plan, then pulumi up", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(12, {}, 83);
  });
  afterAll(() => lab?.emu.stop());

  const spec = () => loadSpecFile(lab.specPath);
  const livePlan = async (): Promise<Plan> => plan(spec(), await readInventory(lab.conn, spec().subscriptions));

  /** PUTs every subscription's servers pricing at `tier` (the state before the pull request: Free). */
  async function putPricing(subscriptionId: string, properties: Record<string, unknown>): Promise<void> {
    const path = `/subscriptions/${subscriptionId}/providers/Microsoft.Security/pricings/VirtualMachines?api-version=${PRICINGS_API_VERSION}`;
    const r = await raw(lab.emu, "PUT", path, { token: await armToken(lab.emu), body: { properties } });
    expect([r.status, r.body?.properties?.pricingTier]).toEqual([200, properties.pricingTier]);
  }

  /** What `pulumi up` writes for the spec's pricings: each declared Pricing's inputs as azure-native sends them. */
  async function pulumiUpPricings(): Promise<number> {
    let n = 0;
    for (const subscriptionId of spec().subscriptions) {
      const declared = declareSubscription({ spec: spec(), subscriptionId, machineRegions: [], amaPolicies: { enabled: false, remediate: false, notScopes: [] } });
      for (const d of declared.settings) {
        if (d.kind !== "pricing") continue;
        const p = d.props;
        await putPricing(subscriptionId, { pricingTier: p.tier, ...(p.subPlan !== undefined ? { subPlan: p.subPlan } : {}), ...(p.enforce !== undefined ? { enforce: p.enforce } : {}) });
        n++;
      }
    }
    return n;
  }

  /** The pull request's plan, made while Defender for Servers is off everywhere (the state before the merge). */
  async function reviewedPlan(name: string): Promise<{ path: string; pricingSteps: number }> {
    for (const s of spec().subscriptions) await putPricing(s, { pricingTier: "Free" });
    const path = join(lab.dir, name);
    const planned = runCli(lab, ["plan", "--spec", lab.specPath, "--out", path, "--quiet"]);
    expect(await planned.exit).toBe(2);
    const saved = parsePlan(readFileSync(path, "utf8")).plan;
    return { path, pricingSteps: saved.steps.filter((s) => s.action === "set-pricing").length };
  }

  const applyPlan = (path: string) => runCli(lab, ["apply", "--plan", path, "--spec", lab.specPath, "--yes", "--state", join(lab.dir, "state"), "--quiet", "--max-writes-per-second", "500"]);

  it("pulumi up first (the workflow before): the reviewed plan is refused as stale, nothing written", async () => {
    const reviewed = await reviewedPlan("up-first.json");
    expect(reviewed.pricingSteps).toBe(spec().subscriptions.length);
    expect(await pulumiUpPricings()).toBe(spec().subscriptions.length);
    await lab.emu.admin("POST", "/admin/counters/reset");
    const apply = applyPlan(reviewed.path);
    expect(await apply.exit).toBe(1);
    console.log(`up first: ${apply.stderr().split("\n").slice(0, 2).join(" / ")}`);
    expect(apply.stderr()).toMatch(/The plan is stale: \d+ part\(s\) of the state/);
    expect(apply.stderr()).toContain(`/subscriptions/${spec().subscriptions[0]!.toLowerCase()}`);
    // What a plan made now does there: its other steps, not the pricing the up set already.
    const line = apply.stderr().split("\n").find((l) => l.includes(`/subscriptions/${spec().subscriptions[0]!.toLowerCase()}: changed`))!;
    expect(line).toMatch(/: changed; the plan now has \d+ step\(s\) there: /);
    expect(line).not.toContain("set-pricing");
    expect((await lab.emu.admin<Counters>("GET", "/admin/counters")).byClass.write ?? 0).toBe(0);
  });

  it("the reviewed plan first (the workflow now): applied whole, and the up's writes of the same values leave a plan of 0 steps", async () => {
    const reviewed = await reviewedPlan("plan-first.json");
    expect(reviewed.pricingSteps).toBe(spec().subscriptions.length);
    const apply = applyPlan(reviewed.path);
    expect(await apply.exit).toBe(0);
    expect((await livePlan()).steps).toEqual([]);
    expect(await pulumiUpPricings()).toBe(spec().subscriptions.length);
    const after = await livePlan();
    console.log(`plan first: ${reviewed.pricingSteps} pricing step(s) applied by the plan; after the up's writes the plan has ${after.steps.length} step(s)`);
    expect(after.steps).toEqual([]);
  });
});
