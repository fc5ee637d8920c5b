/**
 * One azure-native resource per declaration kind. Every resource is named `<component>-<role>`
 * and parented to the component that renders its unit; the table must cover every kind of the
 * model (a new kind fails to compile here until it is rendered).
 */
import * as pulumi from "@pulumi/pulumi";
import { PolicyAssignment, RoleAssignment } from "@pulumi/azure-native/authorization";
import type * as enums from "@pulumi/azure-native/types/enums";
import { DataCollectionRule } from "@pulumi/azure-native/monitor";
import { DataSource, Workspace, getWorkspaceOutput } from "@pulumi/azure-native/operationalinsights";
import { Solution } from "@pulumi/azure-native/operationsmanagement";
import { RemediationAtSubscription } from "@pulumi/azure-native/policyinsights";
import { DeploymentAtSubscriptionScope, ResourceGroup } from "@pulumi/azure-native/resources";
import { AzureServersSetting, Pricing, WorkspaceSetting } from "@pulumi/azure-native/security";
import { declarationOf, referencesIn, securitySettingResource, type Declaration, type DeclarationKind, type DeclarationOfKind, type Unit } from "../../../src/core";
import type { RenderedDeclarations } from "./registry";

/** Where a unit's resources go: under `parent`, named after `name`, resolved through `registry`. */
export interface RenderTarget {
  readonly parent: pulumi.Resource;
  readonly name: string;
  readonly registry: RenderedDeclarations;
  /** Options every resource gets (the parent; a provider for resources outside a component). */
  readonly options: pulumi.CustomResourceOptions;
}

type Renderer<K extends DeclarationKind> = (d: DeclarationOfKind<K>, name: string, opts: pulumi.CustomResourceOptions, r: RenderedDeclarations) => pulumi.CustomResource;

const RENDERERS = {
  "resource-group": (d, name, opts) => new ResourceGroup(name, { resourceGroupName: d.props.name, location: d.props.location }, opts),
  "log-analytics-workspace": (d, name, opts, r) =>
    new Workspace(
      name,
      { resourceGroupName: r.input(d.props.resourceGroupName), workspaceName: d.props.name, location: d.props.location, sku: { name: d.props.sku }, retentionInDays: d.props.retentionInDays },
      opts,
    ),
  solution: (d, name, opts, r) => {
    const p = d.props;
    return new Solution(
      name,
      {
        resourceGroupName: r.input(p.resourceGroupName),
        solutionName: r.input(p.name),
        location: r.input(p.location),
        plan: { name: r.input(p.plan.name), product: p.plan.product, publisher: p.plan.publisher, promotionCode: p.plan.promotionCode },
        properties: { workspaceResourceId: r.input(p.workspaceId) },
      },
      opts,
    );
  },
  "security-events-data-source": (d, name, opts, r) =>
    new DataSource(
      name,
      { resourceGroupName: r.input(d.props.resourceGroupName), workspaceName: r.input(d.props.workspaceName), dataSourceName: d.props.name, kind: d.props.kind, properties: { ...d.props.properties } },
      opts,
    ),
  "data-collection-rule": (d, name, opts, r) => {
    const body = r.output(d.props.body);
    return new DataCollectionRule(
      name,
      {
        resourceGroupName: r.input(d.props.resourceGroupName),
        dataCollectionRuleName: r.input(d.props.name),
        location: body.location,
        tags: body.apply((b) => ({ ...b.tags })),
        description: body.properties.description,
        dataSources: body.apply((b) => ({
          ...(b.properties.dataSources.windowsEventLogs
            ? { windowsEventLogs: b.properties.dataSources.windowsEventLogs.map((s) => ({ name: s.name, streams: [...s.streams], xPathQueries: [...s.xPathQueries] })) }
            : {}),
        })),
        destinations: body.apply((b) => ({ logAnalytics: b.properties.destinations.logAnalytics.map((l) => ({ ...l })) })),
        dataFlows: body.apply((b) => b.properties.dataFlows.map((f) => ({ streams: [...f.streams], destinations: [...f.destinations] }))),
      },
      opts,
    );
  },
  pricing: (d, name, opts) => {
    const p = d.props;
    return new Pricing(
      name,
      {
        scopeId: p.scope,
        pricingName: p.name,
        pricingTier: p.tier,
        ...(p.subPlan !== undefined ? { subPlan: p.subPlan } : {}),
        ...(p.enforce !== undefined ? { enforce: p.enforce } : {}),
        ...(p.extensions ? { extensions: p.extensions.map((e) => ({ name: e.name, isEnabled: e.isEnabled, ...(e.additionalExtensionProperties ? { additionalExtensionProperties: { ...e.additionalExtensionProperties } } : {}) })) } : {}),
      },
      opts,
    );
  },
  // azure-native has no resource for Microsoft.Security/settings: a subscription-scope template holds its exact body.
  "security-setting": (d, name, opts) =>
    new DeploymentAtSubscriptionScope(
      name,
      {
        deploymentName: `asc-setting-${d.props.name}`,
        location: d.props.deploymentLocation,
        properties: { mode: "Incremental", template: { $schema: "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#", contentVersion: "1.0.0.0", resources: [securitySettingResource(d.props)] } },
      },
      opts,
    ),
  "server-va-setting": (d, name, opts) => new AzureServersSetting(name, { kind: "AzureServersSetting", settingKind: "AzureServersSetting", selectedProvider: d.props.selectedProvider }, opts),
  "workspace-setting": (d, name, opts, r) => new WorkspaceSetting(name, { workspaceSettingName: d.props.name, scope: d.props.scope, workspaceId: r.input(d.props.workspaceId) }, opts),
  "policy-assignment": (d, name, opts, r) => {
    const p = d.props;
    return new PolicyAssignment(
      name,
      {
        policyAssignmentName: p.name,
        scope: p.scope,
        policyDefinitionId: p.policyDefinitionId,
        displayName: p.displayName,
        identity: { type: p.identityType },
        location: p.location,
        ...(p.parameters !== undefined ? { parameters: r.input(p.parameters) as pulumi.Input<Record<string, { value: pulumi.Input<string> }>> } : {}),
        ...(p.resourceSelectors !== undefined ? { resourceSelectors: p.resourceSelectors.map((s) => ({ name: s.name, selectors: s.selectors.map((x) => ({ kind: x.kind, in: [...x.in] })) })) } : {}),
        ...(p.notScopes?.length ? { notScopes: [...p.notScopes] } : {}),
      },
      opts,
    );
  },
  "role-assignment": (d, name, opts, r) =>
    new RoleAssignment(
      name,
      { roleAssignmentName: r.input(d.props.name), scope: r.input(d.props.scope), roleDefinitionId: r.input(d.props.roleDefinitionId), principalId: r.input(d.props.principalId), principalType: d.props.principalType },
      opts,
    ),
  "policy-remediation": (d, name, opts, r) =>
    new RemediationAtSubscription(
      name,
      {
        remediationName: d.props.name,
        policyAssignmentId: r.input(d.props.policyAssignmentId),
        resourceDiscoveryMode: d.props.resourceDiscoveryMode as enums.policyinsights.ResourceDiscoveryMode,
        resourceCount: d.props.resourceCount,
        parallelDeployments: d.props.parallelDeployments,
      },
      opts,
    ),
} satisfies { readonly [K in DeclarationKind]: Renderer<K> };

