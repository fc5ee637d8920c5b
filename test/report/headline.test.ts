/**
 * User trial 20, item 5: a Defender-only spec (no `logAnalyticsAgent` section, so auto provisioning
 * off and every machine `out-of-scope`) got `coverage 0/60 (0%)` beside a plan component at 96.7%.
 * The headline is now what the spec manages: the agent's coverage when it provisions one, else the
 * Defender for Servers plan's, else none.
 */
import { buildReport, checkGates, parseGates, renderReportHtml, renderReportJson } from "../../src/report";
import { defenderSpec, inv, machine, mde, P2 } from "../reconcile/defender.fixtures";
import { SUB } from "../helpers/fixtures";

const fleet = inv([
  machine("vm-with-mde", { extensions: [mde("Windows")] }),
  machine("vm-without"),
  machine("lnx-without", { osType: "Linux" }),
  machine("vm-own-free", { pricing: { pricingTier: "Free" } }),
]);
const defenderOnly = defenderSpec(P2);
const report = (spec = defenderOnly) => buildReport(spec, [{ label: "now", inventory: fleet }]);

describe("the report's headline", () => {
  it("is the Defender for Servers plan's coverage for a spec without an agent (was: 0/4, the agent's, which the spec does not provision)", () => {
    const s = report().latest;
    expect(s.headline).toEqual({ of: "plan", title: "Defender for Servers plan", coveredDecisions: ["inherits", "override-in-place", "own-pricing", "enforced"] });
    const plan = s.components.find((c) => c.name === "plan")!;
    expect(plan.total).toEqual({ machines: 4, covered: 3, percent: 75 });
    expect(s.total).toEqual(plan.total);
    expect(s.bySubscription.find((r) => r.subscription === SUB)).toMatchObject({ machines: 4, covered: 3, percent: 75 });
    expect(s.byGeography.reduce((n, g) => n + g.covered, 0)).toBe(3);
    // The decisions stay the agent's: auto provisioning is off for every machine.
    expect(s.byDecision).toEqual([expect.objectContaining({ decision: "out-of-scope", covered: false, machines: 4 })]);
  });

  it("stays the agent's coverage when the spec provisions one", () => {
    const s = report(defenderSpec(P2, { logAnalyticsAgent: { autoProvision: true, agent: "ama" } })).latest;
    expect(s.headline).toMatchObject({ of: "agent", title: "Azure Monitor Agent" });
    expect(s.total).toEqual({ machines: 4, covered: 0, percent: 0 });
    expect(s.components.find((c) => c.name === "plan")!.total.percent).toBe(75);
  });

  it("is none, with no share, when the spec provisions no agent and turns no servers plan on", () => {
    for (const spec of [defenderSpec({ servers: { plan: "Off" } }), defenderSpec({ containers: { enabled: true } })]) {
      const s = report(spec).latest;
      expect(s.headline).toBeNull();
      expect(s.total).toEqual({ machines: 4, covered: 0, percent: null });
      expect(s.bySubscription.every((r) => r.percent === null)).toBe(true);
      const html = renderReportHtml(report(spec));
      expect(html).toContain('<p class="rule" id="headline" data-of="">No headline coverage: the spec provisions no agent');
      expect(html).not.toContain('id="total"');
      expect(html).not.toContain('id="by-geography"');
    }
  });

  it("without a headline, the drift charts no share and counts no covered change", () => {
    const inputs = ["2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"].map((generatedAt) => ({ label: generatedAt, inventory: { ...fleet, generatedAt } }));
    const none = renderReportHtml(buildReport(defenderSpec({ servers: { plan: "Off" } }), inputs));
    expect(none).toContain('id="drift-1"');
    expect(none).not.toContain('id="coverage-chart"');
    expect(none).not.toContain('data-field="covered-change"');
    const plan = renderReportHtml(buildReport(defenderOnly, inputs));
    expect(plan).toContain('id="coverage-chart"');
    expect(plan).toContain('data-field="covered-change"');
  });

  it("the page leads with the same headline and figures as the JSON", () => {
    const r = report();
    const json = JSON.parse(renderReportJson(r));
    const html = renderReportHtml(r);
    expect(json.latest.headline.of).toBe("plan");
    expect(html).toContain('<p class="rule" id="headline" data-of="plan">Headline: <strong>Defender for Servers plan</strong> coverage.</p>');
    expect(html).toContain('<div id="total" data-headline="plan" data-machines="4" data-covered="3" data-percent="75">');
    expect(html).toContain('id="covered-rule" data-decisions="inherits override-in-place own-pricing enforced"');
    expect(html).toContain("Coverage by subscription (Defender for Servers plan)");
    expect(html).toContain("Machines by agent decision (the spec provisions no agent)");
    expect(html).not.toContain("Security Center agent coverage");
  });
});

describe("--fail-under thresholds", () => {
  const s = report().latest;

  it("holds the headline with a bare percentage and a component with <component>=<percent>", () => {
    expect(checkGates(parseGates(["75"]), s)).toEqual({ problems: [], below: [] });
    expect(checkGates(parseGates(["75.1"]), s).below).toEqual(["--fail-under 75.1: Defender for Servers plan coverage 3/4 (75%) is below 75.1%"]);
    expect(checkGates(parseGates(["endpoint=25", "75"]), s)).toEqual({ problems: [], below: [] });
    expect(checkGates(parseGates(["endpoint=90"]), s).below).toEqual(["--fail-under endpoint=90: Defender for Endpoint coverage 1/4 (25%) is below 90%"]);
  });

  it("refuses an unknown component naming the allowed ones, a bad percentage, and a threshold given twice", () => {
    expect(() => parseGates(["mde=90"])).toThrow(/^--fail-under: "mde" is not a component; the components are plan, .*endpoint.*containerSensor.* \(a bare percentage holds the headline coverage\)$/);
    expect(() => parseGates(["endpoint=abc"])).toThrow('--fail-under endpoint: "abc" is not a percentage between 0 and 100');
    expect(() => parseGates(["endpoint="])).toThrow('--fail-under endpoint: "" is not a percentage between 0 and 100');
    expect(() => parseGates(["120"])).toThrow('--fail-under: "120" is not a percentage between 0 and 100');
    expect(() => parseGates(["90", "80"])).toThrow("--fail-under: the headline's threshold is given twice");
    expect(() => parseGates(["endpoint=90", "endpoint=80"])).toThrow("--fail-under: endpoint's threshold is given twice");
  });

  it("has no figure to hold for a component the report lacks, or a headline a report does not have", () => {
    expect(checkGates(parseGates(["containerSensor=50"]), s).problems).toEqual([
      "--fail-under containerSensor=50: now has no containerSensor figure: the spec does not ask for it, or nothing in scope it applies to (this report's components: plan, endpoint, vulnerabilityAssessment)",
    ]);
    const none = report(defenderSpec({ servers: { plan: "Off" } })).latest;
    expect(checkGates(parseGates(["50"]), none).problems).toEqual([expect.stringMatching(/^--fail-under 50: the spec provisions no agent .* hold a component instead, --fail-under <component>=50 \(this report's components: /)]);
  });
});
