/**
 * One test per machine decision under `agent: ama` (decideAma.ts): the decision, the workspace,
 * the reason and the machine's steps.
 */
import { machineOf, plan } from "../../src/core";
import type { MachinePlan, Plan, Step } from "../../src/core";
import type { Inventory, InventoryMachine } from "../../src/inventory/schema";
import type { Spec } from "../../src/spec/schema";
import { dataCollectionRuleId } from "../../src/spec/dcr";
import {
  SUB,
  SYSTEM_IDENTITY,
  amaExtension,
  association,
  dcr,
  defaultWorkspace,
  dependencyExtension,
  inventory,
  laExtension,
  machine,
  spec,
  workspace,
} from "../helpers/fixtures";

const DEF_WEU = "d0000000-0000-4000-8000-00000000000e";
const DEF_EUS = "d0000000-0000-4000-8000-0000000000e5";
const USER = "a0000000-0000-4000-8000-000000000001";
const weu = defaultWorkspace("WEU", DEF_WEU, "westeurope", SUB, { solutions: ["Security"] });
const eus = defaultWorkspace("EUS", DEF_EUS, "eastus", SUB, { solutions: ["Security"] });
const user = workspace("team-ws", USER, { solutions: ["Security"] });
const WEU_NAME = `DefaultWorkspace-${SUB}-WEU`;
const WEU_DCR = `asc-${WEU_NAME}`;

const ama = (la: Parameters<typeof spec>[0] = {}) => spec({ agent: "ama", ...la });
/** An AMA machine that is fully set up with the rule of `ws`. */
const setUp = (name: string, extra: Partial<InventoryMachine> = {}) => machine(name, { extensions: [amaExtension("Windows")], identity: SYSTEM_IDENTITY, ...extra });
const HEARTBEAT = { kind: "ama" as const, workspaceCustomerIds: [DEF_WEU] };

function decide(s: Spec, inv: Inventory): { m: MachinePlan; p: Plan; steps: Step[] } {
  const p = plan(s, inv);
  expect(p.machines).toHaveLength(1);
  return { m: p.machines[0]!, p, steps: p.steps.filter((st) => machineOf(st) !== undefined) };
}

/** The inventory with the WEU rule in place, and these machines and associations. */
function withRule(machines: InventoryMachine[], associated: InventoryMachine[] = [], extra: Partial<Inventory> = {}): Inventory {
  return inventory({
    workspaces: [weu, eus, user],
    dataCollectionRules: [dcr(weu, "None")],
    machines,
    dataCollectionRuleAssociations: associated.map((m) => association(m, weu)),
    ...extra,
  });
}

