/**
 * A construct that is one Deploy-if-not-exists unit of the model (declareDeployIfNotExists, over
 * the extension-policies capability's shared bundle): the assignment with a system-assigned
 * identity and a location, a role assignment for exactly each role the definition lists
 * (Terraform does not grant them by itself), and a remediation task after the roles. The CDKTF
 * ExtensionPolicy and AzureMonitorAgentPolicy are DeployIfNotExistsConstructs.
 */
import type { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import type { SubscriptionPolicyAssignment } from "@cdktf/provider-azurerm/lib/subscription-policy-assignment";
import type { SubscriptionPolicyRemediation } from "@cdktf/provider-azurerm/lib/subscription-policy-remediation";
import { Construct } from "constructs";
import type { PolicyUnit } from "../../src/core";
import { isDeclaredUnit, type DeclaredUnit } from "./render/declared";
import { renderUnit } from "./render/resources";
import { failProps, type ValidationIssue } from "./validation";

export { IDENTITY_PRINCIPAL_TYPE, REMEDIATION_DISCOVERY_MODE } from "../../src/capabilities/extension-policies";

export abstract class DeployIfNotExistsConstruct extends Construct {
  public readonly assignment: SubscriptionPolicyAssignment;
  /** One per role of the definition, in the catalog's order. */
  public readonly roleAssignments: RoleAssignment[];
  public readonly remediation?: SubscriptionPolicyRemediation;

  /** The catalog key of the policy assigned. */
  public readonly policyKey: string;

  /**
   * Renders the unit `props` hands in, or the one `own.declare` describes from the construct's own
   * props once `own.validate` finds nothing wrong with them (else it throws, naming each prop).
   */
  protected constructor(
    scope: Construct,
    id: string,
    typeName: string,
    props: unknown,
    own: { readonly validate: () => ValidationIssue[]; readonly declare: () => DeclaredUnit<PolicyUnit> },
  ) {
    super(scope, id);
    const { declared: unit, registry, provider } = isDeclaredUnit<PolicyUnit>(props) ? props : declareOwn(typeName, id, own);
    this.policyKey = unit.policyKey;
    const rendered = renderUnit({ scope: this, registry, provider }, unit);
    this.assignment = rendered.get("assignment") as SubscriptionPolicyAssignment;
    this.roleAssignments = unit.resources.filter((d) => d.kind === "role-assignment").map((d) => rendered.get(d.role) as RoleAssignment);
    this.remediation = rendered.get("remediation") as SubscriptionPolicyRemediation | undefined;
  }
}

function declareOwn(typeName: string, id: string, own: { readonly validate: () => ValidationIssue[]; readonly declare: () => DeclaredUnit<PolicyUnit> }): DeclaredUnit<PolicyUnit> {
  const issues = own.validate();
  if (issues.length) failProps(typeName, id, issues);
  return own.declare();
}
