/**
 * What the front ends present of one subscription's units: the components they show by name
 * (the subscription's settings, a default workspace with its tier, the custom workspace, the
 * extension toggles' and the Azure Monitor Agent's assignments), and every other unit, which they
 * render as it is (a capability added later needs no front-end change to be deployed).
 */
import { geographiesOf } from "../../spec/geography";
import {
  CUSTOM_WORKSPACE_EVENTS_KEY,
  CUSTOM_WORKSPACE_KEY,
  type Declaration,
  type DeclareInput,
  type PolicyUnit,
  type SecurityEventsUnit,
  type Unit,
  type Value,
  type WorkspaceUnit,
} from "../kernel";

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
  readonly settings: readonly Declaration[];
  /** One per geography of the machines (default workspaces, auto provisioning on). */
  readonly defaultWorkspaces: readonly DefaultWorkspaceDeclarations[];
  readonly customWorkspace?: CustomWorkspaceDeclarations;
  readonly extensionPolicies: readonly PolicyUnit[];
  readonly amaPolicies: readonly PolicyUnit[];
  /** The units no view above presents, in registration order: a front end renders each as it is. */
  readonly others: readonly Unit[];
  /** Keys its declarations wait for that are declared elsewhere (a shared workspace's rule, by its owner). */
  readonly external: readonly string[];
}

/** The views of a subscription's units (`units` in the order the capabilities declared them). */
export function subscriptionViews(input: DeclareInput, units: readonly Unit[], external: readonly string[]): SubscriptionDeclarations {
  const presented = new Set<Unit>();
  const take = <U extends Unit>(found: U | undefined): U | undefined => {
    if (found) presented.add(found);
    return found;
  };
  const ofKind = <K extends Unit["kind"]>(kind: K) => units.filter((u): u is Extract<Unit, { kind: K }> => u.kind === kind);
  const events = ofKind("security-events");
  const defaultWorkspaces = ofKind("workspace")
    .filter((w) => w.created)
    .flatMap((workspace): DefaultWorkspaceDeclarations[] => {
      const securityEvents = events.find((e) => e.workspaceId === workspace.workspaceId);
      if (!securityEvents) return [];
      take(workspace);
      take(securityEvents);
      return [{ workspace, securityEvents }];
    });
  const policies = (family: string) => ofKind("policy").filter((u) => u.family === family && take(u));
  const custom = input.customWorkspace;
  const customWorkspace: CustomWorkspaceDeclarations | undefined =
    custom && input.spec.logAnalyticsAgent.autoProvision
      ? {
          workspaceId: custom.id,
          geographyCodes: input.machineRegions.length ? geographiesOf(input.machineRegions).map((g) => g.code) : ["*"],
          ...optional("solution", take(ofKind("workspace").find((u) => u.key === CUSTOM_WORKSPACE_KEY))),
          ...optional("securityEvents", take(events.find((u) => u.key === CUSTOM_WORKSPACE_EVENTS_KEY))),
        }
      : undefined;
  const settings = ofKind("settings").flatMap((u) => take(u)!.resources);
  const extensionPolicies = policies("extension");
  const amaPolicies = policies("ama");
  return {
    subscriptionId: input.subscriptionId,
    settings,
    defaultWorkspaces,
    ...(customWorkspace ? { customWorkspace } : {}),
    extensionPolicies,
    amaPolicies,
    others: units.filter((u) => !presented.has(u)),
    external,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The workspace and security-event units of a subscription, in declaration order. */
export function workspaceUnitsOf(s: SubscriptionDeclarations): (WorkspaceUnit | SecurityEventsUnit)[] {
  return [
    ...s.defaultWorkspaces.flatMap((d) => [d.workspace, d.securityEvents]),
    ...(s.customWorkspace?.solution ? [s.customWorkspace.solution] : []),
    ...(s.customWorkspace?.securityEvents ? [s.customWorkspace.securityEvents] : []),
  ];
}

/** The units of a subscription (its settings are bare declarations), in declaration order. */
export function subscriptionUnits(s: SubscriptionDeclarations): Unit[] {
  return [...workspaceUnitsOf(s), ...s.extensionPolicies, ...s.amaPolicies, ...s.others];
}

/** Every declaration of a subscription, in declaration order. */
export function subscriptionDeclarations(s: SubscriptionDeclarations): Declaration[] {
  return [...s.settings, ...subscriptionUnits(s).flatMap((u) => u.resources)];
}

/** A unit's name within its subscription's component (`<sub>/policy-x` → `policy-x`, `/` as `-`): front ends name what they render after it. */
export function unitName(unit: Unit, subscriptionId: string): string {
  const prefix = `${subscriptionId}/`;
  return (unit.key.startsWith(prefix) ? unit.key.slice(prefix.length) : unit.key).replace(/\//g, "-");
}
