/**
 * One test per machine decision of DESIGN.md's table: the decision, the workspace and the reason.
 */
import { machineOf, plan } from "../../src/core";
import { simulate } from "../../src/core";
import type { MachinePlan, Plan } from "../../src/core";
import type { Inventory } from "../../src/inventory/schema";
import type { Spec } from "../../src/spec/schema";
import { defaultWorkspace, inventory, laExtension, machine, spec, workspace, workspaceId, SUB } from "../helpers/fixtures";

const DEF_WEU = "d0000000-0000-4000-8000-00000000000e"; // DefaultWorkspace-SUB-WEU
const DEF_EUS = "d0000000-0000-4000-8000-0000000000e5"; // DefaultWorkspace-SUB-EUS
const USER = "a0000000-0000-4000-8000-000000000001";
const weu = defaultWorkspace("WEU", DEF_WEU, "westeurope", SUB, { solutions: ["Security"] });
const eus = defaultWorkspace("EUS", DEF_EUS, "eastus", SUB, { solutions: ["Security"] });
const user = workspace("team-ws", USER, { solutions: ["Security"] });

function only(p: Plan): MachinePlan {
  expect(p.machines).toHaveLength(1);
  return p.machines[0]!;
}

function decide(s: Spec, inv: Inventory): { m: MachinePlan; p: Plan } {
  const p = plan(s, inv);
  return { m: only(p), p };
}

function machineSteps(p: Plan) {
  return p.steps.filter((s) => machineOf(s) !== undefined);
}

