/**
 * One azurerm resource per declaration kind, with a construct id per role (`ResourceGroup`,
 * `Role-<guid>`, ...; a unit's single resource is `Resource`). The table must cover every kind of
 * the model (a new kind fails to compile here until it is rendered).
 *
 * What azurerm cannot declare faithfully is an ARM template deployment holding the resource's
 * exact body (armTemplate.ts): the security-event data source always, the data collection rule
 * unless `dataCollectionRule: "native"`, and every Defender pricing (a subscription-scope template).
 */
import { DataAzurermLogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/data-azurerm-log-analytics-workspace";
import { LogAnalyticsSolution } from "@cdktf/provider-azurerm/lib/log-analytics-solution";
import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { MonitorDataCollectionRule } from "@cdktf/provider-azurerm/lib/monitor-data-collection-rule";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { ResourceGroupTemplateDeployment } from "@cdktf/provider-azurerm/lib/resource-group-template-deployment";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { SecurityCenterServerVulnerabilityAssessmentsSetting } from "@cdktf/provider-azurerm/lib/security-center-server-vulnerability-assessments-setting";
import { SecurityCenterSetting } from "@cdktf/provider-azurerm/lib/security-center-setting";
import { SubscriptionTemplateDeployment } from "@cdktf/provider-azurerm/lib/subscription-template-deployment";
import { SecurityCenterWorkspace } from "@cdktf/provider-azurerm/lib/security-center-workspace";
import { SubscriptionPolicyAssignment } from "@cdktf/provider-azurerm/lib/subscription-policy-assignment";
import { SubscriptionPolicyRemediation } from "@cdktf/provider-azurerm/lib/subscription-policy-remediation";
import type { ITerraformDependable, TerraformProvider, TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { subscriptionPricingResource, type Declaration, type DeclarationKind, type DeclarationOfKind, type Unit } from "../../../src/core";
import type { DataCollectionRuleBody } from "../../../src/spec";
import { DEPLOYMENT_MODE, dataCollectionRuleResource, deploymentName, securityEventsDataSource, templateContent, type TemplateResource } from "../armTemplate";
import type { RenderedDeclarations } from "./registry";

/** How the AMA data collection rule is declared. */
export type DataCollectionRuleStyle = "template" | "native";

/** Where a unit's resources go: in `scope`, through `provider`, resolved through `registry`. */
export interface RenderTarget {
  readonly scope: Construct;
  readonly registry: RenderedDeclarations;
  readonly provider?: TerraformProvider;
  readonly dataCollectionRule?: DataCollectionRuleStyle;
}

interface Common {
  readonly provider?: TerraformProvider;
  readonly dependsOn?: ITerraformDependable[];
  readonly lifecycle?: { readonly ignoreChanges: string[] };
}

/** The azurerm attribute a model prop another owner keeps is rendered as (its `lifecycle.ignore_changes`), per kind. */
const ATTRIBUTE_NAMES: { readonly [K in DeclarationKind]?: Readonly<Record<string, string>> } = {
  "policy-assignment": { notScopes: "not_scopes" },
};

function ignoredAttributes(d: Declaration): string[] {
  return (d.ignoreChanges ?? []).map((prop) => {
    const attribute = ATTRIBUTE_NAMES[d.kind]?.[prop];
    if (!attribute) throw new Error(`no azurerm attribute for the ${d.kind} prop ${prop} the model leaves to another owner`);
    return attribute;
  });
}

type Renderer<K extends DeclarationKind> = (scope: Construct, id: string, d: DeclarationOfKind<K>, common: Common, target: RenderTarget) => TerraformResource;

const RENDERERS = {
  "resource-group": (scope, id, d, common) => new ResourceGroup(scope, id, { ...common, name: d.props.name, location: d.props.location }),
  "log-analytics-workspace": (scope, id, d, common, t) =>
    new LogAnalyticsWorkspace(scope, id, {
      ...common,
      name: d.props.name,
      resourceGroupName: t.registry.token(d.props.resourceGroupName),
      location: d.props.location,
      sku: d.props.sku,
      retentionInDays: d.props.retentionInDays,
    }),
  solution: (scope, id, d, common, t) => {
    const p = t.registry.token(d.props);
    // azurerm names the solution `<solution_name>(<workspace_name>)` and sets plan.name to that itself.
    return new LogAnalyticsSolution(scope, id, {
      ...common,
      solutionName: p.product,
      workspaceName: p.workspaceName,
      workspaceResourceId: p.workspaceId,
      resourceGroupName: p.resourceGroupName,
      location: p.location,
      plan: { publisher: p.plan.publisher, product: p.plan.product, promotionCode: p.plan.promotionCode },
    });
  },
  "security-events-data-source": (scope, id, d, common, t) => {
    const p = t.registry.token(d.props);
    return templateDeployment(scope, id, common, p.resourceGroupName, deploymentName("security-events", p.workspaceId), securityEventsDataSource(p));
  },
  "data-collection-rule": (scope, id, d, common, t) => {
    const p = t.registry.token(d.props);
    if (t.dataCollectionRule === "native") return nativeRule(scope, id, p.name, p.resourceGroupName, p.body as DataCollectionRuleBody, common);
    return templateDeployment(scope, id, common, p.resourceGroupName, deploymentName("dcr", p.workspaceId), dataCollectionRuleResource(p));
  },
  // Every pricing is its exact body (the one the CLI's step sends) in a subscription-scope template:
  // azurerm's pricing has no `enforce` and no `isEnabled`, and on Standard it turns off every
  // extension Azure reports that its config does not list (expandSecurityCenterSubscriptionPricingExtensions),
  // so it cannot say "this extension off, the plans' others left alone" as the model does.
  pricing: (scope, id, d, common) => {
    const p = d.props;
    return new SubscriptionTemplateDeployment(scope, id, {
      name: `asc-pricing-${p.name}`,
      location: p.deploymentLocation ?? "eastus",
      templateContent: JSON.stringify({ $schema: SUBSCRIPTION_TEMPLATE_SCHEMA, contentVersion: "1.0.0.0", resources: [subscriptionPricingResource(p)] }),
      ...common,
    });
  },
  "security-setting": (scope, id, d, common) => new SecurityCenterSetting(scope, id, { settingName: d.props.name, enabled: d.props.enabled, ...common }),
  "server-va-setting": (scope, id, d, common) => new SecurityCenterServerVulnerabilityAssessmentsSetting(scope, id, { vulnerabilityAssessmentProvider: d.props.selectedProvider, ...common }),
  "workspace-setting": (scope, id, d, common, t) => new SecurityCenterWorkspace(scope, id, { scope: d.props.scope, workspaceId: t.registry.token(d.props.workspaceId), ...common }),
  "policy-assignment": (scope, id, d, common, t) => {
    const p = d.props;
    return new SubscriptionPolicyAssignment(scope, id, {
      name: p.name,
      subscriptionId: p.scope,
      policyDefinitionId: p.policyDefinitionId,
      displayName: p.displayName,
      identity: { type: p.identityType },
      location: p.location,
      ...(p.parameters ? { parameters: JSON.stringify(t.registry.token(p.parameters)) } : {}),
      ...(p.resourceSelectors ? { resourceSelectors: p.resourceSelectors.map((s) => ({ name: s.name, selectors: s.selectors.map((x) => ({ kind: x.kind, in: [...x.in] })) })) } : {}),
      ...(p.notScopes?.length ? { notScopes: [...p.notScopes] } : {}),
      ...common,
    });
  },
  "role-assignment": (scope, id, d, common, t) =>
    new RoleAssignment(scope, id, {
      name: t.registry.token(d.props.name),
      scope: t.registry.token(d.props.scope),
      roleDefinitionId: t.registry.token(d.props.roleDefinitionId),
      principalId: t.registry.token(d.props.principalId),
      principalType: d.props.principalType,
      // A new identity may not have replicated yet; ARM needs no lookup once the type is given.
      skipServicePrincipalAadCheck: true,
      ...common,
    }),
  "policy-remediation": (scope, id, d, common, t) =>
    new SubscriptionPolicyRemediation(scope, id, {
      name: d.props.name,
      subscriptionId: d.props.scope,
      policyAssignmentId: t.registry.token(d.props.policyAssignmentId),
      resourceDiscoveryMode: d.props.resourceDiscoveryMode,
      resourceCount: d.props.resourceCount,
      parallelDeployments: d.props.parallelDeployments,
      ...common,
    }),
} satisfies { readonly [K in DeclarationKind]: Renderer<K> };

const SUBSCRIPTION_TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#";

/** The construct id of a declaration's role. */
const CONSTRUCT_IDS: Readonly<Record<string, string>> = {
  "resource-group": "ResourceGroup",
  workspace: "Workspace",
  solution: "Solution",
  "data-source": "Resource",
  rule: "Resource",
  assignment: "Assignment",
  remediation: "Remediation",
  pricing: "Pricing",
  "workspace-setting": "WorkspaceSetting",
};

function constructId(role: string): string {
  if (role.startsWith("role-")) return `Role-${role.slice("role-".length)}`;
  // A role at a resource the assignment links to (linked-<n>-role-<guid>).
  if (role.startsWith("linked-")) return `Linked-${role.slice("linked-".length).replace("-role-", "-Role-")}`;
  // Defender's: one pricing per plan, one switch per setting.
  if (role.startsWith("pricing-")) return `Pricing-${role.slice("pricing-".length)}`;
  if (role.startsWith("setting-")) return `Setting-${role.slice("setting-".length)}`;
  if (role === "va-setting") return "VulnerabilityAssessmentSetting";
  const id = CONSTRUCT_IDS[role];
  if (!id) throw new Error(`no construct id for the role ${role}`);
  return id;
}

/** Renders one declaration in `target.scope` and records it. */
export function renderDeclaration(target: RenderTarget, d: Declaration): TerraformResource {
  const dependsOn = target.registry.dependencies(d.dependsOn);
  const ignoreChanges = ignoredAttributes(d);
  const common: Common = {
    ...(target.provider ? { provider: target.provider } : {}),
    ...(dependsOn.length ? { dependsOn } : {}),
    ...(ignoreChanges.length ? { lifecycle: { ignoreChanges } } : {}),
  };
  const render = RENDERERS[d.kind] as Renderer<typeof d.kind>;
  const resource = render(target.scope, constructId(d.role), d as never, common, target);
  target.registry.add(d.key, resource);
  return resource;
}

/** Renders a unit in `target.scope`: its lookups (`Lookup`), then its resources in order. Returns them by role. */
export function renderUnit(target: RenderTarget, unit: Unit): Map<string, TerraformResource> {
  for (const lookup of unit.lookups) {
    target.registry.addLookup(
      lookup.key,
      new DataAzurermLogAnalyticsWorkspace(target.scope, "Lookup", {
        name: target.registry.token(lookup.workspaceName),
        resourceGroupName: target.registry.token(lookup.resourceGroupName),
        ...(target.provider ? { provider: target.provider } : {}),
      }),
    );
  }
  return new Map(unit.resources.map((d) => [d.role, renderDeclaration(target, d)] as const));
}

/** One resource's exact ARM body in an Incremental template deployment (it touches nothing else in the group). */
function templateDeployment(scope: Construct, id: string, common: Common, resourceGroupName: string, name: string, resource: TemplateResource): ResourceGroupTemplateDeployment {
  return new ResourceGroupTemplateDeployment(scope, id, { resourceGroupName, ...common, name, deploymentMode: DEPLOYMENT_MODE, templateContent: templateContent([resource]) });
}

/** The rule as azurerm_monitor_data_collection_rule: the same body (src/spec/dcr.ts), in azurerm's blocks. */
function nativeRule(scope: Construct, id: string, name: string, resourceGroupName: string, body: DataCollectionRuleBody, common: Common): MonitorDataCollectionRule {
  const p = body.properties;
  return new MonitorDataCollectionRule(scope, id, {
    resourceGroupName,
    ...common,
    name,
    location: body.location,
    tags: { ...body.tags },
    description: p.description,
    dataSources: { windowsEventLog: (p.dataSources.windowsEventLogs ?? []).map((d) => ({ name: d.name, streams: [...d.streams], xPathQueries: [...d.xPathQueries] })) },
    destinations: { logAnalytics: p.destinations.logAnalytics.map((d) => ({ name: d.name, workspaceResourceId: d.workspaceResourceId })) },
    dataFlow: p.dataFlows.map((f) => ({ streams: [...f.streams], destinations: [...f.destinations] })),
  });
}
