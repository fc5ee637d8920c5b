/**
 * The spec-level findings of security events, said once per plan:
 * - a tier this plan lowers (user trial 19: a spec without `securityEvents`, whose default is None,
 *   set the rules of workspaces that collected Common to None, silently). The agents report each
 *   lowering here (the legacy agent's workspace data source, the Azure Monitor Agent's rule); one
 *   warning names them with their tier before and after;
 * - events asked for without Defender, whatever the plan configures: it is about the spec (the
 *   trial saw it only when some workspace needed configuring).
 */
import { SECURITY_EVENT_TIERS, type SecurityEventTier } from "../../spec/events";
import { fewNames, type PlanContext, type StepMap, type StepSink } from "../../core/kernel";
import { securityEventsNeedDefenderMessage } from "./messages";

export const SECURITY_EVENTS_TIER_LOWERED = "security-events-tier-lowered";

/** Where a tier lives: a workspace's data source (mma) or a data collection rule (ama). */
export type TierHolder = "workspace" | "rule";

interface Lowering {
  readonly name: string;
  readonly from: SecurityEventTier;
  readonly to: SecurityEventTier;
}

/** The lowerings this plan makes, by holder kind (one plan, one agent: in practice one kind). */
const LOWERED = {};

function lowerings(ctx: PlanContext): Map<TierHolder, Lowering[]> {
  return ctx.memo(LOWERED, () => new Map<TierHolder, Lowering[]>());
}

const rank = (t: SecurityEventTier) => SECURITY_EVENT_TIERS.indexOf(t);

/** A step of this plan sets `name`'s tier from `from` to `to`: noted when that collects less. */
export function noteTierChange(ctx: PlanContext, holder: TierHolder, name: string, from: SecurityEventTier, to: SecurityEventTier): void {
  if (rank(to) >= rank(from)) return;
  const all = lowerings(ctx);
  let list = all.get(holder);
  if (!list) all.set(holder, (list = []));
  list.push({ name, from, to });
}

const HOLDER_WORDS: Record<TierHolder, string> = {
  workspace: "workspace(s), whose security-event data source the Log Analytics agent follows",
  rule: "data collection rule(s), which the Azure Monitor Agent follows",
};

export function noteSecurityEventFindings(ctx: PlanContext, b: StepSink<StepMap>): void {
  const la = ctx.spec.logAnalyticsAgent;
  if (!la.defender && la.securityEvents !== "None") {
    b.finding("warning", "security-events-need-defender", "logAnalyticsAgent.securityEvents", securityEventsNeedDefenderMessage(la.securityEvents));
  }
  const parts: string[] = [];
  const before = new Set<SecurityEventTier>();
  for (const [holder, list] of lowerings(ctx)) {
    for (const l of list) before.add(l.from);
    const byChange = new Map<string, string[]>();
    for (const l of list) {
      const key = `${l.from} → ${l.to}`;
      const names = byChange.get(key);
      if (names) names.push(l.name);
      else byChange.set(key, [l.name]);
    }
    const changes = [...byChange].map(([change, names]) => `${change}: ${fewNames(names.sort())}`);
    parts.push(`${list.length} ${HOLDER_WORDS[holder]} (${changes.join("; ")})`);
  }
  if (!parts.length) return;
  const asked = la.securityEvents === "None" ? "None (the default when the spec leaves it out)" : la.securityEvents;
  b.finding(
    "warning",
    SECURITY_EVENTS_TIER_LOWERED,
    "logAnalyticsAgent.securityEvents",
    `This plan lowers the Windows security-event tier of ${parts.join(", and of ")}: from the apply on, the machines sending there collect fewer security events${la.securityEvents === "None" ? " (none at all)" : ""}. ` +
      `logAnalyticsAgent.securityEvents is ${asked}: set it to ${before.size === 1 ? [...before][0] : "the tier they have today"} to keep collecting those events.`,
  );
}
