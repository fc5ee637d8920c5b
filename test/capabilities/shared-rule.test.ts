/**
 * A central workspace outside the spec's scope (a hub's) serves other specs' machines too, and its
 * one rule holds one tier for all of them (user trial 16: two specs with Common and Minimal on one
 * hub workspace set each other's tier back at every apply, silently). Changing that rule's tier
 * is a warning naming both tiers; a rule of a workspace in the scope, or a rule created now, is not.
 */
import { plan } from "../../src/core";
import { dcr, inventory, machine, spec, SUB, workspace } from "../helpers/fixtures";

const HUB = "99999999-9999-9999-9999-999999999999";

function planWith(workspaceSub: string, ruleTier: "Minimal" | "Common" | undefined) {
  const ws = workspace("law-central", "c0000000-0000-4000-8000-000000000000", {}, workspaceSub);
  const inv = inventory({ machines: [machine("vm1")], workspaces: [ws], dataCollectionRules: ruleTier ? [dcr(ws, ruleTier)] : [] });
  return plan(spec({ autoProvision: true, agent: "ama", securityEvents: "Common", workspace: { id: ws.id } }), inv);
}

const shared = (p: ReturnType<typeof planWith>) => p.findings.filter((f) => f.code === "shared-rule-tier-changed");

it("a hub's rule at another tier: update-dcr, with a warning that names both tiers and what sharing it means", () => {
  const p = planWith(HUB, "Minimal");
  expect(p.steps.map((s) => s.action)).toContain("update-dcr");
  expect(shared(p)).toEqual([
    expect.objectContaining({
      severity: "warning",
      message: expect.stringMatching(/^asc-law-central is the rule of law-central, in subscription 9{8}-.* outside this spec's scope.* It selects the Minimal tier; this plan sets Common, for every machine it serves\. Specs sharing a workspace must agree on securityEvents/),
    }),
  ]);
});

it("no warning for a rule already at the tier, a rule created now, or a workspace in the scope", () => {
  expect(shared(planWith(HUB, "Common"))).toEqual([]);
  expect(shared(planWith(HUB, undefined))).toEqual([]);
  const inScope = planWith(SUB, "Minimal");
  expect(inScope.steps.map((s) => s.action)).toContain("update-dcr");
  expect(shared(inScope)).toEqual([]);
});
