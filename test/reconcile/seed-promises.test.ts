/**
 * Issue 18, "the seed's promises, where they break": each promise in a corner where it broke.
 */
import { plan, simulate, stepsOf } from "../../src/core";
import { parseSpec } from "../../src/spec/validate";
import { NOT_SCOPES_LIMIT } from "../../src/capabilities/extension-policies";
import { SUB } from "../helpers/fixtures";
import { ROLES } from "../../src/spec/policies";
import { applyHeartbeats } from "../../src/azure/read/heartbeat";
import { parseInventory } from "../../src/inventory/load";
import { association, dcr, defaultWorkspace, inventory, laExtension, machine, spec, workspace } from "../helpers/fixtures";

describe("deleteUnusedDefaultWorkspaces: every reporter counts, a workspace in use is never deleted", () => {
  const eus = defaultWorkspace("EUS", "c6000000-0000-4000-8000-000000000000", "eastus", undefined, { solutions: ["Security"] });
  const central = workspace("central", "c7000000-0000-4000-8000-000000000000", { solutions: ["Security"] });
  const onCentral = (name: string, extra = {}) => machine(name, { extensions: [laExtension("Windows", "1.0", central.customerId)], ...extra });
  const settings = spec({ workspace: { id: central.id }, reconfigureExisting: true, deleteUnusedDefaultWorkspaces: true });

  it("deletes it when nothing reports to it (the control)", () => {
    const p = plan(settings, inventory({ workspaces: [eus, central], machines: [onCentral("a")] }));
    expect(stepsOf(p, "delete-workspace").map((s) => s.target)).toEqual([eus.id]);
  });

  it.each([
    ["a directly installed agent", { agents: [{ kind: "direct" as const, workspaceCustomerIds: [eus.customerId] }] }],
    ["an Operations Manager agent", { agents: [{ kind: "scom" as const, version: "2019", workspaceCustomerIds: [eus.customerId] }] }],
    ["an Azure Monitor Agent heartbeat", { agents: [{ kind: "ama" as const, workspaceCustomerIds: [eus.customerId] }] }],
  ])("%s reporting to it keeps it, with a finding", (_what, extra) => {
    const p = plan(settings, inventory({ workspaces: [eus, central], machines: [onCentral("a", extra)] }));
    expect(stepsOf(p, "delete-workspace")).toEqual([]);
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "warning", code: "default-workspace-in-use", target: eus.id }));
  });

  it("a machine associated with a data collection rule that sends to it keeps it", () => {
    const a = onCentral("a");
    const p = plan(settings, inventory({ workspaces: [eus, central], machines: [a], dataCollectionRules: [dcr(eus, "Minimal")], dataCollectionRuleAssociations: [association(a, eus)] }));
    expect(stepsOf(p, "delete-workspace")).toEqual([]);
    expect(p.findings).toContainEqual(expect.objectContaining({ code: "default-workspace-in-use", target: eus.id }));
  });

  it("the heartbeat reader keeps an Operations Manager agent's workspace", () => {
    const m = machine("scom");
    applyHeartbeats([m], [{ resourceId: m.id, category: "SCOM Agent", version: "10.19.10050.0", workspaceCustomerId: eus.customerId }]);
    expect(m.agents).toEqual([{ kind: "scom", version: "2019", workspaceCustomerIds: [eus.customerId] }]);
  });
});

describe("the Dependency-agent remediation never reaches a machine the seed's rules exclude", () => {
  const ext = { dependencyAgent: { windows: true, linux: false } };
  const remediated = (p: ReturnType<typeof plan>) => stepsOf(p, "create-remediation").flatMap((s) => (s.details.resourceIds as string[]).map((id) => id.split("/").pop()));

  it("not an Operations Manager 2012 machine", () => {
    const inv = inventory({ machines: [machine("plain"), machine("scom2012", { agents: [{ kind: "scom", version: "2012" }] }), machine("scom2019", { agents: [{ kind: "scom", version: "2019" }] })] });
    expect(remediated(plan(spec({}, ext), inv))).toEqual(["plain", "scom2019"]);
  });

  it("not a machine with an existing agent on a subscription onboarded before 2019-03-17", () => {
    const inv = inventory({ machines: [machine("plain"), machine("direct", { agents: [{ kind: "direct", workspaceCustomerIds: ["c9000000-0000-4000-8000-000000000000"] }] })] }, "2018-06-01");
    expect(remediated(plan(spec({}, ext), inv))).toEqual(["plain"]);
  });
});

