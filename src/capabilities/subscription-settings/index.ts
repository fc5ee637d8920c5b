/**
 * Subscription settings while auto provisioning is on: the Defender for Servers pricing tier (the
 * portal's "Azure Defender on/off") and the workspace setting that sends new machines to a custom
 * workspace. Reads spec.logAnalyticsAgent (autoProvision, defender, workspace) and the
 * inventory's settings.
 */
import { defineCapability } from "../../core/kernel";
import { SUBSCRIPTION_SETTINGS_DECLARER } from "./declare";
import { noteServersPricing, planSubscriptionSettings } from "./plan";
import { SUBSCRIPTION_SETTINGS_STEPS, type SubscriptionSettingsSteps } from "./steps";

export { SERVERS_PRICING_PLAN, pricingTierFor } from "./plan";
export {
  noteServersTierChanges,
  noteSubPlanMove,
  noteTierChanges,
  PLAN_BILLING_CHANGES,
  PLAN_BILLING_STARTS,
  PLAN_CODES,
  PLAN_PROTECTION_ENDS,
  SERVERS_BILLING,
  SERVERS_BILLING_STARTS,
  SERVERS_PROTECTION_ENDS,
  type PlanBilling,
  type SubPlanBilling,
  type TierField,
} from "./billing";
export { declareSubscriptionSettings, type SubscriptionSettingDeclaration, type SubscriptionSettingsInput } from "./declare";
export type { SetPricingDetails, SetWorkspaceSettingDetails, SubscriptionSettingsSteps } from "./steps";

export const subscriptionSettings = defineCapability<SubscriptionSettingsSteps>({
  id: "subscription-settings",
  title: "Defender pricing and the subscription's workspace setting",
  decisions: {},
  steps: SUBSCRIPTION_SETTINGS_STEPS,
  planner: { subscription: planSubscriptionSettings, finish: noteServersPricing },
  declare: SUBSCRIPTION_SETTINGS_DECLARER,
  arm: async () => (await import("./arm")).HANDLERS,
});
