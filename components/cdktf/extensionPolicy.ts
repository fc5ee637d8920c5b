/**
 * ExtensionPolicy: one of the seed's "Enable auto provisioning of extensions" toggles: a
 * Deploy-if-not-exists assignment at the subscription with a system-assigned identity and a
 * location, a role assignment for exactly each role the definition lists (at the subscription, to
 * the assignment's identity; Terraform does not grant them by itself), and a remediation task for
 * the existing non-compliant resources, after the roles. The CDKTF twin of the Pulumi
 * ExtensionPolicy; the catalog (definitions, roles, names) is src/spec/policies.ts.
 */
import type { TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import { declareExtensionPolicy, extensionPolicyInputIssues, type PolicyUnit } from "../../src/core/declarations";
import { SEED_POLICIES, type ExtensionPolicyKey, type PolicyDefinition } from "../../src/spec";
import { DeployIfNotExistsConstruct } from "./deployIfNotExists";
import { isDeclaredUnit, type DeclaredUnit } from "./render/declared";
import { RenderedDeclarations } from "./render/registry";
import { failProps, type ValidationIssue } from "./validation";

export { IDENTITY_PRINCIPAL_TYPE, REMEDIATION_DISCOVERY_MODE } from "./deployIfNotExists";

export interface ExtensionPolicyProps {
  /** Subscription GUID: the assignment's scope, its roles' scope, where the remediation runs. */
  readonly subscriptionId: string;
  /** `kubernetesPolicyAddon`, `dependencyAgentWindows` or `dependencyAgentLinux`. */
  readonly policy: ExtensionPolicyKey;
  /**
   * Location of the assignment's managed identity (ARM requires one with an identity; it does
   * not limit what the policy remediates).
   * @default "eastus" (the spec's default for extensions.identityLocation)
   */
  readonly identityLocation?: string;
  /**
   * Start a remediation task for the resources non-compliant when it is created. A remediation
   * is one-shot; `asc-autoprovision plan/apply` re-plans later ones.
   * @default true
   */
  readonly remediate?: boolean;
  /** @default - the stack's default azurerm provider */
  readonly provider?: TerraformProvider;
}

export function validateExtensionPolicyProps(props: ExtensionPolicyProps): ValidationIssue[] {
  if (props === undefined || props === null || typeof props !== "object") return [{ path: "props", message: "are required" }];
  return extensionPolicyInputIssues(props);
}

export class ExtensionPolicy extends DeployIfNotExistsConstruct {
  /** The catalog entry: definition, display name, roles. */
  public readonly definition: PolicyDefinition;

  constructor(scope: Construct, id: string, props: ExtensionPolicyProps | DeclaredUnit<PolicyUnit>) {
    super(scope, id, () => {
      if (isDeclaredUnit<PolicyUnit>(props)) return props;
      const issues = validateExtensionPolicyProps(props);
      if (issues.length) failProps("ExtensionPolicy", id, issues);
      return { declared: declareExtensionPolicy(id, props), registry: new RenderedDeclarations(), provider: props.provider };
    });
    this.definition = SEED_POLICIES[(isDeclaredUnit<PolicyUnit>(props) ? props.declared.policyKey : props.policy) as ExtensionPolicyKey];
  }
}
