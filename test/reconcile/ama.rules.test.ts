/**
 * The rules of `agent: ama` beyond the per-machine decisions, one test each: data collection
 * rules, ordering, migration rounds, findings, workspace retirement, policies.
 */
import { machineOf, plan, stepsOf } from "../../src/core";
import { simulate } from "../../src/core";
import type { Plan } from "../../src/core";
import type { Inventory, InventoryMachine } from "../../src/inventory/schema";
import { dataCollectionRuleBody, dataCollectionRuleId, tierOfXPathQueries, xPathQueriesForTier } from "../../src/spec/dcr";
import { AMA_POLICIES, AMA_POLICY_KEYS } from "../../src/spec/policies";
import { AZURE_MONITOR_AGENT } from "../../src/spec/extensions";
import {
  SUB,
  SUB2,
  SYSTEM_IDENTITY,
  amaExtension,
  association,
  dcr,
  defaultWorkspace,
  inventory,
  laExtension,
  machine,
  spec,
  workspace,
} from "../helpers/fixtures";

const byAction = stepsOf;
const ama = (la: Parameters<typeof spec>[0] = {}, ext: Parameters<typeof spec>[1] = {}, subs?: string[]) => spec({ agent: "ama", ...la }, ext, subs);
const weu = defaultWorkspace("WEU", "c1000000-0000-4000-8000-000000000001", "westeurope", SUB, { solutions: ["Security"] });
const eus = defaultWorkspace("EUS", "c1000000-0000-4000-8000-000000000002", "eastus", SUB, { solutions: ["Security"] });
const central = workspace("central", "c1000000-0000-4000-8000-000000000003", { solutions: ["Security"] });

/** Heartbeats arrive: every machine whose AMA could report (extension, identity, our association) reports. */
function heartbeatsArrive(inv: Inventory): Inventory {
  const out = structuredClone(inv);
  const associated = new Set((out.dataCollectionRuleAssociations ?? []).map((a) => a.machineId.toLowerCase()));
  for (const m of out.machines) {
    const hasAma = m.extensions?.some((e) => e.type === AZURE_MONITOR_AGENT[m.osType].type);
    const identity = m.kind === "arc" || /SystemAssigned/.test(m.identity?.type ?? "");
    if (hasAma && identity && associated.has(m.id.toLowerCase()) && !m.agents?.some((a) => a.kind === "ama")) (m.agents ??= []).push({ kind: "ama" });
  }
  return out;
}