/** The azure-native input a model prop another owner keeps is rendered as (its `ignoreChanges`), per kind. */
const INPUT_NAMES: { readonly [K in DeclarationKind]?: Readonly<Record<string, string>> } = {
  "policy-assignment": { notScopes: "notScopes" },
};

function ignoredInputs(d: Declaration): string[] {
  return (d.ignoreChanges ?? []).map((prop) => {
    const input = INPUT_NAMES[d.kind]?.[prop];
    if (!input) throw new Error(`no azure-native input for the ${d.kind} prop ${prop} the model leaves to another owner`);
    return input;
  });
}

/** Renders one declaration at `target` and records it. */
export function renderDeclaration(target: RenderTarget, d: Declaration, displayName?: string): pulumi.CustomResource {
  // A reference rendered as its known value is no Output to wait on: wait for its declaration.
  const known = referencesIn(d.props).filter((r) => r.known !== undefined).map((r) => r.key);
  const dependsOn = target.registry.dependencies([...known, ...d.dependsOn]);
  const ignoreChanges = ignoredInputs(d);
  const opts: pulumi.CustomResourceOptions = {
    ...target.options,
    ...(dependsOn.length ? { dependsOn } : {}),
    ...(ignoreChanges.length ? { ignoreChanges } : {}),
  };
  const render = RENDERERS[d.kind] as Renderer<typeof d.kind>;
  const resource = render(d as never, `${target.name}-${d.role}`, opts, target.registry);
  target.registry.add(d.key, { resource, component: target.parent, displayName });
  return resource;
}

/**
 * Renders a unit at `target`: its lookups (invokes parented to the component, through its
 * provider), then its resources in order. Returns them by role.
 */
export function renderUnit(target: RenderTarget, unit: Unit): Map<string, pulumi.CustomResource> {
  for (const lookup of unit.lookups) {
    target.registry.addLookup(
      lookup.key,
      getWorkspaceOutput({ resourceGroupName: target.registry.input(lookup.resourceGroupName), workspaceName: target.registry.input(lookup.workspaceName) }, { parent: target.parent }),
    );
  }
  const displayName = declarationOf(unit, "policy-assignment")?.props.displayName;
  return new Map(unit.resources.map((d) => [d.role, renderDeclaration(target, d, displayName)] as const));
}
