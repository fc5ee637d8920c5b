/**
 * The declaration model: what must exist in Azure, computed once from the spec, that every front
 * end renders (components/pulumi, components/cdktf). Each Declaration is one Azure resource: its
 * kind, its properties in ARM's words, the declarations it waits for; references to other
 * declarations (an id Azure gives, a policy assignment's identity) are Values (value.ts).
 *
 * Declarations come in Units, one per component a front end shows (a subscription's settings, a
 * default workspace with its resource group and solution, a workspace's security-event tier, one
 * Deploy-if-not-exists assignment with its roles and remediation); each capability declares its
 * own (its `declare` member, declarer.ts). A front end renders a unit as one component, and
 * each declaration kind with one renderer of its own: a new kind fails to compile until every
 * front end renders it (their renderer tables are `satisfies Record<DeclarationKind, ...>`).
 */
import type { ValidationIssue } from "../../../spec/errors";
import type { SecurityEventTier } from "../../../spec/events";
import type { Geography } from "../../../spec/geography";
import type { SecuritySolution } from "../../../spec/naming";
import type { AgentChoice } from "../../../spec/schema";
import type { DataCollectionRuleBody } from "../../../spec/dcr";
import type { Value } from "./value";

/** One Azure resource to declare. `key` is unique in a model; `role` names it within its unit. */
export interface DeclarationOf<Kind extends string, Props> {
  readonly kind: Kind;
  readonly key: string;
  /** Its part in the unit (`workspace`, `role-<guid>`, ...): the front ends name the resource after it. */
  readonly role: string;
  readonly props: Props;
  /** Keys of the declarations it must wait for besides those its references name. */
  readonly dependsOn: readonly string[];
  /**
   * Props the front end sets when it creates the resource and never resets afterwards, because
   * another owner keeps them (the reconciler: a Deploy-if-not-exists assignment's notScopes for
   * the machines the spec and the seed's rules leave alone). Rendered as Pulumi `ignoreChanges`
   * and CDKTF `lifecycle.ignoreChanges`.
   */
  readonly ignoreChanges?: readonly (keyof Props & string)[];
}

export type ResourceGroupDeclaration = DeclarationOf<"resource-group", { readonly name: string; readonly location: string }>;

export type WorkspaceDeclaration = DeclarationOf<
  "log-analytics-workspace",
  { readonly resourceGroupName: Value<string>; readonly name: string; readonly location: string; readonly sku: string; readonly retentionInDays: number }
>;

export interface SolutionPlan {
  readonly name: Value<string>;
  readonly product: string;
  readonly publisher: string;
  readonly promotionCode: string;
}

/** The Security / SecurityCenterFree solution of a workspace, named `<product>(<workspace>)`. */
export type SolutionDeclaration = DeclarationOf<
  "solution",
  {
    readonly product: SecuritySolution;
    readonly name: Value<string>;
    readonly resourceGroupName: Value<string>;
    readonly workspaceName: Value<string>;
    readonly workspaceId: Value<string>;
    readonly location: Value<string>;
    readonly plan: SolutionPlan;
  }
>;

/** The workspace data source that holds Security Center's security-event tier (agent mma). */
export type SecurityEventsDataSourceDeclaration = DeclarationOf<
  "security-events-data-source",
  {
    readonly workspaceId: Value<string>;
    readonly resourceGroupName: Value<string>;
    readonly workspaceName: Value<string>;
    readonly name: string;
    readonly kind: string;
    readonly properties: { readonly Tier: string; readonly TierSetMethod: string };
  }
>;

/** A workspace's data collection rule (agent ama): `body` is the ARM PUT body (src/spec/dcr.ts). */
export type DataCollectionRuleDeclaration = DeclarationOf<
  "data-collection-rule",
  {
    readonly workspaceId: Value<string>;
    readonly resourceGroupName: Value<string>;
    readonly name: Value<string>;
    readonly tier: SecurityEventTier;
    readonly body: Value<DataCollectionRuleBody>;
  }
>;

/** One extension of a Defender plan (pricings 2024-01-01). */
export interface PricingExtensionProps {
  readonly name: string;
  readonly isEnabled: "True" | "False";
  readonly additionalExtensionProperties?: Readonly<Record<string, string>>;
}

