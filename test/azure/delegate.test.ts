import { delegateLargeBatches } from "../../src/capabilities/log-analytics-agent";
import { NOT_SCOPES_LIMIT } from "../../src/capabilities/extension-policies";
import { plan, stepLabel } from "../../src/core";
import { inventory, laExtension, machine, spec, SUB, workspace } from "../helpers/fixtures";

const vms = (n: number, extra = {}) => Array.from({ length: n }, (_, i) => machine(`vm${String(i).padStart(3, "0")}`, extra));

describe("delegateLargeBatches", () => {
  it("leaves batches at or below the threshold step by step", () => {
    const inv = inventory({ machines: vms(5) });
    const p = plan(spec(), inv);
    expect(delegateLargeBatches(p, inv, 5).plan).toBe(p);
    expect(delegateLargeBatches(p, inv, 0).plan).toBe(p);
  });

  it("is computed once for a plan, its inventory and threshold: apply shows it, then runs that one", () => {
    const inv = inventory({ machines: vms(6) });
    const p = plan(spec(), inv);
    const shown = delegateLargeBatches(p, inv, 3);
    expect(shown.plan).not.toBe(p);
    expect(delegateLargeBatches(p, inv, 3)).toBe(shown);
    // Another threshold, inventory or plan is another delegation.
    expect(delegateLargeBatches(p, inv, 10).plan).toBe(p);
    expect(delegateLargeBatches(p, inventory({ machines: vms(6) }), 3)).not.toBe(shown);
    expect(delegateLargeBatches(plan(spec(), inv), inv, 3)).not.toBe(shown);
  });

  it("replaces a large batch by assign, grant, remediate, unassign, excluding every other VM without the agent", () => {
    const skipped = machine("vm-scom-2012", { agents: [{ kind: "scom", version: "2012" }] });
    const withAgent = machine("vm-has-agent", { extensions: [laExtension("Windows", "1.0", "c0000000-0000-4000-8000-000000000000")] });
    const inv = inventory({ machines: [...vms(6), skipped, withAgent] });
    const p = plan(spec(), inv);
    const { plan: d, notes } = delegateLargeBatches(p, inv, 3);
    expect(notes).toEqual([expect.stringMatching(/^6 Windows installs to .* handed to a remediation task \(1 machines excluded\)$/)]);
    expect(d.steps.filter((s) => s.action === "install-extension")).toEqual([]);
    const actions = d.steps.map((s) => s.action).filter((a) => /policy|role|remediation/.test(a));
    expect(actions).toEqual(["assign-policy", "grant-role", "create-remediation", "unassign-policy"]);
    const assign = d.steps.find((s) => s.action === "assign-policy")!;
    expect(assign.details).toMatchObject({
      policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/0868462e-646c-4fe3-9ced-a733534b6a2c",
      parameters: { effect: { value: "DeployIfNotExists" } },
      notScopes: [skipped.id],
      identity: "SystemAssigned",
    });
    const remediation = d.steps.find((s) => s.action === "create-remediation")!;
    expect((remediation.details.resourceIds as string[]).length).toBe(6);
    // the batch's workspace preparation still comes first
    const workspaceSteps = p.steps.filter((s) => s.action === "create-workspace").map((s) => s.id);
    expect(assign.dependsOn).toEqual(expect.arrayContaining(workspaceSteps));
    // every dependency names an earlier step
    const seen = new Set<string>();
    for (const s of d.steps) {
      for (const dep of s.dependsOn) expect(seen.has(dep)).toBe(true);
      seen.add(s.id);
    }
  });

  it("a workspace in another subscription (a hub's): its roles are granted at the workspace too (the policy's workspace parameter is marked assignPermissions), before the remediation", () => {
    const hub = "99999999-9999-9999-9999-999999999999";
    const central = workspace("law-hub", "c0000000-0000-4000-8000-000000000000", {}, hub);
    const inv = inventory({ machines: vms(6), workspaces: [central] });
    const p = plan(spec({ autoProvision: true, agent: "mma", workspace: { id: central.id } }), inv);
    const { plan: d } = delegateLargeBatches(p, inv, 3);
    const grants = d.steps.filter((s) => s.action === "grant-role");
    expect(grants.map((g) => [(g.details as { scope: string }).scope, (g.details as { roleDefinitionId: string }).roleDefinitionId.split("/").slice(0, 3).join("/")])).toEqual([
      [`/subscriptions/${SUB}`, `/subscriptions/${SUB}`],
      [central.id, `/subscriptions/${hub}`],
    ]);
    expect(grants[1]!.target.toLowerCase().startsWith(`${central.id.toLowerCase()}/providers/microsoft.authorization/roleassignments/`)).toBe(true);
    // The two grants of one role read apart: the hub's names where it is.
    expect(grants.map((g) => stepLabel(g))).toEqual([expect.stringMatching(/^Log Analytics Contributor to [^ ]+$/), expect.stringMatching(new RegExp(`^Log Analytics Contributor to [^ ]+ at law-hub \\(subscription ${hub}\\)$`))]);
    expect(d.steps.find((s) => s.action === "create-remediation")!.dependsOn).toEqual(expect.arrayContaining(grants.map((g) => g.id)));
  });

  it("excludes the VMs whose agent the plan's own steps write, and those whose agent has not Succeeded", () => {
    // Found by a CI flake: the remediation starts while the machines' steps run and selects the
    // non-compliant VMs up to the batch's size; an agent being upgraded (Updating) counted, took a
    // batch VM's place and got the batch's workspace deployed over the upgrade.
    const ws = "c0000000-0000-4000-8000-000000000000";
    const upgraded = machine("vm-old-agent", { extensions: [laExtension("Windows", "0.9", ws)] });
    const failedLeftAlone = machine("vm-failed-agent", { extensions: [{ ...laExtension("Windows", "1.0", ws), provisioningState: "Failed" }], vmAgent: false });
    const healthy = machine("vm-healthy-agent", { extensions: [laExtension("Windows", "1.0", ws)] });
    const inv = inventory({ machines: [...vms(6), upgraded, failedLeftAlone, healthy] });
    const p = plan(spec(), inv);
    expect(p.steps.filter((s) => (s.details as { machineId?: string }).machineId === upgraded.id).map((s) => s.action)).toEqual(["upgrade-extension"]);
    expect(p.steps.filter((s) => (s.details as { machineId?: string }).machineId === failedLeftAlone.id)).toEqual([]);
    const { plan: d, notes } = delegateLargeBatches(p, inv, 3);
    const assign = d.steps.find((s) => s.action === "assign-policy")!;
    expect(assign.details.notScopes).toEqual([failedLeftAlone.id, upgraded.id].sort());
    expect(notes).toEqual([expect.stringMatching(/\(2 machines excluded\)$/)]);
    // the upgrade stays the plan's own step
    expect(d.steps.filter((s) => s.action === "upgrade-extension").map((s) => (s.details as { machineId: string }).machineId)).toEqual([upgraded.id]);
  });

  it("keeps a batch step by step when too many machines would need excluding", () => {
    const others = Array.from({ length: NOT_SCOPES_LIMIT + 1 }, (_, i) => machine(`x${i}`, { powerState: "deallocated" }));
    const inv = inventory({ machines: [...vms(4), ...others] });
    const p = plan(spec(), inv);
    const { plan: d, notes } = delegateLargeBatches(p, inv, 3);
    expect(d).toBe(p);
    expect(notes[0]).toMatch(/stay step by step: 401 other machines would need excluding/);
  });

  it("never delegates Arc, scale sets or AMA installs", () => {
    const arc = Array.from({ length: 5 }, (_, i) => ({ ...machine(`a${i}`), kind: "arc" as const, id: `/subscriptions/${SUB}/resourceGroups/r/providers/Microsoft.HybridCompute/machines/a${i}` }));
    const inv = inventory({ machines: arc });
    const p = plan(spec(), inv);
    expect(delegateLargeBatches(p, inv, 2).plan).toBe(p);
  });
});
