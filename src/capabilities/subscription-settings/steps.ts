/** The steps of subscription settings: Defender pricing and the workspace setting. */
import { workspaceLabel, type StepKinds } from "../../core/kernel";

export interface SetPricingDetails {
  readonly subscriptionId: string;
  readonly pricingName: string;
  readonly pricingTier: "Standard" | "Free";
}

export interface SetWorkspaceSettingDetails {
  readonly subscriptionId: string;
  readonly scope: string;
  /** null: delete the setting (new machines go to the default workspaces). */
  readonly workspaceId: string | null;
}

export interface SubscriptionSettingsSteps {
  readonly "set-pricing": SetPricingDetails;
  readonly "set-workspace-setting": SetWorkspaceSettingDetails;
}

export const SUBSCRIPTION_SETTINGS_STEPS: StepKinds<SubscriptionSettingsSteps> = {
  "set-pricing": {
    label: (d) => `${d.pricingName}: ${d.pricingTier}`,
    simulate: (sim, d) => {
      sim.settingsOf(d.subscriptionId).pricingTier = d.pricingTier;
    },
  },
  "set-workspace-setting": {
    label: (d) => (d.workspaceId ? `new machines report to ${workspaceLabel(d.workspaceId)}` : "new machines report to the default workspaces"),
    simulate: (sim, d) => {
      sim.settingsOf(d.subscriptionId).workspaceId = d.workspaceId;
    },
  },
};
