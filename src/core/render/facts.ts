/** Figures the renderers share, derived from a plan and the catalog of its capabilities. */
import { subscriptionOf } from "../../inventory/ids";
import { REGISTRY, type Catalog } from "../catalog";
import { workspaceLabel } from "../kernel";

/** What the renderers read of a step and of a plan. */
export interface RenderedStep {
  readonly id: string;
  readonly action: string;
  readonly target: string;
  readonly dependsOn: readonly string[];
  readonly details: unknown;
}

export interface RenderedPlan {
  readonly machines: readonly { readonly id: string; readonly decision: string; readonly workspace: string | null; readonly reason: string }[];
  readonly steps: readonly RenderedStep[];
  readonly findings: readonly { readonly severity: "error" | "warning" | "info"; readonly code: string; readonly target: string; readonly message: string }[];
  readonly summary: { readonly machines: number; readonly decisions: Readonly<Record<string, number | undefined>>; readonly findings: Readonly<Record<string, number | undefined>> };
}

/** One line per decision, in the words of DESIGN.md's decision table (the registered capabilities'). */
export const DECISION_MEANING: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(REGISTRY.decisions.map((d) => [d, REGISTRY.meaning(d)])));

/** Machines that a step of the plan changes. */
export function changedMachines(plan: RenderedPlan, catalog: Catalog = REGISTRY): Set<string> {
  const out = new Set<string>();
  for (const s of plan.steps) {
    const id = machineOf(s, catalog);
    if (id !== undefined) out.add(id.toLowerCase());
  }
  return out;
}

/** The machine a step changes, if it is a step on one machine. */
export function machineOf(s: RenderedStep, catalog: Catalog = REGISTRY): string | undefined {
  return catalog.kind(s.action).machineId?.(s.details);
}

export function subscriptionsOf(plan: RenderedPlan): string[] {
  const subs = new Set<string>();
  for (const m of plan.machines) subs.add(subscriptionOf(m.id));
  for (const s of plan.steps) {
    const sub = subscriptionOf(s.target);
    if (sub) subs.add(sub);
  }
  return [...subs].sort();
}

/** Steps grouped by the subscription of their target, in plan order. */
export function stepsBySubscription<S extends RenderedStep>(plan: { readonly steps: readonly S[] }): Map<string, S[]> {
  const out = new Map<string, S[]>();
  for (const s of plan.steps) {
    const sub = subscriptionOf(s.target) || "(tenant)";
    let list = out.get(sub);
    if (!list) out.set(sub, (list = []));
    list.push(s);
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

export const shortName = workspaceLabel;

/** What a step does to what, in a few words: "vm-1 (MicrosoftMonitoringAgent)", "ws1: Common". */
export function stepLabel(s: RenderedStep, catalog: Catalog = REGISTRY): string {
  return catalog.kind(s.action).label(s.details, s.target);
}
