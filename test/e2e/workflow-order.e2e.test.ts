/**
 * The order of examples/ci/asc-autoprovision.yml's apply job on a merge: `pulumi up`, then the
 * reviewed plan. The Pulumi program declares the subscriptions' Defender pricings and Defender for
 * Endpoint settings from the same spec (one declaration model); its up is played here as the writes
 * azure-native makes for them: a PUT of each declared `security.Pricing` and `security.Setting`, over
 * the emulator's ARM with the same token a provider gets. The reviewed plan then finds each
 * subscription's settings already as it planned (the part's after-digest, src/core/basis/after.ts):
 * those steps are not sent, the others are applied, and a fresh plan has nothing left. A pricing
 * changed to anything else still makes the plan stale.
 */
import { join } from "node:path";
import { readInventory } from "../../src/azure/inventory";
import { declareSubscription, parsePlan, plan, type Plan } from "../../src/core";
import { PRICINGS_API_VERSION, SECURITY_SETTINGS_API_VERSION } from "../../src/spec/defender";
import { loadSpecFile } from "../../src/spec/load";
import { armToken, raw } from "../emulator/helpers";
import { readFileSync } from "node:fs";
import { runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(300_000);

interface Counters {
  byClass: Record<string, number>;
  byOperation: Record<string, number>;
}

/** Defender for Servers P2 from the spec's `defender` section, with Defender for Endpoint on Linux too. */
const SERVERS = { defender: { servers: { plan: "P2", endpointProtection: { enabled: true, unifiedSolution: false, linux: true }, vulnerabilityAssessment: "none" } } };
/** The plan's steps on a subscription's settings that the Pulumi program declares too. */
const DECLARED_BY_PULUMI = new Set(["set-defender-plan", "set-security-setting"]);

describe("the workflow's apply on a merge: pulumi up, then the reviewed plan", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(12, SERVERS, 83);
  });
  afterAll(() => lab?.emu.stop());

  const spec = () => loadSpecFile(lab.specPath);
  const livePlan = async (): Promise<Plan> => plan(spec(), await readInventory(lab.conn, spec().subscriptions));
  const counters = () => lab.emu.admin<Counters>("GET", "/admin/counters");
  /** PUTs of subscriptions' pricings and settings the emulator answered since its counters were reset. */
  const settingPuts = (c: Counters) => Object.entries(c.byOperation).filter(([op]) => /^PUT\b.*(pricings|microsoft\.security\/settings)/i.test(op)).reduce((n, [, v]) => n + v, 0);

  async function putPricing(subscriptionId: string, name: string, properties: Record<string, unknown>): Promise<void> {
    const path = `/subscriptions/${subscriptionId}/providers/Microsoft.Security/pricings/${name}?api-version=${PRICINGS_API_VERSION}`;
    const r = await raw(lab.emu, "PUT", path, { token: await armToken(lab.emu), body: { properties } });
    expect([r.status, r.body?.properties?.pricingTier]).toEqual([200, properties.pricingTier]);
  }

  async function putSetting(subscriptionId: string, name: string, kind: string, enabled: boolean): Promise<void> {
    const path = `/subscriptions/${subscriptionId}/providers/Microsoft.Security/settings/${name}?api-version=${SECURITY_SETTINGS_API_VERSION}`;
    const r = await raw(lab.emu, "PUT", path, { token: await armToken(lab.emu), body: { kind, properties: { enabled } } });
    expect([r.status, r.body?.properties?.enabled]).toEqual([200, enabled]);
  }

  /** What `pulumi up` writes for the spec's pricings and settings: each declared Pricing's and Setting's inputs as azure-native sends them. */
  async function pulumiUpSettings(): Promise<number> {
    let n = 0;
    for (const subscriptionId of spec().subscriptions) {
      const declared = declareSubscription({ spec: spec(), subscriptionId, machineRegions: [], amaPolicies: { enabled: false, remediate: false, notScopes: [] } });
      const all = [...declared.settings, ...declared.others.flatMap((u) => (u.kind === "resources" ? u.resources : []))];
      for (const d of all) {
        if (d.kind === "security-setting") {
          await putSetting(subscriptionId, d.props.name, d.props.settingKind, d.props.enabled);
          n++;
        }
        if (d.kind !== "pricing") continue;
        const p = d.props;
        await putPricing(subscriptionId, p.name, {
          pricingTier: p.tier,
          ...(p.subPlan !== undefined ? { subPlan: p.subPlan } : {}),
          ...(p.enforce !== undefined ? { enforce: p.enforce } : {}),
          ...(p.extensions !== undefined ? { extensions: p.extensions } : {}),
        });
        n++;
      }
    }
    return n;
  }

  /** The pull request's plan, made while Defender for Servers is off everywhere (the state before the merge). */
  async function reviewedPlan(name: string): Promise<{ path: string; steps: readonly { readonly id: string }[]; settingSteps: string[] }> {
    for (const s of spec().subscriptions) await putPricing(s, "VirtualMachines", { pricingTier: "Free" });
    const path = join(lab.dir, name);
    const planned = runCli(lab, ["plan", "--spec", lab.specPath, "--out", path, "--quiet"]);
    expect(await planned.exit).toBe(2);
    const saved = parsePlan(readFileSync(path, "utf8")).plan;
    expect(saved.steps.filter((s) => s.action === "set-defender-plan")).toHaveLength(spec().subscriptions.length);
    return { path, steps: saved.steps, settingSteps: saved.steps.filter((s) => DECLARED_BY_PULUMI.has(s.action)).map((s) => s.id) };
  }

  const applyPlan = (path: string, format = "text") =>
    runCli(lab, ["apply", "--plan", path, "--spec", lab.specPath, "--yes", "--state", join(lab.dir, "state"), "--quiet", "--format", format, "--max-writes-per-second", "500"]);

  it("pulumi up first (the workflow now): the settings steps are already as planned and not sent, the rest applied, nothing left", async () => {
    const reviewed = await reviewedPlan("up-first.json");
    expect(await pulumiUpSettings()).toBeGreaterThanOrEqual(spec().subscriptions.length);
    await lab.emu.admin("POST", "/admin/counters/reset");
    const apply = applyPlan(reviewed.path, "json");
    expect([await apply.exit, apply.stderr()]).toEqual([0, ""]);
    const out = JSON.parse(apply.stdout()) as { result: { counts: Record<string, number> }; alreadyAsPlanned: { parts: string[]; steps: { step: string; action: string }[] } };
    expect(out.alreadyAsPlanned.parts.sort()).toEqual(spec().subscriptions.map((s) => `/subscriptions/${s}`.toLowerCase()).sort());
    expect(out.alreadyAsPlanned.steps.map((s) => s.step).sort()).toEqual([...reviewed.settingSteps].sort());
    expect(out.result.counts).toEqual({ done: reviewed.steps.length - reviewed.settingSteps.length, "already-done": 0, failed: 0, skipped: 0 });
    const c = await counters();
    console.log(`up first: ${reviewed.settingSteps.length} settings step(s) already as planned; ${out.result.counts.done} applied with ${c.byClass.write} writes, ${settingPuts(c)} to pricings and settings`);
    expect(settingPuts(c)).toBe(0);
    expect(c.byClass.write).toBeGreaterThan(0);
    expect((await livePlan()).steps).toEqual([]);
  });

  it("in text too; a plan whose every step is already as planned sends nothing", async () => {
    // The fleet is converged but for the pricings reset to Free: the plan is the pricings' steps alone.
    const reviewed = await reviewedPlan("up-first-text.json");
    expect(reviewed.settingSteps).toHaveLength(reviewed.steps.length);
    await pulumiUpSettings();
    await lab.emu.admin("POST", "/admin/counters/reset");
    const apply = applyPlan(reviewed.path);
    expect([await apply.exit, apply.stderr()]).toEqual([0, ""]);
    expect(apply.stdout()).toContain(`Already as planned: ${spec().subscriptions.length} part(s) of the state changed since the plan to exactly what its steps set there`);
    expect(apply.stdout()).toMatch(new RegExp(`${reviewed.steps.length} step\\(s\\) not sent:\n  set-defender-plan: VirtualMachines.pricingTier: Free → Standard`));
    expect(apply.stdout()).toMatch(/Nothing else to apply\.\n$/);
    expect((await counters()).byClass.write ?? 0).toBe(0);
  });

  it("a pricing changed to anything else (P1 where the plan sets P2): the plan is stale, nothing written", async () => {
    const reviewed = await reviewedPlan("other-pricing.json");
    const [first] = spec().subscriptions;
    await putPricing(first!, "VirtualMachines", { pricingTier: "Standard", subPlan: "P1" });
    await lab.emu.admin("POST", "/admin/counters/reset");
    const apply = applyPlan(reviewed.path);
    expect(await apply.exit).toBe(1);
    console.log(`other pricing: ${apply.stderr().split("\n").slice(0, 2).join(" / ")}`);
    expect(apply.stderr()).toContain("The plan is stale: 1 part(s) of the state");
    expect(apply.stderr()).toContain(`/subscriptions/${first!.toLowerCase()}: changed`);
    expect((await counters()).byClass.write ?? 0).toBe(0);
  });

  it("the reviewed plan first (the workflow before) is applied whole too, and the up's writes of the same values leave a plan of 0 steps", async () => {
    const reviewed = await reviewedPlan("plan-first.json");
    const apply = applyPlan(reviewed.path);
    expect(await apply.exit).toBe(0);
    expect((await livePlan()).steps).toEqual([]);
    expect(await pulumiUpSettings()).toBeGreaterThanOrEqual(spec().subscriptions.length);
    expect((await livePlan()).steps).toEqual([]);
  });
});