describe("machine decisions (Azure Monitor Agent)", () => {
  it("ama-install: no agent; identity, AMA and association, in that order", () => {
    const vm = machine("vm1");
    const { m, p, steps } = decide(ama(), withRule([vm]));
    expect(m).toMatchObject({ decision: "ama-install", workspace: weu.id });
    expect(m.reason).toBe(`No agent: the Azure Monitor Agent is installed and associated with ${WEU_DCR}, which sends to ${WEU_NAME}.`);
    expect(steps.map((s) => s.action)).toEqual(["enable-identity", "install-extension", "associate-dcr"]);
    const [identity, install, assoc] = steps;
    expect(identity).toMatchObject({ target: vm.id, details: { identityType: "SystemAssigned", fromIdentityType: null, machineKind: "vm" } });
    expect(install).toMatchObject({
      target: `${vm.id}/extensions/AzureMonitorWindowsAgent`,
      dependsOn: [identity!.id],
      details: { publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorWindowsAgent", typeHandlerVersion: "1.1", workspaceId: null, enableAutomaticUpgrade: true },
    });
    expect(assoc).toMatchObject({
      target: `${vm.id}/providers/Microsoft.Insights/dataCollectionRuleAssociations/asc-autoprovision`,
      details: { name: "asc-autoprovision", dataCollectionRuleId: dataCollectionRuleId(weu.id), workspaceId: weu.id, fromDataCollectionRuleId: null },
    });
    // the rule (here updated to the spec's tier) comes before the association
    expect(assoc!.dependsOn).toEqual(p.steps.filter((s) => s.action === "update-dcr").map((s) => s.id));
  });

  it("ama-install keeps user-assigned identities, and Arc machines need no identity step", () => {
    const ua = machine("vm-ua", { osType: "Linux", identity: { type: "UserAssigned" } });
    expect(decide(ama(), withRule([ua])).steps[0]).toMatchObject({ action: "enable-identity", details: { identityType: "SystemAssigned, UserAssigned", fromIdentityType: "UserAssigned" } });
    const arc = machine("arc1", { kind: "arc", id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/arc1` });
    const { steps } = decide(ama(), withRule([arc]));
    expect(steps.map((s) => s.action)).toEqual(["install-extension", "associate-dcr"]);
    expect(steps[0]!.dependsOn).toEqual([]);
  });

  it("ama-install beside an Operations Manager agent: the agent stays", () => {
    const { m } = decide(ama(), withRule([machine("vm1", { agents: [{ kind: "scom", version: "2019" }] })]));
    expect(m.decision).toBe("ama-install");
    expect(m.reason).toBe(`An Operations Manager 2019 agent is present and stays: the Azure Monitor Agent is installed and associated with ${WEU_DCR}, which sends to ${WEU_NAME}.`);
  });

  it("ama-migrate: the Log Analytics extension stays (removeLegacyAgent false), AMA goes where it reports", () => {
    const { m, steps } = decide(ama(), withRule([machine("vm1", { extensions: [laExtension("Windows", "1.0", DEF_WEU)] })]));
    expect(m).toMatchObject({ decision: "ama-migrate", workspace: weu.id });
    expect(m.reason).toBe(
      `The Log Analytics agent extension is installed: the Azure Monitor Agent is installed and associated with ${WEU_DCR}, which sends to ${WEU_NAME}. The legacy agent stays (removeLegacyAgent is false).`,
    );
    expect(steps.map((s) => s.action)).toEqual(["enable-identity", "install-extension", "associate-dcr"]);
  });

  it("ama-migrate with removeLegacyAgent: nothing is removed before AMA reports", () => {
    const { m, steps } = decide(ama({ removeLegacyAgent: true }), withRule([machine("vm1", { extensions: [laExtension("Windows", "1.0", DEF_WEU)] })]));
    expect(m.decision).toBe("ama-migrate");
    expect(m.reason).toMatch(/The legacy agent is removed in a later run, once AMA reports\.$/);
    expect(steps.map((s) => s.action)).not.toContain("remove-extension");
  });

  it("ama-migrate from a direct agent", () => {
    const { m } = decide(ama(), withRule([machine("vm1", { agents: [{ kind: "direct", workspaceCustomerIds: [USER] }] })]));
    expect(m.decision).toBe("ama-migrate");
    expect(m.reason).toMatch(/^A Log Analytics agent is installed directly: the Azure Monitor Agent is installed/);
  });

  it("ama-associate: AMA without the association gets it, and nothing else", () => {
    const { m, steps } = decide(ama(), withRule([setUp("vm1")]));
    expect(m).toMatchObject({ decision: "ama-associate", workspace: weu.id });
    expect(m.reason).toBe(`The Azure Monitor Agent is installed without this tool's association (associations others made are kept): it is associated with ${WEU_DCR}, which sends to ${WEU_NAME}.`);
    expect(steps.map((s) => s.action)).toEqual(["associate-dcr"]);
  });

  it("ama-associate: AMA with only its owner's association to a rule of their own gets ours beside it; theirs is kept and the reason says so", () => {
    const vm = setUp("vm1");
    const theirs = `/subscriptions/${SUB}/resourceGroups/rg-team/providers/Microsoft.Insights/dataCollectionRules/team-rule`;
    const { m, p, steps } = decide(ama(), withRule([vm], [], { dataCollectionRuleAssociations: [association(vm, theirs, "team-association")] }));
    expect(m.decision).toBe("ama-associate");
    expect(m.reason).toMatch(/^The Azure Monitor Agent is installed without this tool's association \(associations others made are kept\): it is associated with/);
    expect(steps.map((s) => s.action)).toEqual(["associate-dcr"]);
    expect(p.steps.filter((s) => s.target.includes("team-association"))).toEqual([]);
  });

  it("ama-associate: our association pointing to a rule we cannot see is repointed", () => {
    const vm = setUp("vm1");
    const other = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Insights/dataCollectionRules/gone`;
    const { m, steps } = decide(ama(), withRule([vm], [], { dataCollectionRuleAssociations: [association(vm, other)] }));
    expect(m.decision).toBe("ama-associate");
    expect(m.reason).toMatch(/installed but its association points to another rule: it is associated with/);
    expect(steps).toMatchObject([{ action: "associate-dcr", details: { fromDataCollectionRuleId: other } }]);
  });

  it("an association of another name with the destination's rule counts (a DCR-association policy's): no second link, nothing touched", () => {
    const vm = setUp("vm1");
    const policys = association(vm, weu, "assoc-5xlv2mnq4bbzk");
    const { m, p } = decide(ama(), withRule([vm], [], { dataCollectionRuleAssociations: [policys] }));
    expect(m.decision).toBe("ama-compliant");
    expect(p.steps).toEqual([]);
  });

  it("an association of another name with another rule does not count and is never touched", () => {
    const vm = setUp("vm1");
    const theirs = association(vm, `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Insights/dataCollectionRules/sentinel`, "sentinel-dcr-association");
    const { m, p, steps } = decide(ama(), withRule([vm], [], { dataCollectionRuleAssociations: [theirs] }));
    expect(m.decision).toBe("ama-associate");
    expect(steps).toMatchObject([{ action: "associate-dcr", details: { fromDataCollectionRuleId: null } }]);
    expect(p.steps.map((s) => s.target)).not.toContain(theirs.id);
  });

  it("ours decides when it exists: ours pointing elsewhere is moved even beside another association with the rule", () => {
    const vm = setUp("vm1");
    const other = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Insights/dataCollectionRules/gone`;
    const { m, steps } = decide(ama(), withRule([vm], [], { dataCollectionRuleAssociations: [association(vm, other), association(vm, weu, "assoc-5xlv2mnq4bbzk")] }));
    expect(m.decision).toBe("ama-associate");
    expect(steps).toMatchObject([{ action: "associate-dcr", details: { fromDataCollectionRuleId: other } }]);
  });

  it("ama-enable-identity: AMA and association present, no system-assigned identity", () => {
    const vm = setUp("vm1", { identity: null });
    const { m, steps } = decide(ama(), withRule([vm], [vm]));
    expect(m.decision).toBe("ama-enable-identity");
    expect(m.reason).toBe("The Azure Monitor Agent is installed and associated, but the machine has no system-assigned managed identity, which the agent signs in with: it is enabled.");
    expect(steps.map((s) => s.action)).toEqual(["enable-identity"]);
  });

  it("ama-compliant: AMA, identity and the association with the target's rule", () => {
    const vm = setUp("vm1");
    const { m, steps } = decide(ama(), withRule([vm], [vm]));
    expect(m).toMatchObject({ decision: "ama-compliant", workspace: weu.id });
    expect(m.reason).toBe(`The Azure Monitor Agent is associated with ${WEU_DCR}, which sends to ${WEU_NAME}, as it should.`);
    expect(steps).toEqual([]);
  });

  it("ama-compliant with the legacy agent kept because removeLegacyAgent is false", () => {
    const vm = setUp("vm1", { extensions: [amaExtension("Windows"), laExtension("Windows", "1.0", DEF_WEU)], agents: [HEARTBEAT] });
    const { m, steps } = decide(ama(), withRule([vm], [vm]));
    expect(m.decision).toBe("ama-compliant");
    expect(m.reason).toMatch(/as it should\. The legacy agent stays \(removeLegacyAgent is false\)\.$/);
    expect(steps).toEqual([]);
  });

  it("ama-awaiting-heartbeat: set up, removeLegacyAgent, no Azure Monitor Agent heartbeat yet", () => {
    const vm = setUp("vm1", { extensions: [amaExtension("Windows"), laExtension("Windows", "1.0", DEF_WEU)] });
    const { m, steps } = decide(ama({ removeLegacyAgent: true }), withRule([vm], [vm]));
    expect(m).toMatchObject({ decision: "ama-awaiting-heartbeat", workspace: weu.id });
    expect(m.reason).toBe(
      `The Azure Monitor Agent is installed and associated with ${WEU_DCR}; the Log Analytics agent extension is removed once AMA reports (no "Azure Monitor Agent" heartbeat yet).`,
    );
    expect(steps).toEqual([]);
  });

  it("ama-remove-legacy: AMA reports and removeLegacyAgent: only the Log Analytics extension is removed", () => {
    const vm = setUp("vm1", { osType: "Linux", extensions: [amaExtension("Linux"), laExtension("Linux", "1.13", DEF_WEU)], agents: [HEARTBEAT] });
    const { m, steps } = decide(ama({ removeLegacyAgent: true }), withRule([vm], [vm]));
    expect(m).toMatchObject({ decision: "ama-remove-legacy", workspace: weu.id });
    expect(m.reason).toBe(
      `The Azure Monitor Agent reports (an "Azure Monitor Agent" heartbeat) through ${WEU_DCR} to ${WEU_NAME}, and removeLegacyAgent is true: the Log Analytics agent extension is removed.`,
    );
    expect(steps).toMatchObject([
      {
        action: "remove-extension",
        target: `${vm.id}/extensions/OMSAgentForLinux`,
        dependsOn: [],
        details: { publisher: "Microsoft.EnterpriseCloud.Monitoring", type: "OmsAgentForLinux", workspaceId: weu.id },
      },
    ]);
  });

  it("a reporting AMA that still lacks our association: association and removal in one run, the removal after it", () => {
    const vm = setUp("vm1", { extensions: [amaExtension("Windows"), laExtension("Windows", "1.0", DEF_WEU)], agents: [HEARTBEAT] });
    const { m, steps } = decide(ama({ removeLegacyAgent: true }), withRule([vm]));
    expect(m.decision).toBe("ama-associate");
    expect(m.reason).toMatch(/AMA already reports, so the Log Analytics agent extension is removed after that\.$/);
    const [assoc, remove] = steps;
    expect(steps.map((s) => s.action)).toEqual(["associate-dcr", "remove-extension"]);
    expect(remove!.dependsOn).toEqual([assoc!.id]);
  });

  const mma = laExtension("Windows", "1.0", DEF_WEU);
  it.each([
    ["a direct agent (not an extension)", [{ kind: "direct" as const }], [], /it is installed directly, not as an extension, so this tool cannot remove it/],
    ["an extension beside a direct agent", [{ kind: "direct" as const }], [mma], /removing the extension of a machine that also has a directly installed agent removes that agent too/],
    ["an Operations Manager agent", [{ kind: "scom" as const, version: "2016" }], [mma], /the Operations Manager 2016 agent shares the Log Analytics agent's run-time libraries/],
    ["a Dependency agent", [], [mma, dependencyExtension("Windows")], /the Dependency agent on this machine requires the Log Analytics agent/],
  ])("ama-keep-legacy: never removed beside %s", (_, agents, extensions, reason) => {
    const vm = setUp("vm1", { agents: [...agents, HEARTBEAT], extensions: [amaExtension("Windows"), ...extensions] });
    const { m, p, steps } = decide(ama({ removeLegacyAgent: true }), withRule([vm], [vm]));
    expect(m.decision).toBe("ama-keep-legacy");
    expect(m.reason).toMatch(/^The Azure Monitor Agent is set up\. The legacy agent stays: /);
    expect(m.reason).toMatch(reason);
    expect(steps).toEqual([]);
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "warning", code: "legacy-agent-kept", target: "logAnalyticsAgent.removeLegacyAgent" }));
  });

  it("ama-keep-legacy: a Linux legacy extension that failed with exit code 10 (connected elsewhere) is not removed", () => {
    const failed = { ...laExtension("Linux", "1.13", DEF_WEU), provisioningState: "Failed", failure: { code: "ProvisioningState/failed/10", message: "Enable failed with exit code 10" } };
    const vm = machine("vm1", { osType: "Linux", identity: SYSTEM_IDENTITY, extensions: [amaExtension("Linux"), failed], agents: [HEARTBEAT] });
    const { m, steps } = decide(ama({ removeLegacyAgent: true }), withRule([vm], [vm]));
    expect(m.decision).toBe("ama-keep-legacy");
    expect(m.reason).toMatch(/removing the extension of a machine that also has a directly installed agent removes that agent too/);
    expect(steps).toEqual([]);
    // Without the exit code, the failed extension is removed as any other once AMA reports.
    const other = { ...failed, failure: { code: "ProvisioningState/failed/52", message: "Install failed with exit code 52" } };
    const removed = decide(ama({ removeLegacyAgent: true }), withRule([{ ...vm, extensions: [amaExtension("Linux"), other] }], [vm]));
    expect(removed.steps.map((s) => s.action)).toEqual(["remove-extension"]);
  });

  it("ama-keep-legacy: the extension reports where AMA does not send (a connection we did not make)", () => {
    const hidden = "ffffffff-0000-4000-8000-000000000000";
    const vm = setUp("vm1", { extensions: [amaExtension("Windows"), laExtension("Windows", "1.0", hidden)], agents: [HEARTBEAT] });
    const { m } = decide(ama({ removeLegacyAgent: true }), withRule([vm], [vm]));
    expect(m.decision).toBe("ama-keep-legacy");
    expect(m.reason).toMatch(`its extension reports to workspace ${hidden}, which is not in the inventory, where the Azure Monitor Agent does not send`);
  });

  it("reconnect: with reconfigureExisting, our association moves from a Security Center workspace's rule to the custom target's", () => {
    const vm = setUp("vm1");
    const s = ama({ workspace: { id: user.id }, reconfigureExisting: true });
    const inv = inventory({ workspaces: [eus, user], machines: [vm], dataCollectionRules: [dcr(eus, "None"), dcr(user, "None")], dataCollectionRuleAssociations: [association(vm, eus)] });
    const { m, steps } = decide(s, inv);
    expect(m).toMatchObject({ decision: "reconnect", workspace: user.id });
    expect(m.reason).toBe(`The Azure Monitor Agent sends to the Security Center workspace DefaultWorkspace-${SUB}-EUS; with reconfigureExisting its association moves to asc-team-ws, which sends to team-ws.`);
    expect(steps).toMatchObject([{ action: "associate-dcr", details: { dataCollectionRuleId: dataCollectionRuleId(user.id), fromDataCollectionRuleId: dataCollectionRuleId(eus.id) } }]);
  });

  it("keep-existing: reconfigureExisting false leaves AMA on a Security Center workspace", () => {
    const vm = setUp("vm1");
    const s = ama({ workspace: { id: user.id } });
    const inv = inventory({ workspaces: [eus, user], machines: [vm], dataCollectionRules: [dcr(eus, "None"), dcr(user, "None")], dataCollectionRuleAssociations: [association(vm, eus)] });
    const { m, steps } = decide(s, inv);
    expect(m).toMatchObject({ decision: "keep-existing", workspace: eus.id });
    expect(m.reason).toBe(`The Azure Monitor Agent sends to DefaultWorkspace-${SUB}-EUS; with reconfigureExisting false only new machines get team-ws.`);
    expect(steps).toEqual([]);
  });

  it("keep-user-workspace: AMA on a user's workspace is never moved, even with reconfigureExisting", () => {
    const vm = setUp("vm1");
    const other = workspace("other-ws", "b0000000-0000-4000-8000-000000000002", { solutions: [] });
    const s = ama({ workspace: { id: user.id }, reconfigureExisting: true });
    const inv = inventory({ workspaces: [user, other], machines: [vm], dataCollectionRules: [dcr(user, "None"), dcr(other, "None")], dataCollectionRuleAssociations: [association(vm, other)] });
    const { m, p, steps } = decide(s, inv);
    expect(m).toMatchObject({ decision: "keep-user-workspace", workspace: other.id });
    expect(m.reason).toBe("The Azure Monitor Agent sends to the user workspace other-ws, which is never overridden; Security Center uses it once the Security or SecurityCenterFree solution is there.");
    expect(steps).toEqual([]);
    // the seed: that workspace needs the Security or SecurityCenterFree solution
    expect(p.steps.filter((st) => st.action === "install-solution").map((st) => st.details.workspaceId)).toEqual([other.id]);
  });

  it("a migration keeps the user workspace the Log Analytics extension reports to: AMA gets a rule there", () => {
    const s = ama({ workspace: { id: user.id } });
    const other = workspace("other-ws", "b0000000-0000-4000-8000-000000000002", { solutions: ["Security"], securityEvents: { tier: "Minimal", owner: "securityCenter" } });
    const { m, p } = decide(s, inventory({ workspaces: [user, other], machines: [machine("vm1", { extensions: [laExtension("Windows", "1.0", other.customerId)] })] }));
    expect(m).toMatchObject({ decision: "ama-migrate", workspace: other.id });
    expect(m.reason).toMatch(/associated with asc-other-ws, which sends to other-ws, the user workspace its agent reports to, which is never overridden\./);
    // the rule reproduces what the legacy agent collected there: the workspace's own tier
    expect(p.steps.find((st) => st.action === "create-dcr" && st.details.workspaceId === other.id)!.details).toMatchObject({ tier: "Minimal", location: "westeurope" });
  });

  it("skip-not-eligible: something to do but the machine cannot take it", () => {
    const { m, steps } = decide(ama(), withRule([machine("vm1", { powerState: "deallocated" })]));
    expect(m).toMatchObject({ decision: "skip-not-eligible", workspace: null, reason: "Not eligible: it is deallocated, and extensions are only deployed to running machines." });
    expect(steps).toEqual([]);
    // a set-up machine that is stopped has nothing to do: it stays compliant
    const done = setUp("vm2", { powerState: "stopped" });
    expect(decide(ama(), withRule([done], [done])).m.decision).toBe("ama-compliant");
  });

  it("out-of-scope: auto provisioning off installs nothing and removes nothing", () => {
    const vm = setUp("vm2", { extensions: [amaExtension("Windows"), laExtension("Windows", "1.0", DEF_WEU)], agents: [HEARTBEAT] });
    const p = plan(ama({ autoProvision: false, removeLegacyAgent: true }), withRule([machine("vm1"), vm], [vm]));
    expect(p.machines.map((m) => m.decision)).toEqual(["out-of-scope", "out-of-scope"]);
    expect(p.machines[0]!.reason).toBe("Auto provisioning of the Azure Monitor Agent is off: nothing is installed, and no installed agent is removed.");
    expect(p.machines[1]!.workspace).toBe(weu.id);
    expect(p.steps).toEqual([]);
  });

  it("a custom target that does not exist blocks the machine: no step, an error, the reason says so", () => {
    const ghost = workspace("ghost", "x").id;
    const { m, p } = decide(ama({ workspace: { id: ghost } }), inventory({ machines: [machine("vm1")] }));
    expect(m.decision).toBe("ama-install");
    expect(m.workspace).toBeNull();
    expect(m.reason).toMatch(/ Blocked until that workspace exists\.$/);
    expect(p.steps.filter((s) => s.action !== "set-workspace-setting")).toEqual([]);
    expect(p.findings.filter((f) => f.severity === "error").map((f) => f.code)).toEqual(["machines-blocked-by-workspace", "workspace-not-found"]);
  });
});
