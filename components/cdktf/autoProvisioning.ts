/**
 * AutoProvisioning: the seed's "Auto provisioning" page for one subscription of a spec, as CDKTF
 * constructs: a renderer of the subscription's part of the declaration model
 * (src/core/declarations: declareSubscription), as the Pulumi AutoProvisioning component is:
 *
 * - with `logAnalyticsAgent.autoProvision` on: the Defender for Servers pricing (`VirtualMachines`,
 *   Standard with Defender on, Free off); then either one DefaultWorkspace and its
 *   SecurityEventCollection per geography of `machineRegions`, or, for a custom workspace, the
 *   workspace setting that sends the subscription's machines there;
 * - one ExtensionPolicy per extension toggle that is on (auto provisioning on or off);
 * - with `agent: ama` and auto provisioning on, the AMA policies (AzureMonitorAgentPolicy, which
 *   ones: src/spec/amaPolicies.ts).
 *
 * A custom workspace's solution and tier are not declared here: a workspace has one of each,
 * whatever the number of subscriptions reporting to it, so AutoProvisioningStack declares them once.
 *
 * `reconfigureExisting`, `removeLegacyAgent`, `deleteUnusedDefaultWorkspaces` and
 * `upgradeManualScaleSets` are about what machines run and which workspaces they leave:
 * `asc-autoprovision plan/apply` reads them, nothing here declares them.
 *
 * Nothing is declared for `azurerm_security_center_auto_provisioning`: Azure answers `On` with
 * `Deprecated`, and `Off` (the portal's default) would only hand Terraform a setting azurerm
 * removes in v5. Machine-level agent state is the reconciler's job (README.md).
 */
import type { SecurityCenterSubscriptionPricing } from "@cdktf/provider-azurerm/lib/security-center-subscription-pricing";
import type { SecurityCenterWorkspace } from "@cdktf/provider-azurerm/lib/security-center-workspace";
import { Annotations, type TerraformProvider, type TerraformResource } from "cdktf";
import { Construct } from "constructs";
import {
  declareSubscription,
  readAmaPoliciesOptions,
  regionIssues,
  type AmaPoliciesFields,
  type SpecFields,
  type SubscriptionDeclarations,
  unitName,
} from "../../src/core";
import { geographiesOf, parseSpec, type ExtensionPolicyKey, type Spec } from "../../src/spec";
import { AzureMonitorAgentPolicy } from "./azureMonitorAgentPolicy";
import { DefaultWorkspace } from "./defaultWorkspace";
import { ExtensionPolicy } from "./extensionPolicy";
import { RenderedDeclarations } from "./render/registry";
import { renderDeclaration, renderUnit } from "./render/resources";
import { SecurityEventCollection, type DataCollectionRuleStyle } from "./securityEventCollection";
import { failProps, type ValidationIssue } from "./validation";

export interface AutoProvisioningProps {
  /** The spec (DESIGN.md), as a spec file holds it; validated by parseSpec (its ValidationError, unchanged). */
  readonly spec: SpecFields;
  /** Which of `spec.subscriptions` this construct provisions. `provider` must target it. */
  readonly subscriptionId: string;
  /**
   * Regions of the subscription's machines: one default workspace per geography they map to.
   * @default - none: no default workspace is declared
   */
  readonly machineRegions?: readonly string[];
  /**
   * `agent: ama` only: how the data collection rules are declared (see SecurityEventCollection).
   * @default "template"
   */
  readonly dataCollectionRule?: DataCollectionRuleStyle;
  /** The AMA policy assignments' options; its not-scopes lie in `subscriptionId`. */
  readonly amaPolicies?: AmaPoliciesFields;
  /**
   * A custom workspace's tier and rule, declared once elsewhere (AutoProvisioningStack does):
   * the AMA association remediations wait for it.
   * @default - none
   */
  readonly customWorkspaceSecurityEvents?: SecurityEventCollection;
  /** @default - the stack's default azurerm provider */
  readonly provider?: TerraformProvider;
}

/** Re-exported for callers of the construct; the rule lives in src/spec/geography. */
export { geographiesOf };

