/**
 * Issue 14: the report gains one column per component the plan decides (Defender for Endpoint,
 * vulnerability assessment, Guest Configuration, the machine's plan) and per Defender plan the
 * spec manages, beside the agent's coverage (the Azure Monitor Agent's by default).
 */
import { buildReport, renderReportHtml } from "../../src/report";
import { defenderSpec, inv, machine, mde, P2, P2_IN_PLACE, settings } from "../reconcile/defender.fixtures";
import { SUB } from "../helpers/fixtures";

const spec = defenderSpec({ servers: { plan: "P2", guestConfiguration: true } }, { logAnalyticsAgent: { autoProvision: true, agent: "ama" } });
const fleet = inv([machine("vm-with-mde", { extensions: [mde("Windows")] }), machine("vm-without"), machine("lnx-without", { osType: "Linux" })]);

describe("component and plan columns", () => {
  const s = buildReport(spec, [{ label: "now", inventory: fleet }]).latest;

  it("counts each component's coverage overall and per subscription", () => {
    expect(s.agent).toBe("ama");
    const endpoint = s.components.find((c) => c.name === "endpoint");
    expect(endpoint).toMatchObject({ title: "Defender for Endpoint", target: "machine", total: { machines: 3, covered: 1 } });
    expect(s.components.map((c) => c.name)).toEqual(expect.arrayContaining(["endpoint", "vulnerabilityAssessment", "guestConfiguration", "plan"]));
    const row = s.bySubscription.find((r) => r.subscription === SUB)!;
    expect(row.components["endpoint"]).toEqual({ machines: 3, covered: 1, percent: 33.3 });
    expect(row.components["guestConfiguration"]!.covered).toBe(0);
  });

  it("counts the machine's plan as it is today: a subscription on Free covers none of its machines (user trial 18b: 2,348/2,348 beside Plan VirtualMachines Free)", () => {
    const machines = [machine("vm-inherits"), machine("vm-own-p1", { pricing: { pricingTier: "Standard", subPlan: "P1" } }), machine("vm-own-free", { pricing: { pricingTier: "Free" } })];
    const free = buildReport(spec, [{ label: "free", inventory: inv(machines, settings({ plans: { VirtualMachines: { pricingTier: "Free" } } })) }]).latest;
    expect(free.bySubscription[0]!.plans).toEqual({ VirtualMachines: "Free" });
    // Only the machine with its own P1 is on Defender for Servers before the plan sets P2.
    expect(free.bySubscription[0]!.components["plan"]).toEqual({ machines: 3, covered: 1, percent: 33.3 });
    expect(free.components.find((c) => c.name === "plan")!.total).toEqual({ machines: 3, covered: 1, percent: 33.3 });
    const p2 = buildReport(spec, [{ label: "p2", inventory: inv(machines) }]).latest;
    expect(p2.bySubscription[0]!.components["plan"]).toEqual({ machines: 3, covered: 2, percent: 66.7 });
  });

  it("counts only Defender's mdetvm as vulnerability assessment, not the retired Qualys record (user trial 20, item 3)", () => {
    const machines = [
      machine("vm-tvm", { extensions: [mde("Windows")], vulnerabilityAssessment: { name: "mdetvm", provisioningState: "Succeeded" } }),
      machine("vm-qualys", { extensions: [mde("Windows")], vulnerabilityAssessment: { name: "default", provisioningState: "Succeeded" } }),
    ];
    const r = buildReport(spec, [{ label: "now", inventory: inv(machines) }]).latest;
    expect(r.components.find((c) => c.name === "vulnerabilityAssessment")!.total).toEqual({ machines: 2, covered: 1, percent: 50 });
  });

  it("shows each managed plan's pricing as read", () => {
    expect(s.plans).toEqual(["VirtualMachines"]);
    expect(s.bySubscription[0]!.plans).toEqual({ VirtualMachines: "Standard P2" });
    const unread = buildReport(spec, [{ label: "now", inventory: inv([machine("vm")], { ...P2_IN_PLACE, plans: {} }) }]).latest;
    expect(unread.bySubscription[0]!.plans).toEqual({ VirtualMachines: null });
  });

  it("renders the columns in the HTML, headed by the agent", () => {
    const html = renderReportHtml(buildReport(spec, [{ label: "now", inventory: fleet }]));
    expect(html).toContain("Coverage by subscription (Azure Monitor Agent)");
    expect(html).toContain("<th>Defender for Endpoint</th>");
    expect(html).toContain("<th>Plan VirtualMachines</th>");
    expect(html).toMatch(/data-component="endpoint" data-machines="3" data-covered="1"[^>]*>1\/3 \(33.3%\)</);
    expect(html).toContain('<td data-plan="VirtualMachines">Standard P2</td>');
    expect(html).toContain('id="by-component"');
  });

  it("adds nothing without a defender section", () => {
    const plain = buildReport(defenderSpec(P2, { logAnalyticsAgent: { autoProvision: true, agent: "mma" } }), [{ label: "now", inventory: fleet }]).latest;
    expect(plain.agent).toBe("mma");
    const none = buildReport({ ...spec, defender: undefined }, [{ label: "now", inventory: fleet }]).latest;
    expect(none.components).toEqual([]);
    expect(none.plans).toEqual([]);
    expect(renderReportHtml(buildReport({ ...spec, defender: undefined }, [{ label: "now", inventory: fleet }]))).not.toContain('id="by-component"');
  });
});
