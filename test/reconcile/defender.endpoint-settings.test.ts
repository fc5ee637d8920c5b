/**
 * User trial 20, items 7, 8 and 14: the integration's switches say what Azure does. Linux, once in
 * the integration, stays in (enabling it is "a one-time action"): `linux: false` there plans no
 * write and warns instead, and its machines are decided as Linux on. Turning the integration off
 * warns, naming the subscriptions, as turning Defender for Servers off does. The one-way warnings
 * name their subscriptions.
 */
import { plan, stepsOf } from "../../src/core";
import type { InventoryMachine, InventorySettings } from "../../src/inventory/schema";
import { inventory } from "../helpers/fixtures";
import { componentOf, defenderSpec, machine, mde, P2_IN_PLACE, settings, SUB, SUB2 } from "./defender.fixtures";

type Plan = ReturnType<typeof plan>;
const findingsOf = (p: Plan, code: string) => p.findings.filter((f) => f.code === code);
const settingSteps = (p: Plan) => stepsOf(p, "set-security-setting").map((s) => `${s.details.subscriptionId.slice(0, 2)} ${s.details.name}: ${String(s.details.from)} → ${String(s.details.enabled)}`);
const linuxExcluded = settings({ ...P2_IN_PLACE, securitySettings: { WDATP: true, WDATP_UNIFIED_SOLUTION: true, WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW: true } });
const noLinux = { servers: { plan: "P2" as const, endpointProtection: { linux: false } } };

function fleet(machines: InventoryMachine[], first: InventorySettings, second: InventorySettings) {
  return inventory({ machines, settings: { [SUB]: first, [SUB2]: second } }, "2020-01-01", [SUB, SUB2]);
}

describe("linux: false where Linux is in the integration already (item 7)", () => {
  const machines = [machine("vm-lnx-1", { osType: "Linux" }), machine("vm-lnx-2", { osType: "Linux", extensions: [mde("Linux")] }, SUB2)];

  it("writes no exclusion, warns once naming the subscriptions, and the Linux machines keep getting MDE", () => {
    const p = plan(defenderSpec(noLinux, {}, [SUB, SUB2]), fleet(machines, P2_IN_PLACE, P2_IN_PLACE));
    expect(settingSteps(p)).toEqual([]);
    const [kept, ...more] = findingsOf(p, "endpoint-linux-kept");
    expect(more).toEqual([]);
    expect(kept).toMatchObject({ severity: "warning", target: "defender.servers.endpointProtection.linux" });
    expect(kept!.message).toMatch(new RegExp(`^The spec says linux: false, but Linux is in the integration already in 2 subscription\\(s\\): ${SUB}, ${SUB2}, and Azure offers no way to take it out alone`));
    expect(componentOf(p, "vm-lnx-1", "endpoint")!.decision).toBe("mde-awaiting-defender");
    expect(componentOf(p, "vm-lnx-2", "endpoint")!.decision).toBe("mde-installed");
    expect(findingsOf(p, "endpoint-linux-one-way")).toEqual([]);
  });

  it("a subscription where Linux is still excluded keeps it excluded: no write, no warning, its Linux machines off", () => {
    const p = plan(defenderSpec(noLinux, {}, [SUB, SUB2]), fleet(machines, linuxExcluded, P2_IN_PLACE));
    expect(settingSteps(p)).toEqual([]);
    expect(findingsOf(p, "endpoint-linux-kept")[0]!.message).toMatch(new RegExp(`in 1 subscription\\(s\\): ${SUB2}, and`));
    expect(componentOf(p, "vm-lnx-1", "endpoint")).toEqual({
      decision: "mde-off",
      reason: "The integration is off for Linux (endpointProtection.linux false, setting WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW on): nothing is deployed to Linux machines.",
    });
    expect(componentOf(p, "vm-lnx-2", "endpoint")!.decision).toBe("mde-installed");
  });

  it("turning Linux on warns one-way, naming the subscription; the next plan with linux: false writes nothing back", () => {
    const on = plan(defenderSpec({ servers: { plan: "P2" } }, {}, [SUB, SUB2]), fleet([], linuxExcluded, P2_IN_PLACE));
    expect(settingSteps(on)).toEqual(["11 WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW: true → false"]);
    expect(findingsOf(on, "endpoint-linux-one-way")[0]!.message).toMatch(new RegExp(`^This plan turns the integration on for Linux in 1 subscription\\(s\\): ${SUB}, and that cannot be undone for Linux alone`));
    const after = plan(defenderSpec(noLinux, {}, [SUB, SUB2]), fleet([], P2_IN_PLACE, P2_IN_PLACE));
    expect(settingSteps(after)).toEqual([]);
    expect(findingsOf(after, "endpoint-linux-kept")).toHaveLength(1);
  });

  it("with the integration off, linux: false is not said to be kept (WDATP is what the plan writes)", () => {
    const p = plan(defenderSpec({ servers: { plan: "P2", endpointProtection: { enabled: false, linux: false }, vulnerabilityAssessment: "none" } }), fleet([], P2_IN_PLACE, P2_IN_PLACE));
    expect(settingSteps(p)).toEqual(["11 WDATP: true → false"]);
    expect(findingsOf(p, "endpoint-linux-kept")).toEqual([]);
  });
});

describe("turning the integration off (item 8)", () => {
  const off = { servers: { plan: "P2" as const, endpointProtection: { enabled: false }, vulnerabilityAssessment: "none" as const } };

  it("warns once, naming the subscriptions where WDATP goes from on to off", () => {
    const wasOff = settings({ ...P2_IN_PLACE, securitySettings: { WDATP: false } });
    const p = plan(defenderSpec(off, {}, [SUB, SUB2]), fleet([machine("vm-1", { extensions: [mde("Windows")] })], P2_IN_PLACE, wasOff));
    expect(settingSteps(p)).toEqual(["11 WDATP: true → false"]);
    const [ends, ...more] = findingsOf(p, "endpoint-protection-ends");
    expect(more).toEqual([]);
    expect(ends).toMatchObject({ severity: "warning", target: "defender.servers.endpointProtection" });
    expect(ends!.message).toMatch(new RegExp(`^This plan turns the Defender for Endpoint integration off \\(setting WDATP: on → off\\) in 1 subscription\\(s\\): ${SUB}\\. Defender no longer deploys`));
    expect(ends!.message).toMatch(/set it to true \(or leave it out: it follows the plan\) to keep the integration\.$/);
    expect(findingsOf(p, "mde-extension-remains")).toHaveLength(1);
  });

  it("nothing to say where it is off already", () => {
    const p = plan(defenderSpec(off), fleet([], settings({ ...P2_IN_PLACE, securitySettings: { WDATP: false } }), P2_IN_PLACE));
    expect(findingsOf(p, "endpoint-protection-ends")).toEqual([]);
  });
});
