/**
 * Pulumi components for Azure Security Center (Defender for Cloud) auto provisioning: a renderer
 * of the declaration model (src/core/declarations), as components/cdktf is.
 *
 * Tokens: asc-autoprovision:index:AutoProvisioning, asc-autoprovision:workspace:DefaultWorkspace,
 * asc-autoprovision:workspace:SecurityEventCollection, asc-autoprovision:policy:ExtensionPolicy,
 * asc-autoprovision:policy:AzureMonitorAgentPolicy, and
 * the dynamic resource pulumi-nodejs:dynamic/asc-autoprovision:AgentReconciliation.
 */
export * from "./args";
export * from "./autoProvisioning";
export * from "./policy";
export * from "./provider";
export * from "./reconcile";
export * from "./workspace";
export { argsErrorMessage, type ValidationIssue } from "./internal/validation";
export { RenderedDeclarations } from "./render/registry";
export type { DeclaredUnit } from "./render/declared";
