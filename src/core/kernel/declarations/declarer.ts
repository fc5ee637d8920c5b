/**
 * What a capability declares for the front ends (its `declare` member): for one subscription of
 * the spec, the units of the declaration model it owns. The composer (src/core/declarations) runs
 * the registered capabilities' declarers in registration order and hands each the units the
 * earlier ones declared there, as the planner's phases run them: security events declare a tier
 * for each workspace the workspaces capability declared, the Azure Monitor Agent an association
 * policy for each rule.
 */
import type { AmaPoliciesOptions } from "../../../spec/amaPolicies";
import type { Spec } from "../../../spec/schema";
import type { Unit } from "./model";
import type { Value } from "./value";

/** Key of the custom workspace's units (a spec has at most one custom workspace; shared by every subscription). */
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

/** What a declarer reads: the spec, the subscription, and the model's inputs besides the spec. */
export interface DeclareInput {
  /** The validated spec; `subscriptionId` is one of its subscriptions. */
  readonly spec: Spec;
  /** Lower-case subscription GUID. */
  readonly subscriptionId: string;
  /** Regions of the subscription's machines: one default workspace per geography. */
  readonly machineRegions: readonly string[];
  /** This subscription's AMA assignment options (its not-scopes only). */
  readonly amaPolicies: AmaPoliciesOptions;
  /** The spec's custom workspace and how this subscription treats it; undefined with default workspaces. */
  readonly customWorkspace?: CustomWorkspaceInput;
}

/** What one capability declared for a subscription. */
export interface DeclaredPart {
  readonly units: readonly Unit[];
  /** Keys its declarations wait for that another subscription declares (a shared workspace's rule, by its owner). */
  readonly external?: readonly string[];
}

export interface CapabilityDeclarer {
  /**
   * Its units for one subscription. `declared`: the units the capabilities registered before it
   * declared for the same subscription, in order (read them; never change them).
   */
  subscription(input: DeclareInput, declared: readonly Unit[]): DeclaredPart;
}
