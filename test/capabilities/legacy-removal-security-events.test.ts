/**
 * `agent: ama` with `removeLegacyAgent: true`: removing the Log Analytics agent from a machine
 * whose workspace collects Windows security events through it (the workspace's tier, or Sentinel)
 * while the rule the Azure Monitor Agent sends there through selects none stops the machine's
 * events (user trial 19: vm-mma-sentinel lost its events to law-sentinel, whose new rule has tier
 * None, with no finding). The removal stays; one warning counts the machines, names the workspaces
 * and says how to keep the events.
 */
import { plan, stepsOf } from "../../src/core";
import type { InventoryWorkspace } from "../../src/inventory/schema";
import { amaExtension, association, dcr, defaultWorkspace, inventory, laExtension, machine, spec, SUB, SYSTEM_IDENTITY, workspace } from "../helpers/fixtures";

const CODE = "legacy-agent-removal-stops-security-events";
const stops = (p: ReturnType<typeof plan>) => p.findings.filter((f) => f.code === CODE);

/** Machines whose AMA reports to `ws` through its rule of ours, with the legacy extension still there: ready for its removal. */
function migrated(ws: InventoryWorkspace, names: string[]) {
  return names.map((n) =>
    machine(n, { extensions: [amaExtension("Windows"), laExtension("Windows", "1.0", ws.customerId)], identity: SYSTEM_IDENTITY, agents: [{ kind: "ama", workspaceCustomerIds: [ws.customerId] }] }),
  );
}

describe("a user's Sentinel workspace: the rule copies its tier, None where Sentinel configures it", () => {
  const sentinel = workspace("law-sentinel", "c5000000-0000-4000-8000-000000000000", { solutions: ["SecurityInsights"], securityEvents: { tier: "Common", owner: "sentinel" } });
  const vms = migrated(sentinel, ["vm-sen-1", "vm-sen-2"]);
  const parts = { workspaces: [sentinel], machines: vms, dataCollectionRules: [dcr(sentinel, "None")], dataCollectionRuleAssociations: vms.map((m) => association(m, sentinel)) };

  it("removes the agent and warns once, counting the machines, naming the workspace, and saying the legacy agent must stay", () => {
    const p = plan(spec({ agent: "ama", removeLegacyAgent: true, securityEvents: "Common" }), inventory(parts));
    expect(stepsOf(p, "remove-extension")).toHaveLength(2);
    expect(stops(p)).toEqual([
      {
        severity: "warning",
        code: CODE,
        target: "logAnalyticsAgent.removeLegacyAgent",
        message: expect.stringMatching(
          /^Removing the Log Analytics agent from 2 machine\(s\) stops their Windows security events: their workspace\(s\) law-sentinel \(Sentinel, tier Common\) collect them through that agent.* No spec field gives the rule of law-sentinel a tier .*keep the legacy agent \(removeLegacyAgent: false\) until/,
        ),
      },
    ]);
  });

  it("no warning when another rule associated with the machines sends security events there (Sentinel's AMA connector)", () => {
    const connector = { id: `/subscriptions/${SUB}/resourceGroups/rg-sentinel/providers/Microsoft.Insights/dataCollectionRules/sentinel-wsevents`, location: "westeurope", destinations: [sentinel.id], xPathQueries: ["Security!*"] };
    const others = vms.map((m) => ({ ...association(m, connector.id, "sentinel-assoc") }));
    const p = plan(spec({ agent: "ama", removeLegacyAgent: true }), inventory({ ...parts, dataCollectionRules: [...parts.dataCollectionRules, connector], dataCollectionRuleAssociations: [...parts.dataCollectionRuleAssociations, ...others] }));
    expect(stepsOf(p, "remove-extension")).toHaveLength(2);
    expect(stops(p)).toEqual([]);
  });
});

describe("a target workspace whose legacy tier is Common, and a spec without securityEvents", () => {
  const weu = defaultWorkspace("WEU", "c6000000-0000-4000-8000-000000000000", "westeurope", SUB, { solutions: ["Security"], securityEvents: { tier: "Common", owner: "securityCenter" } });
  const vms = migrated(weu, ["vm-1"]);
  const parts = (ruleTier: "None" | "Common") => ({ workspaces: [weu], machines: vms, dataCollectionRules: [dcr(weu, ruleTier)], dataCollectionRuleAssociations: vms.map((m) => association(m, weu)) });

  it("the rule selects None: the warning names the field that gives the target's rule a tier", () => {
    const p = plan(spec({ agent: "ama", removeLegacyAgent: true }), inventory(parts("None")));
    expect(stops(p)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(new RegExp(`from 1 machine\\(s\\).*DefaultWorkspace-${SUB}-WEU \\(tier Common\\).* For DefaultWorkspace-${SUB}-WEU, set logAnalyticsAgent.securityEvents to the tier to collect`)),
      }),
    ]);
  });

  it("no warning when the rule collects them, or the workspace collected none", () => {
    expect(stops(plan(spec({ agent: "ama", removeLegacyAgent: true, securityEvents: "Common" }), inventory(parts("Common"))))).toEqual([]);
    const quiet = { ...weu, securityEvents: { tier: "None" as const, owner: "securityCenter" as const } };
    const p = plan(spec({ agent: "ama", removeLegacyAgent: true }), inventory({ ...parts("None"), workspaces: [quiet] }));
    expect(stepsOf(p, "remove-extension")).toHaveLength(1);
    expect(stops(p)).toEqual([]);
  });
});
