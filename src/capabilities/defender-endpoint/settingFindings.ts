/**
 * What this plan does to the integration's settings that a user must hear about before the apply,
 * one warning per code naming the subscriptions (a few by name, the rest counted):
 * - settings turned on for good (integration-defender-for-endpoint.md, enable-defender-for-endpoint.md):
 *   the unified solution (Defender stops the Log Analytics agent's Defender for Endpoint process,
 *   installs the unified solution on Windows Server 2012 R2 and 2016 and removes the switch), and
 *   Linux once excluded ("a one-time action": afterwards only the whole integration can be turned off);
 * - `linux: false` where Linux is on for good: nothing is written (settings.ts), and the spec is not
 *   what the subscription gets;
 * - the integration turned off (WDATP on → off), as `defender-servers-protection-ends` says of the plan.
 */
import { resolveServers, type ResolvedServers } from "../../spec";
import { fewNames, type PlanContext, type StepSink } from "../../core/kernel";
import { endpointSettingChanges, LINUX_EXCLUSION, linuxKept, type EndpointSettingChange } from "./settings";
import type { EndpointSteps } from "./steps";

export const ENDPOINT_PROTECTION_ENDS = "endpoint-protection-ends";
export const ENDPOINT_LINUX_KEPT = "endpoint-linux-kept";

/** What a rule reads of one subscription: the settings this plan writes there, and whether Linux stays on against the spec. */
interface SubscriptionFacts {
  readonly changes: readonly EndpointSettingChange[];
  readonly linuxKept: boolean;
}

interface SettingRule {
  readonly code: string;
  readonly target: string;
  readonly applies: (f: SubscriptionFacts) => boolean;
  /** `where`: "N subscription(s): a, b, …". */
  readonly message: (where: string) => string;
}

/** Whether this plan writes setting `name` from `from` to `enabled` in the subscription. */
const writes = (f: SubscriptionFacts, name: string, enabled: boolean, from: boolean) => f.changes.some((c) => c.name === name && c.enabled === enabled && c.from === from);

const RULES: readonly SettingRule[] = [
  {
    code: ENDPOINT_PROTECTION_ENDS,
    target: "defender.servers.endpointProtection",
    applies: (f) => writes(f, "WDATP", false, true),
    message: (where) =>
      `This plan turns the Defender for Endpoint integration off (setting WDATP: on → off) in ${where}. ` +
      "Defender no longer deploys Defender for Endpoint to their machines (new machines, and those it has not reached yet, get no sensor), and Defender for Cloud stops getting the data the integration shares there (the sensors' alerts, vulnerabilities and installed software; vulnerability assessment by Defender Vulnerability Management needs it). What is installed stays (mde-extension-remains). " +
      "endpointProtection.enabled false asks for it: set it to true (or leave it out: it follows the plan) to keep the integration.",
  },
  {
    code: "endpoint-unified-solution-one-way",
    target: "defender.servers.endpointProtection.unifiedSolution",
    applies: (f) => f.changes.some((c) => c.name === "WDATP_UNIFIED_SOLUTION" && c.enabled && c.from !== true),
    message: (where) =>
      `This plan turns the unified solution on in ${where}, and that cannot be undone: Defender stops the Defender for Endpoint process the Log Analytics agent ran, installs the unified solution on Windows Server 2012 R2 and 2016, and then no longer offers the switch. ` +
      "Setting unifiedSolution back to false later does not bring the old deployment back.",
  },
  {
    code: "endpoint-linux-one-way",
    target: "defender.servers.endpointProtection.linux",
    applies: (f) => writes(f, LINUX_EXCLUSION, false, true),
    message: (where) =>
      `This plan turns the integration on for Linux in ${where}, and that cannot be undone for Linux alone: Defender onboards the Linux machines (and reconfigures Defender for Endpoint installations it finds there), and Azure offers no way to exclude Linux again. ` +
      "linux: false later changes nothing there (the plan says so); only turning the whole integration off stops it, for Windows too. The MDE.Linux extensions it deploys stay on the machines either way.",
  },
  {
    code: ENDPOINT_LINUX_KEPT,
    target: "defender.servers.endpointProtection.linux",
    applies: (f) => f.linuxKept,
    message: (where) =>
      `The spec says linux: false, but Linux is in the integration already in ${where}, and Azure offers no way to take it out alone (enabling it is a one-time action): ` +
      `this plan leaves ${LINUX_EXCLUSION} off there, Defender goes on deploying MDE.Linux to their Linux machines, and their endpoint decisions say so. ` +
      "To stop it, turn the whole integration off (endpointProtection.enabled false, Windows too); set linux: true to make the spec say what the subscriptions have.",
  },
];

export function noteEndpointSettings(ctx: PlanContext, b: StepSink<EndpointSteps>): void {
  const servers = resolveServers(ctx.spec.defender);
  if (!servers) return;
  const where = RULES.map((): string[] => []);
  for (const sub of [...ctx.inScope].sort()) {
    if (!ctx.onboardedAt.has(sub)) continue;
    const facts = factsOf(ctx, servers, sub);
    RULES.forEach((r, i) => {
      if (r.applies(facts)) where[i]!.push(sub);
    });
  }
  RULES.forEach((r, i) => {
    const subs = where[i]!;
    if (subs.length) b.finding("warning", r.code, r.target, r.message(`${subs.length} subscription(s): ${fewNames(subs)}`));
  });
}

function factsOf(ctx: PlanContext, servers: ResolvedServers, subscriptionId: string): SubscriptionFacts {
  return { changes: endpointSettingChanges(ctx, servers, subscriptionId), linuxKept: linuxKept(ctx, servers, subscriptionId) };
}