describe("machine decisions (Log Analytics agent)", () => {
  it("compliant: the extension reports to the target workspace at the current version", () => {
    const { m, p } = decide(spec(), inventory({ workspaces: [weu], machines: [machine("vm1", { extensions: [laExtension("Windows", "1.0", DEF_WEU)] })] }));
    expect(m.decision).toBe("compliant");
    expect(m.workspace).toBe(weu.id);
    expect(m.reason).toBe(`The Log Analytics agent extension 1.0 reports to DefaultWorkspace-${SUB}-WEU, as it should.`);
    expect(machineSteps(p)).toEqual([]);
  });

  it("install: no agent, the extension is installed connected to the target", () => {
    const { m, p } = decide(spec(), inventory({ workspaces: [weu], machines: [machine("vm1", { osType: "Linux" })] }));
    expect(m.decision).toBe("install");
    expect(m.workspace).toBe(weu.id);
    expect(m.reason).toBe(`No Log Analytics agent: the extension is installed and connected to DefaultWorkspace-${SUB}-WEU.`);
    const [step] = machineSteps(p);
    expect(step).toMatchObject({
      action: "install-extension",
      target: `${m.id}/extensions/OMSAgentForLinux`,
      details: { publisher: "Microsoft.EnterpriseCloud.Monitoring", type: "OmsAgentForLinux", typeHandlerVersion: "1.13", workspaceId: weu.id },
    });
  });

  it("install-multihome: Windows with a direct agent gets the extension and keeps its connections", () => {
    const { m, p } = decide(spec(), inventory({ workspaces: [weu], machines: [machine("vm1", { agents: [{ kind: "direct", workspaceCustomerIds: [USER] }] })] }));
    expect(m.decision).toBe("install-multihome");
    expect(m.reason).toMatch(/directly installed Log Analytics agent reports to 1 workspace; .*Windows multi-homing.*existing connections stay/);
    expect(machineSteps(p).map((s) => s.action)).toEqual(["install-extension"]);
  });

  it("install-beside-scom: an Operations Manager agent other than 2012", () => {
    const { m, p } = decide(spec(), inventory({ workspaces: [weu], machines: [machine("vm1", { agents: [{ kind: "scom", version: "2019" }] })] }));
    expect(m.decision).toBe("install-beside-scom");
    expect(m.reason).toMatch(/Operations Manager 2019 agent is present: the extension is installed side by side/);
    expect(machineSteps(p).map((s) => s.action)).toEqual(["install-extension"]);
  });

  it("reconnect: from a Security Center workspace to a custom one with reconfigureExisting", () => {
    const s = spec({ workspace: { id: user.id }, reconfigureExisting: true });
    const { m, p } = decide(s, inventory({ workspaces: [eus, user], machines: [machine("vm1", { extensions: [laExtension("Windows", "1.0", DEF_EUS)] })] }));
    expect(m.decision).toBe("reconnect");
    expect(m.workspace).toBe(user.id);
    expect(m.reason).toBe(`The extension reports to the Security Center workspace DefaultWorkspace-${SUB}-EUS; with reconfigureExisting it is reconnected to team-ws.`);
    expect(machineSteps(p)).toMatchObject([{ action: "reconnect-extension", details: { fromWorkspaceId: eus.id, workspaceId: user.id } }]);
  });

  it("keep-user-workspace: a user's workspace is never overridden, even with reconfigureExisting", () => {
    const other = workspace("other-ws", "b0000000-0000-4000-8000-000000000002", { solutions: ["SecurityCenterFree"] });
    const s = spec({ workspace: { id: user.id }, reconfigureExisting: true });
    const { m, p } = decide(s, inventory({ workspaces: [user, other], machines: [machine("vm1", { extensions: [laExtension("Windows", "1.0", other.customerId)] })] }));
    expect(m.decision).toBe("keep-user-workspace");
    expect(m.workspace).toBe(other.id);
    expect(m.reason).toMatch(/reports to the user workspace other-ws, which is never overridden/);
    expect(machineSteps(p)).toEqual([]);
  });

  it("keep-user-workspace: a user's workspace named like a default one, outside DefaultResourceGroup-*, is not a Security Center workspace", () => {
    const mine = workspace(`DefaultWorkspace-${SUB}-MINE`, "b0000000-0000-4000-8000-000000000003", { id: workspaceId(`DefaultWorkspace-${SUB}-MINE`, SUB, "rg-mine"), solutions: ["Security"] });
    const s = spec({ workspace: { id: user.id }, reconfigureExisting: true });
    const { m, p } = decide(s, inventory({ workspaces: [user, mine], machines: [machine("vm1", { extensions: [laExtension("Windows", "1.0", mine.customerId)] })] }));
    expect(m).toMatchObject({ decision: "keep-user-workspace", workspace: mine.id });
    expect(m.reason).toMatch(new RegExp(`reports to the user workspace DefaultWorkspace-${SUB}-MINE, which is never overridden`));
    expect(machineSteps(p)).toEqual([]);
  });

  it("keep-existing: reconfigureExisting false leaves machines on a Security Center workspace", () => {
    const s = spec({ workspace: { id: user.id }, reconfigureExisting: false });
    const { m, p } = decide(s, inventory({ workspaces: [eus, user], machines: [machine("vm1", { extensions: [laExtension("Windows", "1.0", DEF_EUS)] })] }));
    expect(m.decision).toBe("keep-existing");
    expect(m.workspace).toBe(eus.id);
    expect(m.reason).toBe(`The extension already reports to DefaultWorkspace-${SUB}-EUS; with reconfigureExisting false only new machines get team-ws.`);
    expect(machineSteps(p)).toEqual([]);
  });

  it("upgrade: right workspace, older version", () => {
    const { m, p } = decide(spec(), inventory({ workspaces: [weu], machines: [machine("vm1", { osType: "Linux", extensions: [laExtension("Linux", "1.7", DEF_WEU)] })] }));
    expect(m.decision).toBe("upgrade");
    expect(m.reason).toMatch(/runs version 1\.7, older than 1\.13: it is upgraded/);
    expect(machineSteps(p)).toMatchObject([{ action: "upgrade-extension", details: { fromVersion: "1.7", typeHandlerVersion: "1.13" } }]);
  });

  it("skip-linux-direct-agent: Linux multi-homing is unsupported, the machine is not altered", () => {
    const { m, p } = decide(spec(), inventory({ workspaces: [weu], machines: [machine("vm1", { osType: "Linux", agents: [{ kind: "direct", workspaceCustomerIds: [USER] }] })] }));
    expect(m.decision).toBe("skip-linux-direct-agent");
    expect(m.workspace).toBeNull();
    expect(m.reason).toMatch(/multi-homing is not supported on Linux, so the machine is not altered/);
    expect(machineSteps(p)).toEqual([]);
  });

  it("skip-not-eligible: no install in a region opened after 2024-01-01, where Azure refuses the agent", () => {
    const { m, p } = decide(spec(), inventory({ workspaces: [weu], machines: [machine("vm1", { location: "spaincentral" })] }));
    expect(m.decision).toBe("skip-not-eligible");
    expect(m.workspace).toBeNull();
    expect(m.reason).toMatch(/spaincentral, a region opened after 1 January 2024 where the Log Analytics agent was never offered/);
    expect(machineSteps(p)).toEqual([]);
  });

  it("skip-legacy-subscription: onboarded before 2019-03-17 with an existing agent", () => {
    const inv = inventory({ workspaces: [weu], machines: [machine("vm1", { agents: [{ kind: "direct", workspaceCustomerIds: [USER] }] })] }, "2019-03-16");
    const { m, p } = decide(spec(), inv);
    expect(m.decision).toBe("skip-legacy-subscription");
    expect(m.reason).toMatch(/onboarded on 2019-03-16, before 17 March 2019, and an existing agent was detected/);
    expect(machineSteps(p)).toEqual([]);
  });

  it("the legacy rule does not touch machines without an agent, nor subscriptions onboarded on the cut-off day", () => {
    expect(decide(spec(), inventory({ workspaces: [weu], machines: [machine("vm1")] }, "2018-01-01")).m.decision).toBe("install");
    const onDay = inventory({ workspaces: [weu], machines: [machine("vm1", { agents: [{ kind: "direct" }] })] }, "2019-03-17");
    expect(decide(spec(), onDay).m.decision).toBe("install-multihome");
  });

  it("blocked-scom-2012: an Operations Manager 2012 agent blocks provisioning with an error finding", () => {
    const { m, p } = decide(spec(), inventory({ workspaces: [weu], machines: [machine("vm1", { agents: [{ kind: "scom", version: "2012 R2" }] })] }));
    expect(m.decision).toBe("blocked-scom-2012");
    expect(m.reason).toMatch(/Operations Manager 2012 R2 agent is installed: auto provisioning must not be enabled/);
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "error", code: "scom-2012-agent", target: m.id }));
    expect(machineSteps(p)).toEqual([]);
  });

  it.each([
    [{ powerState: "deallocated" as const }, /it is deallocated/],
    [{ vmAgent: false }, /no ready VM agent/],
    [{ appliance: true }, /network appliance/],
  ])("skip-not-eligible: %o", (extra, reason) => {
    const { m, p } = decide(spec(), inventory({ workspaces: [weu], machines: [machine("vm1", extra)] }));
    expect(m.decision).toBe("skip-not-eligible");
    expect(m.reason).toMatch(reason);
    expect(machineSteps(p)).toEqual([]);
  });

  it("out-of-scope: auto provisioning off installs nothing and removes nothing", () => {
    const s = spec({ autoProvision: false });
    const inv = inventory({ workspaces: [weu], machines: [machine("vm1"), machine("vm2", { extensions: [laExtension("Windows", "1.0", DEF_WEU)] })] });
    const p = plan(s, inv);
    expect(p.machines.map((m) => m.decision)).toEqual(["out-of-scope", "out-of-scope"]);
    expect(p.machines[0]!.reason).toBe("Auto provisioning of the Log Analytics agent is off: nothing is installed, and no installed agent is removed.");
    expect(p.machines[1]!.workspace).toBe(weu.id);
    expect(p.steps).toEqual([]);
  });

  it("machines of subscriptions outside the spec are not in the plan", () => {
    const p = plan(spec(), inventory({ workspaces: [weu], machines: [machine("vm1"), machine("vm-other", {}, "99999999-9999-9999-9999-999999999999")] }));
    expect(p.machines.map((m) => m.id.split("/").pop())).toEqual(["vm1"]);
  });

  it("an extension reporting to a soft-deleted workspace is kept, and its reason names that workspace (user trial 17)", () => {
    const cid = "ffffffff-0000-4000-8000-000000000000";
    const deleted = { id: `/subscriptions/${SUB}/resourceGroups/rg-old/providers/Microsoft.OperationalInsights/workspaces/law-old`, location: "westeurope", customerId: cid };
    const { m } = decide(spec(), inventory({ workspaces: [weu], deletedWorkspaces: [deleted], machines: [machine("vm1", { extensions: [laExtension("Windows", "1.0", cid)] })] }));
    expect(m.decision).toBe("keep-user-workspace");
    expect(m.reason).toBe(
      `The extension reports to law-old (workspace ${cid}), which is soft-deleted: created again in its resource group and location within 14 days, it is recovered with its connected agents; Security Center never overrides a connection it did not make.`,
    );
  });

  it("an extension reporting to its soft-deleted default workspace, which the plan recovers, is compliant in the same plan as after the apply", () => {
    // The default workspace deleted by hand: soft-deleted where the plan creates it, so the create recovers it with its workspace id.
    const deleted = { id: weu.id, location: "westeurope", customerId: DEF_WEU };
    const vm = machine("vm1", { extensions: [laExtension("Windows", "1.0", DEF_WEU)] });
    const { m, p } = decide(spec(), inventory({ deletedWorkspaces: [deleted], machines: [vm] }));
    expect(p.findings.map((f) => f.code)).toContain("default-workspace-recovered");
    expect(p.steps.map((st) => st.action)).toContain("create-workspace");
    expect(m).toMatchObject({ decision: "compliant", workspace: weu.id });
    expect(machineSteps(p)).toEqual([]);
    // After the apply: the recovered workspace is read back; the decision is the same (one apply settles it).
    expect(decide(spec(), inventory({ workspaces: [weu], machines: [vm] })).m).toMatchObject({ decision: "compliant", workspace: weu.id });
    // Deleted elsewhere (another resource group): the create is refused, nothing is recovered, the agent is kept as a connection we did not make.
    const elsewhere = { ...deleted, id: deleted.id.replace("DefaultResourceGroup-WEU", "rg-other") };
    expect(decide(spec(), inventory({ deletedWorkspaces: [elsewhere], machines: [vm] })).m.decision).toBe("keep-user-workspace");
  });

  it("an extension reporting to a workspace we cannot see is treated as a user's and kept", () => {
    const { m } = decide(spec(), inventory({ workspaces: [weu], machines: [machine("vm1", { extensions: [laExtension("Windows", "1.0", "ffffffff-0000-4000-8000-000000000000")] })] }));
    expect(m.decision).toBe("keep-user-workspace");
    expect(m.reason).toMatch(/not in the inventory; Security Center never overrides a connection it did not make/);
  });

  it("uses the workspace id of the custom target in the machine table", () => {
    const s = spec({ workspace: { id: workspaceId("team-ws") } });
    const { m } = decide(s, inventory({ workspaces: [user], machines: [machine("vm1")] }));
    expect(m).toMatchObject({ decision: "install", workspace: user.id });
  });
});

