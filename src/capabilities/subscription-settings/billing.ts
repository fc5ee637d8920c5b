/**
 * What turning Defender for Servers on or off costs and takes away, said once per plan with the
 * subscriptions it happens in (user trial 19: `logAnalyticsAgent.defender` defaults to true, and a
 * plan set VirtualMachines to Standard, or with `defender: false` to Free, without a word).
 * Whichever field of the spec sets the tier says it: this capability's `logAnalyticsAgent.defender`
 * without a `defender.servers` section, defender-plans' `defender.servers.plan` with one; never
 * both, as only one of them plans the VirtualMachines pricing for a spec.
 */
import { fewNames, type StepSink, type StepMap } from "../../core/kernel";

export const SERVERS_BILLING_STARTS = "defender-servers-billing-starts";
export const SERVERS_PROTECTION_ENDS = "defender-servers-protection-ends";

/** The subscriptions (sorted) whose Defender for Servers tier this plan moves, by direction. */
export interface ServersTierChanges {
  readonly on: readonly string[];
  readonly off: readonly string[];
}

/** How the spec's field that moves the tier keeps it as it is. */
export interface ServersTierField {
  readonly field: string;
  readonly keepFree: string;
  readonly keepOn: string;
}

/** Each direction: its code, the change in the pricing's words, what it means, and how the field keeps the tier. */
const DIRECTIONS = [
  {
    code: SERVERS_BILLING_STARTS,
    subscriptions: (c: ServersTierChanges) => c.on,
    change: "on (pricing VirtualMachines: Free → Standard)",
    means: "From the apply on, Azure bills the plan per machine-hour for every machine it covers there (running VMs, scale-set instances, connected Arc machines), and Defender deploys its components to them.",
    keep: (how: ServersTierField) => how.keepFree,
  },
  {
    code: SERVERS_PROTECTION_ENDS,
    subscriptions: (c: ServersTierChanges) => c.off,
    change: "off (pricing VirtualMachines: Standard → Free)",
    means: "Their machines lose Defender for Servers protection: Defender no longer onboards them to Defender for Endpoint, assesses their vulnerabilities or raises the plan's alerts (what is installed stays).",
    keep: (how: ServersTierField) => how.keepOn,
  },
] as const;

export function noteServersTierChanges(b: StepSink<StepMap>, changes: ServersTierChanges, how: ServersTierField): void {
  for (const d of DIRECTIONS) {
    const subs = d.subscriptions(changes);
    if (!subs.length) continue;
    b.finding("warning", d.code, how.field, `This plan turns Defender for Servers ${d.change} in ${subs.length} subscription(s): ${fewNames(subs)}. ${d.means} ${d.keep(how)}`);
  }
}
