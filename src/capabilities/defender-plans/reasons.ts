/** Each machine's Defender for Servers plan, in one sentence per code, from the values given only. */

/** `override #2 (tag env=dev)` / `override #1 (this machine's id)` */
export function overrideText(index: number, tag: string | null): string {
  return `override #${index + 1} (${tag ? `tag ${tag}` : "this machine's id"})`;
}

/** The key of each machine's Defender for Servers plan under the plan's `machines[].components`. */
export const PLAN_COMPONENT = "plan";

const planWords = (plan: string): string => (plan === "Off" || plan === "Free" ? "off (Free)" : plan);

export const PLAN_REASONS = {
  inherits: (live: string, wanted: string) =>
    live === wanted ? `Inherits the subscription's Defender for Servers ${live}.` : `Inherits the subscription's Defender for Servers ${live} today; this plan sets ${planWords(wanted)}.`,
  "inherits-free": (wanted: string) =>
    wanted === "Off" || wanted === "Free"
      ? "Inherits the subscription's Defender for Servers plan, which is off (Free): no Defender component is deployed."
      : `Inherits the subscription's Defender for Servers plan, off (Free) today: this plan sets ${wanted}, and the machine is covered once it applies.`,
  "override-set": (override: string, plan: string, from: string) => `${override} asks for ${planWords(plan)} on this machine (it is ${from} today): its resource-level plan is set.`,
  "override-in-place": (override: string, plan: string) => `${override} asks for ${planWords(plan)} on this machine, and it has that resource-level plan.`,
  "override-free": (override: string) => `${override} asks for off (Free) on this machine, and it has that resource-level plan: no Defender for Servers on it.`,
  "own-pricing": (plan: string) => `Has a resource-level plan of its own (${planWords(plan)}) that the spec does not ask for: left alone.`,
  "own-free": () => "Has a resource-level plan of its own, off (Free), that the spec does not ask for: left alone, no Defender for Servers on it.",
  enforced: (plan: string, own: string) => `Its own resource-level plan (${planWords(own)}) is overridden: the subscription enforces ${planWords(plan)} on every machine.`,
  "enforced-free": (plan: string) => `Its own resource-level plan is off (Free) today: the subscription's ${planWords(plan)}, enforced by this plan, replaces it.`,
} as const;

/**
 * The report counts a machine covered on its plan today (src/report: the actual state before any
 * change): P1 or P2, inherited or its own. A machine on Free is not, whether the spec asks for Free
 * or this plan sets P2 on its subscription (`inherits-free`, `override-free`, `own-free`,
 * `enforced-free`; a user's report showed 2,348/2,348 covered under a subscription on Free).
 */
export const PLAN_DECISIONS = {
  inherits: "the subscription's plan applies, P1 or P2 today",
  "inherits-free": "the subscription's plan applies, Free today (set by this plan where the spec asks for P1 or P2)",
  "override-set": "a resource-level plan is set on the machine",
  "override-in-place": "the resource-level P1 the spec asks for is in place",
  "override-free": "the resource-level Free the spec asks for is in place: no Defender for Servers",
  "own-pricing": "a resource-level P1 or P2 set outside the spec, left alone",
  "own-free": "a resource-level Free set outside the spec, left alone: no Defender for Servers",
  enforced: "the subscription's plan is enforced over the machine's own (P1 or P2 today)",
  "enforced-free": "the subscription's plan, enforced by this plan, replaces the machine's own Free",
} as const;
export type PlanComponentDecision = keyof typeof PLAN_DECISIONS;