describe("a failed extension", () => {
  const DEF = "d0000000-0000-4000-8000-0000000000f1";
  const ws = defaultWorkspace("WEU", DEF, "westeurope", SUB, { solutions: ["Security"] });
  const failed = { ...laExtension("Windows", "1.0", DEF), provisioningState: "Failed" };

  it("configured for the target is installed again (it reports nothing)", () => {
    const p = plan(spec(), inventory({ workspaces: [ws], machines: [machine("vm1", { extensions: [failed] })] }));
    expect(p.machines[0]).toMatchObject({ decision: "install", reason: `The extension for DefaultWorkspace-${SUB}-WEU failed to provision: it is installed again.` });
    expect(p.steps.filter((s) => s.action === "install-extension")).toHaveLength(1);
  });

  it("is not touched when the machine cannot take it", () => {
    const p = plan(spec(), inventory({ workspaces: [ws], machines: [machine("vm1", { extensions: [failed], powerState: "stopped" })] }));
    expect(p.machines[0]!.decision).toBe("skip-not-eligible");
  });

  describe("configured for a Security Center workspace that is not the target, reconfigureExisting false (user trial 19)", () => {
    const user = workspace("law-central", USER, { solutions: ["Security"] });
    const s = spec({ workspace: { id: user.id }, reconfigureExisting: false });

    it("is not kept there (keep-existing keeps monitored machines): it is installed again, connected to the target", () => {
      const p = plan(s, inventory({ workspaces: [ws, user], machines: [machine("vm1", { extensions: [failed] })] }));
      expect(p.machines[0]).toMatchObject({
        decision: "install",
        workspace: user.id,
        reason: `The extension for DefaultWorkspace-${SUB}-WEU failed to provision and reports nothing, so reconfigureExisting false does not keep it there: it is installed again, connected to law-central.`,
      });
      expect(machineSteps(p)).toMatchObject([{ action: "install-extension", details: { workspaceId: user.id } }]);
    });

    it("a provisioned one is still kept", () => {
      const ok = laExtension("Windows", "1.0", DEF);
      expect(plan(s, inventory({ workspaces: [ws, user], machines: [machine("vm1", { extensions: [ok] })] })).machines[0]!.decision).toBe("keep-existing");
    });

    it("is not touched when the machine cannot take it", () => {
      const p = plan(s, inventory({ workspaces: [ws, user], machines: [machine("vm1", { extensions: [failed], powerState: "stopped" })] }));
      expect(p.machines[0]).toMatchObject({ decision: "skip-not-eligible", workspace: null });
      expect(p.machines[0]!.reason).toMatch(new RegExp(`^The extension for DefaultWorkspace-${SUB}-WEU failed to provision, and it cannot be installed again: `));
    });

    it("plan, simulate, plan again: the reinstall settles", () => {
      const inv = inventory({ workspaces: [ws, user], machines: [machine("vm1", { extensions: [failed] })] });
      const after = plan(s, simulate(plan(s, inv), inv));
      expect(after.machines[0]!.decision).toBe("compliant");
      expect(after.steps).toEqual([]);
    });
  });

  it("plan, simulate, plan again: the reinstall settles", () => {
    const inv = inventory({ workspaces: [ws], machines: [machine("vm1", { extensions: [failed] })] });
    const s = spec();
    expect(plan(s, simulate(plan(s, inv), inv)).steps).toEqual([]);
  });
});

