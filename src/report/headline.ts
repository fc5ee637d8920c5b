/**
 * What a report leads with (its `total`, its subscription and geography rows, its drift): the
 * coverage of what the spec manages, chosen from the spec alone so that every inventory of a
 * report counts the same thing.
 *
 * - The spec provisions an agent (`logAnalyticsAgent.autoProvision`): that agent's coverage
 *   (coverage.ts), as always.
 * - It provisions none but `defender.servers` turns a plan on: the Defender for Servers plan's
 *   coverage, the machines on P1 or P2 today (the `plan` component), which the other server
 *   components need. A user's trial read `coverage 0/60 (0%)` beside a plan component at 96.7%
 *   (user trial 20, item 5): with auto provisioning off every machine is `out-of-scope`, so the
 *   agent's figure counted nothing the spec asks for.
 * - Neither: no headline; the report gives each component's figures only.
 */
import { PLAN_COMPONENT } from "../capabilities/defender-plans";
import { REGISTRY, type Decision, type MachinePlan } from "../core";
import type { Spec } from "../spec/schema";
import { COVERED_DECISIONS, type MachineCoverage } from "./coverage";

/** The headline's `of` for the agent's coverage; otherwise it names a component. */
export const AGENT_HEADLINE = "agent";

export const AGENT_TITLES = { ama: "Azure Monitor Agent", mma: "Log Analytics agent" } as const;

export interface HeadlineChoice {
  /** `agent`, or the component counted (`plan`). */
  readonly of: string;
  /** "Azure Monitor Agent", "Defender for Servers plan". */
  readonly title: string;
  /** The decisions that count a machine covered (the agent's, or the component's). */
  readonly coveredDecisions: readonly string[];
}

/** Why a report has no headline, in the words every output uses. */
export const NO_HEADLINE_WHY = "the spec provisions no agent (logAnalyticsAgent.autoProvision is off) and turns no Defender for Servers plan on (defender.servers)";
export const NO_HEADLINE = `${NO_HEADLINE_WHY}, so the report has no headline coverage: only each component's`;

export function headlineFor(spec: Spec): HeadlineChoice | null {
  const { autoProvision, agent } = spec.logAnalyticsAgent;
  // `agent: none` provisions nothing (validation holds autoProvision off beside it): no agent's coverage to lead with.
  if (autoProvision && agent !== "none") return { of: AGENT_HEADLINE, title: AGENT_TITLES[agent], coveredDecisions: COVERED_DECISIONS };
  // A spec that turns the plan off asks for no machine on it: its figure is no coverage of the spec's.
  const servers = spec.defender?.servers;
  const plan = servers && servers.plan !== "Off" ? REGISTRY.components.find((k) => k.name === PLAN_COMPONENT) : undefined;
  return plan ? { of: plan.name, title: plan.title, coveredDecisions: plan.covered } : null;
}

/**
 * Each machine's coverage under a headline other than the agent's (whose judge is coverage.ts'):
 * undefined for a machine it does not count (one without the component's decision). Without a
 * headline, every machine counts and none is covered.
 */
export function componentHeadlineJudge(headline: HeadlineChoice | null): (m: MachinePlan<Decision>) => MachineCoverage | undefined {
  if (!headline) return () => NOT_COVERED;
  const covered = new Set(headline.coveredDecisions);
  return (m) => {
    const c = m.components?.[headline.of];
    return c ? (covered.has(c.decision) ? COVERED : NOT_COVERED) : undefined;
  };
}

const COVERED: MachineCoverage = Object.freeze({ covered: true });
const NOT_COVERED: MachineCoverage = Object.freeze({ covered: false });
