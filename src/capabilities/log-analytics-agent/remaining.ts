/**
 * Under `agent: ama` or `none`, one finding counting the machines in scope that run the retired Log
 * Analytics agent today (its extension, or a direct install), and what the spec does about it:
 * each machine's reason says what happens to its agent; this says how many there are. Under
 * `agent: mma` the plan deploys the agent itself, and `legacy-agent-retired` says so. Under `ama`
 * with autoProvision off, only when removeLegacyAgent asks for a removal that cannot happen, with
 * a warning saying why and what does it.
 */
import type { InventoryMachine } from "../../inventory/schema";
import { LOG_ANALYTICS_AGENT } from "../../spec/extensions";
import type { Fleet, PlanContext, StepMap, StepSink } from "../../core/kernel";
import type { LogAnalyticsAgentSpec } from "../../spec/schema";
import { extensionOf } from "../machine-extensions";

export const LEGACY_AGENT_REMAINS = "legacy-agent-remains";
export const LEGACY_AGENT_NOT_REMOVED = "legacy-agent-not-removed";

/** Whether the machine runs the Log Analytics agent (a loop per machine, no closure). */
function runsLegacyAgent(m: InventoryMachine): boolean {
  if (extensionOf(m, LOG_ANALYTICS_AGENT[m.osType])) return true;
  for (const a of m.agents ?? []) if (a.kind === "direct") return true;
  return false;
}

/** The machines phase under another agent: the findings; no verdicts (the spec's agent decides them). */
export function noteLegacyAgentRemaining(ctx: PlanContext, b: StepSink<StepMap>, fleet: Fleet): undefined {
  const la = ctx.spec.logAnalyticsAgent;
  // Under ama with auto provisioning off, only a removal asked for and not done is worth saying (user trial 20, item 4).
  const idleRemoval = la.agent === "ama" && !la.autoProvision && la.removeLegacyAgent;
  if (la.agent === "mma" || (la.agent === "ama" && !la.autoProvision && !idleRemoval)) return undefined;
  let n = 0;
  for (const m of fleet.machines) if (runsLegacyAgent(m)) n++;
  if (!n) return undefined;
  b.finding("info", LEGACY_AGENT_REMAINS, "logAnalyticsAgent.removeLegacyAgent", `${n} machine(s) in scope run the Log Analytics agent (MMA), retired on 31 August 2024. ` + whatHappens(la));
  if (idleRemoval) {
    b.finding(
      "warning",
      LEGACY_AGENT_NOT_REMOVED,
      "logAnalyticsAgent.removeLegacyAgent",
      `removeLegacyAgent is true but removes nothing: it removes the legacy agent as the last step of the move to the Azure Monitor Agent, once AMA reports from a machine, and with autoProvision false this spec neither installs AMA nor moves any machine. ` +
        `To remove the legacy agent from these ${n} machine(s) without installing another agent, set logAnalyticsAgent.agent to none (with removeLegacyAgent: true); to move them to AMA first, set autoProvision to true.`,
    );
  }
  return undefined;
}

/** What the spec does about the legacy agent, in a sentence. */
function whatHappens(la: LogAnalyticsAgentSpec): string {
  if (la.agent === "none") {
    return la.removeLegacyAgent
      ? "agent is none and removeLegacyAgent is on: its extension is removed from a machine where nothing on the machine needs it, and no agent replaces it; the machines decided keep-legacy keep it, each for the reason it gives."
      : "agent is none and removeLegacyAgent is off: it stays on all of them (with it on, its extension is removed where nothing on the machine needs it, no agent replacing it).";
  }
  if (!la.autoProvision) return "autoProvision is off: no Azure Monitor Agent is installed, and it stays on all of them.";
  return la.removeLegacyAgent
    ? "removeLegacyAgent is on: its extension is removed from a machine once the Azure Monitor Agent reports there and nothing on the machine needs it; the machines decided ama-keep-legacy keep it, each for the reason it gives."
    : "removeLegacyAgent is off: it stays on all of them beside the Azure Monitor Agent (with it on, the extension is removed once AMA reports, where nothing on the machine needs it).";
}