describe("a failed Linux extension beside a directly installed agent (user trial 19)", () => {
  const DEF = "d0000000-0000-4000-8000-0000000000f1";
  const ws = defaultWorkspace("WEU", DEF, "westeurope", SUB, { solutions: ["Security"] });
  const failedWith = (failure?: { code?: string; message?: string }) => ({ ...laExtension("Linux", "1.13", DEF), provisioningState: "Failed", ...(failure ? { failure } : {}) });
  const EXIT_10 = { code: "ProvisioningState/failed/10", message: "Enable failed with exit code 10: this machine is already connected to another Log Analytics workspace." };
  const linux = (extra: Parameters<typeof machine>[1]) => machine("vm1", { osType: "Linux", ...extra });

  it("exit code 10: skip-linux-direct-agent, nothing installed again, the failed extension left with a warning", () => {
    const p = plan(spec(), inventory({ workspaces: [ws], machines: [linux({ extensions: [failedWith(EXIT_10)] })] }));
    expect(p.machines[0]).toMatchObject({ decision: "skip-linux-direct-agent", workspace: null });
    expect(p.machines[0]!.reason).toBe(
      "The Log Analytics extension OMSAgentForLinux failed with exit code 10: this Linux machine is already connected to another workspace, one this tool cannot read (a directly installed agent). " +
        "Multi-homing is not supported on Linux, so the machine is not altered: the extension is not installed again, and the failed one is left in place, because removing it removes the directly installed agent too.",
    );
    expect(machineSteps(p)).toEqual([]);
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "warning", code: "failed-extension-beside-direct-agent", target: p.machines[0]!.id }));
  });

  it.each([
    ["the handler's current message", { message: "Install failed due to multiple connections: This machine is already connected to some other Log Analytics workspace, please set stopOnMultipleConnections to false (LINUXOMSAGENTEXTENSION_ERROR_MULTIPLECONNECTIONS)" }],
    ["the status code alone", { code: "ProvisioningState/failed/10" }],
  ])("recognises %s", (_, failure) => {
    const p = plan(spec(), inventory({ workspaces: [ws], machines: [linux({ extensions: [failedWith(failure)] })] }));
    expect(p.machines[0]!.decision).toBe("skip-linux-direct-agent");
  });

  it("a direct agent's heartbeat beside the failed extension: skipped too, whatever the failure", () => {
    const p = plan(spec(), inventory({ workspaces: [ws], machines: [linux({ extensions: [failedWith()], agents: [{ kind: "direct", workspaceCustomerIds: [USER] }] })] }));
    expect(p.machines[0]!.decision).toBe("skip-linux-direct-agent");
    expect(p.machines[0]!.reason).toMatch(/^A Log Analytics agent is installed directly on this Linux machine, and the extension OMSAgentForLinux beside it failed to provision\. /);
    expect(machineSteps(p)).toEqual([]);
  });

  it("not reconnected either when it names a Security Center workspace that is not the target", () => {
    const s = spec({ workspace: { id: user.id }, reconfigureExisting: true });
    const p = plan(s, inventory({ workspaces: [ws, user], machines: [linux({ extensions: [failedWith(EXIT_10)] })] }));
    expect(p.machines[0]!.decision).toBe("skip-linux-direct-agent");
    expect(machineSteps(p)).toEqual([]);
  });

  it("another failure (exit code 52), or a Windows machine's, is installed again as before", () => {
    const other = plan(spec(), inventory({ workspaces: [ws], machines: [linux({ extensions: [failedWith({ code: "ProvisioningState/failed/52", message: "Install failed with exit code 52" })] })] }));
    expect(other.machines[0]!.decision).toBe("install");
    const windows = { ...laExtension("Windows", "1.0", DEF), provisioningState: "Failed", failure: EXIT_10 };
    expect(plan(spec(), inventory({ workspaces: [ws], machines: [machine("vm1", { extensions: [windows] })] })).machines[0]!.decision).toBe("install");
  });
});

