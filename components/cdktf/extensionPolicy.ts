/**
 * ExtensionPolicy: one of the seed's "Enable auto provisioning of extensions" toggles: a
 * Deploy-if-not-exists assignment at the subscription with a system-assigned identity and a
 * location, a role assignment for exactly each role the definition lists (at the subscription, to
 * the assignment's identity; Terraform does not grant them by itself), and a remediation task for
 * the existing non-compliant resources, after the roles. A renderer of the extension-policies
 * capability's unit, as the Pulumi ExtensionPolicy is; the catalog (definitions, roles, names) is
 * src/spec/policies.ts.
 */
import type { TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import { declareExtensionPolicy, extensionPolicyInputIssues, type ExtensionPolicyInput } from "../../src/capabilities/extension-policies";
import { type PolicyUnit } from "../../src/core";
import { SEED_POLICIES, type ExtensionPolicyKey, type PolicyDefinition } from "../../src/spec";
import { DeployIfNotExistsConstruct } from "./deployIfNotExists";
import type { DeclaredUnit } from "./render/declared";
import { RenderedDeclarations } from "./render/registry";
import type { ValidationIssue } from "./validation";

export { IDENTITY_PRINCIPAL_TYPE, REMEDIATION_DISCOVERY_MODE } from "./deployIfNotExists";

/** Each field's documentation is the model's (ExtensionPolicyInput). */
export interface ExtensionPolicyProps extends ExtensionPolicyInput {
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
    const own = props as ExtensionPolicyProps;
    super(scope, id, "ExtensionPolicy", props, {
      validate: () => validateExtensionPolicyProps(own),
      declare: () => ({ declared: declareExtensionPolicy(id, own), registry: new RenderedDeclarations(), provider: own.provider }),
    });
    this.definition = SEED_POLICIES[this.policyKey as ExtensionPolicyKey];
  }
}
