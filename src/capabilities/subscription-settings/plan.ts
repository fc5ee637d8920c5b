/**
 * Subscription-level settings while auto provisioning is on: the Defender pricing tier (the
 * portal's "Azure Defender on/off") and the workspace setting that sends new machines to a
 * custom workspace (absent for the default workspaces).
 */
import { pricingId, subscriptionScope, workspaceSettingId, type PlanContext, type StepSink } from "../../core/kernel";
import { noteServersTierChanges } from "./billing";
import type { SubscriptionSettingsSteps } from "./steps";

/** Defender for Servers is the pricing plan that covers the machines this tool provisions. */
export const SERVERS_PRICING_PLAN = "VirtualMachines";

/** The portal's "Azure Defender on/off" as the pricing tier of SERVERS_PRICING_PLAN. */
export function pricingTierFor(defender: boolean): "Standard" | "Free" {
  return defender ? "Standard" : "Free";
}

/** The tier this capability sets on the subscription's VirtualMachines pricing, when it sets one. */
function pricingChange(ctx: PlanContext, subscriptionId: string): "Standard" | "Free" | undefined {
  const la = ctx.spec.logAnalyticsAgent;
  // With a `defender.servers` section, defender-plans owns the VirtualMachines pricing (one source of truth).
  if (!la.autoProvision || ctx.spec.defender?.servers) return undefined;
  const tier = pricingTierFor(la.defender);
  return (ctx.settings.get(subscriptionId)?.pricingTier ?? "Free") !== tier ? tier : undefined;
}

export function planSubscriptionSettings(ctx: PlanContext, b: StepSink<SubscriptionSettingsSteps>, subscriptionId: string): void {
  const la = ctx.spec.logAnalyticsAgent;
  if (!la.autoProvision) return;
  const current = ctx.settings.get(subscriptionId) ?? {};
  const tier = pricingChange(ctx, subscriptionId);
  if (tier) b.add("set-pricing", pricingId(subscriptionId, SERVERS_PRICING_PLAN), { subscriptionId, pricingName: SERVERS_PRICING_PLAN, pricingTier: tier });
  const wanted = la.workspace === "default" ? null : la.workspace.id;
  const have = current.workspaceId ?? null;
  // A workspace that does not exist is never pointed at (the workspaces capability reports it).
  const missing = wanted !== null && !ctx.workspaceById.has(ctx.lower(wanted));
  if (!missing && (wanted ?? "").toLowerCase() !== (have ?? "").toLowerCase()) {
    b.add("set-workspace-setting", workspaceSettingId(subscriptionId), { subscriptionId, scope: subscriptionScope(subscriptionId), workspaceId: wanted });
  }
  if (current.autoProvision === "On") {
    b.finding(
      "info",
      "cloud-auto-provisioning-deprecated",
      `/subscriptions/${subscriptionId}`,
      "The subscription's autoProvisioningSettings is still On; Azure no longer acts on it (it answers Deprecated to new requests). This tool provides the behaviour instead.",
    );
  }
}

/** Plan-wide: the subscriptions whose pricing this plan moves, in one warning per direction. */
export function noteServersPricing(ctx: PlanContext, b: StepSink<SubscriptionSettingsSteps>): void {
  const on: string[] = [];
  const off: string[] = [];
  for (const sub of [...ctx.inScope].sort()) {
    if (!ctx.onboardedAt.has(sub)) continue;
    const tier = pricingChange(ctx, sub);
    if (tier) (tier === "Standard" ? on : off).push(sub);
  }
  noteServersTierChanges(b, { on, off }, {
    field: "logAnalyticsAgent.defender",
    keepFree: "logAnalyticsAgent.defender is true unless the spec says otherwise: set it to false to keep these subscriptions on Free (their workspaces then get SecurityCenterFree instead of Security, and no security-event tier is stored).",
    keepOn: "logAnalyticsAgent.defender: false asks for it: leave it true (the default) to keep the plan.",
  });
}
