/**
 * The integration's settings that this plan turns on and that cannot be turned off again as they
 * were turned on (integration-defender-for-endpoint.md): the unified solution (Defender stops the
 * Log Analytics agent's Defender for Endpoint process, installs the unified solution on Windows
 * Server 2012 R2 and 2016 and removes the switch from the portal), and Linux once excluded (the
 * portal then offers no way to exclude Linux alone, only to turn the whole integration off). One
 * warning per setting, with the number of subscriptions, on the plan that makes the change.
 */
import { resolveServers } from "../../spec";
import type { PlanContext, StepSink } from "../../core/kernel";
import { endpointSettingChanges, type EndpointSettingChange } from "./plan";
import type { EndpointSteps } from "./steps";

interface OneWay {
  readonly code: string;
  readonly target: string;
  /** Whether the change turns the setting on for good. */
  readonly applies: (c: EndpointSettingChange) => boolean;
  readonly message: (subscriptions: number) => string;
}

const ONE_WAY: readonly OneWay[] = [
  {
    code: "endpoint-unified-solution-one-way",
    target: "defender.servers.endpointProtection.unifiedSolution",
    applies: (c) => c.name === "WDATP_UNIFIED_SOLUTION" && c.enabled && c.from !== true,
    message: (n) =>
      `This plan turns the unified solution on in ${n} subscription(s), and that cannot be undone: Defender stops the Defender for Endpoint process the Log Analytics agent ran, installs the unified solution on Windows Server 2012 R2 and 2016, and then no longer offers the switch. ` +
      "Setting unifiedSolution back to false later does not bring the old deployment back.",
  },
  {
    code: "endpoint-linux-one-way",
    target: "defender.servers.endpointProtection.linux",
    applies: (c) => c.name === "WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW" && !c.enabled && c.from === true,
    message: (n) =>
      `This plan turns the integration on for Linux in ${n} subscription(s), and that cannot be undone for Linux alone: Defender onboards the Linux machines (and reconfigures Defender for Endpoint installations it finds there), after which only turning the whole integration off stops it, for Windows too. ` +
      "The MDE.Linux extensions it deploys stay on the machines either way.",
  },
];

export function noteOneWaySettings(ctx: PlanContext, b: StepSink<EndpointSteps>): void {
  const servers = resolveServers(ctx.spec.defender);
  if (!servers) return;
  const counts = ONE_WAY.map(() => 0);
  for (const sub of ctx.inScope) {
    if (!ctx.onboardedAt.has(sub)) continue;
    const changes = endpointSettingChanges(ctx, servers, sub);
    ONE_WAY.forEach((w, i) => {
      if (changes.some(w.applies)) counts[i]!++;
    });
  }
  ONE_WAY.forEach((w, i) => {
    if (counts[i]) b.finding("warning", w.code, w.target, w.message(counts[i]!));
  });
}
