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
import { declareExtensionPolicy, extensionPolicyInputIssues, type ExtensionPolicyInput } from "../../../src/capabilities/extension-policies";
import { type PolicyUnit } from "../../../src/core";
import { SEED_POLICIES, type ExtensionPolicyKey, type PolicyDefinition } from "../../../src/spec";
import type { ValidationIssue } from "../internal/validation";
import type { DeclaredUnit } from "../render/declared";
import { RenderedDeclarations } from "../render/registry";
import { DeployIfNotExistsComponent } from "./deployIfNotExists";

export const EXTENSION_POLICY_TYPE = "asc-autoprovision:policy:ExtensionPolicy";

export { IDENTITY_PRINCIPAL_TYPE, REMEDIATION_DISCOVERY_MODE } from "./deployIfNotExists";

/** Each field's documentation is the model's (ExtensionPolicyInput). */
export type ExtensionPolicyArgs = ExtensionPolicyInput;

/** Validates ExtensionPolicy's arguments; each issue names the argument. Exported for tests. */
export function validateExtensionPolicyArgs(args: ExtensionPolicyArgs): ValidationIssue[] {
  return extensionPolicyInputIssues(args);
}

export class ExtensionPolicy extends DeployIfNotExistsComponent {
  /** The catalog entry: definition, display name, roles. */
  public readonly definition!: PolicyDefinition;

  constructor(name: string, args: ExtensionPolicyArgs | DeclaredUnit<PolicyUnit>, opts?: pulumi.ComponentResourceOptions) {
    super(EXTENSION_POLICY_TYPE, "ExtensionPolicy", name, opts, args, {
      validate: () => validateExtensionPolicyArgs(args as ExtensionPolicyArgs),
      declare: () => ({ declared: declareExtensionPolicy(name, args as ExtensionPolicyArgs), registry: new RenderedDeclarations() }),
    });
    if (opts?.urn) return;
    this.definition = SEED_POLICIES[this.policyKey as ExtensionPolicyKey];
  }
}
