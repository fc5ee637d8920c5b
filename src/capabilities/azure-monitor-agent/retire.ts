/**
 * `agent: none` (user trial 20, item 4): no agent is provisioned; with removeLegacyAgent the
 * retired Log Analytics agent's extension is removed with no agent after it, for a fleet whose
 * Defender for Servers needs neither agent (Defender for Endpoint and agentless scanning, reference
 * §1). The removal is the migration's last step without its successor, so it lives beside it and
 * keeps its guards: never beside a direct or Operations Manager agent or the Dependency agent
 * (legacy.ts), never on a machine that cannot take the write (skip-not-eligible), and the same
 * findings on what stops (security events, the workspace's data). Unlike `agent: ama`, a workspace
 * the extension reports to does not hold it: the spec asks for no agent anywhere, and its finding
 * says what that workspace stops receiving.
 *
 * Precedence: remove-legacy | keep-legacy (the extension, or a direct agent, with removeLegacyAgent)
 * > skip-not-eligible (only for a removal) > out-of-scope (nothing to do: no agent is provisioned).
 */
import type { InventoryMachine } from "../../inventory/schema";
import { ineligibility } from "../../inventory/eligibility";
import type { Fleet, MachineVerdict, PlanContext, StepSink } from "../../core/kernel";
import type { LaDecision } from "../log-analytics-agent";
import type { MachineExtensionSteps } from "../machine-extensions";
import { agentsOnMachine, legacyWorkspaceOf, machineBlocker, noteLegacyRemovals, planLegacyRemoval } from "./legacy";
import { StoppedSecurityEvents } from "./legacyEvents";
import { AMA_REASONS } from "./reasons";

/** The decisions only `agent: none` makes; out-of-scope and skip-not-eligible apply too. */
export const RETIRE_DECISIONS = {
  "remove-legacy": "agent none: the legacy agent extension is removed, no agent replacing it",
  "keep-legacy": "agent none: the legacy agent cannot be removed safely",
} as const;
export type RetireDecision = keyof typeof RETIRE_DECISIONS;

export type RetireVerdict = MachineVerdict<RetireDecision | Extract<LaDecision, "skip-not-eligible" | "out-of-scope">>;

/** The machines phase under `agent: none`: one verdict per machine, a removal step where one is due. */
export function planLegacyRetirement(ctx: PlanContext, b: StepSink<MachineExtensionSteps>, fleet: Fleet): readonly RetireVerdict[] {
  const say = ctx.reasons.speaker(AMA_REASONS);
  const removalsFrom = new Map<string, number>();
  const stopped = new StoppedSecurityEvents(false);
  let kept = 0;
  const verdicts = fleet.machines.map((m): RetireVerdict => {
    const v = decide(ctx, m);
    if (v.decision === "keep-legacy") kept++;
    return v;
  });

  function decide(c: PlanContext, m: InventoryMachine): RetireVerdict {
    const agents = agentsOnMachine(m);
    const { mma } = agents;
    const ws = legacyWorkspaceOf(c, mma);
    const workspace = ws?.id ?? null;
    const legacy = mma !== undefined || agents.direct;
    if (!c.spec.logAnalyticsAgent.removeLegacyAgent || !legacy) return { decision: "out-of-scope", workspace, reason: say("no-agent", legacy) };
    const blocker = machineBlocker(agents);
    if (blocker || !mma) return { decision: "keep-legacy", workspace, reason: say("retire-keep-legacy", blocker ?? "direct", agents.scom) };
    const notEligible = ineligibility(m);
    if (notEligible) return { decision: "skip-not-eligible", workspace, reason: say("not-eligible", notEligible) };
    planLegacyRemoval(c, b, m, mma, ws?.id, []);
    if (ws) {
      removalsFrom.set(ws.id, (removalsFrom.get(ws.id) ?? 0) + 1);
      stopped.note(c, m.id, ws, "None", false, agents.ama !== undefined);
    }
    return { decision: "remove-legacy", workspace: null, reason: say("retire-legacy", ws?.id) };
  }

  stopped.report(b);
  noteLegacyRemovals(b, removalsFrom, kept, "keep-legacy", false);
  return verdicts;
}
