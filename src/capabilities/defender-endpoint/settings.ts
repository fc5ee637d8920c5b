/**
 * The integration's settings (WDATP and its companions) a subscription is to have, and what this
 * plan changes of them. Linux, once on in a subscription, stays on: Microsoft calls enabling it "a
 * one-time action" (enable-defender-for-endpoint.md; disabling and re-enabling the plan keeps it),
 * and the only documented way to stop it is turning the whole integration off, Windows too
 * (integration-defender-for-endpoint.md). So `linux: false` never writes the exclusion back on
 * where it is off: there the spec is read as `linux: true`, and the plan says so
 * (`endpoint-linux-kept`, settingFindings.ts) instead of planning a switch Azure does not offer.
 */
import { SECURITY_SETTING_KINDS, type ResolvedServers } from "../../spec";
import type { PlanContext } from "../../core/kernel";
import type { SetSecuritySettingDetails } from "./steps";

/** Its value `false` is Linux in the integration. */
export const LINUX_EXCLUSION = "WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW";

/** The settings the spec wants, in the order they are written (WDATP first). */
export function desiredEndpointSettings(servers: ResolvedServers): { name: string; enabled: boolean }[] {
  if (servers.plan === "Off") return [];
  if (!servers.endpointProtection) return [{ name: "WDATP", enabled: false }];
  return [
    { name: "WDATP", enabled: true },
    { name: "WDATP_UNIFIED_SOLUTION", enabled: servers.unifiedSolution },
    // Linux is on when its exclusion is off.
    { name: LINUX_EXCLUSION, enabled: !servers.linux },
  ];
}

/** Whether the spec asks for Linux out of the integration where it is in already, for good. */
export function linuxKept(ctx: PlanContext, servers: ResolvedServers, subscriptionId: string): boolean {
  if (servers.linux || !servers.endpointProtection || servers.plan === "Off") return false;
  return ctx.settings.get(subscriptionId)?.securitySettings?.[LINUX_EXCLUSION] === false;
}

/** The spec's servers section as it applies in a subscription: `linux` true where Linux is on for good. */
export function serversIn(ctx: PlanContext, servers: ResolvedServers, subscriptionId: string): ResolvedServers {
  return linuxKept(ctx, servers, subscriptionId) ? { ...servers, linux: true } : servers;
}

/** One setting this plan writes in a subscription: its name, kind, the value wanted and the live one. */
export type EndpointSettingChange = Omit<SetSecuritySettingDetails, "subscriptionId">;

/** The settings of `subscriptionId` that differ from what the spec wants there, in the order they are written. */
export function endpointSettingChanges(ctx: PlanContext, servers: ResolvedServers, subscriptionId: string): EndpointSettingChange[] {
  const have = ctx.settings.get(subscriptionId)?.securitySettings ?? {};
  const out: EndpointSettingChange[] = [];
  for (const s of desiredEndpointSettings(serversIn(ctx, servers, subscriptionId))) {
    const from = have[s.name] ?? null;
    if (from !== s.enabled) out.push({ name: s.name, kind: SECURITY_SETTING_KINDS[s.name] ?? "DataExportSettings", enabled: s.enabled, from });
  }
  return out;
}