describe("the Dependency-agent assignment leaves those machines out of its scope (notScopes), since Azure's discovery evaluates all of it", () => {
  const ext = { dependencyAgent: { windows: true, linux: false } };
  const scom2012 = machine("scom2012", { agents: [{ kind: "scom", version: "2012" }] });
  const notScopesOf = (p: ReturnType<typeof plan>) => stepsOf(p, "assign-policy").map((s) => s.details.notScopes);

  it("lists an Operations Manager 2012 machine and an existing agent on a legacy subscription, not the others nor other OSes", () => {
    const direct = machine("direct", { agents: [{ kind: "direct", workspaceCustomerIds: ["c9000000-0000-4000-8000-000000000000"] }] });
    const linux2012 = machine("lin2012", { osType: "Linux", agents: [{ kind: "scom", version: "2012" }] });
    const inv = inventory({ machines: [machine("plain"), scom2012, direct, linux2012] }, "2018-06-01");
    expect(notScopesOf(plan(spec({}, ext), inv))).toEqual([[direct.id, scom2012.id]]);
    // Without any machine left alone, the assignment has no notScopes at all.
    expect(notScopesOf(plan(spec({}, ext), inventory({ machines: [machine("plain")] })))).toEqual([undefined]);
  });

  it("lists the spec's excluded resource groups there and the VMs its machine tags leave out", () => {
    const rg = `/subscriptions/${SUB}/resourceGroups/rg-sandbox`;
    const tagged = machine("tagged", { tags: { keep: "yes" } });
    const inRg = { ...machine("in-rg"), id: `${rg}/providers/Microsoft.Compute/virtualMachines/in-rg` };
    const s = parseSpec({ subscriptions: [SUB], logAnalyticsAgent: { autoProvision: true, agent: "mma" }, extensions: ext, exclude: { resourceGroups: [rg], machineTags: { keep: "*" } } });
    expect(notScopesOf(plan(s, inventory({ machines: [machine("plain"), tagged, inRg] })))).toEqual([[tagged.id, rg]]);
  });

  it("updates this tool's existing assignment whose notScopes differ, before its remediation, and once done plans nothing more", () => {
    const inv = inventory({ machines: [machine("plain"), scom2012] });
    const first = simulate(plan(spec({}, ext), inv), inv);
    const own = first.policyAssignments[0]!;
    expect(own.notScopes).toEqual([scom2012.id]);
    // The assignment as an older version of this tool made it (no notScopes), before its remediation.
    const stale = { ...first, machines: inv.machines, policyAssignments: [{ ...own, notScopes: undefined }], remediations: [] };
    const p = plan(spec({}, ext), stale);
    const [update] = stepsOf(p, "set-policy-not-scopes");
    expect(update).toMatchObject({ target: own.id, details: { notScopes: [scom2012.id], added: [scom2012.id], removed: [] } });
    expect(stepsOf(p, "assign-policy")).toEqual([]);
    expect(stepsOf(p, "create-remediation")[0]!.dependsOn).toContain(update!.id);
    const after = simulate(p, stale);
    expect(stepsOf(plan(spec({}, ext), after), "set-policy-not-scopes")).toEqual([]);
    // A machine no longer left alone leaves the list: a removal.
    const upgraded = { ...after, machines: after.machines.map((m) => (m.id === scom2012.id ? { ...m, agents: [{ kind: "scom" as const, version: "2019" }] } : m)) };
    expect(stepsOf(plan(spec({}, ext), upgraded), "set-policy-not-scopes")[0]!.details).toMatchObject({ notScopes: [], added: [], removed: [scom2012.id] });
  });

  it("does not change someone else's assignment, and starts no remediation of it while it would reach them", () => {
    const theirs = {
      id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/alz-deploy-da`,
      name: "alz-deploy-da",
      policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/1c210e94-a481-4beb-95fa-1571b434fb04",
      scope: `/subscriptions/${SUB}`,
      identityPrincipalId: "11111111-2222-4333-8444-555555555555",
    };
    // Their identity holds its role (this tool grants none to it: test/reconcile/rules.test.ts).
    const role = { id: "r-la", principalId: theirs.identityPrincipalId, roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLES.logAnalyticsContributor.id}`, scope: `/subscriptions/${SUB}` };
    const inv = (notScopes?: string[]) =>
      inventory({ machines: [machine("plain"), scom2012], policyAssignments: [{ ...theirs, ...(notScopes ? { notScopes } : {}) }], roleAssignments: [role] });
    const p = plan(spec({}, ext), inv());
    expect(stepsOf(p, "set-policy-not-scopes")).toEqual([]);
    expect(stepsOf(p, "create-remediation")).toEqual([]);
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "warning", code: "assignment-reaches-left-alone", target: theirs.id }));
    // Their notScopes cover it (its resource group): the remediation goes ahead.
    expect(stepsOf(plan(spec({}, ext), inv([`/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/scom2012`])), "create-remediation")).toHaveLength(1);
  });

  // Machines left alone over the limit are left out by resource group (test/reconcile/policy-groups.rules.test.ts); this
  // is the case where even whole groups are more than an assignment's notScopes hold.
  it("over the notScopes limit, installs it step by step there instead (removing this tool's assignment), with a warning", () => {
    const groups = Array.from({ length: NOT_SCOPES_LIMIT + 1 }, (_, i) => `/subscriptions/${SUB}/resourceGroups/rg-sandbox-${i}`);
    const s = parseSpec({ subscriptions: [SUB], logAnalyticsAgent: { autoProvision: true, agent: "mma" }, extensions: ext, exclude: { resourceGroups: groups } });
    const inv = inventory({ machines: [machine("plain"), machine("off", { powerState: "deallocated" })] });
    const p = plan(s, inv);
    expect(stepsOf(p, "assign-policy")).toEqual([]);
    expect(stepsOf(p, "create-remediation")).toEqual([]);
    const dependency = stepsOf(p, "install-extension").filter((s) => s.details.type === "DependencyAgentWindows");
    expect(dependency.map((s) => s.details.machineId.split("/").pop())).toEqual(["plain"]);
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "warning", code: "not-scopes-over-limit" }));
    expect(plan(s, simulate(p, inv)).steps).toEqual([]);
    // An assignment an earlier plan made (fewer machines left alone then) goes.
    const own = simulate(plan(spec({}, ext), inventory({ machines: [machine("plain")] })), inventory({ machines: [machine("plain")] })).policyAssignments;
    expect(own).toHaveLength(1);
    expect(stepsOf(plan(s, { ...inv, policyAssignments: own }), "unassign-policy").map((s) => s.target)).toEqual(own.map((a) => a.id));
  });
});