export class AutoProvisioning extends Construct {
  /** The subscription GUID, lower-cased. */
  public readonly subscriptionId: string;
  /** The validated spec, with defaults. */
  public readonly spec: Spec;
  /** What this construct declares: its subscription's part of the declaration model. */
  public readonly declarations: SubscriptionDeclarations;
  /** The resources it rendered, by declaration key. */
  public readonly rendered: RenderedDeclarations;
  public readonly pricing?: SecurityCenterSubscriptionPricing;
  /** Sends new machines to the custom workspace. */
  public readonly workspaceSetting?: SecurityCenterWorkspace;
  /** One per geography of `machineRegions` (default workspaces). */
  public readonly defaultWorkspaces: DefaultWorkspace[] = [];
  /** The tier of each default workspace. */
  public readonly securityEvents: SecurityEventCollection[] = [];
  /** The extension policies that are on. */
  public readonly policies: Partial<Record<ExtensionPolicyKey, ExtensionPolicy>> = {};
  /** The AMA policy assignments (`agent: ama`), in src/spec/amaPolicies.ts's order. */
  public readonly amaPolicies: AzureMonitorAgentPolicy[] = [];
  /** The resources of the units no construct presents (capabilities without a construct of their own). */
  public readonly others: TerraformResource[] = [];
  /** Where machines report, by geography code (`*`: every geography, custom workspace). */
  public readonly workspaceIds: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: AutoProvisioningProps) {
    super(scope, id);
    const spec = parseSpec(props.spec);
    const sub = typeof props.subscriptionId === "string" ? props.subscriptionId.toLowerCase() : "";
    const issues: ValidationIssue[] = [];
    if (!spec.subscriptions.includes(sub)) {
      issues.push({ path: "subscriptionId", message: `${JSON.stringify(props.subscriptionId)} is not one of spec.subscriptions (${spec.subscriptions.join(", ")})` });
    }
    const regions = props.machineRegions ?? [];
    if (!Array.isArray(regions)) issues.push({ path: "machineRegions", message: `${JSON.stringify(regions)} is not a list of region names` });
    else regions.forEach((r, i) => issues.push(...regionIssues(r, `machineRegions[${i}]`)));
    const amaOptions = readAmaPoliciesOptions(props.amaPolicies, "amaPolicies", [sub], issues);
    if (issues.length) failProps("AutoProvisioning", id, issues);

    this.subscriptionId = sub;
    this.spec = spec;
    const la = spec.logAnalyticsAgent;
    // A custom workspace's solution and tier are declared once, by the stack (AutoProvisioningStack).
    const model = declareSubscription({
      spec,
      subscriptionId: sub,
      machineRegions: regions,
      amaPolicies: amaOptions,
      ...(la.workspace === "default" ? {} : { customWorkspace: { id: la.workspace.id, declareSolution: false, declareSecurityEvents: false, sentinelOwnsSecurityEvents: false } }),
    });
    this.declarations = model;
    const shared = props.customWorkspaceSecurityEvents?.resource;
    const registry = new RenderedDeclarations((key) => (model.external.includes(key) && shared ? [shared] : []));
    this.rendered = registry;
    const provider = props.provider;
    const child = <U>(declared: U) => ({ declared, registry, provider });

    const workspaceIds: Record<string, string> = {};
    for (const d of model.settings) {
      const resource = renderDeclaration({ scope: this, registry, provider }, d);
      if (d.kind === "pricing") this.pricing = resource as SecurityCenterSubscriptionPricing;
      else this.workspaceSetting = resource as SecurityCenterWorkspace;
    }
    for (const { workspace, securityEvents } of model.defaultWorkspaces) {
      const code = workspace.geography!.code;
      const ws = new DefaultWorkspace(this, `Workspace-${code}`, child(workspace));
      this.defaultWorkspaces.push(ws);
      this.securityEvents.push(new SecurityEventCollection(this, `SecurityEvents-${code}`, { ...child(securityEvents), dataCollectionRule: props.dataCollectionRule }));
      workspaceIds[code] = ws.workspaceId;
    }
    for (const code of model.customWorkspace?.geographyCodes ?? []) workspaceIds[code] = registry.token(model.customWorkspace!.workspaceId);
    this.workspaceIds = workspaceIds;
    for (const unit of model.extensionPolicies) this.policies[unit.policyKey as ExtensionPolicyKey] = new ExtensionPolicy(this, unit.assignmentName, child(unit));
    for (const unit of model.amaPolicies) this.amaPolicies.push(new AzureMonitorAgentPolicy(this, unit.assignmentName, child(unit)));
    // Units of capabilities no construct here presents: rendered as they are, each in a scope of its own.
    for (const unit of model.others) {
      if (unit.issues.length) failProps("AutoProvisioning", id, unit.issues);
      const scope = new Construct(this, unitName(unit, sub));
      for (const warning of unit.warnings) Annotations.of(scope).addWarning(warning);
      this.others.push(...renderUnit({ scope, registry, provider }, unit).values());
    }
  }
}