/** A Defender plan's pricing at a subscription; sub-plan, enforce and extensions where the spec sets them. */
export type PricingDeclaration = DeclarationOf<
  "pricing",
  {
    readonly scope: string;
    readonly name: string;
    readonly tier: "Standard" | "Free";
    readonly subPlan?: string;
    readonly enforce?: "True" | "False";
    readonly extensions?: readonly PricingExtensionProps[];
    /** Where a front end that deploys it as a subscription-scope template records the deployment (an enforced pricing in azurerm). */
    readonly deploymentLocation?: string;
  }
>;

/** The ARM resource a pricing declares, as a subscription-scope template holds it (api 2024-01-01). */
export function subscriptionPricingResource(p: PricingDeclaration["props"]): { type: string; apiVersion: string; name: string; properties: Record<string, unknown> } {
  return {
    type: "Microsoft.Security/pricings",
    apiVersion: "2024-01-01",
    name: p.name,
    properties: {
      pricingTier: p.tier,
      ...(p.subPlan !== undefined ? { subPlan: p.subPlan } : {}),
      ...(p.enforce !== undefined ? { enforce: p.enforce } : {}),
      ...(p.extensions ? { extensions: p.extensions.map((e) => ({ ...e })) } : {}),
    },
  };
}

/** A `Microsoft.Security/settings` switch at a subscription (WDATP and its companions: DataExportSettings). */
export type SecuritySettingDeclaration = DeclarationOf<
  "security-setting",
  {
    readonly scope: string;
    readonly name: string;
    readonly settingKind: "DataExportSettings" | "AlertSyncSettings";
    readonly enabled: boolean;
    /** Where a front end that deploys it as a subscription-scope template records the deployment. */
    readonly deploymentLocation: string;
  }
>;

/** The ARM resource a security setting declares, as a subscription-scope template holds it (api 2022-05-01). */
export function securitySettingResource(p: SecuritySettingDeclaration["props"]): { type: string; apiVersion: string; name: string; kind: string; properties: { enabled: boolean } } {
  return { type: "Microsoft.Security/settings", apiVersion: "2022-05-01", name: p.name, kind: p.settingKind, properties: { enabled: p.enabled } };
}

/** `serverVulnerabilityAssessmentsSettings/AzureServersSetting`: the subscription's vulnerability-assessment provider. */
export type ServerVulnerabilityAssessmentSettingDeclaration = DeclarationOf<"server-va-setting", { readonly scope: string; readonly selectedProvider: string }>;

/** The subscription's workspace setting: where Security Center sends its machines. */
export type WorkspaceSettingDeclaration = DeclarationOf<"workspace-setting", { readonly scope: string; readonly name: string; readonly workspaceId: Value<string> }>;

export interface ResourceSelector {
  readonly name: string;
  readonly selectors: readonly { readonly kind: "resourceLocation"; readonly in: readonly string[] }[];
}

export type PolicyAssignmentDeclaration = DeclarationOf<
  "policy-assignment",
  {
    readonly scope: string;
    readonly name: string;
    readonly policyDefinitionId: string;
    readonly displayName: string;
    readonly identityType: "SystemAssigned";
    /** Where the assignment's managed identity lives. */
    readonly location: string;
    readonly parameters?: Readonly<Record<string, { readonly value: Value<string> }>>;
    readonly resourceSelectors?: readonly ResourceSelector[];
    readonly notScopes?: readonly string[];
  }
>;

export type RoleAssignmentDeclaration = DeclarationOf<
  "role-assignment",
  {
    /** The assignment's scope, or a resource it links to (known only at deployment when that resource is). */
    readonly scope: Value<string>;
    readonly name: Value<string>;
    /** The built-in role's GUID. */
    readonly roleId: string;
    readonly roleDefinitionId: Value<string>;
    readonly principalId: Value<string>;
    readonly principalType: "ServicePrincipal";
  }
>;

export type RemediationDeclaration = DeclarationOf<
  "policy-remediation",
  {
    readonly scope: string;
    readonly name: string;
    readonly policyAssignmentId: Value<string>;
    readonly resourceDiscoveryMode: string;
    readonly resourceCount: number;
    readonly parallelDeployments: number;
  }
