/**
 * The Deploy-if-not-exists policies the seed's "Enable auto provisioning of extensions" table
 * assigns, with the role definitions their `roleDefinitionIds` list (reference/azure-facts.md
 * §2.10). An assignment of one of them needs a managed identity, a location, and a role assignment
 * for each of these roles at the assignment's scope.
 */

export const BUILTIN_POLICY_PREFIX = "/providers/Microsoft.Authorization/policyDefinitions/";
export const BUILTIN_ROLE_PREFIX = "/providers/Microsoft.Authorization/roleDefinitions/";

export const ROLES = Object.freeze({
  logAnalyticsContributor: { id: "92aaf0da-9dab-42b6-94a3-d43ce8d16293", name: "Log Analytics Contributor" },
  aksContributor: { id: "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8", name: "Azure Kubernetes Service Contributor Role" },
  aksPolicyAddonDeployment: {
    id: "18ed5180-3e48-46fd-8541-4ea054d57064",
    name: "Azure Kubernetes Service Policy Add-on Deployment",
  },
  virtualMachineContributor: { id: "9980e02c-c2be-4d73-94e8-173b1dc7cf3c", name: "Virtual Machine Contributor" },
  monitoringContributor: { id: "749f88d5-cbae-40b8-bcfc-e573ddc772fa", name: "Monitoring Contributor" },
});

export type ExtensionPolicyKey = "kubernetesPolicyAddon" | "dependencyAgentWindows" | "dependencyAgentLinux";

export interface PolicyDefinition {
  readonly key: ExtensionPolicyKey;
  /** GUID name of the built-in definition. */
  readonly definitionName: string;
  readonly displayName: string;
  /** The seed's words for the toggle. */
  readonly extensionLabel: string;
  readonly roles: readonly { readonly id: string; readonly name: string }[];
  /** The ARM resource type the policy deploys to. */
  readonly targetResourceType: "Microsoft.ContainerService/managedClusters" | "Microsoft.Compute/virtualMachines";
  /** For VM policies: the OS whose machines it covers. */
  readonly osType?: "Windows" | "Linux";
  /** Short name used for assignment and remediation names. */
  readonly shortName: string;
}

export const SEED_POLICIES: Readonly<Record<ExtensionPolicyKey, PolicyDefinition>> = Object.freeze({
  kubernetesPolicyAddon: {
    key: "kubernetesPolicyAddon",
    definitionName: "a8eff44f-8c92-45c3-a3fb-9880802d67a7",
    displayName: "Deploy Azure Policy Add-on to Azure Kubernetes Service clusters",
    extensionLabel: "Policy Add-on for Kubernetes",
    roles: [ROLES.aksContributor, ROLES.aksPolicyAddonDeployment],
    targetResourceType: "Microsoft.ContainerService/managedClusters",
    shortName: "asc-k8s-policy-addon",
  },
  dependencyAgentWindows: {
    key: "dependencyAgentWindows",
    definitionName: "1c210e94-a481-4beb-95fa-1571b434fb04",
    displayName: "Deploy Dependency agent for Windows virtual machines",
    extensionLabel: "Microsoft Dependency agent (Windows VMs)",
    roles: [ROLES.logAnalyticsContributor],
    targetResourceType: "Microsoft.Compute/virtualMachines",
    osType: "Windows",
    shortName: "asc-dependency-agent-windows",
  },
  dependencyAgentLinux: {
    key: "dependencyAgentLinux",
    definitionName: "4da21710-ce6f-4e06-8cdb-5cc4c93ffbee",
    displayName: "Deploy Dependency agent for Linux virtual machines",
    extensionLabel: "Microsoft Dependency agent (Linux VMs)",
    roles: [ROLES.logAnalyticsContributor],
    targetResourceType: "Microsoft.Compute/virtualMachines",
    osType: "Linux",
    shortName: "asc-dependency-agent-linux",
  },
});

export const SEED_POLICY_KEYS: readonly ExtensionPolicyKey[] = Object.freeze([
  "kubernetesPolicyAddon",
  "dependencyAgentWindows",
  "dependencyAgentLinux",
]);

