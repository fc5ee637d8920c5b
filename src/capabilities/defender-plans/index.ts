/**
 * Defender plans: each plan the spec's `defender` section manages, per subscription, as
 * `Microsoft.Security/pricings` (2024-01-01: tier, sub-plan, enforce, extensions), planned field by
 * field; plan-wide, what each plan turned on or off or moved to another sub-plan bills or takes
 * away (billing.ts); each machine's plan (the `plan` component: the subscription's, or a
 * resource-level override by tag or id); coexistence with other owners of plan policies
 * (coexistence.ts, which the component capabilities use too). Reads spec.defender and the
 * inventory's settings (plans, pricingTier), machines (tags, pricing) and policyAssignments.
 */
import { defineCapability } from "../../core/kernel";
import { DEFENDER_PLANS_DECLARER } from "./declare";
import { notePlanBilling } from "./billing";
import { planDefenderPlans, planMachinePlans } from "./plan";
import { PLAN_COMPONENT, PLAN_DECISIONS } from "./reasons";
import { DEFENDER_PLAN_STEPS, type DefenderPlanSteps } from "./steps";

export { assignmentApplies, assignmentsDeploying, componentPolicyOf, noteCoexistence, ownerOf, type FoundAssignment } from "./coexistence";
export { desiredPlans, exclusionTagsValue, livePlan, planChanges, type DesiredPlan, type PlanChange, type PlanExtension } from "./desired";
export { effectivePlan, overrideFor, type MachinePlanFacts } from "./plan";
export { PLAN_COMPONENT, PLAN_DECISIONS, type PlanComponentDecision } from "./reasons";
export { neverProvisioned } from "./reach";
export { resourcePricingId, type DefenderPlanSteps, type SetDefenderPlanDetails, type SetResourcePricingDetails } from "./steps";

export const defenderPlans = defineCapability<DefenderPlanSteps>({
  id: "defender-plans",
  title: "Defender plans per subscription (pricing, sub-plan, extensions, enforce) and each machine's plan",
  decisions: {},
  components: [
    {
      name: PLAN_COMPONENT,
      title: "Defender for Servers plan",
      target: "machine",
      decisions: PLAN_DECISIONS,
      // On P1 or P2 today (reasons.ts): a machine on Free is not covered, whatever the spec asks.
      covered: ["inherits", "override-in-place", "own-pricing", "enforced"],
    },
  ],
  steps: DEFENDER_PLAN_STEPS,
  planner: { subscription: planDefenderPlans, components: planMachinePlans, finish: notePlanBilling },
  declare: DEFENDER_PLANS_DECLARER,
  arm: async () => (await import("./arm")).HANDLERS,
});
