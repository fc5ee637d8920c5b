/**
 * Built-in policy definitions the emulator serves (reference/azure-facts.md §2.10/2.11): the
 * seed's three, the (deprecated) Log Analytics agent ones and the Azure Monitor Agent ones.
 * Each also says what a remediation deploys, which the remediation engine carries out.
 */
import { AKS_POLICY_ADDON, AZURE_MONITOR_AGENT, DEPENDENCY_AGENT, LOG_ANALYTICS_AGENT } from "../../spec/extensions";
import { AMA_POLICIES, ROLES, SEED_POLICIES } from "../../spec/policies";
import { policyRule } from "./policyRules";
import { VM_CONTRIBUTOR_ROLE } from "./roles";
import type { JsonObject } from "../util/json";
import type { BuiltinPolicy } from "./policyTypes";

export type { BuiltinPolicy, Deploys } from "./policyTypes";

const dep = SEED_POLICIES;

export const BUILTIN_POLICIES: readonly BuiltinPolicy[] = [
  {
    name: dep.kubernetesPolicyAddon.definitionName,
    displayName: dep.kubernetesPolicyAddon.displayName,
    description: "Use Azure Policy Add-on to manage and report on the compliance state of your Azure Kubernetes Service (AKS) clusters.",
    category: "Kubernetes",
    version: "4.0.1",
    effectDefault: "DeployIfNotExists",
    roleGuids: dep.kubernetesPolicyAddon.roles.map((r) => r.id),
    deploys: { kind: "aksAddon", addon: AKS_POLICY_ADDON },
  },
  {
    name: dep.dependencyAgentWindows.definitionName,
    displayName: "Deploy - Configure Dependency agent to be enabled on Windows virtual machines",
    description: "Deploy Dependency agent for Windows virtual machines if the virtual machine image is in the list defined and the agent is not installed.",
    category: "Monitoring",
    version: "3.3.0",
    effectDefault: "DeployIfNotExists",
    roleGuids: dep.dependencyAgentWindows.roles.map((r) => r.id),
    deploys: { kind: "vmExtension", osType: "Windows", extension: DEPENDENCY_AGENT.Windows },
  },
  {
    name: dep.dependencyAgentLinux.definitionName,
    displayName: "Deploy Dependency agent for Linux virtual machines",
    description: "Deploy Dependency agent for Linux virtual machines if the VM Image (OS) is in the list defined and the agent is not installed.",
    category: "Monitoring",
    version: "5.1.0",
    effectDefault: null,
    fixedEffect: "deployIfNotExists",
    roleGuids: dep.dependencyAgentLinux.roles.map((r) => r.id),
    deploys: { kind: "vmExtension", osType: "Linux", extension: DEPENDENCY_AGENT.Linux },
  },
  {
    name: "0868462e-646c-4fe3-9ced-a733534b6a2c",
    displayName: "[Deprecated]: Deploy - Configure Log Analytics extension to be enabled on Windows virtual machines",
    description: "This policy is deprecated because OMS Agent was deprecated on August 31, 2024. Deploy Log Analytics extension for Windows VMs if the VM image is in the list defined and the extension is not installed.",
    category: "Monitoring",
    version: "3.1.0-deprecated",
    effectDefault: "Disabled",
    roleGuids: [ROLES.logAnalyticsContributor.id],
    deploys: { kind: "vmExtension", osType: "Windows", extension: LOG_ANALYTICS_AGENT.Windows, workspaceParameter: "logAnalytics" },
  },
  {
    name: "053d3325-282c-4e5c-b944-24faffd30d77",
    displayName: "[Deprecated]: Deploy Log Analytics extension for Linux VMs",
    description: "This policy is deprecated because OMS Agent was deprecated on August 31, 2024. Deploy Log Analytics extension for Linux VMs if the VM image is in the list defined and the extension is not installed.",
    category: "Monitoring",
    version: "3.1.0-deprecated",
    effectDefault: "Disabled",
    roleGuids: [ROLES.logAnalyticsContributor.id],
    deploys: { kind: "vmExtension", osType: "Linux", extension: LOG_ANALYTICS_AGENT.Linux, workspaceParameter: "logAnalytics" },
  },
  {
    name: "ca817e41-e85a-4783-bc7f-dc532d36235e",
    displayName: "Configure Windows virtual machines to run Azure Monitor Agent using system-assigned managed identity",
    description: "Automate the deployment of Azure Monitor Agent extension on your Windows virtual machines for collecting telemetry data from the guest OS.",
    category: "Monitoring",
    version: "4.5.0",
    effectDefault: "DeployIfNotExists",
    roleGuids: [VM_CONTRIBUTOR_ROLE],
    deploys: { kind: "vmExtension", osType: "Windows", extension: AZURE_MONITOR_AGENT.Windows, systemIdentity: true },
  },
  {
    name: "a4034bc6-ae50-406d-bf76-50f4ee5a7811",
    displayName: "Configure Linux virtual machines to run Azure Monitor Agent with system-assigned managed identity-based authentication",
    description: "Automate the deployment of Azure Monitor Agent extension on your Linux virtual machines for collecting telemetry data from the guest OS.",
    category: "Monitoring",
    version: "3.8.0",
    effectDefault: "DeployIfNotExists",
    roleGuids: [VM_CONTRIBUTOR_ROLE],
    deploys: { kind: "vmExtension", osType: "Linux", extension: AZURE_MONITOR_AGENT.Linux, systemIdentity: true },
  },
  ...(["dcrAssociationWindowsVm", "dcrAssociationLinuxVm"] as const).map((key): BuiltinPolicy => {
    const a = AMA_POLICIES[key];
    return {
      name: a.definitionName,
      displayName: a.displayName,
      description: `Deploy Association to link ${a.osType} virtual machines to the specified Data Collection Rule or the specified Data Collection Endpoint.`,
      category: "Monitoring",
      version: a.osType === "Windows" ? "4.5.1" : "6.5.1",
      effectDefault: "DeployIfNotExists",
      roleGuids: a.roles.map((r) => r.id),
      deploys: { kind: "dcrAssociation", osType: a.osType, ruleParameter: "dcrResourceId" },
    };
  }),
];