describe("data collection rules", () => {
  it("one rule per destination workspace, in its resource group and location, created after the workspace", () => {
    const inv = inventory({ machines: [machine("a"), machine("b"), machine("c", { location: "eastus" })] });
    const p = plan(ama({ securityEvents: "Minimal" }), inv);
    const rules = byAction(p, "create-dcr");
    expect(rules.map((r) => [r.target, r.details.location, r.details.tier])).toEqual([
      [`/subscriptions/${SUB}/resourceGroups/DefaultResourceGroup-WEU/providers/Microsoft.Insights/dataCollectionRules/asc-DefaultWorkspace-${SUB}-WEU`, "westeurope", "Minimal"],
      [`/subscriptions/${SUB}/resourceGroups/DefaultResourceGroup-EUS/providers/Microsoft.Insights/dataCollectionRules/asc-DefaultWorkspace-${SUB}-EUS`, "eastus", "Minimal"],
    ]);
    for (const r of rules) {
      // Issue 14: a rule with security events also waits for the solution that gives the workspace its SecurityEvent table.
      const solution = `install-solution:${String(r.details.workspaceId).replace(/\/providers\/.*$/, "")}/providers/Microsoft.OperationsManagement/solutions/Security(${String(r.details.workspaceId).split("/").pop()})`;
      expect(r.dependsOn).toEqual([`create-workspace:${String(r.details.workspaceId)}`, solution]);
      expect(r.details.body).toEqual(dataCollectionRuleBody({ location: String(r.details.location), workspaceResourceId: String(r.details.workspaceId), tier: "Minimal" }));
      expect(r.details).toMatchObject({ resourceGroup: String(r.target).split("/")[4], subscriptionId: SUB });
    }
    // every association waits for its workspace and its rule
    for (const a of byAction(p, "associate-dcr")) {
      expect(a.dependsOn).toContain(`create-dcr:${String(a.details.dataCollectionRuleId)}`);
      expect(a.dependsOn).toContain(`create-workspace:${String(a.details.workspaceId)}`);
    }
  });

  it("a tier change is one update of the rule, not a re-association of the machines", () => {
    const vms = ["a", "b", "c"].map((n) => machine(n, { extensions: [amaExtension("Windows")], identity: SYSTEM_IDENTITY }));
    const inv = inventory({ workspaces: [weu], machines: vms, dataCollectionRules: [dcr(weu, "Minimal")], dataCollectionRuleAssociations: vms.map((m) => association(m, weu)) });
    expect(plan(ama({ securityEvents: "Minimal" }), inv).steps).toEqual([]);
    const p = plan(ama({ securityEvents: "All" }), inv);
    expect(p.steps).toMatchObject([{ action: "update-dcr", target: dataCollectionRuleId(weu.id), dependsOn: [], details: { tier: "All", fromTier: "Minimal" } }]);
    expect(p.machines.map((m) => m.decision)).toEqual(["ama-compliant", "ama-compliant", "ama-compliant"]);
  });

  it("a rule of ours with custom queries or another destination is put back", () => {
    const custom = { ...dcr(weu, "Common"), xPathQueries: ["Security!*[System[(EventID=4624)]]"] };
    const p = plan(ama({ securityEvents: "Common" }), inventory({ workspaces: [weu, eus], machines: [machine("a")], dataCollectionRules: [custom] }));
    expect(byAction(p, "update-dcr")).toMatchObject([{ details: { tier: "Common", fromTier: null } }]);
    const elsewhere = { ...dcr(weu, "Common"), destinations: [eus.id] };
    expect(byAction(plan(ama({ securityEvents: "Common" }), inventory({ workspaces: [weu, eus], machines: [machine("a")], dataCollectionRules: [elsewhere] })), "update-dcr")).toHaveLength(1);
  });

  it("the security-event tier is stored only with Defender on: the rule has no security-event stream, and a warning", () => {
    const p = plan(ama({ securityEvents: "Common", defender: false }), inventory({ workspaces: [weu], machines: [machine("a")] }));
    expect(byAction(p, "create-dcr")).toMatchObject([{ details: { tier: "None", body: { properties: { dataFlows: [] } } } }]);
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "warning", code: "security-events-need-defender" }));
  });

  it("never both with Sentinel: a workspace whose security events Sentinel owns gets a rule without them, and an error", () => {
    const soc = { ...weu, securityEvents: { tier: "All" as const, owner: "sentinel" as const } };
    const p = plan(ama({ securityEvents: "Minimal" }), inventory({ workspaces: [soc], machines: [machine("a")] }));
    expect(byAction(p, "create-dcr")).toMatchObject([{ details: { tier: "None" } }]);
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "error", code: "security-events-owned-by-sentinel", target: soc.id }));
  });

  it("never configures the legacy SecurityEventCollectionConfiguration data source", () => {
    const p = plan(ama({ securityEvents: "All" }), inventory({ machines: [machine("a")] }));
    expect(byAction(p, "set-security-events")).toEqual([]);
    expect(byAction(p, "create-dcr")).toHaveLength(1);
  });

  it("a workspace a machine keeps gets a rule with that workspace's own tier; an existing one there is left as it is", () => {
    const kept = { ...eus, securityEvents: { tier: "Minimal" as const, owner: "securityCenter" as const } };
    const vm = machine("a", { extensions: [laExtension("Windows", "1.0", kept.customerId)] }); // westeurope machine on the EUS workspace
    const p = plan(ama({ securityEvents: "All" }), inventory({ workspaces: [weu, kept], machines: [vm] }));
    expect(p.machines[0]).toMatchObject({ decision: "ama-migrate", workspace: kept.id });
    expect(byAction(p, "create-dcr").map((s) => [s.details.workspaceId, s.details.tier])).toEqual([[kept.id, "Minimal"]]);
    // no machine targets WEU here, so nothing is made there
    const existing = plan(ama({ securityEvents: "All" }), inventory({ workspaces: [weu, kept], machines: [vm], dataCollectionRules: [dcr(kept, "Common", "eastus")] }));
    expect(byAction(existing, "update-dcr")).toEqual([]);
    expect(byAction(existing, "create-dcr")).toEqual([]);
  });

  it("the custom workspace gets its rule even before a machine uses it (new machines will)", () => {
    const p = plan(ama({ workspace: { id: central.id }, securityEvents: "Minimal" }), inventory({ workspaces: [central] }));
    expect(byAction(p, "create-dcr")).toMatchObject([{ target: dataCollectionRuleId(central.id), details: { tier: "Minimal", location: "westeurope" } }]);
  });
});

