/**
 * CDK for Terraform constructs for the same declarations as the Pulumi components (azurerm,
 * @cdktf/provider-azurerm 14, cdktf 0.21: deprecated upstream, see README.md). Import this module
 * directly (`components/cdktf`); the Pulumi barrel does not re-export it.
 */
export * from "./autoProvisioning";
export * from "./autoProvisioningStack";
export * from "./defaultWorkspace";
export * from "./azureMonitorAgentPolicy";
export * from "./extensionPolicy";
export * from "./securityEventCollection";
export { providerAlias, subscriptionProvider, type SubscriptionProviderProps } from "./provider";
export { DEPLOYMENT_MODE, TIER_SET_METHOD } from "./armTemplate";
export { ValidationError, type MachineRegions, type ValidationIssue } from "./validation";
