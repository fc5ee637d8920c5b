/**
 * The spec's scope (issue 15 item 4): subscriptions or management groups, and what it leaves out;
 * the planner applies the exclusions to an inventory read for that scope.
 */
import { ValidationError, parseSpec } from "../../src/spec";
import { plan } from "../../src/core";
import { inventory, machine, SUB, SUB2 } from "../helpers/fixtures";

const issuesOf = (input: unknown) => {
  try {
    parseSpec(input);
  } catch (err) {
    if (err instanceof ValidationError) return err.issues;
    throw err;
  }
  return [];
};

describe("the spec's scope", () => {
  it("needs subscriptions or management groups", () => {
    expect(issuesOf({})).toEqual([{ path: "subscriptions", message: "must list at least one subscription (or name managementGroups)" }]);
    expect(issuesOf({ managementGroups: ["contoso"] })).toEqual([]);
  });

  it("names the field and the rule of a bad value", () => {
    expect(issuesOf({ managementGroups: ["bad/name"] })[0]).toMatchObject({ path: "managementGroups[0]", message: expect.stringMatching(/must be a management group's name/) });
    expect(issuesOf({ managementGroups: ["a", "A"] })).toEqual([{ path: "managementGroups[1]", message: '"A" is listed twice' }]);
    expect(issuesOf({ subscriptions: [SUB], exclude: { resourceGroups: ["rg-prod"] } })[0]).toMatchObject({ path: "exclude.resourceGroups[0]", message: expect.stringMatching(/resource group's ARM id/) });
    expect(issuesOf({ subscriptions: [SUB], exclude: { tags: {} } })[0]).toMatchObject({ path: "exclude.tags", message: expect.stringMatching(/allowed: subscriptions, resourceGroups, machineTags/) });
    expect(issuesOf({ subscriptions: [SUB], exclude: { subscriptions: [SUB] } })).toEqual([{ path: "subscriptions[0]", message: `"${SUB}" is also in exclude.subscriptions: list it in one of them` }]);
  });

  it("defender fields naming a subscription: with management groups, only an excluded one is refused when the spec is read (the rest waits for the resolved scope)", () => {
    const vm = (sub: string) => `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`;
    const defender = (sub: string) => ({ servers: { plan: "P1", directOnboarding: { subscription: sub }, overrides: [{ id: vm(sub), plan: "Free" }] } });
    expect(issuesOf({ managementGroups: ["contoso"], defender: defender(SUB2) })).toEqual([]);
    expect(issuesOf({ managementGroups: ["contoso"], exclude: { subscriptions: [SUB2] }, defender: defender(SUB2) })).toEqual([
      { path: "defender.servers.directOnboarding.subscription", message: `"${SUB2}" is in exclude.subscriptions` },
      { path: "defender.servers.overrides[0].id", message: "is in a subscription of exclude.subscriptions" },
    ]);
    // Without management groups the spec's subscriptions are the whole scope, as before.
    expect(issuesOf({ subscriptions: [SUB], defender: defender(SUB2) })).toEqual([
      { path: "defender.servers.directOnboarding.subscription", message: `"${SUB2}" is not one of the spec's subscriptions (${SUB})` },
      { path: "defender.servers.overrides[0].id", message: "is not in one of the spec's subscriptions" },
    ]);
  });

  it("a spec naming management groups plans the inventory's subscriptions, less the excluded ones", () => {
    const inv = inventory({ machines: [machine("a"), machine("b", {}, SUB2)] }, "2020-01-01", [SUB, SUB2]);
    const all = plan(parseSpec({ managementGroups: ["contoso"], logAnalyticsAgent: { autoProvision: true } }), inv);
    expect(all.machines.map((m) => m.id.split("/").pop())).toEqual(["a", "b"]);
    const some = plan(parseSpec({ managementGroups: ["contoso"], exclude: { subscriptions: [SUB2] }, logAnalyticsAgent: { autoProvision: true } }), inv);
    expect(some.machines.map((m) => m.id.split("/").pop())).toEqual(["a"]);
    expect(some.steps.filter((s) => s.target.includes(SUB2))).toEqual([]);
  });

  it("machines in an excluded resource group or with an excluded tag are left alone, counted in a finding", () => {
    const inv = inventory({
      machines: [
        machine("keep"),
        machine("sandbox", { id: `/subscriptions/${SUB}/resourceGroups/RG-Sandbox/providers/Microsoft.Compute/virtualMachines/sandbox` }),
        machine("opted-out", { tags: { Provisioning: "off" } }),
        machine("any-value", { tags: { legacy: "yes" } }),
        machine("other-value", { tags: { provisioning: "on" } }),
      ],
    });
    const p = plan(
      parseSpec({ subscriptions: [SUB], logAnalyticsAgent: { autoProvision: true }, exclude: { resourceGroups: [`/subscriptions/${SUB}/resourceGroups/rg-sandbox`], machineTags: { provisioning: "off", LEGACY: "*" } } }),
      inv,
    );
    expect(p.machines.map((m) => m.id.split("/").pop()).sort()).toEqual(["keep", "other-value"]);
    expect(p.steps.filter((s) => /sandbox|opted-out|any-value/.test(s.target))).toEqual([]);
    expect(p.findings).toContainEqual(expect.objectContaining({ code: "machines-excluded", message: "3 machine(s) left alone by the spec's exclude.resourceGroups or exclude.machineTags." }));
  });
});
