/**
 * The package's main entry, `asc-autoprovision`: the framework-neutral core. The spec (schema,
 * validation, the seed's catalogs), the inventory model, the pure planner and its renderers, and
 * reading the actual state from ARM and applying a plan.
 *
 * Pulumi components: `asc-autoprovision/pulumi`. CDK for Terraform constructs:
 * `asc-autoprovision/cdktf`. The command line: the `asc-autoprovision` bin.
 */
export * as spec from "./spec";
export * as inventory from "./inventory";
export * as core from "./core";
export { applyPlan, planLive, azureConnection, emulatorConnection, emulatorEndpointFromDir, type AzureConnection } from "./azure";
