/**
 * A construct that is one Deploy-if-not-exists assignment of the model (src/core/declarations/
 * deployIfNotExists.ts): the assignment with a system-assigned identity and a location, a role
 * assignment for exactly each role the definition lists (Terraform does not grant them by itself),
 * and a remediation task after the roles. The CDKTF ExtensionPolicy and AzureMonitorAgentPolicy
 * are DeployIfNotExistsConstructs.
 */
import type { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import type { SubscriptionPolicyAssignment } from "@cdktf/provider-azurerm/lib/subscription-policy-assignment";
import type { SubscriptionPolicyRemediation } from "@cdktf/provider-azurerm/lib/subscription-policy-remediation";
import { Construct } from "constructs";
import type { PolicyUnit } from "../../src/core/declarations";
import type { DeclaredUnit } from "./render/declared";
import { renderUnit } from "./render/resources";

export { IDENTITY_PRINCIPAL_TYPE, REMEDIATION_DISCOVERY_MODE } from "../../src/core/declarations";

export abstract class DeployIfNotExistsConstruct extends Construct {
  public readonly assignment: SubscriptionPolicyAssignment;
  /** One per role of the definition, in the catalog's order. */
  public readonly roleAssignments: RoleAssignment[];
  public readonly remediation?: SubscriptionPolicyRemediation;

  /** Renders the unit `declare` hands back (it validates the props first, or passes a unit it was given). */
  protected constructor(scope: Construct, id: string, declare: () => DeclaredUnit<PolicyUnit>) {
    super(scope, id);
    const { declared: unit, registry, provider } = declare();
    const rendered = renderUnit({ scope: this, registry, provider }, unit);
    this.assignment = rendered.get("assignment") as SubscriptionPolicyAssignment;
    this.roleAssignments = unit.resources.filter((d) => d.kind === "role-assignment").map((d) => rendered.get(d.role) as RoleAssignment);
    this.remediation = rendered.get("remediation") as SubscriptionPolicyRemediation | undefined;
  }
}
