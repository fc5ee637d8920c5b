/**
 * The one rule for "covered": after which plan decisions a machine already reports to a workspace
 * Security Center uses. The report, the demo and anything else that counts coverage use it.
 *
 * Covered (Log Analytics agent, agent: mma): compliant (the right workspace), keep-user-workspace
 * (a user's workspace, never overridden), keep-existing (reconfigure No: its workspace is kept),
 * each only while its extension is provisioned and the workspace it reports to has the Security or
 * SecurityCenterFree solution (Security Center processes its data only then; the inventory must
 * show the workspace to tell).
 * Covered (Azure Monitor Agent, agent: ama): ama-compliant (AMA associated with the rule),
 * ama-awaiting-heartbeat (AMA set up, the legacy agent still reports), ama-remove-legacy (AMA
 * reports), ama-keep-legacy (AMA set up, the legacy agent stays).
 *
 * Everything else is not covered yet (install, upgrade, reconnect, ama-install...) or not covered by
 * the seed's rules (skip-*, blocked-scom-2012, out-of-scope): a machine is counted on its actual
 * state, before the plan is applied (a solution the plan installs covers the machine after the apply).
 */
import type { Inventory, InventoryMachine, InventoryWorkspace } from "../inventory/schema";
import { LOG_ANALYTICS_AGENT, isSameExtension } from "../spec/extensions";
import type { AgentChoice } from "../spec/schema";
import { securityCenterUses } from "../capabilities/workspaces";
import { DECISIONS, type Decision, type MachinePlan } from "../core";

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
  "it already sends its security data the way the spec asks (agent: ama, the Azure Monitor Agent with the security-event rule; agent: mma, the Log Analytics agent, provisioned, to a workspace with the Security or SecurityCenterFree solution, without which Security Center does not process its data); under agent: ama a machine still on the Log Analytics agent (retired 2024-08-31) is not covered";

/** The short label of the same rule, for a heading. */
export const COVERED_LABEL = "machines sending their security data as the spec asks";

const COVERED = new Set<string>(COVERED_DECISIONS);

export function isCovered(decision: Decision): boolean {
  return COVERED.has(decision);
}

/**
 * Why a machine whose decision is a covered one is not covered (agent: mma), in the order the
 * report lists them, with what each means.
 */
export const COVERAGE_GAPS = {
  "extension-failed": "but its extension failed to provision and reports nothing",
  "workspace-not-read": "but the inventory does not show its workspace, so whether Security Center uses it cannot be told",
  "workspace-without-solution": "but its workspace has neither the Security nor the SecurityCenterFree solution: Security Center does not process its data",
} as const;
export type CoverageGap = keyof typeof COVERAGE_GAPS;

/** A machine's coverage: covered, or not, with the gap when its decision alone would cover it. */
export interface MachineCoverage {
  readonly covered: boolean;
  readonly gap?: CoverageGap;
}

const YES: MachineCoverage = Object.freeze({ covered: true });
const NO: MachineCoverage = Object.freeze({ covered: false });
const GAP = Object.fromEntries(Object.keys(COVERAGE_GAPS).map((g) => [g, Object.freeze({ covered: false, gap: g })])) as Record<CoverageGap, MachineCoverage>;

/** The Log Analytics agent's covered decisions: the machine reports through its extension to `workspace`. */
const THROUGH_EXTENSION = new Set<Decision>(["compliant", "keep-user-workspace", "keep-existing"]);

/**
 * The coverage of each machine of a plan made from `inventory` for a spec of `agent`: its decision,
 * and with the Log Analytics agent its extension and its workspace as the inventory shows them.
 */
export function coverageJudge(agent: AgentChoice, inventory: Inventory): (m: MachinePlan<Decision>) => MachineCoverage {
  if (agent !== "mma") return (m) => (COVERED.has(m.decision) ? YES : NO);
  const machines = new Map<string, InventoryMachine>();
  for (const m of inventory.machines) machines.set(m.id.toLowerCase(), m);
  const workspaces = new Map<string, InventoryWorkspace>();
  for (const ws of inventory.workspaces) workspaces.set(ws.id.toLowerCase(), ws);
  return (m) => {
    if (!COVERED.has(m.decision)) return NO;
    if (!THROUGH_EXTENSION.has(m.decision)) return YES;
    const machine = machines.get(m.id.toLowerCase());
    const kind = machine && LOG_ANALYTICS_AGENT[machine.osType];
    const extension = kind && machine.extensions?.find((e) => isSameExtension(kind, e));
    if (extension?.provisioningState?.toLowerCase() === "failed") return GAP["extension-failed"];
    const ws = m.workspace ? workspaces.get(m.workspace.toLowerCase()) : undefined;
    if (!ws) return GAP["workspace-not-read"];
    return securityCenterUses(ws) ? YES : GAP["workspace-without-solution"];
  };
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
