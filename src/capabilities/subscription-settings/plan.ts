/**
 * Subscription-level settings while auto provisioning is on: the Defender pricing tier (the
 * portal's "Azure Defender on/off") and the workspace setting that sends new machines to a
 * custom workspace (absent for the default workspaces).
 */
import { pricingId, subscriptionScope, workspaceSettingId, type PlanContext, type StepSink } from "../../core/kernel";
import type { SubscriptionSettingsSteps } from "./steps";

/** Defender for Servers is the pricing plan that covers the machines this tool provisions. */
export const SERVERS_PRICING_PLAN = "VirtualMachines";

/** The portal's "Azure Defender on/off" as the pricing tier of SERVERS_PRICING_PLAN. */
export function pricingTierFor(defender: boolean): "Standard" | "Free" {
  return defender ? "Standard" : "Free";
}

export function planSubscriptionSettings(ctx: PlanContext, b: StepSink<SubscriptionSettingsSteps>, subscriptionId: string): void {
  const la = ctx.spec.logAnalyticsAgent;
  if (!la.autoProvision) return;
  const current = ctx.settings.get(subscriptionId) ?? {};
  const tier = pricingTierFor(la.defender);
  // With a `defender.servers` section, defender-plans owns the VirtualMachines pricing (one source of truth).
  if (!ctx.spec.defender?.servers && (current.pricingTier ?? "Free") !== tier) {
    b.add("set-pricing", pricingId(subscriptionId, SERVERS_PRICING_PLAN), { subscriptionId, pricingName: SERVERS_PRICING_PLAN, pricingTier: tier });
  }
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