describe("migration from the Log Analytics agent", () => {
  const mmaFleet = (): Inventory =>
    inventory(
      {
        workspaces: [weu, central],
        machines: [
          machine("win", { extensions: [laExtension("Windows", "1.0", weu.customerId)] }),
          machine("lin", { osType: "Linux", extensions: [laExtension("Linux", "1.13", weu.customerId)] }),
          machine("user", { extensions: [laExtension("Windows", "1.0", central.customerId)] }),
          machine("new"),
          machine("legacy", { extensions: [laExtension("Windows", "1.0", weu.customerId)] }, SUB2),
        ],
      },
      "2020-01-01",
      [SUB, SUB2],
    );
  const s = ama({ removeLegacyAgent: true, securityEvents: "Common" }, {}, [SUB, SUB2]);

  it("takes at most two rounds: install and associate, then (once AMA reports) remove; then nothing", () => {
    const before = mmaFleet();
    const round1 = plan(s, before);
    expect(byAction(round1, "remove-extension")).toEqual([]);
    const after1 = simulate(round1, before);
    // no heartbeat yet: nothing to do, the legacy agents wait
    const waiting = plan(s, after1);
    expect(waiting.steps).toEqual([]);
    expect(waiting.machines.filter((m) => m.id.endsWith("/new")).map((m) => m.decision)).toEqual(["ama-compliant"]);
    expect(new Set(waiting.machines.filter((m) => !m.id.endsWith("/new")).map((m) => m.decision))).toEqual(new Set(["ama-awaiting-heartbeat"]));
    const round2 = plan(s, heartbeatsArrive(after1));
    expect(byAction(round2, "remove-extension")).toHaveLength(4);
    expect(round2.steps.every((st) => st.action === "remove-extension")).toBe(true);
    const after2 = simulate(round2, heartbeatsArrive(after1));
    expect(plan(s, after2).steps).toEqual([]);
    for (const m of after2.machines) {
      expect(m.extensions!.map((e) => e.publisher)).toEqual(["Microsoft.Azure.Monitor"]);
    }
  });

  it("never leaves a machine without a reporting agent: after round 1 every machine still has its legacy extension", () => {
    const before = mmaFleet();
    const after1 = simulate(plan(s, before), before);
    for (const m of after1.machines.filter((x) => !x.id.endsWith("/new"))) {
      expect(m.extensions!.some((e) => e.publisher === "Microsoft.EnterpriseCloud.Monitoring")).toBe(true);
      expect(m.extensions!.some((e) => e.publisher === "Microsoft.Azure.Monitor")).toBe(true);
    }
    expect(after1.dataCollectionRuleAssociations).toHaveLength(5);
  });

  it("without removeLegacyAgent nothing is ever removed, even once AMA reports", () => {
    const keep = ama({ securityEvents: "Common" }, {}, [SUB, SUB2]);
    const before = mmaFleet();
    const after1 = heartbeatsArrive(simulate(plan(keep, before), before));
    const p = plan(keep, after1);
    expect(p.steps).toEqual([]);
    // "legacy" reports to the first subscription's default workspace, which is not its target: kept
    expect(p.machines.map((m) => [m.id.split("/").pop(), m.decision])).toEqual([
      ["lin", "ama-compliant"],
      ["new", "ama-compliant"],
      ["user", "keep-user-workspace"],
      ["win", "ama-compliant"],
      ["legacy", "keep-existing"],
    ]);
  });

  it("an ineligible machine keeps its legacy agent until it can take AMA", () => {
    const vm = machine("off", { powerState: "deallocated", extensions: [laExtension("Windows", "1.0", weu.customerId)] });
    const p = plan(s, inventory({ workspaces: [weu], machines: [vm] }));
    expect(p.machines[0]).toMatchObject({ decision: "skip-not-eligible", workspace: weu.id });
    expect(p.steps.filter((st) => machineOf(st))).toEqual([]);
  });
});

