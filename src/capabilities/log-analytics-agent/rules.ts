/** The seed's rule on subscriptions onboarded before the Log Analytics extension was auto provisioned beside existing agents. */
import type { PlanContext } from "../../core/kernel";
import { onboardedBeforeCutoff } from "../../spec/onboarding";

export { LEGACY_ONBOARDING_CUTOFF } from "../../spec/onboarding";

export function isLegacySubscription(ctx: PlanContext, subscriptionId: string): boolean {
  return onboardedBeforeCutoff(ctx.onboardedAt.get(subscriptionId));
}
