/**
 * The registered capabilities, in the order the core runs them in each planning phase (and the
 * order the renderers list their decisions). Adding a capability: a folder beside these and one
 * line here (docs/architecture.md). The plan's types follow from this list.
 */
import type { Capability, MachinePlan, PlanOf, PlanSummaryOf, StepMap, StepUnion } from "../core/kernel";
import { azureMonitorAgent } from "./azure-monitor-agent";
import { defenderContainers } from "./defender-containers";
import { defenderEndpoint } from "./defender-endpoint";
import { defenderPlans } from "./defender-plans";
import { guestConfiguration } from "./guest-configuration";
import { extensionPolicies } from "./extension-policies";
import { logAnalyticsAgent } from "./log-analytics-agent";
import { machineExtensions } from "./machine-extensions";
import { securityEvents } from "./security-events";
import { subscriptionSettings } from "./subscription-settings";
import { vulnerabilityAssessment } from "./vulnerability-assessment";
import { workspaces } from "./workspaces";

export const CAPABILITIES = [
  subscriptionSettings,
  defenderPlans,
  defenderEndpoint,
  vulnerabilityAssessment,
  workspaces,
  securityEvents,
  machineExtensions,
  logAnalyticsAgent,
  azureMonitorAgent,
  guestConfiguration,
  defenderContainers,
  extensionPolicies,
] as const;

type Registered = (typeof CAPABILITIES)[number];
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type StepsOf<C> = C extends Capability<infer M, string, StepMap> ? M : never;
type DecisionsOf<C> = C extends Capability<StepMap, infer D, StepMap> ? D : never;

/** Details by action, of every registered capability. */
export type StepDetailsMap = UnionToIntersection<StepsOf<Registered>>;
export type Action = keyof StepDetailsMap & string;
/** A plan step: a discriminated union on `action`, one details type per action. */
export type Step = StepUnion<StepDetailsMap>;
/** The details of one action's steps. */
export type StepDetails<A extends Action> = StepDetailsMap[A];
export type Decision = DecisionsOf<Registered>;
export type Plan = PlanOf<Step, Decision>;
export type PlanSummary = PlanSummaryOf<Decision, Action>;
export type { MachinePlan };

/** Every machine decision, in the order the renderers list them. */
export const DECISIONS: readonly Decision[] = Object.freeze(CAPABILITIES.flatMap((c) => Object.keys(c.decisions) as Decision[]));
/** Every action, in registration order. */
export const ACTIONS: readonly Action[] = Object.freeze(CAPABILITIES.flatMap((c) => Object.keys(c.steps) as Action[]));

export {
  azureMonitorAgent,
  defenderContainers,
  defenderEndpoint,
  defenderPlans,
  extensionPolicies,
  guestConfiguration,
  logAnalyticsAgent,
  machineExtensions,
  securityEvents,
  subscriptionSettings,
  vulnerabilityAssessment,
  workspaces,
};

/** The apply's delegation of large install batches to policy, as plan and apply show it before anything is sent. */
export { delegationMarkdown, delegationQuestion, delegationText, grantsOf, previewDelegation, type DelegationView } from "./log-analytics-agent";