describe("the seed's rules that were about the Log Analytics agent", () => {
  it("Operations Manager 2012: AMA is installed beside it, with a warning (the Log Analytics agent is still blocked under mma)", () => {
    const vm = machine("scom", { agents: [{ kind: "scom", version: "2012 R2" }] });
    const p = plan(ama(), inventory({ workspaces: [weu], machines: [vm] }));
    expect(p.machines[0]!.decision).toBe("ama-install");
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "warning", code: "scom-2012-ama", target: vm.id }));
    expect(p.findings.map((f) => f.code)).not.toContain("scom-2012-agent");
    expect(plan(spec(), inventory({ workspaces: [weu], machines: [vm] })).machines[0]!.decision).toBe("blocked-scom-2012");
  });

  it("Linux with a direct agent: AMA is installed beside it, with one finding for all such machines", () => {
    const vms = ["l1", "l2"].map((n) => machine(n, { osType: "Linux", agents: [{ kind: "direct", workspaceCustomerIds: [central.customerId] }] }));
    const p = plan(ama(), inventory({ workspaces: [weu, central], machines: vms }));
    expect(p.machines.map((m) => m.decision)).toEqual(["ama-migrate", "ama-migrate"]);
    expect(p.findings.filter((f) => f.code === "ama-beside-linux-direct-agent")).toMatchObject([{ severity: "info", target: "logAnalyticsAgent.agent", message: expect.stringMatching(/^2 Linux machine\(s\)/) }]);
  });

  it("subscriptions onboarded before 2019-03-17: AMA is installed beside an existing agent, with a finding per subscription", () => {
    const inv = inventory({ workspaces: [weu], machines: [machine("d", { agents: [{ kind: "direct" }] }), machine("plain")] }, "2018-06-01");
    const p = plan(ama(), inv);
    expect(p.machines.map((m) => m.decision)).toEqual(["ama-migrate", "ama-install"]);
    expect(p.findings.filter((f) => f.code === "legacy-subscription-ama")).toMatchObject([{ severity: "info", target: `/subscriptions/${SUB}`, message: expect.stringMatching(/1 machine\(s\) with an existing agent/) }]);
  });
});

describe("what AMA does not do that the Log Analytics agent set-up did", () => {
  it("the Dependency agent toggles need the legacy agent: a warning", () => {
    const p = plan(ama({ removeLegacyAgent: true }, { dependencyAgent: { windows: true } }), inventory());
    expect(p.findings).toContainEqual(
      expect.objectContaining({ severity: "warning", code: "dependency-agent-needs-legacy-agent", message: expect.stringMatching(/1c210e94-a481-4beb-95fa-1571b434fb04.*keep the legacy agent/) }),
    );
  });

  it("process creation auditing and the AppLocker audit policy are not configured by AMA: info, when a tier is stored", () => {
    const codes = (p: Plan) => p.findings.map((f) => f.code);
    expect(codes(plan(ama({ securityEvents: "Minimal" }), inventory()))).toEqual(expect.arrayContaining(["process-creation-auditing", "applocker-audit-policy"]));
    expect(codes(plan(ama({ securityEvents: "None" }), inventory()))).not.toContain("process-creation-auditing");
    expect(codes(plan(ama({ securityEvents: "All", defender: false }), inventory()))).not.toContain("applocker-audit-policy");
    expect(codes(plan(spec({ securityEvents: "All" }), inventory()))).not.toContain("applocker-audit-policy");
  });

  it("removing the legacy agent from machines of a workspace says its workspace data sources stop", () => {
    const vm = machine("a", { extensions: [amaExtension("Windows"), laExtension("Windows", "1.0", weu.customerId)], identity: SYSTEM_IDENTITY, agents: [{ kind: "ama" }] });
    const p = plan(ama({ removeLegacyAgent: true }), inventory({ workspaces: [weu], machines: [vm], dataCollectionRules: [dcr(weu, "None")], dataCollectionRuleAssociations: [association(vm, weu)] }));
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "info", code: "legacy-workspace-data-sources", target: weu.id, message: expect.stringMatching(/^The Log Analytics agent extension is removed from 1 machine\(s\)/) }));
  });

  it("the MMA retirement note is for mma plans only", () => {
    expect(plan(ama(), inventory()).findings.map((f) => f.code)).not.toContain("legacy-agent-retired");
  });
});

