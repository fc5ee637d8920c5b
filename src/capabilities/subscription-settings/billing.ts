/**
 * What turning a Defender plan on or off costs and takes away, said once per plan and direction
 * with the subscriptions it happens in (user trial 19: `logAnalyticsAgent.defender` defaults to
 * true, and a plan set VirtualMachines to Standard, or with `defender: false` to Free, without a
 * word). Defender for Servers keeps its own codes (README documents them); every other plan the
 * `defender` section turns on or off shares one pair, with the plan in the target and the message.
 * Whichever field of the spec sets the Servers tier says it: this capability's
 * `logAnalyticsAgent.defender` without a `defender.servers` section, defender-plans'
 * `defender.servers.plan` with one; never both, as only one of them plans the VirtualMachines
 * pricing for a spec. A move between sub-plans of a plan that stays Standard is said here too: it
 * changes what Azure bills.
 */
import { fewNames, type StepSink, type StepMap } from "../../core/kernel";

export const SERVERS_BILLING_STARTS = "defender-servers-billing-starts";
export const SERVERS_PROTECTION_ENDS = "defender-servers-protection-ends";
export const PLAN_BILLING_STARTS = "defender-plan-billing-starts";
export const PLAN_PROTECTION_ENDS = "defender-plan-protection-ends";
export const PLAN_BILLING_CHANGES = "defender-plan-billing-changes";

/** A Defender plan as its billing findings name it. */
export interface PlanBilling {
  /** As users know it: "Defender for Servers". */
  readonly name: string;
  /** The pricing's name: "VirtualMachines". */
  readonly pricing: string;
  /** What turning it on bills, one sentence. */
  readonly bills: string;
  /** What turning it off takes away, one sentence. */
  readonly ends: string;
}

/** The codes of one plan's two directions. */
interface TierCodes {
  readonly starts: string;
  readonly ends: string;
}

/** The subscriptions (sorted) whose tier of one plan this plan moves, by direction. */
export interface TierChanges {
  readonly on: readonly string[];
  readonly off: readonly string[];
}

/** How the spec's field that moves the tier keeps it as it is. */
export interface TierField {
  readonly field: string;
  readonly keepFree: string;
  readonly keepOn: string;
}

export const SERVERS_BILLING: PlanBilling = {
  name: "Defender for Servers",
  pricing: "VirtualMachines",
  bills: "From the apply on, Azure bills the plan per machine-hour for every machine it covers there (running VMs, scale-set instances, connected Arc machines), and Defender deploys its components to them.",
  ends: "Their machines lose Defender for Servers protection: Defender no longer onboards them to Defender for Endpoint, assesses their vulnerabilities or raises the plan's alerts (what is installed stays).",
};

const SERVERS_CODES: TierCodes = { starts: SERVERS_BILLING_STARTS, ends: SERVERS_PROTECTION_ENDS };
export const PLAN_CODES: TierCodes = { starts: PLAN_BILLING_STARTS, ends: PLAN_PROTECTION_ENDS };

/** One warning per direction the plan's tier moves in: the subscriptions, what it means, and how the field keeps the tier. */
export function noteTierChanges(b: StepSink<StepMap>, codes: TierCodes, plan: PlanBilling, changes: TierChanges, how: TierField): void {
  const directions = [
    { code: codes.starts, subs: changes.on, change: "on", move: "Free → Standard", means: plan.bills, keep: how.keepFree },
    { code: codes.ends, subs: changes.off, change: "off", move: "Standard → Free", means: plan.ends, keep: how.keepOn },
  ];
  for (const d of directions) {
    if (!d.subs.length) continue;
    b.finding("warning", d.code, how.field, `This plan turns ${plan.name} ${d.change} (pricing ${plan.pricing}: ${d.move}) in ${d.subs.length} subscription(s): ${fewNames(d.subs)}. ${d.means} ${d.keep}`);
  }
}

export function noteServersTierChanges(b: StepSink<StepMap>, changes: TierChanges, how: TierField): void {
  noteTierChanges(b, SERVERS_CODES, SERVERS_BILLING, changes, how);
}

/** A plan that stays Standard and moves to sub-plan `to`: the subscriptions by the sub-plan they leave (sorted). */
export interface SubPlanMove {
  readonly to: string;
  readonly from: ReadonlyMap<string, readonly string[]>;
}

/** How each sub-plan bills ("per key vault per month"), for the sub-plans this tool knows. */
export type SubPlanBilling = Readonly<Record<string, string>>;

/** One warning for a plan whose sub-plan moves while it stays Standard: what Azure bills before and after, and how to keep it. */
export function noteSubPlanMove(b: StepSink<StepMap>, plan: PlanBilling, billing: SubPlanBilling, move: SubPlanMove, field: string, keep: string): void {
  const groups = [...move.from];
  const count = groups.reduce((n, [, subs]) => n + subs.length, 0);
  const where = groups.map(([from, subs]) => `${fewNames(subs)} (from ${from})`).join("; ");
  const bills = (sub: string) => billing[sub] ?? `as sub-plan ${sub} does`;
  const before = groups.map(([from]) => bills(from)).join(" or ");
  b.finding(
    "warning",
    PLAN_BILLING_CHANGES,
    field,
    `This plan moves ${plan.name} to sub-plan ${move.to} (pricing ${plan.pricing}, which stays Standard) in ${count} subscription(s): ${where}. From the apply on, Azure bills it ${bills(move.to)} instead of ${before}. ${keep}`,
  );
}
