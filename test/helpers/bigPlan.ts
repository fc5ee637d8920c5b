/** Plans of any size built directly (a million machines in a second or two, not the planner's minute), for the renderers and the Pulumi provider's bounds. */
import type { Plan, RenderedPlan, RenderedStep } from "../../src/core";

const MMA = "Microsoft.EnterpriseCloud.Monitoring";
export const DECISIONS = ["install", "compliant", "keep-existing", "install-multihome", "skip-not-eligible", "blocked-scom-2012"];

/**
 * A plan as the planner would give it for `n` machines over `subscriptions` subscriptions: each
 * install gets a step; one machine in 2,347 has an Operations Manager 2012 agent (an error
 * finding each). Built directly, so a million machines cost seconds, not the planner's minute.
 */
export function bigPlan(n: number, subscriptions = 3): Plan {
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
  const actions = { "set-pricing": subs.length, "install-extension": steps.length - subs.length };
  return { version: 1, machines, steps, findings, summary: { machines: n, decisions, steps: steps.length, actions, findings: { error: findings.length } } } as unknown as Plan;
}

