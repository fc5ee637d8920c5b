/**
 * What the subscription-settings capability declares while auto provisioning is on: the Defender
 * for Servers pricing (the portal's "Azure Defender on/off") and, for a custom workspace, the
 * workspace setting that sends the subscription's machines there. The same resources as the
 * planner's set-pricing and set-workspace-setting steps.
 */
import { nameOf } from "../../inventory/ids";
import type { LogAnalyticsAgentSpec } from "../../spec/schema";
import {
  subscriptionScope,
  workspaceSettingId,
  type CapabilityDeclarer,
  type PricingDeclaration,
  type Value,
  type WorkspaceSettingDeclaration,
} from "../../core/kernel";
import { SERVERS_PRICING_PLAN, pricingTierFor } from "./plan";

export interface SubscriptionSettingsInput {
  readonly subscriptionId: string;
  readonly logAnalyticsAgent: LogAnalyticsAgentSpec;
  /** The spec manages Defender for Servers in its `defender` section: that section declares the pricing. */
  readonly serversManaged?: boolean;
  /** The custom workspace's id (the spec's, or a front end's deferred value); undefined with default workspaces. */
  readonly customWorkspaceId?: Value<string>;
}

export type SubscriptionSettingDeclaration = PricingDeclaration | WorkspaceSettingDeclaration;

/** The subscription's settings under `key` (none while auto provisioning is off). */
export function declareSubscriptionSettings(key: string, input: SubscriptionSettingsInput): SubscriptionSettingDeclaration[] {
  const la = input.logAnalyticsAgent;
  if (!la.autoProvision) return [];
  const scope = subscriptionScope(input.subscriptionId);
  const pricing: PricingDeclaration = {
    kind: "pricing",
    key: `${key}/pricing`,
    role: "pricing",
    dependsOn: [],
    props: { scope, name: SERVERS_PRICING_PLAN, tier: pricingTierFor(la.defender) },
  };
  const pricings = input.serversManaged ? [] : [pricing];
  if (input.customWorkspaceId === undefined) return pricings;
  const setting: WorkspaceSettingDeclaration = {
    kind: "workspace-setting",
    key: `${key}/workspace-setting`,
    role: "workspace-setting",
    dependsOn: [],
    props: { scope, name: nameOf(workspaceSettingId(input.subscriptionId)), workspaceId: input.customWorkspaceId },
  };
  return [...pricings, setting];
}

/** The subscription's settings as one unit (none while auto provisioning is off). */
export const SUBSCRIPTION_SETTINGS_DECLARER: CapabilityDeclarer = {
  subscription: ({ spec, subscriptionId, customWorkspace }) => {
    const resources = declareSubscriptionSettings(subscriptionId, {
      subscriptionId,
      logAnalyticsAgent: spec.logAnalyticsAgent,
      serversManaged: spec.defender?.servers !== undefined,
      customWorkspaceId: customWorkspace?.id,
    });
    if (!resources.length) return { units: [] };
    return { units: [{ kind: "settings", key: `${subscriptionId}/settings`, subscriptionId, resources, lookups: [], issues: [], warnings: [] }] };
  },
};