describe("a central workspace that is truly missing: nothing points at it", () => {
  it("no workspace setting is sent, and the error names it", () => {
    const ghost = workspace("ghost", "c8000000-0000-4000-8000-000000000000");
    const p = plan(spec({ workspace: { id: ghost.id } }), inventory({ machines: [machine("vm1")] }));
    expect(stepsOf(p, "set-workspace-setting")).toEqual([]);
    expect(p.steps.filter((s) => JSON.stringify(s.details).includes(ghost.id))).toEqual([]);
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "error", code: "workspace-not-found", target: ghost.id }));
  });
});

describe("a removed extension's last heartbeats", () => {
  it("are not a directly installed agent once they are older than the answer's fresh heartbeats by 10 minutes", () => {
    const ws = "c6000000-0000-4000-8000-000000000000";
    const now = Date.parse("2026-01-01T12:00:00Z");
    const [gone, still, other] = [machine("gone"), machine("still"), machine("other")];
    applyHeartbeats([gone, still, other], [
      { resourceId: gone.id, category: "Direct Agent", version: "10.20", workspaceCustomerId: ws, time: now - 11 * 60_000 },
      { resourceId: still.id, category: "Direct Agent", version: "10.20", workspaceCustomerId: ws, time: now - 60_000 },
      { resourceId: other.id, category: "Azure Monitor Agent", version: "1.2", workspaceCustomerId: ws, time: now },
    ]);
    expect(gone.agents).toEqual([]);
    expect(still.agents).toEqual([{ kind: "direct", workspaceCustomerIds: [ws] }]);
    // An Operations Manager agent keeps the whole hour: it may block provisioning (2012).
    const scom = machine("scom");
    applyHeartbeats([scom, other], [
      { resourceId: scom.id, category: "SCOM Agent", version: "7.0.8560.0", workspaceCustomerId: ws, time: now - 40 * 60_000 },
      { resourceId: other.id, category: "Azure Monitor Agent", version: "1.2", workspaceCustomerId: ws, time: now },
    ]);
    expect(scom.agents).toEqual([{ kind: "scom", version: "2012", workspaceCustomerIds: [ws] }]);
  });
});

describe("hostile inventories: duplicates are refused, naming them", () => {
  it("case variants of one machine id, and a subscription listed twice", () => {
    const a = machine("VM-WEB-02");
    const b = { ...machine("vm-web-02") };
    expect(() => parseInventory(inventory({ machines: [a, b] }))).toThrow(/machines\[1\]\.id: ".*vm-web-02" is listed already as machines\[0\] \(".*VM-WEB-02": ARM ids do not differ by case\)/);
    const twice = inventory();
    expect(() => parseInventory({ ...twice, subscriptions: [...twice.subscriptions, { id: twice.subscriptions[0]!.id, onboardedAt: "2018-01-01" }] })).toThrow(/subscriptions\[1\]\.id: .* is listed already as subscriptions\[0\]/);
  });
});
