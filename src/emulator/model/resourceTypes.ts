/** Canonical resource types the emulator serves (the `type` of their documents). */
export const VM_TYPE = "Microsoft.Compute/virtualMachines";
export const VM_EXTENSION_TYPE = "Microsoft.Compute/virtualMachines/extensions";
export const VMSS_TYPE = "Microsoft.Compute/virtualMachineScaleSets";
export const VMSS_EXTENSION_TYPE = "Microsoft.Compute/virtualMachineScaleSets/extensions";
/** A scale set's instances (Uniform orchestration): served, never stored (they follow the scale set). */
export const VMSS_VM_TYPE = "Microsoft.Compute/virtualMachineScaleSets/virtualMachines";
export const ARC_TYPE = "Microsoft.HybridCompute/machines";
export const ARC_EXTENSION_TYPE = "Microsoft.HybridCompute/machines/extensions";
/** AKS documents spell it `ManagedClusters`, ids `managedClusters`: we follow Azure. */
export const NETWORK_INTERFACE_TYPE = "Microsoft.Network/networkInterfaces";
export const AKS_TYPE = "Microsoft.ContainerService/managedClusters";
export const AKS_DOC_TYPE = "Microsoft.ContainerService/ManagedClusters";
export const WORKSPACE_TYPE = "Microsoft.OperationalInsights/workspaces";
export const DATASOURCE_TYPE = "Microsoft.OperationalInsights/workspaces/dataSources";
/** Soft-deleted workspaces (tombstones; listed by `.../providers/Microsoft.OperationalInsights/deletedWorkspaces`). */
export const DELETED_WORKSPACE_TYPE = "Microsoft.OperationalInsights/deletedWorkspaces";
export const SOLUTION_TYPE = "Microsoft.OperationsManagement/solutions";
export const AUTO_PROVISIONING_TYPE = "Microsoft.Security/autoProvisioningSettings";
export const WORKSPACE_SETTING_TYPE = "Microsoft.Security/workspaceSettings";
export const PRICING_TYPE = "Microsoft.Security/pricings";
export const SECURITY_SETTING_TYPE = "Microsoft.Security/settings";
export const VA_SETTING_TYPE = "Microsoft.Security/serverVulnerabilityAssessmentsSettings";
export const VA_ASSESSMENT_TYPE = "Microsoft.Security/serverVulnerabilityAssessments";
export const POLICY_ASSIGNMENT_TYPE = "Microsoft.Authorization/policyAssignments";
export const POLICY_DEFINITION_TYPE = "Microsoft.Authorization/policyDefinitions";
export const POLICY_SET_DEFINITION_TYPE = "Microsoft.Authorization/policySetDefinitions";
export const ROLE_ASSIGNMENT_TYPE = "Microsoft.Authorization/roleAssignments";
export const ROLE_DEFINITION_TYPE = "Microsoft.Authorization/roleDefinitions";
export const REMEDIATION_TYPE = "Microsoft.PolicyInsights/remediations";
export const DCR_TYPE = "Microsoft.Insights/dataCollectionRules";
/** An extension resource of a machine: `{machineId}/providers/Microsoft.Insights/dataCollectionRuleAssociations/{name}`. */
export const DCR_ASSOCIATION_TYPE = "Microsoft.Insights/dataCollectionRuleAssociations";

export const EXTENSION_TYPES = [VM_EXTENSION_TYPE, VMSS_EXTENSION_TYPE, ARC_EXTENSION_TYPE] as const;
export const MACHINE_TYPES = [VM_TYPE, VMSS_TYPE, ARC_TYPE] as const;

/** Publisher of the Log Analytics agent extensions (settings.workspaceId + protectedSettings.workspaceKey). */
export const LOG_ANALYTICS_PUBLISHER = "Microsoft.EnterpriseCloud.Monitoring";
/** Publisher of the Azure Monitor Agent extensions (AzureMonitorWindowsAgent / AzureMonitorLinuxAgent). */
export const AZURE_MONITOR_PUBLISHER = "Microsoft.Azure.Monitor";
export const AZURE_MONITOR_AGENT_TYPES = ["AzureMonitorWindowsAgent", "AzureMonitorLinuxAgent"] as const;

export const SUBSCRIPTION_TYPE = "Microsoft.Resources/subscriptions";

export const RESOURCE_GROUP_TYPE = "Microsoft.Resources/resourceGroups";

/** Defender plans a subscription has (2022-03-01 names; `default` is the 2017 api's single pricing). */
export const PRICING_NAMES = [
  "VirtualMachines", "SqlServers", "AppServices", "StorageAccounts", "SqlServerVirtualMachines", "KubernetesService",
  "ContainerRegistry", "KeyVaults", "Dns", "Arm", "OpenSourceRelationalDatabases", "CosmosDbs", "Containers", "CloudPosture", "Api",
] as const;

export const SECURITY_CENTER_EVENTS_KIND = "SecurityEventCollectionConfiguration";

export const SENTINEL_EVENTS_KIND = "SecurityInsightsSecurityEventCollectionConfiguration";

export const MANAGEMENT_GROUP_TYPE = "Microsoft.Management/managementGroups";
/** A subscription's place under a management group: `/providers/Microsoft.Management/managementGroups/{g}/subscriptions/{s}`. */
export const MANAGEMENT_GROUP_SUBSCRIPTION_TYPE = "Microsoft.Management/managementGroups/subscriptions";

/** Types whose managed identities are principals of the emulator's directory (role assignments may name them). */
export const PRINCIPAL_TYPES: readonly string[] = [POLICY_ASSIGNMENT_TYPE, AKS_TYPE, ARC_TYPE];
