/**
 * ExtensionPolicy: one of the seed's "Enable auto provisioning of extensions" toggles as a
 * Deploy-if-not-exists policy assignment at the subscription, with a system-assigned identity and
 * a location, a role assignment for exactly each role the definition lists (at the assignment's
 * scope, to the assignment's identity), and a remediation task for the existing non-compliant
 * resources that waits for those roles: what the planner's assign-policy, grant-role and
 * create-remediation steps make. A renderer of the extension-policies capability's unit; the
 * catalog (definition ids, roles, names) is src/spec/policies.ts.
 */
import type * as pulumi from "@pulumi/pulumi";
import { declareExtensionPolicy, extensionPolicyInputIssues, type PolicyUnit } from "../../../src/core/declarations";
import { SEED_POLICIES, type ExtensionPolicyKey, type PolicyDefinition } from "../../../src/spec";
import { failArgs, type ValidationIssue } from "../internal/validation";
import type { DeclaredUnit } from "../render/declared";
import { RenderedDeclarations } from "../render/registry";
import { DeployIfNotExistsComponent } from "./deployIfNotExists";

export const EXTENSION_POLICY_TYPE = "asc-autoprovision:policy:ExtensionPolicy";

export { IDENTITY_PRINCIPAL_TYPE, REMEDIATION_DISCOVERY_MODE } from "./deployIfNotExists";

export interface ExtensionPolicyArgs {
  /**
   * Subscription GUID: the assignment's scope (`/subscriptions/<id>`), the scope of its role
   * assignments, and the subscription the remediation runs in (the azure-native provider in effect
   * must target it; AutoProvisioning makes one that does). Changing it replaces everything.
   */
  readonly subscriptionId: string;
  /**
   * Which seed toggle: `kubernetesPolicyAddon` (Azure Policy Add-on for AKS), `dependencyAgentWindows`
   * or `dependencyAgentLinux` (Microsoft Dependency agent). Changing it replaces everything.
   */
  readonly policy: ExtensionPolicyKey;
  /**
   * Location of the assignment's managed identity (required by ARM for an assignment with an
   * identity; it does not limit what the policy remediates). Default: the spec's default for
   * `extensions.identityLocation` (eastus). Changing it replaces the assignment.
   */
  readonly identityLocation?: string;
  /**
   * Start a remediation task for the resources that are non-compliant when it is created
   * (resourceDiscoveryMode ExistingNonCompliant). Default `true`. A remediation is one-shot: it is
   * not re-run by later deployments (the AgentReconciliation resource re-plans remediations).
   */
  readonly remediate?: boolean;
}

/** Validates ExtensionPolicy's arguments; each issue names the argument. Exported for tests. */
export function validateExtensionPolicyArgs(args: ExtensionPolicyArgs): ValidationIssue[] {
  return extensionPolicyInputIssues(args);
}

export class ExtensionPolicy extends DeployIfNotExistsComponent {
  /** The catalog entry: definition, display name, roles. */
  public readonly definition!: PolicyDefinition;

  constructor(name: string, args: ExtensionPolicyArgs | DeclaredUnit<PolicyUnit>, opts?: pulumi.ComponentResourceOptions) {
    super(EXTENSION_POLICY_TYPE, name, opts, args, (self) => {
      const own = args as ExtensionPolicyArgs;
      const issues = validateExtensionPolicyArgs(own);
      if (issues.length) failArgs(self, "ExtensionPolicy", name, issues);
      return { declared: declareExtensionPolicy(name, own), registry: new RenderedDeclarations() };
    });
    if (opts?.urn) return;
    this.definition = SEED_POLICIES[("declared" in args ? args.declared.policyKey : args.policy) as ExtensionPolicyKey];
  }
}
