/** The plan for a person at a terminal, produced line by line (a million machines never make one string). */
import { REGISTRY, type Catalog } from "../catalog";
import { changedMachineCount, shortName, stepIndicesBySubscription, stepLabel, subscriptionsOf, type RenderedPlan } from "./facts";
import { joinPieces } from "./sink";

/** Machines listed per decision before "... and N more". */
const MACHINES_PER_DECISION = 20;

export interface TextOptions {
  readonly catalog?: Catalog;
  /**
   * The last line when there are steps. `plan` tells what to run next; `apply` shows its plan
   * right before applying it, so it ends without that advice.
   */
  readonly for?: "plan" | "apply";
}

export function renderText(plan: RenderedPlan, catalog?: Catalog, options: Omit<TextOptions, "catalog"> = {}): string {
  return joinPieces(textPieces(plan, { ...options, catalog }));
}

export function* textPieces(plan: RenderedPlan, options: TextOptions = {}): Generator<string> {
  const catalog = options.catalog ?? REGISTRY;
  const changing = changedMachineCount(plan, catalog);
  const subs = subscriptionsOf(plan).length;
  yield `Plan: ${plan.summary.machines} machine(s) in ${subs} subscription(s); ${changing} to change, ${plan.steps.length} step(s).\n`;
  if (plan.findings.length) {
    yield "\nFindings:\n";
    for (const f of plan.findings) yield `  ${f.severity.padEnd(7)} ${f.code} (${shortName(f.target)}): ${f.message}\n`;
  }
  if (plan.machines.length) {
    yield "\nMachines by decision:\n";
    for (const d of catalog.decisions) {
      const n = plan.summary.decisions[d];
      if (n) yield `  ${d.padEnd(25)} ${String(n).padStart(7)}  ${catalog.meaning(d)}\n`;
    }
  }
  if (plan.steps.length) {
    yield "\nSteps:\n";
    const position = positionsOfDependencies(plan);
    for (const [sub, indices] of stepIndicesBySubscription(plan)) {
      yield `  subscription ${sub}:\n`;
      for (const i of indices) {
        const s = plan.steps[i]!;
        const after = s.dependsOn.length ? `  (after ${s.dependsOn.map((d) => position.get(d)).join(", ")})` : "";
        yield `  ${String(i + 1).padStart(4)}. ${s.action.padEnd(22)} ${stepLabel(s, catalog)}${after}\n`;
      }
    }
  }
  if (plan.machines.length) {
    yield "\nMachine details:\n";
    const shown = new Map<string, RenderedPlan["machines"][number][]>();
    for (const m of plan.machines) {
      let list = shown.get(m.decision);
      if (!list) shown.set(m.decision, (list = []));
      if (list.length < MACHINES_PER_DECISION) list.push(m);
    }
    for (const d of catalog.decisions) {
      const ms = shown.get(d);
      if (!ms) continue;
      yield `  ${d}:\n`;
      for (const m of ms) yield `    ${shortName(m.id)}: ${m.reason}\n`;
      const total = plan.summary.decisions[d] ?? ms.length;
      if (total > ms.length) yield `    ... and ${total - ms.length} more (--format json lists every machine)\n`;
    }
  }
  if (!plan.steps.length) yield "\nNo changes. The fleet matches the spec.\n";
  else if (options.for !== "apply") yield "\nRun `asc-autoprovision apply` to make these changes.\n";
}

/**
 * The 1-based position of every step another step depends on (a machine's identity before its
 * extension: a million at 1M machines). Keyed by the dependsOn strings the plan holds already: a
 * step's id is built when read, and setting an existing key keeps the map's own string.
 */
function positionsOfDependencies(plan: RenderedPlan): Map<string, number | undefined> {
  const position = new Map<string, number | undefined>();
  for (const s of plan.steps) for (const d of s.dependsOn) position.set(d, undefined);
  plan.steps.forEach((s, i) => {
    const id = s.id;
    if (position.has(id)) position.set(id, i + 1);
  });
  return position;
}
