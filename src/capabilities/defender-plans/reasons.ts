/** Each machine's Defender for Servers plan, in one sentence per code, from the values given only. */

/** `override #2 (tag env=dev)` / `override #1 (this machine's id)` */
export function overrideText(index: number, tag: string | null): string {
  return `override #${index + 1} (${tag ? `tag ${tag}` : "this machine's id"})`;
}

const planWords = (plan: string): string => (plan === "Off" || plan === "Free" ? "off (Free)" : plan);

export const PLAN_REASONS = {
  inherits: (plan: string) =>
    plan === "Off"
      ? "Inherits the subscription's Defender for Servers plan, which is off (Free): no Defender component is deployed."
      : `Inherits the subscription's Defender for Servers ${plan}.`,
  "override-set": (override: string, plan: string, from: string) => `${override} asks for ${planWords(plan)} on this machine (it is ${from} today): its resource-level plan is set.`,
  "override-in-place": (override: string, plan: string) => `${override} asks for ${planWords(plan)} on this machine, and it has that resource-level plan.`,
  "own-pricing": (plan: string) => `Has a resource-level plan of its own (${planWords(plan)}) that the spec does not ask for: left alone.`,
  enforced: (plan: string, own: string) => `Its own resource-level plan (${planWords(own)}) is overridden: the subscription enforces ${planWords(plan)} on every machine.`,
} as const;

export const PLAN_DECISIONS = {
  inherits: "the subscription's plan applies",
  "override-set": "a resource-level plan is set on the machine",
  "override-in-place": "the resource-level plan the spec asks for is in place",
  "own-pricing": "a resource-level plan set outside the spec, left alone",
  enforced: "the subscription's plan is enforced over the machine's own",
} as const;
export type PlanComponentDecision = keyof typeof PLAN_DECISIONS;
