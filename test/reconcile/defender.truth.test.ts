/**
 * User trial 16, defects 4 and 6: the Defender decisions tell the truth. A one-way change is
 * warned about in the plan that makes it; machines that Defender for Endpoint never reaches do not
 * "wait" for vulnerability assessment; with the plan (or a component) off, the decisions say so and
 * one finding per code counts what stays installed.
 */
import { plan, stepsOf } from "../../src/core";
import type { InventorySettings } from "../../src/inventory/schema";
import { inventory } from "../helpers/fixtures";
import { componentOf, defenderSpec, gcExtension, inv, machine, mde, P2_IN_PLACE, settings, SUB, SUB2 } from "./defender.fixtures";

type Plan = ReturnType<typeof plan>;
const findingsOf = (p: Plan, code: string) => p.findings.filter((f) => f.code === code);
const assessed = { name: "mdetvm", provisioningState: "Succeeded" };

/** Both subscriptions with the same settings. */
function twoSubscriptions(machines: ReturnType<typeof machine>[], s: InventorySettings) {
  return inventory({ machines, settings: { [SUB]: s, [SUB2]: s } }, "2020-01-01", [SUB, SUB2]);
}

describe("one-way changes are warned about in the plan that makes them", () => {
  const noProvider = settings({ ...P2_IN_PLACE, vulnerabilityAssessmentProvider: null });

  it("setting the provider to MdeTvm: one warning, counting the subscriptions, beside the steps", () => {
    const p = plan(defenderSpec({ servers: { plan: "P2" } }, {}, [SUB, SUB2]), twoSubscriptions([], noProvider));
    expect(stepsOf(p, "set-va-setting")).toHaveLength(2);
    const [w, ...more] = findingsOf(p, "vulnerability-assessment-provider-one-way");
    expect(more).toEqual([]);
    expect(w).toMatchObject({ severity: "warning", target: "defender.servers.vulnerabilityAssessment" });
    expect(w!.message).toMatch(new RegExp(`^This plan sets the vulnerability-assessment provider to MdeTvm \\(Defender Vulnerability Management\\) in 2 subscription\\(s\\): ${SUB}, ${SUB2}, and that cannot be undone: it is the only provider left`));
  });

  it("no warning where the provider is MdeTvm already", () => {
    const p = plan(defenderSpec({ servers: { plan: "P2" } }), inv([], P2_IN_PLACE));
    expect(stepsOf(p, "set-va-setting")).toEqual([]);
    expect(findingsOf(p, "vulnerability-assessment-provider-one-way")).toEqual([]);
  });

  it("the provider kept against none: one finding for all subscriptions, not one each", () => {
    const machines = [machine("vm-1", { extensions: [mde("Windows")], vulnerabilityAssessment: assessed }), machine("vm-2", { extensions: [mde("Windows")] }, SUB2)];
    const p = plan(defenderSpec({ servers: { plan: "P1", vulnerabilityAssessment: "none" } }, {}, [SUB, SUB2]), twoSubscriptions(machines, P2_IN_PLACE));
    const kept = findingsOf(p, "vulnerability-assessment-provider-kept");
    expect(kept).toHaveLength(1);
    expect(kept[0]!.message).toMatch(new RegExp(`^The vulnerability-assessment provider stays MdeTvm in 2 subscription\\(s\\): ${SUB}, ${SUB2}; the spec says none, .* so it is left as it is, and 1 machine\\(s\\) stay assessed\\.$`));
    expect(componentOf(p, "vm-1", "vulnerabilityAssessment")!.decision).toBe("va-enabled");
  });

  it("the unified solution turned on, and Linux once excluded turned on: a warning each", () => {
    const before = settings({ ...P2_IN_PLACE, securitySettings: { WDATP: true, WDATP_UNIFIED_SOLUTION: false, WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW: true } });
    const p = plan(defenderSpec({ servers: { plan: "P2" } }), inv([], before));
    expect(stepsOf(p, "set-security-setting").map((s) => s.details.name)).toEqual(["WDATP_UNIFIED_SOLUTION", "WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW"]);
    expect(findingsOf(p, "endpoint-unified-solution-one-way")).toEqual([
      expect.objectContaining({ severity: "warning", target: "defender.servers.endpointProtection.unifiedSolution", message: expect.stringMatching(new RegExp(`in 1 subscription\\(s\\): ${SUB}, and that cannot be undone`)) }),
    ]);
    expect(findingsOf(p, "endpoint-linux-one-way")).toEqual([expect.objectContaining({ severity: "warning", message: expect.stringMatching(/cannot be undone for Linux alone/) })]);
  });

  it("turning the unified solution off is no one-way step: no warning", () => {
    const p = plan(defenderSpec({ servers: { plan: "P2", endpointProtection: { unifiedSolution: false } } }), inv([], P2_IN_PLACE));
    expect(stepsOf(p, "set-security-setting").map((s) => `${s.details.name}: ${String(s.details.enabled)}`)).toEqual(["WDATP_UNIFIED_SOLUTION: false"]);
    expect(p.findings.filter((f) => f.code.endsWith("-one-way"))).toEqual([]);
  });
});

