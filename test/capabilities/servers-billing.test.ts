/**
 * A plan that turns Defender for Servers on or off says so, once per direction, naming the
 * subscriptions (user trial 19: `logAnalyticsAgent.defender` defaults to true and planned
 * `set-pricing VirtualMachines: Standard` on Free subscriptions, and `defender: false` planned Free
 * on Standard ones, with no finding). Whichever field moves the tier is the finding's target; the
 * two capabilities that can set it never both do for one spec.
 */
import { plan, stepsOf } from "../../src/core";
import type { InventorySettings } from "../../src/inventory/schema";
import { inventory, spec, SUB, SUB2 } from "../helpers/fixtures";
import { defenderSpec, P2, settings } from "../reconcile/defender.fixtures";

const SUB3 = "33333333-3333-3333-3333-333333333333";

function withTiers(tiers: Record<string, "Free" | "Standard">) {
  const subs = Object.keys(tiers);
  const inv = inventory({}, "2020-01-01", subs);
  inv.settings = Object.fromEntries(subs.map((s): [string, InventorySettings] => [s, settings({ pricingTier: tiers[s] })]));
  return { inv, subs };
}

const billing = (p: ReturnType<typeof plan>) => p.findings.filter((f) => f.code === "defender-servers-billing-starts" || f.code === "defender-servers-protection-ends");

describe("logAnalyticsAgent.defender (no defender section)", () => {
  it("the default (true) on Free subscriptions: one warning naming them, billed per machine-hour, and how to stay on Free", () => {
    const { inv, subs } = withTiers({ [SUB]: "Free", [SUB2]: "Free", [SUB3]: "Standard" });
    const p = plan(spec({}, {}, subs), inv);
    expect(stepsOf(p, "set-pricing").map((s) => s.details.subscriptionId)).toEqual([SUB, SUB2]);
    expect(billing(p)).toEqual([
      {
        severity: "warning",
        code: "defender-servers-billing-starts",
        target: "logAnalyticsAgent.defender",
        message: expect.stringMatching(new RegExp(`^This plan turns Defender for Servers on \\(pricing VirtualMachines: Free → Standard\\) in 2 subscription\\(s\\): ${SUB}, ${SUB2}\\. .*bills the plan per machine-hour.* set it to false to keep these subscriptions on Free`)),
      },
    ]);
  });

  it("defender: false on Standard subscriptions: one warning that their machines lose Defender for Servers", () => {
    const { inv, subs } = withTiers({ [SUB]: "Standard", [SUB2]: "Free" });
    const p = plan(spec({ defender: false }, {}, subs), inv);
    expect(stepsOf(p, "set-pricing").map((s) => [s.details.subscriptionId, s.details.pricingTier])).toEqual([[SUB, "Free"]]);
    expect(billing(p)).toEqual([
      expect.objectContaining({
        severity: "warning",
        code: "defender-servers-protection-ends",
        target: "logAnalyticsAgent.defender",
        message: expect.stringMatching(new RegExp(`Standard → Free\\) in 1 subscription\\(s\\): ${SUB}\\. Their machines lose Defender for Servers protection.*leave it true`)),
      }),
    ]);
  });

  it("no warning where the tier already is what the spec asks, or with auto provisioning off", () => {
    const { inv, subs } = withTiers({ [SUB]: "Standard" });
    expect(billing(plan(spec({}, {}, subs), inv))).toEqual([]);
    const free = withTiers({ [SUB]: "Free" });
    expect(billing(plan(spec({ defender: false }, {}, free.subs), free.inv))).toEqual([]);
    expect(billing(plan(spec({ autoProvision: false }, {}, free.subs), free.inv))).toEqual([]);
  });

  it("a long list names five subscriptions and counts the rest", () => {
    const many = Array.from({ length: 7 }, (_, i) => `${String(i + 1).repeat(8)}-0000-4000-8000-000000000000`);
    const { inv, subs } = withTiers(Object.fromEntries(many.map((s) => [s, "Free" as const])));
    const [finding] = billing(plan(spec({}, {}, subs), inv));
    expect(finding!.message).toContain(`in 7 subscription(s): ${many.slice(0, 5).join(", ")}, and 2 more.`);
  });
});

describe("defender.servers.plan (the defender section owns the pricing)", () => {
  it("P2 on a Free subscription: the warning targets defender.servers.plan, once, with no set-pricing step", () => {
    const p = plan(defenderSpec(P2, { logAnalyticsAgent: { autoProvision: true, agent: "ama" } }), inventory({ settings: { [SUB]: settings() } }));
    expect(stepsOf(p, "set-pricing")).toEqual([]);
    expect(stepsOf(p, "set-defender-plan").map((s) => s.details.pricingTier)).toEqual(["Standard"]);
    expect(billing(p)).toEqual([
      expect.objectContaining({ code: "defender-servers-billing-starts", target: "defender.servers.plan", message: expect.stringContaining("defender.servers.plan P2 asks for it: set it to Off") }),
    ]);
  });

  it("Off on a Standard subscription: protection ends, said once", () => {
    const p = plan(defenderSpec({ servers: { plan: "Off" } }), inventory({ settings: { [SUB]: settings({ pricingTier: "Standard" }) } }));
    expect(billing(p)).toEqual([expect.objectContaining({ code: "defender-servers-protection-ends", target: "defender.servers.plan" })]);
  });
});