export const POLICY_DEFINITION_PREFIX = "/providers/Microsoft.Authorization/policyDefinitions/";

export function builtinPolicy(nameOrId: string): BuiltinPolicy | undefined {
  const name = nameOrId.split("/").pop()!.toLowerCase();
  return BUILTIN_POLICIES.find((p) => p.name === name);
}

/** The definition as ARM returns it, with `policyRule.then.details.roleDefinitionIds`. */
export function policyDefinitionDoc(p: BuiltinPolicy): JsonObject {
  const parameters: JsonObject = {};
  if (p.effectDefault) {
    parameters["effect"] = {
      type: "String",
      metadata: { displayName: "Effect", description: "Enable or disable the execution of the policy" },
      allowedValues: ["DeployIfNotExists", "Disabled"],
      defaultValue: p.effectDefault,
    };
  }
  const { condition, details } = policyRule(p, parameters);
  return {
    id: POLICY_DEFINITION_PREFIX + p.name,
    name: p.name,
    type: "Microsoft.Authorization/policyDefinitions",
    properties: {
      displayName: p.displayName,
      policyType: "BuiltIn",
      mode: "Indexed",
      description: p.description,
      metadata: { version: p.version, category: p.category },
      version: p.version.replace(/-.*$/, ""),
      parameters,
      policyRule: { if: condition, then: { effect: p.effectDefault ? "[parameters('effect')]" : p.fixedEffect ?? "deployIfNotExists", details } },
    },
  };
}

/** The effect an assignment resolves to: its `effect` parameter, else the definition's default. */
export function effectiveEffect(p: BuiltinPolicy, assignmentParameters: unknown): string {
  if (!p.effectDefault) return p.fixedEffect ?? "deployIfNotExists";
  const params = assignmentParameters as { effect?: { value?: unknown } } | undefined;
  const v = params?.effect?.value;
  return typeof v === "string" ? v : p.effectDefault;
}
