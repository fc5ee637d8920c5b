/**
 * The azurerm provider for one subscription. Resources in a resource group (resource groups,
 * workspaces, solutions, template deployments) and the subscription's Defender settings take their
 * subscription from the provider, so each subscription of the spec gets one, aliased by its GUID.
 */
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import type { Construct } from "constructs";

export interface SubscriptionProviderProps {
  /**
   * The azurerm `metadata_host`: where the provider discovers the ARM and login endpoints (the
   * local emulator's `host:port`, as the Pulumi front end's `metadataHost`).
   * @default - public Azure
   */
  readonly metadataHost?: string;
}

/** Provider alias of a subscription (a Terraform identifier must not start with a digit). */
export function providerAlias(subscriptionId: string): string {
  return `sub-${subscriptionId.toLowerCase()}`;
}

export function subscriptionProvider(scope: Construct, subscriptionId: string, props: SubscriptionProviderProps = {}): AzurermProvider {
  const sub = subscriptionId.toLowerCase();
  return new AzurermProvider(scope, `Provider-${sub}`, {
    alias: providerAlias(sub),
    subscriptionId: sub,
    metadataHost: props.metadataHost,
    // Removing a template deployment (the security-event tier, a data collection rule) removes
    // what it deployed, as removing the resource from a Pulumi stack does. This is azurerm's
    // default; stated because the constructs rely on it.
    features: [{ templateDeployment: [{ deleteNestedItemsDuringDeletion: true }] }],
  });
}
