/**
 * The scope's mistakes are said (src/core/kernel/scopeCheck.ts): an exclusion that matches nothing,
 * a management group with no subscription in scope, a scope with none at all (first of the
 * findings), and an inventory file's subscriptions under none of the named groups (left out).
 * An ALZ-style hierarchy: contoso → landingzones → corp | online, contoso → sandbox.
 */
import { describeScope, plan, SCOPE_WITHOUT_SUBSCRIPTIONS, type Finding } from "../../src/core";
import { parseSpec, type SpecInput } from "../../src/spec";
import { alzInventory as alz, CORP, ONLINE, rg, SANDBOX } from "../helpers/alz";

const spec = (input: Omit<SpecInput, "logAnalyticsAgent">) => parseSpec({ ...input, logAnalyticsAgent: { autoProvision: true } });
const scopeWarnings = (findings: readonly Finding[]) => findings.filter((f) => /exclusion|management-group|scope-without/.test(f.code));

describe("exclusions that match nothing are said", () => {
  it("each exclusion that matches something is silent, and leaves its machines out", () => {
    const s = spec({ managementGroups: ["contoso"], exclude: { subscriptions: [SANDBOX], resourceGroups: [rg(CORP, "rg-sandbox")], machineTags: { provisioning: "off" } } });
    const p = plan(s, alz({ sandbox: true }));
    expect(scopeWarnings(p.findings)).toEqual([]);
    expect(p.machines.some((m) => m.id.includes(SANDBOX) || m.id.includes("/rg-sandbox/"))).toBe(false);
  });

  it("a typo'd resource group, an unused tag and a subscription of no group: one warning each, naming the field path and the value", () => {
    const s = spec({
      managementGroups: ["landingzones"],
      exclude: { subscriptions: [SANDBOX], resourceGroups: [rg(CORP, "rg-prod"), rg(CORP, "rg-sandbx"), rg(SANDBOX, "rg-x")], machineTags: { provisoning: "off", Provisioning: "Off" } },
    });
    const p = plan(s, alz());
    const byTarget = Object.fromEntries(scopeWarnings(p.findings).map((f) => [f.target, f]));
    expect(Object.keys(byTarget).sort()).toEqual(["exclude.machineTags.Provisioning", "exclude.machineTags.provisoning", "exclude.resourceGroups[1]", "exclude.resourceGroups[2]", "exclude.subscriptions[0]"]);
    for (const f of Object.values(byTarget)) expect(f).toMatchObject({ severity: "warning", code: "exclusion-matches-nothing" });
    expect(byTarget["exclude.resourceGroups[1]"]!.message).toBe(
      `exclude.resourceGroups[1] "${rg(CORP, "rg-sandbx")}" matches no machine: no machine or cluster of the inventory is in that resource group (it may be empty, or not exist: check the name); nothing is left out by it.`,
    );
    expect(byTarget["exclude.resourceGroups[2]"]!.message).toMatch(/matches no subscription in scope \(33333333-/);
    expect(byTarget["exclude.subscriptions[0]"]!.message).toBe(`exclude.subscriptions[0] "${SANDBOX}" matches no subscription of the scope (not listed, not under management group(s) landingzones).`);
    expect(byTarget["exclude.machineTags.provisoning"]!.message).toMatch(/no machine in scope has a tag named provisoning/);
    // The tag is there, with another value (values are matched with their case).
    expect(byTarget["exclude.machineTags.Provisioning"]!.message).toMatch(/no machine in scope has tag Provisioning with the value "Off" \(some have the tag with other values\)/);
    // The typo leaves the machine the user meant to leave out in the plan: the warning is what tells.
    expect(p.machines.some((m) => m.id.includes("/rg-sandbox/"))).toBe(true);
  });

  it("an excluded subscription the reader found under the groups (and so did not read) matches", () => {
    const s = spec({ managementGroups: ["contoso"], exclude: { subscriptions: [SANDBOX] } });
    expect(scopeWarnings(plan(s, alz()).findings).map((f) => f.target)).toEqual(["exclude.subscriptions[0]"]);
    expect(scopeWarnings(plan(s, { ...alz(), excludedSubscriptions: [SANDBOX] }).findings)).toEqual([]);
  });
});

describe("management groups that resolve to nothing are said", () => {
  it("a group with no subscription in scope beside one with some: a warning naming it", () => {
    const p = plan(spec({ managementGroups: ["landingzones", "contoso-platform"] }), alz());
    expect(scopeWarnings(p.findings)).toEqual([
      {
        severity: "warning",
        code: "management-group-without-subscriptions",
        target: "/providers/Microsoft.Management/managementGroups/contoso-platform",
        message: "managementGroups[1]: management group contoso-platform holds no subscription in scope (none under it, or only ones in exclude.subscriptions): nothing is planned for it.",
      },
    ]);
  });

  it("a whole scope of no subscription: its warning is the plan's first finding, whatever else it finds", () => {
    const p = plan(spec({ managementGroups: ["contoso-platform"], exclude: { resourceGroups: [rg(CORP, "rg-prod")] } }), alz());
    expect(p.summary.machines).toBe(0);
    expect(p.findings[0]).toMatchObject({ severity: "warning", code: SCOPE_WITHOUT_SUBSCRIPTIONS, message: expect.stringContaining("management group(s) contoso-platform hold no subscription.") });
    expect(p.findings.map((f) => f.code)).toContain("exclusion-matches-nothing");
    // Only the excluded subscription under the group: said so.
    const excluded = plan(spec({ managementGroups: ["sandbox"], exclude: { subscriptions: [SANDBOX] } }), alz({ sandbox: true }));
    expect(excluded.findings[0]!.message).toMatch(/sandbox hold no subscription but the 1 in exclude.subscriptions/);
  });

  it("an inventory file's subscriptions under none of the groups are left out, counted in one finding; without recorded ancestors they are taken as under them", () => {
    const p = plan(spec({ managementGroups: ["corp"] }), alz());
    expect(new Set(p.machines.map((m) => m.id.split("/")[2]))).toEqual(new Set([CORP]));
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "info", code: "subscriptions-outside-management-groups", message: expect.stringContaining(`left out: ${ONLINE}.`) }));
    const unknown = plan(spec({ managementGroups: ["corp"] }), alz({ ancestors: false }));
    expect(new Set(unknown.machines.map((m) => m.id.split("/")[2]))).toEqual(new Set([CORP, ONLINE]));
    expect(unknown.findings.map((f) => f.code)).not.toContain("subscriptions-outside-management-groups");
  });
});

describe("describeScope", () => {
  it("counts each group's subscriptions in scope, and lists the exclusions; nothing for a spec of listed subscriptions alone", () => {
    const s = spec({ managementGroups: ["landingzones", "corp", "contoso-platform"], exclude: { subscriptions: [SANDBOX], resourceGroups: [rg(CORP, "rg-sandbox")], machineTags: { legacy: "*", provisioning: "off" } } });
    expect(describeScope(s, alz())).toEqual({
      managementGroups: [
        { name: "landingzones", subscriptions: 2 },
        { name: "corp", subscriptions: 1 },
        { name: "contoso-platform", subscriptions: 0 },
      ],
      listed: 0,
      subscriptions: 2,
      excluded: { subscriptions: [SANDBOX], resourceGroups: ["rg-sandbox"], machineTags: ["legacy", "provisioning=off"] },
    });
    expect(describeScope(s, alz({ ancestors: false }))!.managementGroups.map((g) => g.subscriptions)).toEqual([null, null, null]);
    expect(describeScope(spec({ subscriptions: [CORP] }), alz())).toBeUndefined();
  });
});
