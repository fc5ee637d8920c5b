/**
 * Built-in role definitions the emulator knows (GUIDs as in Azure). Owner and Contributor
 * include every permission a remediation deployment needs; other roles only their own.
 */
import { ROLES } from "../../spec/policies";

export interface BuiltinRole {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly actions: readonly string[];
  /** Holds every permission (Owner, Contributor): satisfies any role a policy lists. */
  readonly superset: boolean;
}

export const OWNER_ROLE = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
export const CONTRIBUTOR_ROLE = "b24988ac-6180-42a0-ab88-20f7382dd24c";
export const VM_CONTRIBUTOR_ROLE = "9980e02c-c2be-4d73-94e8-173b1dc7cf3c";
export const MONITORING_CONTRIBUTOR_ROLE = "749f88d5-cbae-40b8-bcfc-e573ddc772fa";

export const BUILTIN_ROLES: readonly BuiltinRole[] = [
  { id: OWNER_ROLE, name: "Owner", description: "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.", actions: ["*"], superset: true },
  { id: CONTRIBUTOR_ROLE, name: "Contributor", description: "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.", actions: ["*"], superset: true },
  { id: "acdd72a7-3385-48ef-bd42-f606fba81ae7", name: "Reader", description: "View all resources, but does not allow you to make any changes.", actions: ["*/read"], superset: false },
  { id: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", name: "User Access Administrator", description: "Lets you manage user access to Azure resources.", actions: ["*/read", "Microsoft.Authorization/*"], superset: false },
  { id: ROLES.logAnalyticsContributor.id, name: ROLES.logAnalyticsContributor.name, description: "Log Analytics Contributor can read all monitoring data and edit monitoring settings, including adding the VM extension to VMs.", actions: ["*/read", "Microsoft.Compute/virtualMachines/extensions/*", "Microsoft.HybridCompute/machines/extensions/write", "Microsoft.OperationalInsights/*", "Microsoft.OperationsManagement/*", "Microsoft.Resources/deployments/*"], superset: false },
  { id: VM_CONTRIBUTOR_ROLE, name: "Virtual Machine Contributor", description: "Create and manage virtual machines, manage disks, install and run software.", actions: ["Microsoft.Compute/virtualMachines/*", "Microsoft.Compute/virtualMachineScaleSets/*", "Microsoft.Resources/deployments/*"], superset: false },
  { id: MONITORING_CONTRIBUTOR_ROLE, name: "Monitoring Contributor", description: "Can read all monitoring data and update monitoring settings.", actions: ["*/read", "Microsoft.Insights/*"], superset: false },
  { id: ROLES.aksContributor.id, name: ROLES.aksContributor.name, description: "Grants access to read and write Azure Kubernetes Service clusters.", actions: ["Microsoft.ContainerService/managedClusters/*", "Microsoft.Resources/deployments/*"], superset: false },
  { id: ROLES.aksPolicyAddonDeployment.id, name: ROLES.aksPolicyAddonDeployment.name, description: "Deploy the Azure Policy add-on on Azure Kubernetes Service clusters.", actions: ["Microsoft.ContainerService/managedClusters/write", "Microsoft.Resources/deployments/*"], superset: false },
  { id: "fb1c8493-542b-48eb-b624-b4c8fea62acd", name: "Security Admin", description: "Security Admin Role.", actions: ["*/read", "Microsoft.Security/*", "Microsoft.Authorization/policyAssignments/*"], superset: false },
  { id: "36243c78-bf99-498c-9df9-86d9f8d28608", name: "Resource Policy Contributor", description: "Users with rights to create/modify resource policy, create support ticket and read resources/hierarchy.", actions: ["*/read", "Microsoft.Authorization/policyAssignments/*", "Microsoft.PolicyInsights/*"], superset: false },
  { id: "cd570a14-e51a-42ad-bac8-bafd67325302", name: "Azure Connected Machine Resource Administrator", description: "Can read, write, delete and re-onboard Azure Connected Machines.", actions: ["Microsoft.HybridCompute/machines/*"], superset: false },
  { id: "5e93ba01-8f92-4c7a-b12a-801e3df23824", name: "Kubernetes Agent Operator", description: "Azure Arc/Defender Kubernetes agent operator.", actions: ["Microsoft.ContainerService/managedClusters/*"], superset: false },
  { id: "8bb6f106-b146-4ee6-a3f9-b9c5a96e0ae5", name: "Defender Kubernetes Agent Operator", description: "Defender Kubernetes agent operator.", actions: ["Microsoft.ContainerService/managedClusters/*"], superset: false },
];

export function builtinRole(guid: string): BuiltinRole | undefined {
  const l = guid.toLowerCase();
  return BUILTIN_ROLES.find((r) => r.id === l);
}

/** The role GUID at the end of a role definition id (`.../roleDefinitions/<guid>`), lower-case. */
export function roleGuidOf(roleDefinitionId: string): string {
  return roleDefinitionId.split("/").pop()!.toLowerCase();
}

/**
 * Whether one of a role's actions grants `action`: ARM's matching, without case, a `*` standing
 * for any run of characters (Owner's "*", Monitoring Contributor's "Microsoft.Insights/*", and
 * Reader's "*" followed by "/read").
 */
export function roleGrants(role: BuiltinRole, action: string): boolean {
  const wanted = action.toLowerCase();
  return role.actions.some((pattern) => new RegExp(`^${pattern.toLowerCase().split("*").map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`).test(wanted));
}

