/**
 * Issue 18, "the seed's promises, where they break": each promise in a corner where it broke.
 */
import { plan, stepsOf } from "../../src/core";
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
