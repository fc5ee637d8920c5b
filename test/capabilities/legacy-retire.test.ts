/**
 * User trial 20, item 4: Defender for Servers needs neither AMA nor MMA (Defender for Endpoint and
 * agentless scanning), and a user wanting the retired MMA gone had no way: `agent: none` was
 * refused, and `{agent: ama, autoProvision: false, removeLegacyAgent: true}` gave 0 steps and not
 * a word. `agent: none` with `removeLegacyAgent: true` removes the legacy extension with nothing
 * after it, under the migration's guards and findings; the combination the user tried says why it
 * removes nothing.
 */
import { plan, stepsOf } from "../../src/core";
import type { InventoryMachine } from "../../src/inventory/schema";
import { amaExtension, association, dependencyExtension, inventory, laExtension, machine, spec, SYSTEM_IDENTITY, SUB, workspace } from "../helpers/fixtures";

const OPS = workspace("law-ops", "c7000000-0000-4000-8000-000000000000");
const SENTINEL = workspace("law-sentinel", "c8000000-0000-4000-8000-000000000000", { solutions: ["SecurityInsights"], securityEvents: { tier: "Common", owner: "sentinel" } });
const none = (removeLegacyAgent = true) => spec({ agent: "none", autoProvision: false, removeLegacyAgent });
const withMma = (name: string, extra: Partial<InventoryMachine> = {}, ws = OPS) => machine(name, { extensions: [laExtension("Windows", "1.0", ws.customerId)], ...extra });

const FLEET = [
  withMma("vm-mma"),
  machine("vm-direct", { agents: [{ kind: "direct", workspaceCustomerIds: [OPS.customerId] }] }),
  withMma("vm-scom", { agents: [{ kind: "scom", version: "2016", workspaceCustomerIds: [OPS.customerId] }] }),
  withMma("vm-dep", { extensions: [laExtension("Windows", "1.0", OPS.customerId), dependencyExtension("Windows")] }),
  withMma("vm-stopped", { powerState: "deallocated" }),
  machine("vm-clean"),
];
const decisions = (p: ReturnType<typeof plan>) => Object.fromEntries(p.machines.map((m) => [m.id.split("/").pop(), m.decision]));
const codes = (p: ReturnType<typeof plan>) => p.findings.map((f) => `${f.severity} ${f.code}`).sort();

