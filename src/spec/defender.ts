/**
 * Defender for Cloud as it provisions today (reference/defender-today.md): its plans with their
 * sub-plans and extensions as `Microsoft.Security/pricings` names them (api 2024-01-01), the
 * settings of the Defender for Endpoint integration, the vulnerability-assessment provider, the
 * extensions Defender and this tool deploy, and the built-in policies that deploy the same things
 * (to recognise another owner's assignment). A catalog: no rule of when to use what.
 */
import type { ExtensionKind, OsType } from "./extensions";

/** The pricing api-version this tool reads and writes (the current stable one, reference §2). */
export const PRICINGS_API_VERSION = "2024-01-01";
export const SECURITY_SETTINGS_API_VERSION = "2022-05-01";
export const VA_SETTINGS_API_VERSION = "2023-05-01";

/** Every Defender plan a subscription has (pricings names). */
export const PLAN_NAMES = [
  "VirtualMachines", "SqlServers", "AppServices", "StorageAccounts", "SqlServerVirtualMachines", "KubernetesService",
  "ContainerRegistry", "KeyVaults", "Dns", "Arm", "OpenSourceRelationalDatabases", "CosmosDbs", "Containers", "CloudPosture", "Api",
] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

export const SERVERS_PLAN = "VirtualMachines";
export const CONTAINERS_PLAN = "Containers";

/** The plans the spec's `defender.plans` may name: all but the two it has sections for. */
export const OTHER_PLAN_NAMES: readonly PlanName[] = PLAN_NAMES.filter((p) => p !== SERVERS_PLAN && p !== CONTAINERS_PLAN);

/**
 * Plans Azure marks deprecated, with the plan that replaced them (the pricing's `deprecated` and
 * `replacedBy`, 2023-01-01 and later; azure-facts.md: KubernetesService and ContainerRegistry,
 * replaced by Containers). The spec may turn them off, not on.
 */
export const DEPRECATED_PLANS: Readonly<Partial<Record<PlanName, PlanName>>> = Object.freeze({ KubernetesService: CONTAINERS_PLAN, ContainerRegistry: CONTAINERS_PLAN });

/** Each plan's extensions (reference §2; the pricings spec's Extension.name). */
export const PLAN_EXTENSIONS: Readonly<Partial<Record<PlanName, readonly string[]>>> = Object.freeze({
  VirtualMachines: ["AgentlessVmScanning", "MdeDesignatedSubscription", "FileIntegrityMonitoring"],
  CloudPosture: ["AgentlessVmScanning", "SensitiveDataDiscovery", "ContainerRegistriesVulnerabilityAssessments", "AgentlessDiscoveryForKubernetes", "EntraPermissionsManagement"],
  Containers: ["ContainerSensor", "AgentlessDiscoveryForKubernetes", "ContainerRegistriesVulnerabilityAssessments"],
  StorageAccounts: ["OnUploadMalwareScanning", "SensitiveDataDiscovery"],
});

export interface SubPlans {
  /** Sub-plans Azure accepts today. */
  readonly current: readonly string[];
  /** Deprecated sub-plan → the one that replaces it (Azure answers 400 InvalidInputError). */
  readonly deprecated: Readonly<Record<string, string>>;
}

/**
 * Sub-plans of the plans that have them. Deprecated ones from reference §2 (Enterprise-Scale PR
 * #2189): Key Vault `PerTransaction`, Resource Manager `PerApiCall`.
 */
export const SUB_PLANS: Readonly<Partial<Record<PlanName, SubPlans>>> = Object.freeze({
  VirtualMachines: { current: ["P1", "P2"], deprecated: {} },
  KeyVaults: { current: ["PerKeyVault"], deprecated: { PerTransaction: "PerKeyVault" } },
  Arm: { current: ["PerSubscription"], deprecated: { PerApiCall: "PerSubscription" } },
  StorageAccounts: { current: ["DefenderForStorageV2"], deprecated: {} },
});

/** Resource-level VirtualMachines pricing can only be P1 or Free (reference §2). */
export const RESOURCE_LEVEL_PLANS = ["P1", "Free"] as const;
export type ResourceLevelPlan = (typeof RESOURCE_LEVEL_PLANS)[number];

/**
 * The Defender for Endpoint integration's settings (`Microsoft.Security/settings`, kind
 * DataExportSettings): WDATP turns it on; the unified solution covers Windows Server 2012 R2 and
 * 2016 in older subscriptions; WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW *off* is Linux on.
 */
export const ENDPOINT_SETTINGS = ["WDATP", "WDATP_UNIFIED_SOLUTION", "WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW"] as const;
export type EndpointSetting = (typeof ENDPOINT_SETTINGS)[number];
/** Every setting name the settings API knows (2022-05-01), with its kind. */
export const SECURITY_SETTING_KINDS: Readonly<Record<string, "DataExportSettings" | "AlertSyncSettings">> = Object.freeze({
  MCAS: "DataExportSettings",
  WDATP: "DataExportSettings",
  WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW: "DataExportSettings",
  WDATP_UNIFIED_SOLUTION: "DataExportSettings",
  Sentinel: "AlertSyncSettings",
});

/**
 * `serverVulnerabilityAssessmentsSettings/azureServersSetting`: Defender Vulnerability Management.
 * The published spec's path value (settingKind) is lower-camel; the body's `kind` is `AzureServersSetting`.
 */
