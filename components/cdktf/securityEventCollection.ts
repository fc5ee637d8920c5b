/**
 * SecurityEventCollection: where a workspace's Windows security-event tier lives, as the planner's
 * set-security-events (agent mma) and create-dcr (agent ama) steps and the Pulumi component write it.
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
import { DataAzurermLogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/data-azurerm-log-analytics-workspace";
import { MonitorDataCollectionRule } from "@cdktf/provider-azurerm/lib/monitor-data-collection-rule";
import { ResourceGroupTemplateDeployment } from "@cdktf/provider-azurerm/lib/resource-group-template-deployment";
import { Annotations, type ITerraformDependable, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { z } from "zod";
import { nameOf, resourceGroupOf } from "../../src/inventory/ids";
import { dataCollectionRuleBody, dataCollectionRuleName } from "../../src/spec/dcr";
import type { SecurityEventTier } from "../../src/spec/events";
import { logAnalyticsAgentSchema, type AgentChoice } from "../../src/spec/schema";
import { workspaceLabel } from "../../src/reconcile/context";
import { securityEventsNeedDefenderMessage, securityEventsOwnedBySentinelMessage, securityEventsRule } from "../../src/reconcile/workspaces";
import { DEPLOYMENT_MODE, dataCollectionRuleResource, deploymentName, securityEventsDataSource, templateContent } from "./armTemplate";
import { booleanIssues, failProps, regionIssues, schemaIssues, workspaceIdIssues, type ValidationIssue } from "./validation";

/** How the AMA data collection rule is declared. */
export type DataCollectionRuleStyle = "template" | "native";
const RULE_STYLES = ["template", "native"] as const;

export interface SecurityEventCollectionProps {
  /** ARM id of the Log Analytics workspace (known at synth). `provider` must target its subscription. */
  readonly workspaceId: string;
  /**
   * The tier in the portal's words, stored in the API's (`Common` is `Recommended`).
   * @default "None"
   */
  readonly tier?: SecurityEventTier;
  /**
   * Azure Defender on. Storing security events needs it: with `false` a tier is not stored.
   * @default true
   */
  readonly defender?: boolean;
  /**
   * Sentinel's Security Events connector configures this workspace: a tier other than None is refused.
   * @default false
   */
  readonly sentinelOwnsSecurityEvents?: boolean;
  /**
   * `mma` stores the tier in the legacy data source, `ama` in the workspace's data collection rule.
   * @default "mma"
   */
  readonly agent?: AgentChoice;
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
  const issues = schemaIssues(logAnalyticsAgentSchema.shape.securityEvents, props.tier, "tier");
  issues.push(...schemaIssues(logAnalyticsAgentSchema.shape.agent, props.agent, "agent"));
  issues.push(...booleanIssues(props.defender, "defender"), ...booleanIssues(props.sentinelOwnsSecurityEvents, "sentinelOwnsSecurityEvents"));
  if (props.workspaceId === undefined) issues.push({ path: "workspaceId", message: "is required (the workspace's ARM id)" });
  else issues.push(...workspaceIdIssues(props.workspaceId, "workspaceId"));
  issues.push(...schemaIssues(z.enum(RULE_STYLES).optional(), props.dataCollectionRule, "dataCollectionRule"));
  if (props.location !== undefined) issues.push(...regionIssues(props.location, "location"));
  if (issues.length) return issues;
  const tier = props.tier ?? "None";
  const rule = securityEventsRule(tier, props.defender ?? true, props.sentinelOwnsSecurityEvents ?? false);
  if (!rule.allowed && rule.finding?.severity === "error") {
    issues.push({
      path: "tier",
      message: `"${tier}" cannot be set while sentinelOwnsSecurityEvents is true: ${securityEventsOwnedBySentinelMessage(workspaceLabel(props.workspaceId))}`,
    });
  }
  const stored = rule.allowed ? tier : "None";
  if ((props.agent ?? "mma") === "ama" && props.dataCollectionRule === "native" && stored === "None") {
    issues.push({
      path: "dataCollectionRule",
      message: `"native" cannot declare a rule that stores no security events (tier ${tier}${rule.allowed ? "" : ", not stored"}): azurerm_monitor_data_collection_rule requires a data_flow; use "template"`,
    });
  }
  return issues;
}

