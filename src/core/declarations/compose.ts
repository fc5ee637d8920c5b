/**
 * The composer: what must exist in Azure for a spec, from each capability's declarations
 * (src/capabilities/<id>/declare.ts), for one subscription or a whole stack.
 *
 * A custom (central) workspace has one solution and one security-event tier whatever the number of
 * subscriptions that send their machines to it: a stack declares them once, owned by the
 * subscription that holds the workspace when it is one of the spec's, else by the first one; the
 * other subscriptions' AMA association remediations wait for that owner's rule.
 */
import { subscriptionOf } from "../../inventory/ids";
import { dataCollectionRuleId } from "../../spec/dcr";
import { geographiesOf } from "../../spec/geography";
import type { Spec } from "../../spec/schema";
import type { AmaPoliciesOptions } from "../../spec/amaPolicies";
import { declareSubscriptionSettings, type SubscriptionSettingDeclaration } from "../../capabilities/subscription-settings/declare";
import { declareDefaultWorkspace, declareWorkspaceSolution } from "../../capabilities/workspaces/declare";
import { declareSecurityEvents } from "../../capabilities/security-events/declare";
import { declareExtensionPolicy, enabledExtensionPolicies } from "../../capabilities/extension-policies/declare";
import { declareAmaPolicies, type AmaDestinationInput } from "../../capabilities/azure-monitor-agent/declare";
import { amaPoliciesOf, type StackInput } from "./input";
import { declarationOf, type Declaration, type PolicyUnit, type SecurityEventsUnit, type WorkspaceLookup, type WorkspaceUnit } from "./model";
import { derive, type Value } from "./value";

/** Key of the custom workspace's units (a spec has at most one custom workspace). */
export const CUSTOM_WORKSPACE_KEY = "custom-workspace";
/** The custom workspace's security-event unit; its rule is `<key>/rule`. */
export const CUSTOM_WORKSPACE_EVENTS_KEY = `${CUSTOM_WORKSPACE_KEY}/security-events`;

/** How one subscription treats a custom workspace. */
export interface CustomWorkspaceInput {
  /** The workspace's ARM id: the spec's, or a front end's deferred value. */
  readonly id: Value<string>;
  /** Its location; undefined: looked up at deployment when needed. */
  readonly location?: Value<string>;
  /** This subscription declares the workspace's solution. */
  readonly declareSolution: boolean;
  /** This subscription declares the workspace's security-event tier (and, with AMA, its rule). */
  readonly declareSecurityEvents: boolean;
  readonly sentinelOwnsSecurityEvents: boolean;
}

export interface SubscriptionInput {
  /** The validated spec; `subscriptionId` is one of its subscriptions. */
  readonly spec: Spec;
  readonly subscriptionId: string;
  /** Regions of the subscription's machines: one default workspace per geography. */
  readonly machineRegions: readonly string[];
  /** This subscription's AMA assignment options (its not-scopes only). */
  readonly amaPolicies: AmaPoliciesOptions;
  /** With a custom workspace: how this subscription treats it (default: the spec's id, declared here, Sentinel not involved). */
  readonly customWorkspace?: CustomWorkspaceInput;
}

export interface DefaultWorkspaceDeclarations {
  readonly workspace: WorkspaceUnit;
  readonly securityEvents: SecurityEventsUnit;
}

export interface CustomWorkspaceDeclarations {
  readonly workspaceId: Value<string>;
  /** The geographies its machines are in (`*`: every geography, when no region is given). */
  readonly geographyCodes: readonly string[];
  /** Its solution, when this subscription declares it. */
  readonly solution?: WorkspaceUnit;
  /** Its tier, when this subscription declares it. */
  readonly securityEvents?: SecurityEventsUnit;
}

/** What one subscription declares. */
export interface SubscriptionDeclarations {
  readonly subscriptionId: string;
  /** Pricing and workspace setting (auto provisioning on). */
  readonly settings: readonly SubscriptionSettingDeclaration[];
  /** One per geography of the machines (default workspaces, auto provisioning on). */
  readonly defaultWorkspaces: readonly DefaultWorkspaceDeclarations[];
  readonly customWorkspace?: CustomWorkspaceDeclarations;
  readonly extensionPolicies: readonly PolicyUnit[];
  readonly amaPolicies: readonly PolicyUnit[];
  /** Keys its declarations wait for that are declared elsewhere (a shared workspace's rule, by its owner). */
  readonly external: readonly string[];
}