describe("the heartbeat-scope finding: how far the read looked for agents", () => {
  const heartbeat = { workspaces: 7, outside: 3, unread: 1, complete: true };
  const find = (p: Plan) => p.findings.filter((f) => f.code === "heartbeat-scope");

  it("says how many workspaces were read when machines are planned for install", () => {
    const p = plan(spec(), inventory({ workspaces: [weu], machines: [machine("vm1"), machine("vm2")], heartbeat }));
    expect(find(p)).toEqual([
      expect.objectContaining({
        severity: "info",
        target: "logAnalyticsAgent",
        message: expect.stringMatching(/^2 machine\(s\) are planned for install because no agent was seen on them\. Heartbeat was read from 7 workspace\(s\) the credential can see \(3 outside the inventory's subscriptions, 1 listed but not readable\)\. An agent reporting to a workspace it cannot read is not seen/),
      }),
    ]);
    const cut = plan(spec(), inventory({ workspaces: [weu], machines: [machine("vm1")], heartbeat: { ...heartbeat, unread: 0, complete: false } }));
    expect(find(cut)[0]!.message).toMatch(/\(3 outside the inventory's subscriptions; Resource Graph listed the tenant's workspaces for only part of its subscriptions, so others were not read\)/);
  });

  it("says nothing when no machine is planned for install, or when the inventory does not say what was read", () => {
    expect(find(plan(spec(), inventory({ workspaces: [weu], machines: [machine("vm1", { extensions: [laExtension("Windows", "1.0", DEF_WEU)] })], heartbeat })))).toEqual([]);
    expect(find(plan(spec(), inventory({ workspaces: [weu], machines: [machine("vm1")] })))).toEqual([]);
  });
});
