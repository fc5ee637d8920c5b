/**
 * The composer: what must exist in Azure for a spec, for one subscription or a whole stack. It
 * holds no capability's rule: it resolves the model's inputs, runs the registered capabilities'
 * declarers (their `declare` member) in registration order, each seeing the units the earlier ones
 * declared, and hands the units to the views the front ends present (views.ts).
 *
 * A custom (central) workspace has one solution and one security-event tier whatever the number of
 * subscriptions that send their machines to it: a stack declares them once, owned by the
 * subscription that holds the workspace when it is one of the spec's, else by the first one; the
 * other subscriptions' AMA association remediations wait for that owner's rule.
 */
import { subscriptionOf } from "../../inventory/ids";
import type { AmaPoliciesOptions } from "../../spec/amaPolicies";
import type { Spec } from "../../spec/schema";
import { CAPABILITIES } from "../../capabilities";
import type { AnyCapability } from "../catalog";
import type { CustomWorkspaceInput, Declaration, DeclareInput, SecurityEventsUnit, Unit, Value, WorkspaceLookup, WorkspaceUnit } from "../kernel";
import { amaPoliciesOf, type StackInput } from "./input";
import { subscriptionDeclarations, subscriptionUnits, subscriptionViews, type SubscriptionDeclarations } from "./views";

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

/** The spec's custom workspace as `how` treats it; undefined with default workspaces. */
function customWorkspaceOf(spec: Spec, how: Omit<CustomWorkspaceInput, "id">): CustomWorkspaceInput | undefined {
  const ws = spec.logAnalyticsAgent.workspace;
  return ws === "default" ? undefined : { id: ws.id, ...how };
}

/** What one subscription of the spec declares: every declarer of `capabilities` (the registered ones by default), in order. */
export function declareSubscription(input: SubscriptionInput, capabilities: readonly AnyCapability[] = CAPABILITIES): SubscriptionDeclarations {
  const { spec } = input;
  const own = customWorkspaceOf(spec, { declareSolution: true, declareSecurityEvents: true, sentinelOwnsSecurityEvents: false });
  const customWorkspace = own && (input.customWorkspace ?? own);
  const declareInput: DeclareInput = {
    spec,
    subscriptionId: input.subscriptionId.toLowerCase(),
    machineRegions: input.machineRegions,
    amaPolicies: input.amaPolicies,
    ...(customWorkspace ? { customWorkspace } : {}),
  };
  const units: Unit[] = [];
  const external: string[] = [];
  for (const capability of capabilities) {
    if (!capability.declare) continue;
    const part = capability.declare.subscription(declareInput, [...units]);
    units.push(...part.units);
    external.push(...(part.external ?? []));
  }
  return subscriptionViews(declareInput, units, external);
}

/** A shared custom workspace's units, declared once in a stack. */
export interface SharedWorkspaceDeclarations {
  /** The subscription that declares them (the workspace's own when listed, else the spec's first). */
  readonly owner: string;
  /** The subscription the workspace is in (its units are deployed there). */
  readonly subscriptionId: Value<string>;
  /** Absent when the stack leaves it to another (`installSolution: false`). */
  readonly solution?: WorkspaceUnit;
  /** Absent when the stack leaves it to another (`configureSecurityEvents: false`). */
  readonly securityEvents?: SecurityEventsUnit;
}

/** What a whole spec declares. */
export interface StackDeclarations {
  /** In the spec's order; none of them declares the shared workspace's units. */
  readonly subscriptions: readonly SubscriptionDeclarations[];
  /** With a custom workspace and auto provisioning on, unless the stack declares neither of its units. */
  readonly sharedWorkspace?: SharedWorkspaceDeclarations;
}

/** The subscription that declares a custom workspace's units: the one that holds it when listed, else the first. */
export function sharedWorkspaceOwner(spec: Spec): string | undefined {
  const ws = spec.logAnalyticsAgent.workspace;
  if (ws === "default") return undefined;
  const holder = subscriptionOf(ws.id);
  return spec.subscriptions.includes(holder) ? holder : spec.subscriptions[0];
}

/** What a whole spec declares, with `capabilities` (the registered ones by default). */
export function declareStack(input: StackInput, capabilities: readonly AnyCapability[] = CAPABILITIES): StackDeclarations {
  const { spec } = input;
  const la = spec.logAnalyticsAgent;
  const shared = customWorkspaceOf(spec, { location: input.workspaceLocation, declareSolution: false, declareSecurityEvents: false, sentinelOwnsSecurityEvents: input.sentinelOwnsSecurityEvents });
  const subscription = (sub: string, customWorkspace: CustomWorkspaceInput | undefined) =>
    declareSubscription({ spec, subscriptionId: sub, machineRegions: input.machineRegions.get(sub) ?? [], amaPolicies: amaPoliciesOf(sub, input.amaPolicies), customWorkspace }, capabilities);
  const subscriptions = spec.subscriptions.map((sub) => subscription(sub, shared));
  const declareSolution = input.installSolution ?? true;
  const declareSecurityEvents = input.configureSecurityEvents ?? true;
  if (!shared || !la.autoProvision || (!declareSolution && !declareSecurityEvents)) return { subscriptions };
  // The shared units: what the owner declares for the workspace when it declares them itself.
  const owner = sharedWorkspaceOwner(spec)!;
  const own = subscription(owner, { ...shared, declareSolution, declareSecurityEvents }).customWorkspace!;
  const subscriptionId = (own.solution ?? own.securityEvents)!.subscriptionId;
  return {
    subscriptions,
    sharedWorkspace: { owner, subscriptionId, ...(own.solution ? { solution: own.solution } : {}), ...(own.securityEvents ? { securityEvents: own.securityEvents } : {}) },
  };
}

/** The shared workspace's units the stack declares. */
function sharedUnits(stack: StackDeclarations): Unit[] {
  const shared = stack.sharedWorkspace;
  return shared ? [shared.solution, shared.securityEvents].filter((u): u is WorkspaceUnit | SecurityEventsUnit => u !== undefined) : [];
}

/** Every declaration of a stack: the shared workspace's, then each subscription's. */
export function stackDeclarations(stack: StackDeclarations): Declaration[] {
  const shared = sharedUnits(stack).flatMap((u) => u.resources);
  return [...shared, ...stack.subscriptions.flatMap(subscriptionDeclarations)];
}

/** Every lookup of a stack. */
export function stackLookups(stack: StackDeclarations): WorkspaceLookup[] {
  const units = [...sharedUnits(stack), ...stack.subscriptions.flatMap(subscriptionUnits)];
  return units.flatMap((u) => u.lookups);
}
