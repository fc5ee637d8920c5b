/**
 * The summary findings beside the per-component counts, one per code with a count (not one per
 * machine): machines still waiting for Defender's MDE where Defender for Servers and the
 * integration were already on (defender-endpoint/findings.ts), and machines running the retired
 * Log Analytics agent under `agent: ama` (log-analytics-agent/remaining.ts).
 */
import { join } from "node:path";
import { plan } from "../../src/core";
import type { Inventory } from "../../src/inventory/schema";
import { loadInventoryFile } from "../../src/inventory/load";
import { parseSpec } from "../../src/spec";
import { loadSpecFile } from "../../src/spec/load";

const root = join(__dirname, "../..");
const SUB1 = "11111111-1111-1111-1111-111111111111";
const SUB2 = "22222222-2222-2222-2222-222222222222";
const defenderSpec = () => loadSpecFile(join(__dirname, "fixtures/spec-defender.yaml"));
const base = () => loadInventoryFile(join(root, "examples/inventory.json"));

/** The inventory with Defender for Servers P2 and the integration already as the spec wants in `subs`. */
function alreadyOn(inv: Inventory, subs: readonly string[], securitySettings = { WDATP: true, WDATP_UNIFIED_SOLUTION: true, WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW: false }): Inventory {
  const settings = { ...inv.settings };
  for (const s of subs) settings[s] = { ...settings[s], plans: { VirtualMachines: { pricingTier: "Standard", subPlan: "P2" } }, securitySettings };
  return { ...inv, settings };
}

const awaitingIn = (p: ReturnType<typeof plan>, sub: string) =>
  p.machines.filter((m) => m.id.includes(sub) && (m as { components?: Record<string, { decision: string }> }).components?.endpoint?.decision === "mde-awaiting-defender").length;

describe("mde-still-awaiting-defender", () => {
  it("none when this plan turns the plan and the integration on (the wait is expected)", () => {
    const p = plan(defenderSpec(), base());
    expect(p.summary.components?.endpoint?.["mde-awaiting-defender"]).toBeGreaterThan(0);
    expect(p.findings.filter((f) => f.code === "mde-still-awaiting-defender")).toEqual([]);
  });

  it("one warning counting the waiting machines of the subscriptions where both were already on", () => {
    const p = plan(defenderSpec(), alreadyOn(base(), [SUB1]));
    const n = awaitingIn(p, SUB1);
    expect(n).toBeGreaterThan(1);
    expect(awaitingIn(p, SUB2)).toBeGreaterThan(0);
    const found = p.findings.filter((f) => f.code === "mde-still-awaiting-defender");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: "warning", target: "defender.servers.endpointProtection" });
    // SUB2's machines wait for settings this plan turns on: not counted.
    expect(found[0]!.message).toMatch(new RegExp(`^${n} machine\\(s\\) in 1 subscription\\(s\\) still wait`));
    const both = plan(defenderSpec(), alreadyOn(base(), [SUB1, SUB2])).findings.find((f) => f.code === "mde-still-awaiting-defender");
    expect(both?.message).toMatch(new RegExp(`^${n + awaitingIn(p, SUB2)} machine\\(s\\) in 2 subscription\\(s\\)`));
  });

  it("none when a setting the spec wants is still off there (this plan turns it on)", () => {
    const p = plan(defenderSpec(), alreadyOn(base(), [SUB1], { WDATP: true, WDATP_UNIFIED_SOLUTION: false, WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW: false }));
    expect(p.findings.filter((f) => f.code === "mde-still-awaiting-defender")).toEqual([]);
  });
});

describe("legacy-agent-remains", () => {
  const spec = (removeLegacyAgent: boolean) =>
    parseSpec({ subscriptions: [SUB1, SUB2], logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: "default", securityEvents: "Common", removeLegacyAgent } });
  /** Machines with the Log Analytics extension or a direct install. */
  const legacy = base().machines.filter(
    (m) => (m.extensions ?? []).some((e) => /^(MicrosoftMonitoringAgent|OmsAgentForLinux)$/i.test(e.type)) || (m.agents ?? []).some((a) => a.kind === "direct"),
  ).length;

  it("one finding counting the machines that run it, saying whether the spec removes it", () => {
    expect(legacy).toBeGreaterThan(1);
    const kept = plan(spec(false), base()).findings.filter((f) => f.code === "legacy-agent-remains");
    expect(kept).toHaveLength(1);
    expect(kept[0]!.message).toMatch(new RegExp(`^${legacy} machine\\(s\\) in scope run the Log Analytics agent .*removeLegacyAgent is off: it stays on all of them`));
    const removed = plan(spec(true), base()).findings.find((f) => f.code === "legacy-agent-remains");
    expect(removed?.message).toMatch(/removeLegacyAgent is on: /);
  });

  it("none under agent: mma (legacy-agent-retired says it) and none when no machine runs it", () => {
    const mma = plan(loadSpecFile(join(root, "examples/spec.yaml")), base()).findings.map((f) => f.code);
    expect(mma).toContain("legacy-agent-retired");
    expect(mma).not.toContain("legacy-agent-remains");
    const inv = base();
    const none = { ...inv, machines: inv.machines.map((m) => ({ ...m, extensions: [], agents: [] })) };
    expect(plan(spec(false), none).findings.map((f) => f.code)).not.toContain("legacy-agent-remains");
  });
});
