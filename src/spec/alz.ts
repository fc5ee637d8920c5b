/**
 * Azure Landing Zones' Defender assignments (reference defender-today.md §4), as the ALZ library
 * (Azure/Azure-Landing-Zones-Library, platform/alz) and Enterprise-Scale define them: the custom
 * initiative `Deploy-MDFC-Config` (since 2024-03 `Deploy-MDFC-Config_20240319`, assigned as
 * `Deploy-MDFC-Config-H224`) with its parameters, and the built-ins ALZ assigns under its own
 * names. A catalog: what each parameter sets is compared in capabilities/defender-plans.
 */
import type { DefenderComponent } from "./defender";

/**
 * The names ALZ gives its Defender initiative (a custom policy set definition): `Deploy-MDFC-Config`,
 * and its dated versions (`Deploy-MDFC-Config_20240319`); a suffix after `-` too, as some
 * deployments name the set after the assignment (`Deploy-MDFC-Config-H224`).
 */
export const ALZ_MDFC_SET_NAME = /^deploy-mdfc-config(?:[_-][a-z0-9]+)?$/i;

/**
 * ALZ's assignments of built-in policies that deploy a Defender component, by assignment name
 * (lower case): the built-in's GUID prefix (as COMPONENT_POLICIES gives it). Both must match: a
 * `Deploy-…` name alone is anyone's.
 */
export const ALZ_BUILTIN_ASSIGNMENTS: Readonly<Record<string, { readonly prefix: string; readonly component: DefenderComponent }>> = Object.freeze({
  "deploy-mdendpoints": { prefix: "e20d08c5", component: "endpoint" },
  "deploy-mdendpointsama": { prefix: "77b391e3", component: "endpoint" },
  "deploy-aks-policy": { prefix: "a8eff44f", component: "kubernetesPolicyAddon" },
});

/** The DINE effect value of the initiative's `enableAscFor*` switches (the other allowed value: `Disabled`). */
export const ALZ_DEPLOY_EFFECT = "DeployIfNotExists";

/**
 * The initiative's parameters this tool compares with a spec, with the default the set declares
 * (ALZ library `Deploy-MDFC-Config_20240319`, version 2.4.1). Older versions of the set declared
 * no default for them, so an assignment of those always gives them: a parameter an assignment
 * leaves out takes these.
 */
export const ALZ_MDFC_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({
  enableAscForServers: ALZ_DEPLOY_EFFECT,
  ascForServersSubPlan: "P2",
  ascForServersIsAgentlessVmScanningEnabled: "true",
  ascForServersIsMdeDesignatedSubscriptionEnabled: "false",
  enableAscForServersVulnerabilityAssessments: ALZ_DEPLOY_EFFECT,
  vulnerabilityAssessmentProvider: "mdeTvm",
  enableAscForContainers: ALZ_DEPLOY_EFFECT,
  enableAscForSql: ALZ_DEPLOY_EFFECT,
  enableAscForSqlOnVm: ALZ_DEPLOY_EFFECT,
  enableAscForAppServices: ALZ_DEPLOY_EFFECT,
  enableAscForStorage: ALZ_DEPLOY_EFFECT,
  enableAscForKeyVault: ALZ_DEPLOY_EFFECT,
  ascForKeyVaultSubPlan: "PerTransaction",
  enableAscForArm: ALZ_DEPLOY_EFFECT,
  ascForArmSubPlan: "PerApiCall",
  enableAscForOssDb: ALZ_DEPLOY_EFFECT,
  enableAscForCosmosDbs: ALZ_DEPLOY_EFFECT,
  enableAscForCspm: ALZ_DEPLOY_EFFECT,
});

/** The initiative's switch for each plan of `defender.plans` it deploys (pricings name → parameter), with the plan's sub-plan parameter. */
export const ALZ_MDFC_PLAN_SWITCHES: Readonly<Record<string, { readonly effect: string; readonly subPlan?: string }>> = Object.freeze({
  SqlServers: { effect: "enableAscForSql" },
  SqlServerVirtualMachines: { effect: "enableAscForSqlOnVm" },
  AppServices: { effect: "enableAscForAppServices" },
  StorageAccounts: { effect: "enableAscForStorage" },
  KeyVaults: { effect: "enableAscForKeyVault", subPlan: "ascForKeyVaultSubPlan" },
  Arm: { effect: "enableAscForArm", subPlan: "ascForArmSubPlan" },
  OpenSourceRelationalDatabases: { effect: "enableAscForOssDb" },
  CosmosDbs: { effect: "enableAscForCosmosDbs" },
  CloudPosture: { effect: "enableAscForCspm" },
});
