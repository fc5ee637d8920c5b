/** The seed's rule on subscriptions onboarded before the Log Analytics extension was auto provisioned beside existing agents. */
import type { PlanContext } from "../../core/kernel";

/** Seed: "existing machines on subscriptions onboarded to Security Center before 17 March 2019". */
export const LEGACY_ONBOARDING_CUTOFF = "2019-03-17";

export function isLegacySubscription(ctx: PlanContext, subscriptionId: string): boolean {
  const at = ctx.onboardedAt.get(subscriptionId);
  return at != null && at.slice(0, 10) < LEGACY_ONBOARDING_CUTOFF;
}