export function policyDefinitionId(policy: { readonly definitionName: string }): string {
  return BUILTIN_POLICY_PREFIX + policy.definitionName;
}

/** Role definition id as ARM scopes it under a subscription. */
export function roleDefinitionId(subscriptionId: string, roleGuid: string): string {
  return `/subscriptions/${subscriptionId}${BUILTIN_ROLE_PREFIX}${roleGuid}`;
}

/** The seed policy a definition id names, if any (ids compare case-insensitively, as ARM's do). */
export function seedPolicyByDefinitionId(definitionId: string): PolicyDefinition | undefined {
  const lower = definitionId.toLowerCase();
  return SEED_POLICY_KEYS.map((k) => SEED_POLICIES[k]).find((p) => lower.endsWith("/" + p.definitionName));
}

/**
 * The Azure Monitor Agent's built-in Deploy-if-not-exists policies for virtual machines
 * (reference §2.11), for the emulator and the declarative front ends (src/spec/amaPolicies.ts).
 * The planner does not assign them: it installs AMA and makes the association itself, and counts
 * an association the policy made as its own. The association policies take the DCR as
 * `dcrResourceId`; the image lists and other parameters keep their defaults.
 */
export type AmaPolicyKey = "amaWindowsVm" | "amaLinuxVm" | "dcrAssociationWindowsVm" | "dcrAssociationLinuxVm";

export interface AmaPolicyDefinition {
  readonly key: AmaPolicyKey;
  readonly definitionName: string;
  readonly displayName: string;
  readonly roles: readonly { readonly id: string; readonly name: string }[];
  readonly osType: "Windows" | "Linux";
  /** What it deploys: the AMA extension (system-assigned identity) or a DCR association. */
  readonly deploys: "extension" | "association";
  /** Name of the front ends' assignment and remediation (src/spec/amaPolicies.ts). */
  readonly shortName: string;
}

export const AMA_POLICIES: Readonly<Record<AmaPolicyKey, AmaPolicyDefinition>> = Object.freeze({
  amaWindowsVm: {
    key: "amaWindowsVm",
    definitionName: "ca817e41-e85a-4783-bc7f-dc532d36235e",
    displayName: "Configure Windows virtual machines to run Azure Monitor Agent using system-assigned managed identity",
    roles: [ROLES.virtualMachineContributor],
    osType: "Windows",
    deploys: "extension",
    shortName: "asc-ama-windows",
  },
  amaLinuxVm: {
    key: "amaLinuxVm",
    definitionName: "a4034bc6-ae50-406d-bf76-50f4ee5a7811",
    displayName: "Configure Linux virtual machines to run Azure Monitor Agent with system-assigned managed identity-based authentication",
    roles: [ROLES.virtualMachineContributor],
    osType: "Linux",
    deploys: "extension",
    shortName: "asc-ama-linux",
  },
  dcrAssociationWindowsVm: {
    key: "dcrAssociationWindowsVm",
    definitionName: "244efd75-0d92-453c-b9a3-7d73ca36ed52",
    displayName: "Configure Windows Virtual Machines to be associated with a Data Collection Rule or a Data Collection Endpoint",
    roles: [ROLES.monitoringContributor, ROLES.logAnalyticsContributor],
    osType: "Windows",
    deploys: "association",
    shortName: "asc-ama-dcr-windows",
  },
  dcrAssociationLinuxVm: {
    key: "dcrAssociationLinuxVm",
    definitionName: "58e891b9-ce13-4ac3-86e4-ac3e1f20cb07",
    displayName: "Configure Linux Virtual Machines to be associated with a Data Collection Rule or a Data Collection Endpoint",
    roles: [ROLES.monitoringContributor, ROLES.logAnalyticsContributor],
    osType: "Linux",
    deploys: "association",
    shortName: "asc-ama-dcr-linux",
  },
});

export const AMA_POLICY_KEYS: readonly AmaPolicyKey[] = Object.freeze(["amaWindowsVm", "amaLinuxVm", "dcrAssociationWindowsVm", "dcrAssociationLinuxVm"]);