export class SecurityEventCollection extends Construct {
  /** The tier asked for, in the portal's words. */
  public readonly tier: SecurityEventTier;
  /** The tier actually stored: `tier`, or None where the seed's limits forbid it. */
  public readonly storedTier: SecurityEventTier;
  /** The single resource: the template deployment (data source or rule) or the native rule; none for mma with tier None. */
  public readonly resource?: ResourceGroupTemplateDeployment | MonitorDataCollectionRule;

  constructor(scope: Construct, id: string, props: SecurityEventCollectionProps) {
    super(scope, id);
    const issues = validateSecurityEventCollectionProps(props);
    if (issues.length) failProps("SecurityEventCollection", id, issues);
    const tier = props.tier ?? "None";
    const rule = securityEventsRule(tier, props.defender ?? true, props.sentinelOwnsSecurityEvents ?? false);
    if (!rule.allowed && rule.finding?.code === "security-events-need-defender") {
      Annotations.of(this).addWarning(securityEventsNeedDefenderMessage(tier));
    }
    this.tier = tier;
    this.storedTier = rule.allowed ? tier : "None";
    const wsId = props.workspaceId;
    const common = { resourceGroupName: resourceGroupOf(wsId), provider: props.provider, dependsOn: props.dependsOn };

    if ((props.agent ?? "mma") === "ama") {
      const location = props.location ?? new DataAzurermLogAnalyticsWorkspace(this, "Lookup", { name: nameOf(wsId), resourceGroupName: resourceGroupOf(wsId), provider: props.provider }).location;
      this.resource =
        props.dataCollectionRule === "native"
          ? nativeRule(this, wsId, location, this.storedTier, common)
          : new ResourceGroupTemplateDeployment(this, "Resource", {
              ...common,
              name: deploymentName("dcr", wsId),
              deploymentMode: DEPLOYMENT_MODE,
              templateContent: templateContent([dataCollectionRuleResource(wsId, location, this.storedTier)]),
            });
    } else if (this.storedTier !== "None") {
      this.resource = new ResourceGroupTemplateDeployment(this, "Resource", {
        ...common,
        name: deploymentName("security-events", wsId),
        deploymentMode: DEPLOYMENT_MODE,
        templateContent: templateContent([securityEventsDataSource(wsId, this.storedTier)]),
      });
    }
  }
}

/** The rule as azurerm_monitor_data_collection_rule: the same body (src/spec/dcr.ts), in azurerm's blocks. */
function nativeRule(
  scope: Construct,
  workspaceId: string,
  location: string,
  tier: SecurityEventTier,
  common: { resourceGroupName: string; provider?: TerraformProvider; dependsOn?: ITerraformDependable[] },
): MonitorDataCollectionRule {
  const body = dataCollectionRuleBody({ location, workspaceResourceId: workspaceId, tier });
  const p = body.properties;
  return new MonitorDataCollectionRule(scope, "Resource", {
    ...common,
    name: dataCollectionRuleName(workspaceId),
    location: body.location,
    tags: { ...body.tags },
    description: p.description,
    dataSources: { windowsEventLog: (p.dataSources.windowsEventLogs ?? []).map((d) => ({ name: d.name, streams: [...d.streams], xPathQueries: [...d.xPathQueries] })) },
    destinations: { logAnalytics: p.destinations.logAnalytics.map((d) => ({ name: d.name, workspaceResourceId: d.workspaceResourceId })) },
    dataFlow: p.dataFlows.map((f) => ({ streams: [...f.streams], destinations: [...f.destinations] })),
  });
}