/** The workspace and security-event units of a subscription, in declaration order. */
export function workspaceUnitsOf(s: SubscriptionDeclarations): (WorkspaceUnit | SecurityEventsUnit)[] {
  return [
    ...s.defaultWorkspaces.flatMap((d) => [d.workspace, d.securityEvents]),
    ...(s.customWorkspace?.solution ? [s.customWorkspace.solution] : []),
    ...(s.customWorkspace?.securityEvents ? [s.customWorkspace.securityEvents] : []),
  ];
}

/** Every declaration of a subscription, in declaration order. */
export function subscriptionDeclarations(s: SubscriptionDeclarations): Declaration[] {
  return [...s.settings, ...[...workspaceUnitsOf(s), ...s.extensionPolicies, ...s.amaPolicies].flatMap((u) => u.resources)];
}

function customWorkspaceUnits(input: CustomWorkspaceInput, defender: boolean, tier: Spec["logAnalyticsAgent"]["securityEvents"], agent: Spec["logAnalyticsAgent"]["agent"]) {
  const solution = input.declareSolution
    ? declareWorkspaceSolution(CUSTOM_WORKSPACE_KEY, { existingWorkspaceId: input.id, location: input.location, defender })
    : undefined;
  const securityEvents = input.declareSecurityEvents
    ? declareSecurityEvents(CUSTOM_WORKSPACE_EVENTS_KEY, {
        workspaceId: input.id,
        tier,
        defender,
        sentinelOwnsSecurityEvents: input.sentinelOwnsSecurityEvents,
        agent,
        // The location the solution uses (given or looked up once), else the tier's own lookup.
        location: input.location ?? solution?.location,
      })
    : undefined;
  return { solution, securityEvents };
}

/** What one subscription of the spec declares. */
export function declareSubscription(input: SubscriptionInput): SubscriptionDeclarations {
  const sub = input.subscriptionId.toLowerCase();
  const { spec } = input;
  const la = spec.logAnalyticsAgent;
  const custom: CustomWorkspaceInput | undefined =
    la.workspace === "default"
      ? undefined
      : (input.customWorkspace ?? { id: la.workspace.id, declareSolution: true, declareSecurityEvents: true, sentinelOwnsSecurityEvents: false });
  const external: string[] = [];
  const defaultWorkspaces: DefaultWorkspaceDeclarations[] = [];
  let customWorkspace: CustomWorkspaceDeclarations | undefined;
  const destinations: AmaDestinationInput[] = [];

  if (la.autoProvision && !custom) {
    for (const geo of geographiesOf(input.machineRegions)) {
      const workspace = declareDefaultWorkspace(`${sub}/workspace-${geo.code}`, { subscriptionId: sub, region: geo.workspaceLocation, defender: la.defender });
      const securityEvents = declareSecurityEvents(`${sub}/security-events-${geo.code}`, {
        workspaceId: workspace.workspaceId,
        tier: la.securityEvents,
        defender: la.defender,
        agent: la.agent,
        location: workspace.location,
        dependsOn: [declarationOf(workspace, "log-analytics-workspace")!.key],
      });
      defaultWorkspaces.push({ workspace, securityEvents });
      const rule = declarationOf(securityEvents, "data-collection-rule");
      if (rule) destinations.push({ dataCollectionRuleId: dataCollectionRuleId(workspace.workspaceId as string), geography: geo, ruleKey: rule.key });
    }
  } else if (la.autoProvision && custom) {
    const codes = input.machineRegions.length ? geographiesOf(input.machineRegions).map((g) => g.code) : ["*"];
    customWorkspace = { workspaceId: custom.id, geographyCodes: codes, ...customWorkspaceUnits(custom, la.defender, la.securityEvents, la.agent) };
    // Whoever declares the shared workspace's rule, its key is the same.
    const ruleKey = `${CUSTOM_WORKSPACE_EVENTS_KEY}/rule`;
    if (la.agent === "ama" && !customWorkspace.securityEvents) external.push(ruleKey);
    destinations.push({ dataCollectionRuleId: derive(dataCollectionRuleId, custom.id), ruleKey });
  }

  const extensionPolicies = enabledExtensionPolicies(spec.extensions).map((policy) =>
    declareExtensionPolicy(`${sub}/policy-${policy}`, { subscriptionId: sub, policy, identityLocation: spec.extensions.identityLocation }),
  );
  const amaPolicies =
    la.autoProvision && la.agent === "ama"
      ? declareAmaPolicies(`${sub}/ama`, { subscriptionId: sub, destinations, identityLocation: spec.extensions.identityLocation, options: input.amaPolicies })
      : [];
  return {
    subscriptionId: sub,
    settings: declareSubscriptionSettings(sub, { subscriptionId: sub, logAnalyticsAgent: la, customWorkspaceId: custom?.id }),
    defaultWorkspaces,
    ...(customWorkspace ? { customWorkspace } : {}),
    extensionPolicies,
    amaPolicies,
    external,
  };
}

