/**
 * CDK for Terraform constructs: a renderer of the declaration model (src/core/declarations), as
 * components/pulumi is (azurerm, @cdktf/provider-azurerm 14, cdktf 0.21: deprecated upstream, see
 * README.md). Import this module directly (`components/cdktf`); the Pulumi barrel does not
 * re-export it.
 */
export * from "./autoProvisioning";
export * from "./autoProvisioningStack";
export * from "./defaultWorkspace";
export * from "./azureMonitorAgentPolicy";
export * from "./extensionPolicy";
export * from "./securityEventCollection";
export { resolveScope } from "./scope";
export { providerAlias, subscriptionProvider, type SubscriptionProviderProps } from "./provider";
export { DEPLOYMENT_MODE, TIER_SET_METHOD } from "./armTemplate";
export { ValidationError, type MachineRegions, type ValidationIssue } from "./validation";
export { RenderedDeclarations } from "./render/registry";
export type { DeclaredUnit } from "./render/declared";
