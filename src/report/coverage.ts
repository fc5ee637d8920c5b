/**
 * The one rule for "covered": after which plan decisions a machine already reports to a workspace
 * Security Center uses. The report, the demo and anything else that counts coverage use it.
 *
 * Covered (Log Analytics agent, agent: mma): compliant (the right workspace), keep-user-workspace
 * (a user's workspace, never overridden), keep-existing (reconfigure No: its workspace is kept).
 * Covered (Azure Monitor Agent, agent: ama): ama-compliant (AMA associated with the rule),
 * ama-awaiting-heartbeat (AMA set up, the legacy agent still reports), ama-remove-legacy (AMA
 * reports), ama-keep-legacy (AMA set up, the legacy agent stays).
 *
 * Everything else is not covered yet (install, upgrade, reconnect, ama-install...) or not covered by
 * the seed's rules (skip-*, blocked-scom-2012, out-of-scope): a machine is counted on its actual
 * state, before the plan is applied.
 */
import { DECISIONS, type Decision } from "../core";

export const COVERED_DECISIONS: readonly Decision[] = Object.freeze([
  "compliant",
  "keep-user-workspace",
  "keep-existing",
  "ama-compliant",
  "ama-awaiting-heartbeat",
  "ama-remove-legacy",
  "ama-keep-legacy",
] satisfies Decision[]);

/**
 * What "covered" means, in the words every output uses: relative to the spec's agent, so a machine
 * still on the Log Analytics agent under `agent: ama` is not covered (a user's trial read the old
 * "reports to a workspace Security Center uses" as any workspace, any agent).
 */
export const COVERED_MEANING =
  "it already sends its security data the way the spec asks (agent: ama, the Azure Monitor Agent with the security-event rule; agent: mma, the Log Analytics agent to a workspace Defender uses); under agent: ama a machine still on the Log Analytics agent (retired 2024-08-31) is not covered";

/** The short label of the same rule, for a heading. */
export const COVERED_LABEL = "machines sending their security data as the spec asks";

const COVERED = new Set<string>(COVERED_DECISIONS);

export function isCovered(decision: Decision): boolean {
  return COVERED.has(decision);
}

/** Decisions that leave a machine without coverage, in DECISIONS order. */
export const UNCOVERED_DECISIONS: readonly Decision[] = Object.freeze(DECISIONS.filter((d) => !COVERED.has(d)));

/** Machines, covered machines and the share, in percent with one decimal (null for no machine). */
export interface Coverage {
  readonly machines: number;
  readonly covered: number;
  readonly percent: number | null;
}

export function coverageOf(machines: number, covered: number): Coverage {
  return { machines, covered, percent: machines ? Math.round((1000 * covered) / machines) / 10 : null };
}

/** "85/100 (85%)", "0/0 (—)". */
export function formatCoverage(c: Coverage): string {
  return `${c.covered}/${c.machines} (${c.percent === null ? "—" : `${c.percent}%`})`;
}
