/**
 * The markdown plan is a pull-request comment: at most 65,536 characters (GitHub's limit) by
 * default, whatever the fleet, and still useful at a million machines.
 */
import fc from "fast-check";
import { GITHUB_COMMENT_LIMIT, MIN_MARKDOWN_CHARS, renderMarkdown, type RenderedPlan, type RenderedStep } from "../../src/core";
import { loadInventoryFile } from "../../src/inventory/load";
import { loadSpecFile } from "../../src/spec/load";
import { plan } from "../../src/core";
import { join } from "node:path";

const MMA = "Microsoft.EnterpriseCloud.Monitoring";
const DECISIONS = ["install", "compliant", "keep-existing", "install-multihome", "skip-not-eligible", "blocked-scom-2012"];

/**
 * A plan as the planner would give it for `n` machines over `subscriptions` subscriptions: each
 * install gets a step; one machine in 2,347 has an Operations Manager 2012 agent (an error
 * finding each). Built directly, so a million machines cost seconds, not the planner's minute.
 */
function bigPlan(n: number, subscriptions = 3): RenderedPlan {
  const subs = Array.from({ length: subscriptions }, (_, i) => `aaaaaaaa-0000-4000-8000-${String(i).padStart(12, "0")}`);
  const wsOf = subs.map((s) => `/subscriptions/${s}/resourceGroups/DefaultResourceGroup-WEU/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-${s}-WEU`);
  const reasons = wsOf.map((w) => `No Log Analytics agent: the extension is installed and connected to ${w.split("/").pop()}.`);
  const machines: RenderedPlan["machines"][number][] = [];
  const steps: RenderedStep[] = [];
  const findings: RenderedPlan["findings"][number][] = [];
  const decisions: Record<string, number> = {};
  for (let s = 0; s < subs.length; s++) {
    steps.push({ id: `set-pricing:/subscriptions/${subs[s]}/providers/Microsoft.Security/pricings/VirtualMachines`, action: "set-pricing", target: `/subscriptions/${subs[s]}/providers/Microsoft.Security/pricings/VirtualMachines`, dependsOn: [], details: { subscriptionId: subs[s], pricingName: "VirtualMachines", pricingTier: "Standard" } });
  }
  // Machines sorted by id, as the planner emits them: subscription by subscription.
  const perSub = Math.ceil(n / subs.length);
  for (let i = 0; i < n; i++) {
    const s = Math.min(subs.length - 1, Math.floor(i / perSub));
    const id = `/subscriptions/${subs[s]}/resourceGroups/rg-${i % 97}/providers/Microsoft.Compute/virtualMachines/m${String(i).padStart(7, "0")}`;
    const decision = i % 2347 === 0 ? "blocked-scom-2012" : DECISIONS[i % 5]!;
    decisions[decision] = (decisions[decision] ?? 0) + 1;
    machines.push({ id, decision, workspace: decision === "install" ? wsOf[s]! : null, reason: reasons[s]! });
    if (decision === "install") {
      const target = `${id}/extensions/MicrosoftMonitoringAgent`;
      steps.push({ id: `install-extension:${target}`, action: "install-extension", target, dependsOn: [], details: { machineId: id, machineKind: "vm", osType: "Windows", location: "westeurope", name: "MicrosoftMonitoringAgent", publisher: MMA, type: "MicrosoftMonitoringAgent", typeHandlerVersion: "1.0", workspaceId: wsOf[s] } });
    }
    if (decision === "blocked-scom-2012") {
      findings.push({ severity: "error", code: "scom-2012-agent", target: id, message: "An Operations Manager 2012 agent is installed: auto provisioning must not be enabled for this machine, so nothing is changed." });
    }
  }
  return { machines, steps, findings, summary: { machines: n, decisions, findings: { error: findings.length } } };
}

describe("markdown within GitHub's comment limit", () => {
  it("a million machines: at most 65,536 characters, with what a reviewer needs", () => {
    const p = bigPlan(1_000_000);
    const installs = p.summary.decisions.install!;
    const firstSub = "aaaaaaaa-0000-4000-8000-000000000000";
    const installsInFirst = p.machines.filter((m) => m.decision === "install" && m.id.includes(firstSub)).length;
    const md = renderMarkdown(p, undefined, { planUrl: "https://github.com/o/r/actions/runs/1/artifacts/2" });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md.startsWith(`<!-- asc-autoprovision-plan -->\n### asc-autoprovision plan: ${installs} machines to change across 3 subscriptions`)).toBe(true);
    expect(md).toContain("**Full plan:** [plan JSON](https://github.com/o/r/actions/runs/1/artifacts/2)");
    // 427 identical Operations Manager 2012 findings: one line, with a count and examples.
    expect(md.match(/scom-2012-agent/g)).toHaveLength(1);
    expect(md).toMatch(/`scom-2012-agent` × 427 \(m0000000, m0002347, m0004694, …\): An Operations Manager 2012 agent is installed/);
    // Every decision, every subscription and every component, with counts.
    for (const d of DECISIONS) expect(md).toContain(`| \`${d}\` | ${p.summary.decisions[d]} |`);
    expect(md).toContain(`| \`${firstSub}\` | 333334 | ${installsInFirst} |`);
    expect(md).toContain(`| ${installs} | ${installs} | ${installs} install-extension |`);
    // The steps on no machine (here the pricing) come before the many per-machine ones.
    expect(md.indexOf("`set-pricing`")).toBeLessThan(md.indexOf("`install-extension` | m"));
    expect(md).toMatch(/more step\(s\) in this subscription/);
    expect(md).toMatch(/_Shortened to fit 65,536 characters: every machine and step is in the \[full plan\]\(https:/);
  });

  it("ten thousand subscriptions: the biggest first, the rest counted", () => {
    const p = bigPlan(200_000, 10_000);
    const md = renderMarkdown(p);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toMatch(/\| … and \d+ more subscription\(s\) \|/);
  });

  it("--max-chars: any budget from the minimum up is held, for any plan size", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: MIN_MARKDOWN_CHARS, max: 70_000 }), (n, subs, max) => {
        const md = renderMarkdown(bigPlan(n, subs), undefined, { maxChars: max });
        expect(md.length).toBeLessThanOrEqual(max);
        expect(md.startsWith("<!-- asc-autoprovision-plan -->\n### asc-autoprovision plan:")).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("a small plan is shown whole, without the shortening note", () => {
    const root = join(__dirname, "../..");
    const md = renderMarkdown(plan(loadSpecFile(join(root, "examples/spec.yaml")), loadInventoryFile(join(root, "examples/inventory.json"))));
    expect(md).not.toContain("Shortened");
    expect(md).toContain("<details><summary>Machines (15)</summary>");
  });

  it("refuses a budget below what the headline needs", () => {
    expect(() => renderMarkdown(bigPlan(10), undefined, { maxChars: 100 })).toThrow(/maxChars must be a whole number >= 1024/);
  });
});
