/**
 * AutoProvisioning: the seed's "Auto provisioning" page for one subscription of a spec, as CDKTF
 * constructs (the twin of the Pulumi AutoProvisioning component):
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
 * `reconfigureExisting`, `removeLegacyAgent` and `deleteUnusedDefaultWorkspaces` are about what
 * machines run and which workspaces they leave: `asc-autoprovision plan/apply` reads them, nothing
 * here declares them.
 *
 * Nothing is declared for `azurerm_security_center_auto_provisioning`: Azure answers `On` with
 * `Deprecated`, and `Off` (the portal's default) would only hand Terraform a setting azurerm
 * removes in v5. Machine-level agent state is the reconciler's job (README.md).
 */
import { SecurityCenterSubscriptionPricing } from "@cdktf/provider-azurerm/lib/security-center-subscription-pricing";
import { SecurityCenterWorkspace } from "@cdktf/provider-azurerm/lib/security-center-workspace";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { amaPolicyAssignments, type AmaDestination, type AmaPoliciesInput } from "../../src/spec/amaPolicies";
import { dataCollectionRuleId } from "../../src/spec/dcr";
import { geographiesOf } from "../../src/spec/geography";
import { SEED_POLICIES, SEED_POLICY_KEYS, type ExtensionPolicyKey } from "../../src/spec/policies";
import type { Spec, SpecInput } from "../../src/spec/schema";
import { parseSpec } from "../../src/spec/validate";
import { subscriptionScope } from "../../src/reconcile/ids";
import { extensionPolicyEnabled } from "../../src/reconcile/policies";
import { SERVERS_PRICING_PLAN, pricingTierFor } from "../../src/reconcile/subscription";
import { readAmaPoliciesOptions } from "../internal/amaPolicyArgs";
import { AzureMonitorAgentPolicy } from "./azureMonitorAgentPolicy";
import { DefaultWorkspace } from "./defaultWorkspace";
import { ExtensionPolicy } from "./extensionPolicy";
import { SecurityEventCollection, type DataCollectionRuleStyle } from "./securityEventCollection";
import { failProps, regionIssues, type ValidationIssue } from "./validation";

export interface AutoProvisioningProps {
  /** The spec (DESIGN.md), as a spec file holds it; validated by parseSpec (its ValidationError, unchanged). */
  readonly spec: SpecInput;
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
  /**
   * `agent: ama` with auto provisioning on: the AMA policy assignments. `enabled` (default true),
   * `remediate` (default true), `notScopes` (ARM ids under the subscription; default none).
   * @default - declared, with remediation tasks
   */
  readonly amaPolicies?: AmaPoliciesInput;
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
    const provider = props.provider;
    const workspaceIds: Record<string, string> = {};
    const amaDestinations: (AmaDestination<string> & { readonly declaredBy?: SecurityEventCollection })[] = [];

    if (la.autoProvision) {
      this.pricing = new SecurityCenterSubscriptionPricing(this, "Pricing", { tier: pricingTierFor(la.defender), resourceType: SERVERS_PRICING_PLAN, provider });
      if (la.workspace === "default") {
        for (const geo of geographiesOf(regions)) {
          const ws = new DefaultWorkspace(this, `Workspace-${geo.code}`, { subscriptionId: sub, region: geo.workspaceLocation, defender: la.defender, provider });
          const events = new SecurityEventCollection(this, `SecurityEvents-${geo.code}`, {
            workspaceId: ws.workspaceId,
            tier: la.securityEvents,
            defender: la.defender,
            agent: la.agent,
            location: ws.location,
            dataCollectionRule: props.dataCollectionRule,
            dependsOn: [ws.workspace!],
            provider,
          });
          this.defaultWorkspaces.push(ws);
          this.securityEvents.push(events);
          workspaceIds[geo.code] = ws.workspaceId;
          amaDestinations.push({ dataCollectionRuleId: dataCollectionRuleId(ws.workspaceId), geography: geo, declaredBy: events });
        }
      } else {
        this.workspaceSetting = new SecurityCenterWorkspace(this, "WorkspaceSetting", { scope: subscriptionScope(sub), workspaceId: la.workspace.id, provider });
        const codes = regions.length ? geographiesOf(regions).map((g) => g.code) : ["*"];
        for (const code of codes) workspaceIds[code] = la.workspace.id;
        // AutoProvisioningStack declares the shared workspace's rule.
        amaDestinations.push({ dataCollectionRuleId: dataCollectionRuleId(la.workspace.id), declaredBy: props.customWorkspaceSecurityEvents });
      }
    }
    this.workspaceIds = workspaceIds;

    for (const key of SEED_POLICY_KEYS) {
      if (!extensionPolicyEnabled(spec.extensions, key)) continue;
      this.policies[key] = new ExtensionPolicy(this, SEED_POLICIES[key].shortName, {
        subscriptionId: sub,
        policy: key,
        identityLocation: spec.extensions.identityLocation,
        provider,
      });
    }

    if (la.autoProvision && la.agent === "ama" && amaOptions.enabled) {
      for (const a of amaPolicyAssignments(amaDestinations)) {
        const rule = amaDestinations.find((d) => d.dataCollectionRuleId === a.dataCollectionRuleId)?.declaredBy?.resource;
        this.amaPolicies.push(
          new AzureMonitorAgentPolicy(this, a.name, {
            subscriptionId: sub,
            policy: a.policy.key,
            assignmentName: a.name,
            displayName: a.displayName,
            dataCollectionRuleId: a.dataCollectionRuleId,
            regions: a.regions,
            identityLocation: spec.extensions.identityLocation,
            notScopes: amaOptions.notScopes,
            remediate: amaOptions.remediate,
            remediationDependsOn: rule ? [rule] : undefined,
            provider,
          }),
        );
      }
    }
  }
}
