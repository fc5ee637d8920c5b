/**
 * A subscription with more machines to leave alone than a Dependency-agent assignment's notScopes
 * hold converges on the emulator with an assignment at the resource group (its role and its
 * remediation there), Azure Policy doing the installs; no left-alone machine gets the agent, and
 * the next plan is empty.
 */
import { applyPlan } from "../../src/azure";
import { readInventoryFor } from "../../src/azure/inventory";
import { plan, stepsOf } from "../../src/core";
import { NOT_SCOPES_LIMIT } from "../../src/capabilities/extension-policies";
import { loadSpecFile } from "../../src/spec/load";
import { startLab, type Lab } from "./helpers";

jest.setTimeout(240_000);

/** Left alone (by tag) in rg-legacy, and in rg-other: more than NOT_SCOPES_LIMIT together, fewer in each. */
const LEFT_ALONE = 300;
const LEFT_ALONE_OTHER = NOT_SCOPES_LIMIT + 20 - LEFT_ALONE;

describe("over the notScopes limit: an assignment at the resource group", () => {
  let lab: Lab;
  let sub: string;
  beforeAll(async () => {
    lab = await startLab(30, { exclude: { machineTags: { legacy: "*" } }, extensions: { dependencyAgent: { windows: true, linux: false } } }, 5);
    sub = lab.emu.subscriptionIds[0]!;
    const add = (resourceGroup: string, name: string, tags?: Record<string, string>) =>
      lab.emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup, name, location: "westeurope", osType: "Windows", ...(tags ? { tags } : {}) });
    for (let i = 0; i < LEFT_ALONE; i++) await add("rg-legacy", `legacy-${i}`, { legacy: "yes" });
    for (let i = 0; i < LEFT_ALONE_OTHER; i++) await add("rg-other", `legacy-other-${i}`, { legacy: "yes" });
    for (let i = 0; i < 3; i++) await add("rg-legacy", `plain-${i}`);
  });
  afterAll(() => lab?.emu.stop());

  it("converges in one apply with the group's own assignment, and no left-alone machine gets the agent", async () => {
    const spec = loadSpecFile(lab.specPath);
    const group = `/subscriptions/${sub}/resourceGroups/rg-legacy`;
    const before = plan(spec, await readInventoryFor(lab.conn, spec));
    const atGroup = stepsOf(before, "assign-policy").filter((s) => s.details.scope.toLowerCase() === group.toLowerCase());
    expect(atGroup.map((s) => s.details.name)).toEqual(["asc-dependency-agent-windows"]);
    expect(atGroup[0]!.details.notScopes).toHaveLength(LEFT_ALONE);
    const atSub = stepsOf(before, "assign-policy").find((s) => s.details.scope === `/subscriptions/${sub}` && s.details.name === "asc-dependency-agent-windows")!;
    expect(atSub.details.notScopes!.map((n) => n.toLowerCase())).toContain(group.toLowerCase());
    expect(before.findings).toContainEqual(expect.objectContaining({ code: "policy-by-resource-group", severity: "info" }));
    const plainIds = (await readInventoryFor(lab.conn, spec)).machines.filter((m) => /\/plain-\d$/.test(m.id)).map((m) => m.id.toLowerCase());
    expect(stepsOf(before, "install-extension").filter((s) => s.details.type === "DependencyAgentWindows" && plainIds.includes(s.details.machineId.toLowerCase()))).toEqual([]);

    await lab.emu.admin("DELETE", "/admin/extension-puts");
    const applied = await applyPlan(lab.conn, before, { concurrency: 8, pollIntervalMs: 10 });
    expect(applied.counts.failed).toBe(0);

    const inventory = await readInventoryFor(lab.conn, spec);
    // The reader sees the group's assignment, its role and its remediation.
    const assignment = inventory.policyAssignments.find((a) => a.scope.toLowerCase() === group.toLowerCase())!;
    expect(assignment.notScopes).toHaveLength(LEFT_ALONE);
    expect(inventory.roleAssignments.some((r) => r.scope.toLowerCase() === group.toLowerCase() && r.principalId === assignment.identityPrincipalId)).toBe(true);
    expect(inventory.remediations.filter((r) => r.policyAssignmentId.toLowerCase() === assignment.id.toLowerCase()).map((r) => r.provisioningState)).toEqual(["Succeeded"]);
    expect(plan(spec, inventory).steps).toEqual([]);

    const log = await lab.emu.admin<{ value: { machineId: string; type: string; source: string }[] }>("GET", "/admin/extension-puts");
    const dependency = log.value.filter((e) => /^DependencyAgent/i.test(e.type));
    // The group's machines that need it got it from Azure Policy's remediation at the group; none left alone did.
    expect(dependency.filter((e) => plainIds.includes(e.machineId.toLowerCase())).map((e) => e.source)).toEqual(["remediation", "remediation", "remediation"]);
    expect(dependency.filter((e) => /\/legacy-(other-)?\d+$/.test(e.machineId))).toEqual([]);
    expect(log.value.filter((e) => /\/legacy-(other-)?\d+$/.test(e.machineId))).toEqual([]);
  });
});
