/**
 * Under `agent: ama`, one finding counting the machines in scope that run the retired Log
 * Analytics agent today (its extension, or a direct install), and what the spec does about it:
 * each machine's reason says what happens to its agent; this says how many there are. Under
 * `agent: mma` the plan deploys the agent itself, and `legacy-agent-retired` says so.
 */
import type { InventoryMachine } from "../../inventory/schema";
import { LOG_ANALYTICS_AGENT } from "../../spec/extensions";
import type { Fleet, PlanContext, StepMap, StepSink } from "../../core/kernel";
import { extensionOf } from "../machine-extensions";

export const LEGACY_AGENT_REMAINS = "legacy-agent-remains";

/** Whether the machine runs the Log Analytics agent (a loop per machine, no closure). */
function runsLegacyAgent(m: InventoryMachine): boolean {
  if (extensionOf(m, LOG_ANALYTICS_AGENT[m.osType])) return true;
  for (const a of m.agents ?? []) if (a.kind === "direct") return true;
  return false;
}

/** The machines phase under another agent: the finding; no verdicts (the spec's agent decides them). */
export function noteLegacyAgentRemaining(ctx: PlanContext, b: StepSink<StepMap>, fleet: Fleet): undefined {
  const la = ctx.spec.logAnalyticsAgent;
  if (!la.autoProvision || la.agent !== "ama") return undefined;
  let n = 0;
  for (const m of fleet.machines) if (runsLegacyAgent(m)) n++;
  if (!n) return undefined;
  b.finding(
    "info",
    LEGACY_AGENT_REMAINS,
    "logAnalyticsAgent.removeLegacyAgent",
    `${n} machine(s) in scope run the Log Analytics agent (MMA), retired on 31 August 2024. ` +
      (la.removeLegacyAgent
        ? "removeLegacyAgent is on: its extension is removed from a machine once the Azure Monitor Agent reports there and nothing on the machine needs it; the machines decided ama-keep-legacy keep it, each for the reason it gives."
        : "removeLegacyAgent is off: it stays on all of them beside the Azure Monitor Agent (with it on, the extension is removed once AMA reports, where nothing on the machine needs it)."),
  );
  return undefined;
}
