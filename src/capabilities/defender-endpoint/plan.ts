/**
 * The Defender for Endpoint integration per subscription (settings WDATP and its companions, with
 * Defender for Servers on) and each machine's Defender for Endpoint (decide.ts). Another owner's
 * assignment that deploys MDE is reported, never duplicated: Defender deploys MDE itself.
 */
import { resolveServers, SECURITY_SETTING_KINDS, type ResolvedServers } from "../../spec";
import type { ComponentVerdicts, Fleet, PlanContext, StepSink } from "../../core/kernel";
import { noteCoexistence } from "../defender-plans";
import { endpointVerdicts } from "./decide";
import { noteEndpointRemains, noteStillAwaiting } from "./findings";
import { securitySettingId, type EndpointSteps, type SetSecuritySettingDetails } from "./steps";

/** The settings the spec wants, in the order they are written (WDATP first). */
export function desiredEndpointSettings(servers: ResolvedServers): { name: string; enabled: boolean }[] {
  if (servers.plan === "Off") return [];
  if (!servers.endpointProtection) return [{ name: "WDATP", enabled: false }];
  return [
    { name: "WDATP", enabled: true },
    { name: "WDATP_UNIFIED_SOLUTION", enabled: servers.unifiedSolution },
    // Linux is on when its exclusion is off.
    { name: "WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW", enabled: !servers.linux },
  ];
}

/** One setting this plan writes in a subscription: its name, kind, the value wanted and the live one. */
export type EndpointSettingChange = Omit<SetSecuritySettingDetails, "subscriptionId">;

/** The settings of `subscriptionId` that differ from what the spec wants, in the order they are written. */
export function endpointSettingChanges(ctx: PlanContext, servers: ResolvedServers, subscriptionId: string): EndpointSettingChange[] {
  const have = ctx.settings.get(subscriptionId)?.securitySettings ?? {};
  const out: EndpointSettingChange[] = [];
  for (const s of desiredEndpointSettings(servers)) {
    const from = have[s.name] ?? null;
    if (from !== s.enabled) out.push({ name: s.name, kind: SECURITY_SETTING_KINDS[s.name] ?? "DataExportSettings", enabled: s.enabled, from });
  }
  return out;
}

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
    noteStillAwaiting(ctx, b, fleet, verdicts, desiredEndpointSettings(resolveServers(ctx.spec.defender)!));
    noteEndpointRemains(b, verdicts);
  }
  return verdicts ? [{ component: "endpoint", verdicts }] : undefined;
}
