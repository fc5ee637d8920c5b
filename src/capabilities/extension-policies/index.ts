/**
 * The seed's "Enable auto provisioning of extensions": per toggle (Kubernetes policy add-on,
 * Dependency agent for Windows / Linux VMs), a Deploy-if-not-exists assignment at the
 * subscription with its roles and a remediation task for what exists today; turning a toggle off
 * removes only the assignment this tool made. Reads spec.extensions and the inventory's
 * policyAssignments, roleAssignments, remediations, clusters and machines.
 */
import { defineCapability } from "../../core/kernel";
import { DEPENDENCY_AGENT } from "../../spec/extensions";
import { extensionSteps, type MachineExtensionSteps } from "../machine-extensions";
import { EXTENSION_POLICIES_DECLARER } from "./declare";
export { extensionPolicyFieldsSchema } from "./fields";
export type { ExtensionPolicyFields } from "./fields.generated";
import { planPolicies } from "./plan";
import { POLICY_STEPS, type PolicySteps } from "./steps";

export {
  REMEDIATION_DEFAULT_RESOURCE_COUNT,
  REMEDIATION_MAX_RESOURCE_COUNT,
  REMEDIATION_PARALLEL_DEPLOYMENTS,
  REMEDIATION_DISCOVERY_MODE,
  IDENTITY_PRINCIPAL_TYPE,
  deployIfNotExists,
  type DeployIfNotExistsBundle,
  type DeployIfNotExistsInput,
  type PolicyRole,
} from "./bundle";
export { NOT_SCOPES_LIMIT, coveredBy, excludedBySeed, excludedGroupsFit, excludedGroupsIn, excludedGroupsOverLimit } from "./notScopes";
export { extensionPolicyEnabled, grantRoleStep, kubernetesAddonAssigned, nonCompliantResources, policyEnabled, remediationStep } from "./plan";
export { LimitBook, POLICY_ASSIGNMENTS_PER_SCOPE, grantsBySubscription, ROLE_ASSIGNMENTS_PER_SUBSCRIPTION, refusalMessage, type LimitRefusal } from "./limits";
export {
  declareDeployIfNotExists,
  declareExtensionPolicy,
  enabledExtensionPolicies,
  extensionPolicyInputIssues,
  type DeployIfNotExistsDeclarationInput,
  type ExtensionPolicyInput,
} from "./declare";
export type { AssignPolicyDetails, CreateRemediationDetails, GrantRoleDetails, PolicySteps, SetPolicyNotScopesDetails, UnassignPolicyDetails } from "./steps";

export const extensionPolicies = defineCapability<PolicySteps, never, PolicySteps & MachineExtensionSteps>({
  id: "extension-policies",
  title: "Deploy-if-not-exists policies of the extension toggles, with roles and remediation",
  decisions: {},
  steps: POLICY_STEPS,
  // The Dependency agent installed machine by machine where its assignment cannot reach.
  serves: extensionSteps(DEPENDENCY_AGENT, ["install-extension"]),
  planner: { afterMachines: planPolicies },
  declare: EXTENSION_POLICIES_DECLARER,
  arm: async () => (await import("./arm")).HANDLERS,
});
