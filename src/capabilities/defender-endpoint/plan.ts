/**
 * The Defender for Endpoint integration per subscription (settings WDATP and its companions, with
 * Defender for Servers on) and each machine's Defender for Endpoint (decide.ts). Another owner's
 * assignment that deploys MDE is reported, never duplicated: Defender deploys MDE itself.
 */
import { resolveServers } from "../../spec";
import type { ComponentVerdicts, Fleet, PlanContext, StepSink } from "../../core/kernel";
import { noteCoexistence } from "../defender-plans";
import { endpointVerdicts } from "./decide";
import { noteEndpointRemains, noteStillAwaiting } from "./findings";
import { endpointSettingChanges } from "./settings";
import { securitySettingId, type EndpointSteps } from "./steps";

export function planEndpointSettings(ctx: PlanContext, b: StepSink<EndpointSteps>, subscriptionId: string): void {
  const servers = resolveServers(ctx.spec.defender);
  if (!servers) return;
  let previous: string | undefined;
  for (const c of endpointSettingChanges(ctx, servers, subscriptionId)) {
    previous = b.add("set-security-setting", securitySettingId(subscriptionId, c.name), { subscriptionId, ...c }, [previous]);
  }
  noteCoexistence(ctx, b, subscriptionId, "endpoint", "Defender for Endpoint (or its integration settings)", () =>
    servers.plan === "Off"
      ? "The spec turns Defender for Servers off here, so MDE is not deployed by Defender; that assignment may still install it."
      : "Defender deploys MDE itself with the plan and the integration on, and this tool sets the integration (WDATP) and never installs MDE: the assignment can only repeat what Defender does, so nothing is assigned in addition.",
  );
}

export function planEndpointMachines(ctx: PlanContext, b: StepSink<EndpointSteps>, fleet: Fleet): ComponentVerdicts[] | undefined {
  const verdicts = endpointVerdicts(ctx, fleet);
  if (verdicts) {
    noteStillAwaiting(ctx, b, fleet, verdicts, resolveServers(ctx.spec.defender)!);
    noteEndpointRemains(b, verdicts);
  }
  return verdicts ? [{ component: "endpoint", verdicts }] : undefined;
}