export const VA_SETTING_NAME = "azureServersSetting";
export const VA_PROVIDER_MDE_TVM = "MdeTvm";
/** The machine-level assessment Defender (or DINE 13ce0167) creates for MDE TVM. */
export const VA_MACHINE_ASSESSMENT_NAME = "mdetvm";

/** Defender for Endpoint's extensions; Defender deploys them itself (never this tool). */
export const MDE_EXTENSION: Readonly<Record<OsType, ExtensionKind>> = Object.freeze({
  Windows: { publisher: "Microsoft.Azure.AzureDefenderForServers", type: "MDE.Windows", version: "1.0", name: "MDE.Windows" },
  Linux: { publisher: "Microsoft.Azure.AzureDefenderForServers", type: "MDE.Linux", version: "1.0", name: "MDE.Linux" },
});

/**
 * The Guest Configuration extension as the built-in policies of initiative 12794019 install it
 * (Windows 385f5831, Linux 331e8ea8): the same name, so an install by this tool and one by the
 * policy are the same resource.
 */
export const GUEST_CONFIGURATION_EXTENSION: Readonly<Record<OsType, ExtensionKind>> = Object.freeze({
  Windows: { publisher: "Microsoft.GuestConfiguration", type: "ConfigurationforWindows", version: "1.1", name: "AzurePolicyforWindows" },
  Linux: { publisher: "Microsoft.GuestConfiguration", type: "ConfigurationForLinux", version: "1.0", name: "AzurePolicyforLinux" },
});

/** The tag that opts a Linux machine's MDE out of auto-update (enable-defender-for-endpoint.md). */
export const EXCLUDE_MDE_AUTO_UPDATE_TAG = "ExcludeMdeAutoUpdate";

/** Windows releases that need the unified solution (Defender installs the sensor on them). */
export const UNIFIED_SOLUTION_OS = /windows server 2012 r2|windows server 2016|2012-r2|2016-datacenter/i;
/** Windows releases Defender for Endpoint does not support (before 2012 R2). */
export const MDE_UNSUPPORTED_OS = /windows server 2008|2008-r2|windows server 2012(?! r2)|2012-datacenter(?!-r2)|windows server 2003/i;

/** The components a built-in Deploy-if-not-exists policy deploys, for coexistence findings. */
export type DefenderComponent = "plans" | "endpoint" | "vulnerabilityAssessment" | "guestConfiguration" | "containerSensor" | "kubernetesPolicyAddon";

export interface ComponentPolicy {
  /**
   * The first 8 hex digits of the built-in definition's (or initiative's) GUID, as reference §3
   * gives them: a definition id whose GUID starts with them is this policy.
   */
  readonly prefix: string;
  readonly component: DefenderComponent;
  readonly displayName: string;
  readonly initiative: boolean;
}

/** Reference §3 and §4: the built-in policies and initiatives that deploy Defender's components. */
export const COMPONENT_POLICIES: readonly ComponentPolicy[] = Object.freeze([
  { prefix: "f08c57cd", component: "plans", displayName: "Configure Microsoft Defender for Cloud plans", initiative: true },
  { prefix: "5eb6d64a", component: "plans", displayName: "Configure Defender for Servers plan", initiative: false },
  { prefix: "efd4031d", component: "plans", displayName: "Configure Defender for Containers plan", initiative: false },
  { prefix: "77b391e3", component: "endpoint", displayName: "Configure Defender for Endpoint integration with Defender for Cloud", initiative: true },
  { prefix: "e20d08c5", component: "endpoint", displayName: "Deploy Defender for Endpoint agent", initiative: true },
  { prefix: "1ec9c2c2", component: "endpoint", displayName: "Deploy Defender for Endpoint agent on Windows virtual machines", initiative: false },
  { prefix: "766e621d", component: "vulnerabilityAssessment", displayName: "Set up subscriptions to transition to Defender Vulnerability Management", initiative: false },
  { prefix: "13ce0167", component: "vulnerabilityAssessment", displayName: "Configure machines to receive a vulnerability assessment provider", initiative: false },
  { prefix: "12794019", component: "guestConfiguration", displayName: "Deploy prerequisites to enable Guest Configuration policies on virtual machines", initiative: true },
  { prefix: "385f5831", component: "guestConfiguration", displayName: "Deploy the Windows Guest Configuration extension", initiative: false },
  { prefix: "331e8ea8", component: "guestConfiguration", displayName: "Deploy the Linux Guest Configuration extension", initiative: false },
  { prefix: "64def556", component: "containerSensor", displayName: "Configure AKS clusters to enable the Defender profile", initiative: false },
  { prefix: "708b60a6", component: "containerSensor", displayName: "Configure Arc-enabled Kubernetes clusters to install the Defender extension", initiative: false },
  { prefix: "a8eff44f", component: "kubernetesPolicyAddon", displayName: "Deploy Azure Policy Add-on to AKS clusters", initiative: false },
  { prefix: "0adc5395", component: "kubernetesPolicyAddon", displayName: "Configure Arc-enabled Kubernetes clusters to install the Azure Policy extension", initiative: false },
]);

/** Who made a policy assignment, as a finding says it. */
export type AssignmentOwner = "defender" | "alz" | "this-tool" | "other";
