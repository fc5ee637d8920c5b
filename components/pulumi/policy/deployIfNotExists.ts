/**
 * A component that is one Deploy-if-not-exists unit of the model (declareDeployIfNotExists, over
 * the extension-policies capability's shared bundle): the assignment with a system-assigned
 * identity and a location, a role assignment for exactly each role the definition lists, and a
 * remediation task that waits for those roles. ExtensionPolicy and AzureMonitorAgentPolicy are
 * DeployIfNotExistsComponents.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PolicyAssignment, RoleAssignment } from "@pulumi/azure-native/authorization";
import type { RemediationAtSubscription } from "@pulumi/azure-native/policyinsights";
import { declarationOf, reference, type PolicyUnit } from "../../../src/core";
import { failArgs, type ValidationIssue } from "../internal/validation";
import { isDeclaredUnit, type DeclaredUnit } from "../render/declared";
import { renderUnit } from "../render/resources";

export { IDENTITY_PRINCIPAL_TYPE, REMEDIATION_DISCOVERY_MODE } from "../../../src/capabilities/extension-policies";

export abstract class DeployIfNotExistsComponent extends pulumi.ComponentResource {
  /** ARM id of the assignment. */
  public readonly assignmentId!: pulumi.Output<string>;
  /** Object id of the assignment's system-assigned identity. */
  public readonly principalId!: pulumi.Output<string>;
  /** ARM ids of the role assignments, one per role of the definition, in the catalog's order. */
  public readonly roleAssignmentIds!: pulumi.Output<string[]>;
  /** ARM id of the remediation, when one is declared. */
  public readonly remediationId!: pulumi.Output<string | undefined>;
  public readonly assignment!: PolicyAssignment;
  public readonly roleAssignments!: RoleAssignment[];
  public readonly remediation?: RemediationAtSubscription;

  /** The catalog key of the policy assigned. */
  public readonly policyKey!: string;

  /**
   * Renders the unit `args` hands in, or the one `own.declare` describes from the component's own
   * arguments once `own.validate` finds nothing wrong with them (else it fails, naming each
   * argument). Nothing is declared when an existing component is rehydrated (opts.urn).
   */
  protected constructor(
    type: string,
    typeName: string,
    name: string,
    opts: pulumi.ComponentResourceOptions | undefined,
    args: unknown,
    own: { readonly validate: () => ValidationIssue[]; readonly declare: (self: pulumi.ComponentResource) => DeclaredUnit<PolicyUnit> },
  ) {
    super(type, name, {}, opts);
    if (opts?.urn) return;
    const { declared: unit, registry } = isDeclaredUnit<PolicyUnit>(args) ? args : this.declareOwn(typeName, name, own);
    this.policyKey = unit.policyKey;
    const rendered = renderUnit({ parent: this, name, registry, options: { parent: this } }, unit);
    const assignmentKey = declarationOf(unit, "policy-assignment")!.key;
    this.assignment = rendered.get("assignment") as PolicyAssignment;
    this.assignmentId = this.assignment.id;
    this.principalId = registry.output(reference<string>(assignmentKey, "principalId"));
    this.roleAssignments = unit.resources.filter((d) => d.kind === "role-assignment").map((d) => rendered.get(d.role) as RoleAssignment);
    this.roleAssignmentIds = pulumi.all(this.roleAssignments.map((r) => r.id));
    this.remediation = rendered.get("remediation") as RemediationAtSubscription | undefined;
    this.remediationId = this.remediation ? this.remediation.id : pulumi.output(undefined);
    this.registerOutputs({
      assignmentId: this.assignmentId,
      principalId: this.principalId,
      roleAssignmentIds: this.roleAssignmentIds,
      remediationId: this.remediationId,
    });
  }

  private declareOwn(typeName: string, name: string, own: { readonly validate: () => ValidationIssue[]; readonly declare: (self: pulumi.ComponentResource) => DeclaredUnit<PolicyUnit> }) {
    const issues = own.validate();
    if (issues.length) failArgs(this, typeName, name, issues);
    return own.declare(this);
  }
}
