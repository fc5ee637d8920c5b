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
export const SECURITY_EVENTS_TIER_RAISED = "security-events-tier-raised";

/** Where a tier lives: a workspace's data source (mma) or a data collection rule (ama). */
export type TierHolder = "workspace" | "rule";

interface Lowering {
  readonly name: string;
  readonly from: SecurityEventTier;
  readonly to: SecurityEventTier;
}

/** The tier changes this plan makes, by direction and holder kind (one plan, one agent: in practice one kind). */
const LOWERED = {};
const RAISED = {};

function changesOf(ctx: PlanContext, direction: object): Map<TierHolder, Lowering[]> {
  return ctx.memo(direction, () => new Map<TierHolder, Lowering[]>());
}

const rank = (t: SecurityEventTier) => SECURITY_EVENT_TIERS.indexOf(t);

/**
 * A step of this plan sets `name`'s tier from `from` to `to`: noted when that collects less, or
 * more than a tier already collecting (which Log Analytics bills by the GB). From None it is the
 * spec's collection starting, the step itself, as the seed configures it: not noted.
 */
export function noteTierChange(ctx: PlanContext, holder: TierHolder, name: string, from: SecurityEventTier, to: SecurityEventTier): void {
  if (rank(to) === rank(from) || (from === "None" && rank(to) > rank(from))) return;
  const all = changesOf(ctx, rank(to) < rank(from) ? LOWERED : RAISED);
  let list = all.get(holder);
  if (!list) all.set(holder, (list = []));
  list.push({ name, from, to });
}

/** "2 data collection rule(s), which ... (None → Common: a, b)", per holder kind, and the tiers they leave. */
function describe(changes: Map<TierHolder, Lowering[]>): { readonly parts: string[]; readonly before: Set<SecurityEventTier> } {
  const parts: string[] = [];
  const before = new Set<SecurityEventTier>();
  for (const [holder, list] of changes) {
    for (const l of list) before.add(l.from);
    const byChange = new Map<string, string[]>();
    for (const l of list) {
      const key = `${l.from} → ${l.to}`;
      const names = byChange.get(key);
      if (names) names.push(l.name);
      else byChange.set(key, [l.name]);
    }
    const changed = [...byChange].map(([change, names]) => `${change}: ${fewNames(names.sort())}`);
    parts.push(`${list.length} ${HOLDER_WORDS[holder]} (${changed.join("; ")})`);
  }
  return { parts, before };
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
  noteRaised(ctx, b);
  const { parts, before } = describe(changesOf(ctx, LOWERED));
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

/**
 * A tier this plan raises: more events go to the workspaces, and Log Analytics bills ingestion by
 * the GB (Defender for Servers P2 includes 500 MB a day per machine of security data: reference
 * §1, data-ingestion-benefit.md). The spec asks for it, so it is said, not refused (user trial 20,
 * item 2: Common → All changed the bill without a word).
 */
function noteRaised(ctx: PlanContext, b: StepSink<StepMap>): void {
  const { parts } = describe(changesOf(ctx, RAISED));
  if (!parts.length) return;
  b.finding(
    "warning",
    SECURITY_EVENTS_TIER_RAISED,
    "logAnalyticsAgent.securityEvents",
    `This plan raises the Windows security-event tier of ${parts.join(", and of ")}: from the apply on, the machines sending there collect more security events, which Log Analytics bills by the GB ingested (Defender for Servers P2 includes 500 MB a day per machine of security data). logAnalyticsAgent.securityEvents is ${ctx.spec.logAnalyticsAgent.securityEvents}: set it lower to collect less.`,
  );
}
