/**
 * One finding for the machines that still wait for Defender to deploy MDE where nothing stands in
 * its way any more: the subscription's Defender for Servers plan and the integration's settings
 * were already as the spec wants before this plan (it changes neither there), and the machine's
 * own plan is not Free. Defender deploys MDE within an hour of both being on (reference §3), so a
 * machine still waiting then has been waiting at least since the state this plan was made from;
 * the plan holds no clock, so the message says how to tell a fresh wait from a stuck one. A
 * machine whose plan or integration this plan turns on waits as expected: it is counted under
 * `mde-awaiting-defender` with the component's decisions, not here.
 */
import { SERVERS_PLAN } from "../../spec/defender";
import type { ResolvedServers } from "../../spec/defenderSchema";
import type { ComponentVerdict, Fleet, PlanContext, StepSink } from "../../core/kernel";
import { livePlan } from "../defender-plans";
import type { EndpointDecision } from "./reasons";
import { desiredEndpointSettings, serversIn } from "./settings";
import type { EndpointSteps } from "./steps";

export const STILL_AWAITING_DEFENDER = "mde-still-awaiting-defender";

export function noteStillAwaiting(ctx: PlanContext, b: StepSink<EndpointSteps>, fleet: Fleet, verdicts: readonly ComponentVerdict<EndpointDecision>[], servers: ResolvedServers): void {
  // Per subscription (machines come in runs of one): was everything the deployment needs already on?
  const alreadyOn = new Map<string, boolean>();
  const subscriptions = new Set<string>();
  let machines = 0;
  verdicts.forEach((v, i) => {
    if (v.decision !== "mde-awaiting-defender") return;
    const m = fleet.machines[i]!;
    if (m.pricing?.pricingTier === "Free") return;
    const sub = fleet.subscriptionIds[i]!;
    let on = alreadyOn.get(sub);
    if (on === undefined) {
      const settings = ctx.settings.get(sub);
      const have = settings?.securitySettings ?? {};
      // The settings as the spec wants them there (settings.ts: Linux kept on where it is on for good).
      const wanted = desiredEndpointSettings(serversIn(ctx, servers, sub));
      on = livePlan(settings, SERVERS_PLAN).pricingTier === "Standard" && wanted.every((s) => have[s.name] === s.enabled);
      alreadyOn.set(sub, on);
    }
    if (!on) return;
    machines++;
    subscriptions.add(sub);
  });
  if (!machines) return;
  b.finding(
    "warning",
    STILL_AWAITING_DEFENDER,
    "defender.servers.endpointProtection",
    `${machines} machine(s) in ${subscriptions.size} subscription(s) still wait for Defender to deploy Defender for Endpoint, although Defender for Servers and the integration were on there before this plan (it changes neither). ` +
      "Defender deploys it within an hour of both being on (up to 12 hours for a tenant's first subscription, the unified solution or a newly enabled Linux integration): " +
      "if they were turned on longer ago, Defender's deployment is not reaching these machines, and this tool does not install MDE in its place. Each machine's `endpoint` reason is in the plan JSON.",
  );
}

export const ENDPOINT_REMAINS = "mde-extension-remains";

/**
 * One finding for the machines that keep MDE while the plan or the integration is off for them
 * (`mde-remains`): neither turning them off nor this tool removes it; taking it off is removing the
 * extension and offboarding the device, since deleting the extension alone leaves the sensor
 * onboarded (integration-defender-for-endpoint.md, "Remove Defender for Endpoint from a machine").
 */
export function noteEndpointRemains(b: StepSink<EndpointSteps>, verdicts: readonly ComponentVerdict<EndpointDecision>[]): void {
  let machines = 0;
  for (const v of verdicts) if (v.decision === "mde-remains") machines++;
  if (!machines) return;
  b.finding(
    "info",
    ENDPOINT_REMAINS,
    "defender.servers.endpointProtection",
    `${machines} machine(s) keep Defender for Endpoint (their MDE.Windows or MDE.Linux extension, and the sensor it onboarded) although Defender for Servers or the integration is off for them: turning either off removes nothing, and this tool does not remove it. ` +
      "To take it off a machine, remove the extension and offboard the device from Defender for Endpoint (deleting the extension alone leaves the sensor onboarded).",
  );
}
