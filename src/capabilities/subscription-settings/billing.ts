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

export function noteServersTierChanges(b: StepSink<StepMap>, changes: ServersTierChanges, how: ServersTierField): void {
  if (changes.on.length) {
    b.finding(
      "warning",
      SERVERS_BILLING_STARTS,
      how.field,
      `This plan turns Defender for Servers on (pricing VirtualMachines: Free → Standard) in ${changes.on.length} subscription(s): ${fewNames(changes.on)}. ` +
        "From the apply on, Azure bills the plan per machine-hour for every machine it covers there (running VMs, scale-set instances, connected Arc machines), and Defender deploys its components to them. " +
        how.keepFree,
    );
  }
  if (changes.off.length) {
    b.finding(
      "warning",
      SERVERS_PROTECTION_ENDS,
      how.field,
      `This plan turns Defender for Servers off (pricing VirtualMachines: Standard → Free) in ${changes.off.length} subscription(s): ${fewNames(changes.off)}. ` +
        "Their machines lose Defender for Servers protection: Defender no longer onboards them to Defender for Endpoint, assesses their vulnerabilities or raises the plan's alerts (what is installed stays). " +
        how.keepOn,
    );
  }
}
