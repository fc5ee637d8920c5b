/** The seed's cut-off for subscriptions whose existing agents are left alone. */

/** Seed: "existing machines on subscriptions onboarded to Security Center before 17 March 2019". */
export const LEGACY_ONBOARDING_CUTOFF = "2019-03-17";

/** Was a subscription onboarded (ISO date or time, null when unknown) before the cut-off? */
export function onboardedBeforeCutoff(onboardedAt: string | null | undefined): boolean {
  return onboardedAt != null && onboardedAt.slice(0, 10) < LEGACY_ONBOARDING_CUTOFF;
}