describe("machines that Defender for Endpoint does not reach", () => {
  const run = (m: ReturnType<typeof machine>) => plan(defenderSpec({ servers: { plan: "P2", guestConfiguration: true } }), inv([m]));

  it("an appliance: MDE never comes, so vulnerability assessment says why, not that it waits; Guest Configuration says never", () => {
    const p = run(machine("vm-appl-1", { appliance: true }));
    const endpoint = componentOf(p, "vm-appl-1", "endpoint")!;
    expect(endpoint).toEqual({
      decision: "mde-not-eligible",
      reason: "Defender for Endpoint never reaches this machine: it is a network appliance (WAF, NGFW), which Security Center never provisions, so Defender never deploys it here.",
    });
    expect(componentOf(p, "vm-appl-1", "vulnerabilityAssessment")).toEqual({
      decision: "va-not-eligible",
      reason: "No vulnerability assessment: Defender Vulnerability Management runs in Defender for Endpoint, which never reaches this machine (it is a network appliance (WAF, NGFW), which Security Center never provisions).",
    });
    expect(componentOf(p, "vm-appl-1", "guestConfiguration")!.reason).toBe("Guest Configuration is not installed, and never will be here: it is a network appliance (WAF, NGFW), which Security Center never provisions.");
  });

  it("a machine without a VM agent: no assessment until MDE can reach it; nothing says the tool waits", () => {
    const p = run(machine("vm-noagt-1", { vmAgent: false }));
    const va = componentOf(p, "vm-noagt-1", "vulnerabilityAssessment")!;
    expect(va.decision).toBe("va-not-eligible");
    expect(va.reason).toBe(
      "No vulnerability assessment yet: Defender Vulnerability Management runs in Defender for Endpoint, which does not reach this machine while it has no ready VM agent, which extensions need; once it runs with a VM agent, Defender deploys MDE and then enables the assessment.",
    );
    expect(va.reason).not.toMatch(/wait/);
    expect(componentOf(p, "vm-noagt-1", "endpoint")!.decision).toBe("mde-not-eligible");
  });
});

describe("with the plan or a component off, the decisions say so and what stays installed is counted", () => {
  const protectedMachine = (name: string, extra = {}) => machine(name, { extensions: [mde("Windows")], vulnerabilityAssessment: assessed, ...extra });

  it("plan Off: MDE stays installed (mde-remains), no assessment (va-off), one finding with the count", () => {
    const p = plan(defenderSpec({ servers: { plan: "Off" } }), inv([protectedMachine("vm-1"), protectedMachine("vm-2"), machine("vm-3")], settings()));
    expect(componentOf(p, "vm-1", "endpoint")).toEqual({
      decision: "mde-remains",
      reason:
        "Defender for Servers is off for this machine (Free), but MDE.Windows stays installed and its sensor keeps running: turning the plan or the integration off does not remove it, nor does this tool (remove the extension and offboard the machine from Defender for Endpoint to take it off).",
    });
    expect(componentOf(p, "vm-3", "endpoint")!.decision).toBe("mde-off");
    expect(componentOf(p, "vm-1", "vulnerabilityAssessment")).toEqual({ decision: "va-off", reason: "Defender for Servers is off for this machine (Free), so Defender Vulnerability Management does not assess it." });
    const remains = findingsOf(p, "mde-extension-remains");
    expect(remains).toHaveLength(1);
    expect(remains[0]!.message).toMatch(/^2 machine\(s\) keep Defender for Endpoint/);
  });

  it("the integration off (plan on): MDE stays installed, counted", () => {
    const p = plan(defenderSpec({ servers: { plan: "P1", endpointProtection: { enabled: false }, vulnerabilityAssessment: "none" } }), inv([protectedMachine("vm-1")]));
    expect(componentOf(p, "vm-1", "endpoint")!.reason).toMatch(/^The Defender for Endpoint integration is off \(endpointProtection.enabled false\), but MDE.Windows stays installed/);
    expect(findingsOf(p, "mde-extension-remains")[0]!.message).toMatch(/^1 machine\(s\) keep/);
  });

  it("a resource-level plan Free keeps the extension too", () => {
    const defender = { servers: { plan: "P2" as const, overrides: [{ tag: { env: "lab" }, plan: "Free" as const }] } };
    const p = plan(defenderSpec(defender), inv([protectedMachine("vm-1", { tags: { env: "lab" } })]));
    expect(componentOf(p, "vm-1", "endpoint")!.reason).toMatch(/^Its resource-level plan is Free \(override #1 \(tag env=lab\)\), but MDE.Windows stays installed/);
    expect(componentOf(p, "vm-1", "vulnerabilityAssessment")!.decision).toBe("va-off");
  });

  it("Guest Configuration off: one finding counting the extensions and identities left, Arc servers aside", () => {
    const withGc = (name: string, extra = {}) => machine(name, { extensions: [gcExtension("Windows")], ...extra });
    const arc = machine("arc-1", { kind: "arc", id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/arc-1`, extensions: [gcExtension("Windows")] });
    const p = plan(defenderSpec({ servers: { plan: "P2" } }), inv([withGc("vm-1", { identity: { type: "SystemAssigned" } }), withGc("vm-2"), machine("vm-3"), arc]));
    expect(componentOf(p, "vm-1", "guestConfiguration")).toBeUndefined();
    const remains = findingsOf(p, "guest-configuration-remains");
    expect(remains).toHaveLength(1);
    expect(remains[0]).toMatchObject({ severity: "info", target: "defender.servers.guestConfiguration" });
    expect(remains[0]!.message).toMatch(/^defender.servers.guestConfiguration is off, but 2 machine\(s\) keep the Guest Configuration extension \(AzurePolicyforWindows or AzurePolicyforLinux\), 1 of them with the system-assigned identity/);
    expect(stepsOf(p, "install-extension")).toEqual([]);
  });

  it("nothing left behind, nothing said", () => {
    const p = plan(defenderSpec({ servers: { plan: "Off" } }), inv([machine("vm-1")], settings()));
    expect(findingsOf(p, "mde-extension-remains")).toEqual([]);
    expect(findingsOf(p, "guest-configuration-remains")).toEqual([]);
  });
});
