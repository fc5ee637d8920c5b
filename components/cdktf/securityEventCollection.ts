/**
 * SecurityEventCollection: where a workspace's Windows security-event tier lives: a renderer of the
 * security-events capability's unit (src/capabilities/security-events/declare.ts), as the Pulumi
 * component is; the same resources as the planner's set-security-events and create-dcr steps.
 *
 * - `agent: mma`: the workspace data source `SecurityEventCollectionConfiguration`, in an
 *   `azurerm_resource_group_template_deployment` holding its exact ARM body (azurerm has no
 *   resource for it; see armTemplate.ts). Tier None declares nothing.
 * - `agent: ama`: the workspace's data collection rule (src/spec/dcr.ts), declared whatever the
 *   tier (machines are associated with it). By default in a template deployment too, because
 *   `azurerm_monitor_data_collection_rule` requires a `data_flow` block and the rule of tier None
 *   (the default tier, and any tier with Defender off) has none; one resource type for every tier
 *   also keeps a tier change an in-place update rather than a delete and a create of the same
 *   rule by two resources. `dataCollectionRule: "native"` declares `azurerm_monitor_data_collection_rule`
 *   instead, for tiers that collect.
 *
 * The seed's limits are the planner's (`securityEventsRule`): with Azure Defender off a tier is not
 * stored (a warning annotation); a workspace whose security events Sentinel configures refuses a tier.
 */
import type { MonitorDataCollectionRule } from "@cdktf/provider-azurerm/lib/monitor-data-collection-rule";
import type { ResourceGroupTemplateDeployment } from "@cdktf/provider-azurerm/lib/resource-group-template-deployment";
import { Annotations, type ITerraformDependable, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { z } from "zod";
import {
  declareSecurityEvents,
  securityEventsAllowedFor,
  securityEventsInputIssues,
  type SecurityEventsInput,
} from "../../src/capabilities/security-events";
import { regionIssues, schemaIssues, type SecurityEventsUnit } from "../../src/core";
import type { AgentChoice, SecurityEventTier } from "../../src/spec";
import { isDeclaredUnit, type DeclaredUnit } from "./render/declared";
import { RenderedDeclarations } from "./render/registry";
import { renderUnit, type DataCollectionRuleStyle } from "./render/resources";
import { failProps, type ValidationIssue } from "./validation";

export type { DataCollectionRuleStyle };
const RULE_STYLES = ["template", "native"] as const;

/** Each field's documentation is the model's (SecurityEventsInput), but for the rendering props. */
export interface SecurityEventCollectionProps extends Omit<SecurityEventsInput, "workspaceId" | "location" | "dependsOn"> {
  /** The workspace's ARM id (known at synth). `provider` must target its subscription. */
  readonly workspaceId: string;
  /**
   * `ama` only: the workspace's location, where its rule is created (may be a token).
   * @default - read from Azure (an `azurerm_log_analytics_workspace` data source)
   */
  readonly location?: string;
  /**
   * `ama` only: `template` (the rule's exact ARM body in a template deployment, any tier) or
   * `native` (`azurerm_monitor_data_collection_rule`; a tier that stores nothing is then refused,
   * azurerm requiring a data flow). Switching replaces the rule.
   * @default "template"
   */
  readonly dataCollectionRule?: DataCollectionRuleStyle;
  /** @default - the stack's default azurerm provider */
  readonly provider?: TerraformProvider;
  /**
   * What the tier waits for (the workspace, when it is created in the same stack).
   * @default - nothing
   */
  readonly dependsOn?: ITerraformDependable[];
}

export function validateSecurityEventCollectionProps(props: SecurityEventCollectionProps): ValidationIssue[] {
  if (props === undefined || props === null || typeof props !== "object") return [{ path: "props", message: "are required" }];
  const { dependsOn: _handled, ...input } = props;
  const issues = [...securityEventsInputIssues(input)];
  issues.push(...schemaIssues(z.enum(RULE_STYLES).optional(), props.dataCollectionRule, "dataCollectionRule"));
  if (props.location !== undefined) issues.push(...regionIssues(props.location, "location"));
  if (issues.length) return issues;
  const tier = props.tier ?? "None";
  return ruleStyleIssues(props.agent ?? "mma", tier, securityEventsAllowedFor(props), props.dataCollectionRule);
}

/** `native` cannot hold a rule without a data flow: azurerm requires one. */
function ruleStyleIssues(agent: AgentChoice, tier: SecurityEventTier, allowed: boolean, style: DataCollectionRuleStyle | undefined): ValidationIssue[] {
  if (agent !== "ama" || style !== "native" || (allowed && tier !== "None")) return [];
  return [
    {
      path: "dataCollectionRule",
      message: `"native" cannot declare a rule that stores no security events (tier ${tier}${allowed ? "" : ", not stored"}): azurerm_monitor_data_collection_rule requires a data_flow; use "template"`,
    },
  ];
}

/** A unit handed in by AutoProvisioning or AutoProvisioningStack, with how to declare its rule. */
export interface DeclaredSecurityEvents extends DeclaredUnit<SecurityEventsUnit> {
  readonly dataCollectionRule?: DataCollectionRuleStyle;
}

export class SecurityEventCollection extends Construct {
  /** The tier asked for, in the portal's words. */
  public readonly tier: SecurityEventTier;
  /** The tier actually stored: `tier`, or None where the seed's limits forbid it. */
  public readonly storedTier: SecurityEventTier;
  /** The single resource: the template deployment (data source or rule) or the native rule; none for mma with tier None. */
  public readonly resource?: ResourceGroupTemplateDeployment | MonitorDataCollectionRule;

  constructor(scope: Construct, id: string, props: SecurityEventCollectionProps | DeclaredSecurityEvents) {
    super(scope, id);
    let unit: SecurityEventsUnit;
    let registry: RenderedDeclarations;
    if (isDeclaredUnit<SecurityEventsUnit>(props)) {
      ({ declared: unit, registry } = props);
      const issues = [...unit.issues, ...ruleStyleIssues(unit.agent, unit.tier, unit.storedTier === unit.tier, props.dataCollectionRule)];
      if (issues.length) failProps("SecurityEventCollection", id, issues);
    } else {
      const issues = validateSecurityEventCollectionProps(props);
      if (issues.length) failProps("SecurityEventCollection", id, issues);
      const { dependsOn, ...input } = props;
      unit = declareSecurityEvents(id, { ...input, dependsOn: dependsOn?.length ? [HANDED_IN] : [] });
      registry = new RenderedDeclarations((key) => (key === HANDED_IN ? (dependsOn ?? []) : []));
    }
    for (const warning of unit.warnings) Annotations.of(this).addWarning(warning);
    this.tier = unit.tier;
    this.storedTier = unit.storedTier;
    const rendered = renderUnit({ scope: this, registry, provider: props.provider, dataCollectionRule: props.dataCollectionRule }, unit);
    this.resource = (rendered.get("rule") ?? rendered.get("data-source")) as ResourceGroupTemplateDeployment | MonitorDataCollectionRule | undefined;
  }
}

/** The key the model's tier waits for, that stands for the caller's own `dependsOn`. */
const HANDED_IN = "handed-in";
