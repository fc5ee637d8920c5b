/**
 * ARM template bodies for what azurerm cannot declare faithfully, deployed with
 * `azurerm_resource_group_template_deployment` (Incremental):
 *
 * - the workspace data source `SecurityEventCollectionConfiguration` (kind of the same name,
 *   properties { Tier, TierSetMethod }): azurerm has no resource for a workspace data source of
 *   that kind (`azurerm_log_analytics_datasource_windows_event` writes kind WindowsEvent, the
 *   agent's event-log collection, not Security Center's tier);
 * - the workspace's data collection rule exactly as src/spec/dcr.ts builds it:
 *   `azurerm_monitor_data_collection_rule` requires a `data_flow` block, and the rule of tier None
 *   has none (ARM's `dataFlows` is optional). See SecurityEventCollection.
 *
 * Each template holds one resource, with the body the planner and the Pulumi components write.
 */
import { TIER_SET_METHOD } from "../../src/capabilities/security-events";
import { stableGuid, type DataCollectionRuleDeclaration, type Known, type SecurityEventsDataSourceDeclaration } from "../../src/core";
import { type DataCollectionRuleBody } from "../../src/spec";

export const DEPLOYMENT_TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
/** DataSources spec version whose kind enum lists SecurityEventCollectionConfiguration (reference §2.4). */
export const DATA_SOURCE_API_VERSION = "2020-08-01";
/** The DCR shape src/spec/dcr.ts writes (api 2022-06-01). */
export const DATA_COLLECTION_RULE_API_VERSION = "2022-06-01";
export { TIER_SET_METHOD };
/** Incremental: a deployment touches only its own resource; Complete would delete the rest of the resource group. */
export const DEPLOYMENT_MODE = "Incremental";

/** One resource of a template: ARM's resource shape. */
export interface TemplateResource {
  readonly type: string;
  readonly apiVersion: string;
  readonly name: string;
  readonly [key: string]: unknown;
}

export function templateContent(resources: readonly TemplateResource[]): string {
  return JSON.stringify({ $schema: DEPLOYMENT_TEMPLATE_SCHEMA, contentVersion: "1.0.0.0", resources });
}

/** The Security Events data source a declaration describes, as a template resource. */
export function securityEventsDataSource(props: Known<SecurityEventsDataSourceDeclaration["props"]>): TemplateResource {
  return {
    type: "Microsoft.OperationalInsights/workspaces/dataSources",
    apiVersion: DATA_SOURCE_API_VERSION,
    name: `${props.workspaceName}/${props.name}`,
    kind: props.kind,
    properties: { ...props.properties },
  };
}

/** The workspace's data collection rule a declaration describes, its body as is (the location may be a Terraform token). */
export function dataCollectionRuleResource(props: Known<DataCollectionRuleDeclaration["props"]>): TemplateResource {
  const body = props.body as DataCollectionRuleBody;
  return { type: "Microsoft.Insights/dataCollectionRules", apiVersion: DATA_COLLECTION_RULE_API_VERSION, name: props.name, ...body };
}

/**
 * Deployment names, stable per workspace and purpose (64 characters at most: a workspace name
 * may be 63 on its own, so a GUID of the workspace id stands for it).
 */
export function deploymentName(purpose: "security-events" | "dcr", workspaceId: string): string {
  return `asc-${purpose}-${stableGuid(workspaceId)}`;
}
