/**
 * What the front ends declare for Defender plans: each plan the spec manages, as the subscription's
 * pricing with its sub-plan, enforce and extensions (the body the planner's set-defender-plan
 * sends). Resource-level overrides are per machine: they stay with the reconciler.
 */
import { subscriptionScope, type CapabilityDeclarer, type PricingDeclaration } from "../../core/kernel";
import { desiredPlans } from "./desired";

export const DEFENDER_PLANS_DECLARER: CapabilityDeclarer = {
  subscription: ({ spec, subscriptionId }) => {
    const key = `${subscriptionId}/defender-plans`;
    const resources = desiredPlans(spec, subscriptionId).map(
      (p): PricingDeclaration => ({
        kind: "pricing",
        key: `${key}/${p.plan}`,
        role: `pricing-${p.plan}`,
        dependsOn: [],
        props: {
          scope: subscriptionScope(subscriptionId),
          name: p.plan,
          tier: p.pricingTier,
          ...(p.subPlan !== null ? { subPlan: p.subPlan } : {}),
          ...(p.enforce !== null ? { enforce: p.enforce, deploymentLocation: spec.extensions.identityLocation } : {}),
          ...(p.extensions.length ? { extensions: p.extensions } : {}),
        },
      }),
    );
    if (!resources.length) return { units: [] };
    return { units: [{ kind: "resources", family: "defender-plans", key, subscriptionId, resources, lookups: [], issues: [], warnings: [] }] };
  },
};