describe("agent none with removeLegacyAgent", () => {
  const p = plan(none(), inventory({ workspaces: [OPS], machines: FLEET }));

  it("removes the legacy extension where nothing needs it, and installs, associates or creates nothing", () => {
    expect(decisions(p)).toEqual({
      "vm-mma": "remove-legacy",
      "vm-direct": "keep-legacy",
      "vm-scom": "keep-legacy",
      "vm-dep": "keep-legacy",
      "vm-stopped": "skip-not-eligible",
      "vm-clean": "out-of-scope",
    });
    expect(p.steps.map((s) => s.action)).toEqual(["remove-extension"]);
    expect(stepsOf(p, "remove-extension")[0]!.details).toMatchObject({ machineId: FLEET[0]!.id, name: "MicrosoftMonitoringAgent", workspaceId: OPS.id });
  });

  it("says why each machine keeps it, with the migration's guards and nothing to wait for", () => {
    const reason = (name: string) => p.machines.find((m) => m.id.endsWith(`/${name}`))!.reason;
    expect(reason("vm-direct")).toMatch(/installed directly, not as an extension, so this tool cannot remove it; uninstall it on the machine\. \(Seen in Heartbeat only: if its extension was removed in the last 10 minutes, these are its last heartbeats/);
    expect(reason("vm-scom")).toMatch(/Operations Manager 2016 agent shares the Log Analytics agent's run-time libraries/);
    expect(reason("vm-dep")).toMatch(/the Dependency agent on this machine requires the Log Analytics agent/);
    expect(reason("vm-mma")).toBe("logAnalyticsAgent.agent is none and removeLegacyAgent is true: the Log Analytics agent extension is removed and no agent replaces it, so nothing of this machine's reaches law-ops any more.");
  });

  it("counts the machines that keep it and those that run it, and says what the workspace stops receiving", () => {
    expect(codes(p)).toEqual(["info legacy-agent-remains", "warning legacy-agent-kept", "warning legacy-workspace-data-sources"]);
    const find = (code: string) => p.findings.find((f) => f.code === code)!.message;
    expect(find("legacy-agent-remains")).toMatch(/^5 machine\(s\) in scope run the Log Analytics agent .*agent is none and removeLegacyAgent is on/);
    expect(find("legacy-agent-kept")).toMatch(/^3 machine\(s\) keep the legacy agent .*\(keep-legacy\)/);
    expect(find("legacy-workspace-data-sources")).toMatch(/removed from 1 machine\(s\), and with logAnalyticsAgent.agent none no agent replaces it: .* no longer reach law-ops \(1\)\.$/);
  });

  it("leaves everything as it is without removeLegacyAgent, and says the legacy agent stays", () => {
    const q = plan(none(false), inventory({ workspaces: [OPS], machines: FLEET }));
    expect(q.steps).toEqual([]);
    expect(new Set(q.machines.map((m) => m.decision))).toEqual(new Set(["out-of-scope"]));
    expect(q.findings.map((f) => [f.code, f.message])).toEqual([["legacy-agent-remains", expect.stringMatching(/agent is none and removeLegacyAgent is off: it stays on all of them/)]]);
  });
});

describe("agent none on a workspace that collects security events through the legacy agent", () => {
  const vms = [withMma("vm-sen-1", {}, SENTINEL), withMma("vm-sen-2", {}, SENTINEL)];
  const STOPS = "legacy-agent-removal-stops-security-events";

  it("removes the agent and warns that the events stop, with nothing replacing it", () => {
    const p = plan(none(), inventory({ workspaces: [SENTINEL], machines: vms }));
    expect(stepsOf(p, "remove-extension")).toHaveLength(2);
    expect(p.findings.filter((f) => f.code === STOPS)).toEqual([
      {
        severity: "warning",
        code: STOPS,
        target: "logAnalyticsAgent.removeLegacyAgent",
        message: expect.stringMatching(/^Removing the Log Analytics agent from 2 machine\(s\) stops their Windows security events: their workspace\(s\) law-sentinel \(Sentinel, tier Common\) collect them through that agent, and with logAnalyticsAgent.agent none no agent replaces it\. .*removeLegacyAgent: false/),
      },
    ]);
  });

  it("no warning where someone's Azure Monitor Agent sends them through Sentinel's connector; an association without the agent sends nothing", () => {
    const connector = { id: `/subscriptions/${SUB}/resourceGroups/rg-sentinel/providers/Microsoft.Insights/dataCollectionRules/sentinel-wsevents`, location: "westeurope", destinations: [SENTINEL.id], xPathQueries: ["Security!*"] };
    const withAma = vms.map((m) => ({ ...m, identity: SYSTEM_IDENTITY, extensions: [...m.extensions!, amaExtension("Windows")] }));
    const parts = (machines: InventoryMachine[]) => ({ workspaces: [SENTINEL], machines, dataCollectionRules: [connector], dataCollectionRuleAssociations: machines.map((m) => association(m, connector.id, "sentinel-assoc")) });
    const covered = plan(none(), inventory(parts(withAma)));
    expect(stepsOf(covered, "remove-extension")).toHaveLength(2);
    expect(covered.findings.filter((f) => f.code === STOPS)).toEqual([]);
    expect(plan(none(), inventory(parts(vms))).findings.filter((f) => f.code === STOPS)).toHaveLength(1);
  });
});

describe("agent ama with autoProvision off and removeLegacyAgent (what the user tried)", () => {
  const machines = [withMma("vm-mma-1"), withMma("vm-mma-2"), machine("vm-clean")];

  it("removes nothing, and says why and what does it, beside legacy-agent-remains", () => {
    const p = plan(spec({ agent: "ama", autoProvision: false, removeLegacyAgent: true }), inventory({ workspaces: [OPS], machines }));
    expect(p.steps).toEqual([]);
    expect(codes(p)).toEqual(["info legacy-agent-remains", "warning legacy-agent-not-removed"]);
    const warning = p.findings.find((f) => f.code === "legacy-agent-not-removed")!;
    expect(warning.target).toBe("logAnalyticsAgent.removeLegacyAgent");
    expect(warning.message).toMatch(/removes nothing: .*once AMA reports.*with autoProvision false this spec neither installs AMA.*from these 2 machine\(s\) without installing another agent, set logAnalyticsAgent.agent to none/);
    expect(p.findings.find((f) => f.code === "legacy-agent-remains")!.message).toMatch(/^2 machine\(s\) in scope run the Log Analytics agent .*autoProvision is off/);
  });

  it("stays quiet with auto provisioning off and no removal asked for", () => {
    expect(plan(spec({ agent: "ama", autoProvision: false }), inventory({ workspaces: [OPS], machines })).findings).toEqual([]);
  });
});