/** A shared custom workspace's units, declared once in a stack. */
export interface SharedWorkspaceDeclarations {
  /** The subscription that declares them (the workspace's own when listed, else the spec's first). */
  readonly owner: string;
  /** The subscription the workspace is in (its units are deployed there). */
  readonly subscriptionId: Value<string>;
  readonly solution: WorkspaceUnit;
  readonly securityEvents: SecurityEventsUnit;
}

/** What a whole spec declares. */
export interface StackDeclarations {
  /** In the spec's order; none of them declares the shared workspace's units. */
  readonly subscriptions: readonly SubscriptionDeclarations[];
  /** With a custom workspace and auto provisioning on. */
  readonly sharedWorkspace?: SharedWorkspaceDeclarations;
}

/** The subscription that declares a custom workspace's units: the one that holds it when listed, else the first. */
export function sharedWorkspaceOwner(spec: Spec): string | undefined {
  const ws = spec.logAnalyticsAgent.workspace;
  if (ws === "default") return undefined;
  const holder = subscriptionOf(ws.id);
  return spec.subscriptions.includes(holder) ? holder : spec.subscriptions[0];
}

export function declareStack(input: StackInput): StackDeclarations {
  const { spec } = input;
  const la = spec.logAnalyticsAgent;
  const shared: CustomWorkspaceInput | undefined =
    la.workspace === "default"
      ? undefined
      : { id: la.workspace.id, location: input.workspaceLocation, declareSolution: false, declareSecurityEvents: false, sentinelOwnsSecurityEvents: input.sentinelOwnsSecurityEvents };
  const subscriptions = spec.subscriptions.map((sub) =>
    declareSubscription({ spec, subscriptionId: sub, machineRegions: input.machineRegions.get(sub) ?? [], amaPolicies: amaPoliciesOf(sub, input.amaPolicies), customWorkspace: shared }),
  );
  if (!shared || !la.autoProvision) return { subscriptions };
  const units = customWorkspaceUnits({ ...shared, declareSolution: true, declareSecurityEvents: true }, la.defender, la.securityEvents, la.agent);
  return {
    subscriptions,
    sharedWorkspace: { owner: sharedWorkspaceOwner(spec)!, subscriptionId: units.solution!.subscriptionId, solution: units.solution!, securityEvents: units.securityEvents! },
  };
}

/** Every declaration of a stack: the shared workspace's, then each subscription's. */
export function stackDeclarations(stack: StackDeclarations): Declaration[] {
  const shared = stack.sharedWorkspace ? [...stack.sharedWorkspace.solution.resources, ...stack.sharedWorkspace.securityEvents.resources] : [];
  return [...shared, ...stack.subscriptions.flatMap(subscriptionDeclarations)];
}

/** Every lookup of a stack. */
export function stackLookups(stack: StackDeclarations): WorkspaceLookup[] {
  const units = [...(stack.sharedWorkspace ? [stack.sharedWorkspace.solution, stack.sharedWorkspace.securityEvents] : []), ...stack.subscriptions.flatMap(workspaceUnitsOf)];
  return units.flatMap((u) => u.lookups);
}
