/**
 * Windows security events that stop with the legacy agent (user trial 19). A workspace collects
 * them through the Log Analytics agent when its own security-event tier is not None, or when
 * Sentinel (SecurityInsights) is on it. Removing that agent from a machine (removeLegacyAgent)
 * stops the machine's events there when the rule the Azure Monitor Agent sends through selects
 * none (the rule of a workspace the spec does not target is made with that workspace's tier, None
 * where Sentinel configures it, and then left as it is), and no other rule associated with the machine sends them
 * there (Sentinel's own "Windows Security Events via AMA" connector, say). The removal still
 * happens, as asked; one warning counts the machines and names the workspaces and the way out.
 * Under `agent: none` (user trial 20) nothing replaces the agent: only someone else's Azure
 * Monitor Agent with such a rule keeps the events.
 */
import type { InventoryWorkspace } from "../../inventory/schema";
import type { SecurityEventTier } from "../../spec/events";
import { fewNames, workspaceLabel, type PlanContext, type StepMap, type StepSink } from "../../core/kernel";
import { hasSolution } from "../workspaces";
import { amaLookups } from "./lookups";

export const LEGACY_REMOVAL_STOPS_SECURITY_EVENTS = "legacy-agent-removal-stops-security-events";

/** How the legacy agent collects security events into `ws`, or undefined when it does not. */
export function legacyEventCollection(ws: InventoryWorkspace): string | undefined {
  const tier = ws.securityEvents?.tier ?? "None";
  const sentinel = hasSolution(ws, "SecurityInsights") || ws.securityEvents?.owner === "sentinel";
  if (sentinel) return tier !== "None" ? `Sentinel, tier ${tier}` : "Sentinel (SecurityInsights)";
  return tier !== "None" ? `tier ${tier}` : undefined;
}

/** Whether another rule associated with the machine sends security events to the workspace. */
function otherRuleCollects(ctx: PlanContext, machineId: string, workspaceId: string): boolean {
  const look = amaLookups(ctx);
  return look.otherRulesOf(machineId).some((ruleId) => {
    const rule = look.dataCollectionRule(ruleId);
    return !!rule && rule.xPathQueries.length > 0 && rule.destinations.some((d) => ctx.lower(d) === ctx.lower(workspaceId));
  });
}

interface Stopped {
  readonly how: string;
  /** A workspace the spec targets, with Defender on and not Sentinel's: logAnalyticsAgent.securityEvents gives its rule a tier. */
  readonly specTier: boolean;
  machines: number;
}

/** The machines whose security events this plan's legacy-agent removals stop, by workspace. */
export class StoppedSecurityEvents {
  private readonly byWorkspace = new Map<string, Stopped>();

  /** `successor`: the Azure Monitor Agent replaces the removed agent (`agent: ama`), or nothing does (`agent: none`). */
  constructor(private readonly successor = true) {}

  /**
   * A removal from a machine reporting to `ws`, whose Azure Monitor Agent sends there through a
   * rule that selects `ruleTier` after this plan (undefined: a rule of someone's queries, not judged;
   * "None" too without a successor). `amaRuns`: the machine has the Azure Monitor Agent, so other rules count.
   */
  note(ctx: PlanContext, machineId: string, ws: InventoryWorkspace, ruleTier: SecurityEventTier | undefined, isTarget: boolean, amaRuns = true): void {
    if (ruleTier !== "None") return;
    const how = legacyEventCollection(ws);
    if (!how || (amaRuns && otherRuleCollects(ctx, machineId, ws.id))) return;
    let s = this.byWorkspace.get(ws.id);
    if (!s) {
      const specTier = isTarget && ctx.spec.logAnalyticsAgent.defender && ws.securityEvents?.owner !== "sentinel";
      this.byWorkspace.set(ws.id, (s = { how, specTier, machines: 0 }));
    }
    s.machines++;
  }

  report(b: StepSink<StepMap>): void {
    if (!this.byWorkspace.size) return;
    const all = [...this.byWorkspace].sort(([a], [c]) => (a.toLowerCase() < c.toLowerCase() ? -1 : 1));
    const machines = all.reduce((n, [, s]) => n + s.machines, 0);
    const named = fewNames(all.map(([id, s]) => `${workspaceLabel(id)} (${s.how})`));
    const bySpec = all.filter(([, s]) => s.specTier).map(([id]) => workspaceLabel(id));
    const kept = all.filter(([, s]) => !s.specTier).map(([id]) => workspaceLabel(id));
    if (!this.successor) {
      b.finding(
        "warning",
        LEGACY_REMOVAL_STOPS_SECURITY_EVENTS,
        "logAnalyticsAgent.removeLegacyAgent",
        `Removing the Log Analytics agent from ${machines} machine(s) stops their Windows security events: their workspace(s) ${named} collect them through that agent, and with logAnalyticsAgent.agent none no agent replaces it. ` +
          `To keep them, keep the legacy agent (removeLegacyAgent: false) until the Azure Monitor Agent collects them there: agent: ama, or a rule such as Sentinel's "Windows Security Events via AMA" connector's associated with those machines.`,
      );
      return;
    }
    const ways: string[] = [];
    if (bySpec.length) ways.push(`For ${fewNames(bySpec)}, set logAnalyticsAgent.securityEvents to the tier to collect: the rule of a workspace the spec targets carries it.`);
    if (kept.length) {
      ways.push(
        `No spec field gives the rule of ${fewNames(kept)} a tier (the rule of a workspace the spec does not target is made with that workspace's own tier, None where Sentinel configures it, and then left as it is): ` +
          `keep the legacy agent (removeLegacyAgent: false) until a rule that collects those machines' security events, such as Sentinel's "Windows Security Events via AMA" connector's, is associated with them.`,
      );
    }
    b.finding(
      "warning",
      LEGACY_REMOVAL_STOPS_SECURITY_EVENTS,
      "logAnalyticsAgent.removeLegacyAgent",
      `Removing the Log Analytics agent from ${machines} machine(s) stops their Windows security events: their workspace(s) ${named} collect them through that agent, and the data collection rule the Azure Monitor Agent sends there through selects none. ` +
        ways.join(" "),
    );
  }
}