>;

export type Declaration =
  | ResourceGroupDeclaration
  | WorkspaceDeclaration
  | SolutionDeclaration
  | SecurityEventsDataSourceDeclaration
  | DataCollectionRuleDeclaration
  | PricingDeclaration
  | SecuritySettingDeclaration
  | ServerVulnerabilityAssessmentSettingDeclaration
  | WorkspaceSettingDeclaration
  | PolicyAssignmentDeclaration
  | RoleAssignmentDeclaration
  | RemediationDeclaration;

export type DeclarationKind = Declaration["kind"];
export type DeclarationOfKind<K extends DeclarationKind> = Extract<Declaration, { kind: K }>;

/** An existing workspace read at deployment, for its location (`reference(key, "location")`). */
export interface WorkspaceLookup {
  readonly key: string;
  readonly resourceGroupName: Value<string>;
  readonly workspaceName: Value<string>;
}

interface UnitOf<Kind extends string> {
  readonly kind: Kind;
  readonly key: string;
  /** The subscription its resources are deployed in (the provider a front end gives them). */
  readonly subscriptionId: Value<string>;
  readonly resources: readonly Declaration[];
  readonly lookups: readonly WorkspaceLookup[];
  /** What the spec asks that this unit refuses (each issue names the input): a front end fails with them. */
  readonly issues: readonly ValidationIssue[];
  /** What the spec asks that this unit leaves out, and why: a front end shows them as warnings. */
  readonly warnings: readonly string[];
}

/** A created default workspace (resource group, workspace, solution) or a user's workspace (its solution, if asked). */
export interface WorkspaceUnit extends UnitOf<"workspace"> {
  readonly created: boolean;
  /** The geography a created workspace serves. */
  readonly geography?: Geography;
  readonly workspaceId: Value<string>;
  readonly workspaceName: Value<string>;
  readonly resourceGroupName: Value<string>;
  /** Known for a created workspace; given, looked up, or "" (no solution, nothing given) for a user's. */
  readonly location: Value<string>;
  /** The solution declared, if any. */
  readonly solution?: SecuritySolution;
}

/** Where a workspace's security-event tier lives: the legacy data source (mma) or its data collection rule (ama). */
export interface SecurityEventsUnit extends UnitOf<"security-events"> {
  readonly workspaceId: Value<string>;
  readonly agent: AgentChoice;
  /** The tier asked for. */
  readonly tier: SecurityEventTier;
  /** The tier stored: `tier`, or None where the seed's limits forbid it. */
  readonly storedTier: SecurityEventTier;
  /** mma: the tier in the data source's words, when one is declared. */
  readonly apiTier?: string;
}

/** A subscription's own settings (the Defender pricing, the workspace setting). */
export type SettingsUnit = UnitOf<"settings">;

/** One Deploy-if-not-exists assignment with its roles and remediation. */
export interface PolicyUnit extends UnitOf<"policy"> {
  /** Which assignments: the seed's extension toggles (`extension`), the Azure Monitor Agent's (`ama`), another capability's. */
  readonly family: string;
  readonly policyKey: string;
  readonly assignmentName: string;
}

/** Resources a capability declares that no component presents by name (Defender's plans and settings): rendered as they are. */
export interface ResourcesUnit extends UnitOf<"resources"> {
  /** Which capability's: `defender-plans`, `defender-endpoint`, ... */
  readonly family: string;
}

export type Unit = SettingsUnit | WorkspaceUnit | SecurityEventsUnit | PolicyUnit | ResourcesUnit;

/** The declaration of `role` in `unit` (a unit has at most one per role). */
export function declarationOf<K extends DeclarationKind>(unit: { readonly resources: readonly Declaration[] }, kind: K): DeclarationOfKind<K> | undefined {
  return unit.resources.find((d): d is DeclarationOfKind<K> => d.kind === kind);
}

/** Every declaration of the units, in order. */
export function declarationsOf(units: readonly { readonly resources: readonly Declaration[] }[]): Declaration[] {
  return units.flatMap((u) => u.resources);
}
