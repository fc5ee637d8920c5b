/**
 * Each component's machines (or clusters) by decision, from the plan's summary: Defender for
 * Endpoint's mde-awaiting-defender, Guest Configuration's gc-install. Computed here once for the
 * text plan, the markdown comment and the demo.
 */
import { REGISTRY, type Catalog } from "../catalog";
import type { ComponentKind } from "../kernel";
import type { RenderedPlan } from "./facts";

export interface ComponentDecisionCount {
  readonly decision: string;
  readonly count: number;
  /** The decision's one line (the decision itself when the catalog does not know it). */
  readonly meaning: string;
}

export interface ComponentCounts {
  /** The component's name in the plan (`endpoint`). */
  readonly name: string;
  readonly title: string;
  readonly target: "machine" | "cluster";
  /** Undefined for a component no registered capability decides (a plan read from elsewhere). */
  readonly kind: ComponentKind | undefined;
  /** Machines (or clusters) the component was decided for. */
  readonly total: number;
  /** Decisions with at least one machine, in the component's order, unknown ones last. */
  readonly decisions: readonly ComponentDecisionCount[];
}

/** The components in the catalog's order (unknown ones last, by name). */
export function componentCounts(summary: Pick<RenderedPlan["summary"], "components">, catalog: Catalog = REGISTRY): ComponentCounts[] {
  const counts = summary.components ?? {};
  const known = catalog.components.filter((k) => counts[k.name]);
  const unknown = Object.keys(counts)
    .filter((name) => !catalog.components.some((k) => k.name === name))
    .sort();
  return [...known.map((k) => countsOf(k.name, counts[k.name]!, k)), ...unknown.map((name) => countsOf(name, counts[name]!, undefined))].filter((c) => c.total > 0);
}

function countsOf(name: string, byDecision: Readonly<Record<string, number>>, kind: ComponentKind | undefined): ComponentCounts {
  const meanings = (kind?.decisions ?? {}) as Readonly<Record<string, string>>;
  const order = [...Object.keys(meanings), ...Object.keys(byDecision).filter((d) => !(d in meanings))];
  const decisions = order.filter((d) => byDecision[d]).map((d) => ({ decision: d, count: byDecision[d]!, meaning: meanings[d] ?? d }));
  return { name, title: kind?.title ?? name, target: kind?.target ?? "machine", kind, total: decisions.reduce((n, d) => n + d.count, 0), decisions };
}

/** "machines" or "clusters". */
export function targetsWord(c: Pick<ComponentCounts, "target">): string {
  return c.target === "cluster" ? "clusters" : "machines";
}