describe("default workspaces no longer used", () => {
  it("the rule of a default workspace is deleted first, after the moves away from it, then the workspace", () => {
    const vm = machine("a", { extensions: [amaExtension("Windows"), laExtension("Windows", "1.0", eus.customerId)], identity: SYSTEM_IDENTITY, agents: [{ kind: "ama" }] });
    const s = ama({ workspace: { id: central.id }, reconfigureExisting: true, removeLegacyAgent: true, deleteUnusedDefaultWorkspaces: true });
    const inv = inventory({
      workspaces: [eus, central],
      machines: [vm],
      dataCollectionRules: [dcr(eus, "None", "eastus"), dcr(central, "None")],
      dataCollectionRuleAssociations: [association(vm, eus)],
    });
    const p = plan(s, inv);
    expect(p.machines[0]!.decision).toBe("reconnect");
    const [assoc] = byAction(p, "associate-dcr");
    const [remove] = byAction(p, "remove-extension");
    expect(remove!.dependsOn).toEqual([assoc!.id]);
    const [deleteRule] = byAction(p, "delete-dcr");
    expect(deleteRule).toMatchObject({ target: dataCollectionRuleId(eus.id), dependsOn: [assoc!.id, remove!.id] });
    expect(byAction(p, "delete-workspace")).toMatchObject([{ target: eus.id, dependsOn: [deleteRule!.id] }]);
    expect(plan(s, simulate(p, inv)).steps).toEqual([]);
  });

  it("is kept while the legacy agent still reports to it", () => {
    const vm = machine("a", { extensions: [amaExtension("Windows"), laExtension("Windows", "1.0", eus.customerId)], identity: SYSTEM_IDENTITY });
    const s = ama({ workspace: { id: central.id }, reconfigureExisting: true, removeLegacyAgent: true, deleteUnusedDefaultWorkspaces: true });
    const inv = inventory({ workspaces: [eus, central], machines: [vm], dataCollectionRules: [dcr(central, "None")], dataCollectionRuleAssociations: [association(vm, central)] });
    const p = plan(s, inv);
    expect(p.machines[0]!.decision).toBe("ama-awaiting-heartbeat");
    expect(byAction(p, "delete-workspace")).toEqual([]);
    expect(p.findings).toContainEqual(expect.objectContaining({ code: "default-workspace-in-use", target: eus.id }));
  });
});

describe("policies", () => {
  it("the AMA policies are catalogued (reference §2.11) but the planner does not assign them", () => {
    expect(AMA_POLICY_KEYS.map((k) => [AMA_POLICIES[k].definitionName, AMA_POLICIES[k].roles.map((r) => r.id)])).toEqual([
      ["ca817e41-e85a-4783-bc7f-dc532d36235e", ["9980e02c-c2be-4d73-94e8-173b1dc7cf3c"]],
      ["a4034bc6-ae50-406d-bf76-50f4ee5a7811", ["9980e02c-c2be-4d73-94e8-173b1dc7cf3c"]],
      ["244efd75-0d92-453c-b9a3-7d73ca36ed52", ["749f88d5-cbae-40b8-bcfc-e573ddc772fa", "92aaf0da-9dab-42b6-94a3-d43ce8d16293"]],
      ["58e891b9-ce13-4ac3-86e4-ac3e1f20cb07", ["749f88d5-cbae-40b8-bcfc-e573ddc772fa", "92aaf0da-9dab-42b6-94a3-d43ce8d16293"]],
    ]);
    const p = plan(ama({}, { kubernetesPolicyAddon: true, dependencyAgent: { windows: true, linux: true } }), inventory({ machines: [machine("a")] }));
    const assigned = byAction(p, "assign-policy").map((s) => String(s.details.policyDefinitionId).split("/").pop());
    for (const k of AMA_POLICY_KEYS) expect(assigned).not.toContain(AMA_POLICIES[k].definitionName);
    expect(assigned).toHaveLength(3); // the seed's three toggles, as under mma
  });
});

describe("mma plans", () => {
  it("never contain an AMA action, whatever AMA state the inventory holds", () => {
    const vm: InventoryMachine = machine("a", { extensions: [amaExtension("Windows")], identity: SYSTEM_IDENTITY, agents: [{ kind: "ama" }] });
    const p = plan(spec({ removeLegacyAgent: false, securityEvents: "Common" }), inventory({ workspaces: [weu], machines: [vm], dataCollectionRules: [dcr(weu, "All")], dataCollectionRuleAssociations: [association(vm, weu)] }));
    const amaActions = new Set(["enable-identity", "create-dcr", "update-dcr", "associate-dcr", "remove-extension", "delete-dcr"]);
    expect(p.steps.filter((s) => amaActions.has(s.action))).toEqual([]);
    expect(p.machines[0]!.decision).toBe("install");
  });

  it("tier queries read back from a simulated rule give the tier", () => {
    const p = plan(ama({ securityEvents: "Common" }), inventory({ machines: [machine("a")] }));
    const after = simulate(p, inventory({ machines: [machine("a")] }));
    expect(after.dataCollectionRules).toHaveLength(1);
    expect(after.dataCollectionRules![0]!.xPathQueries).toEqual([...xPathQueriesForTier("Common")]);
    expect(tierOfXPathQueries(after.dataCollectionRules![0]!.xPathQueries)).toBe("Common");
  });
});
