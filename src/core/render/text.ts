/** The plan for a person at a terminal, produced line by line (a million machines never make one string). */
import { REGISTRY, type Catalog } from "../catalog";
import { componentCounts, targetsWord } from "./components";
import { compactStepLabel, findingTargetLabel, machineChanges, shortName, stepGroups, stepLabel, subscriptionsWith, type RenderedFinding, type RenderedPlan } from "./facts";
import { DependencyPositions } from "./positions";
import { stepRecords } from "./records";
import { emptyScopeFinding, scopeLine } from "./scope";
import { CHUNK, joinPieces } from "./sink";
import type { ScopeSummary } from "../kernel";

/** Machines listed per decision before "... and N more". */
const MACHINES_PER_DECISION = 20;

export interface TextOptions {
  readonly catalog?: Catalog;
  /**
   * The last line when there are steps. `plan` tells what to run next; `apply` shows its plan
   * right before applying it, so it ends without that advice.
   */
  readonly for?: "plan" | "apply";
  /** The spec's scope, shown under the headline (management groups, exclusions). */
  readonly scope?: ScopeSummary | undefined;
  /** Written right after the steps (the CLI's delegation of installs to policy: what else runs). */
  readonly afterSteps?: Iterable<string>;
}

export function renderText(plan: RenderedPlan, catalog?: Catalog, options: Omit<TextOptions, "catalog"> = {}): string {
  return joinPieces(textPieces(plan, { ...options, catalog }));
}

export function* textPieces(plan: RenderedPlan, options: TextOptions = {}): Generator<string> {
  const catalog = options.catalog ?? REGISTRY;
  // Which machines change: counted for the headline, and (before an apply) the machines listed.
  const changes = machineChanges(plan, catalog);
  const changing = changes.count;
  const groups = stepGroups(plan);
  const subs = subscriptionsWith(plan, groups.subscriptions).length;
  const empty = emptyScopeFinding(plan.findings);
  if (empty) yield `Warning: ${empty.message}\n\n`;
  yield `Plan: ${plan.summary.machines} machine(s) in ${subs} subscription(s); ${changing} to change, ${plan.steps.length} step(s).\n`;
  if (options.scope) yield `Scope: ${scopeLine(options.scope)}\n`;
  if (plan.findings.length) {
    yield "\nFindings:\n";
    yield* findingLines(plan.findings);
  }
  if (plan.machines.length) {
    yield "\nMachines by decision:\n";
    for (const d of catalog.decisions) {
      const n = plan.summary.decisions[d];
      if (n) yield `  ${d.padEnd(25)} ${String(n).padStart(7)}  ${catalog.meaning(d)}\n`;
    }
  }
  const components = componentCounts(plan.summary, catalog);
  if (components.length) {
    yield "\nComponents by decision:\n";
    for (const c of components) {
      yield `  ${c.title} (${c.total} ${targetsWord(c)}):\n`;
      // The counts in the decisions' column above.
      for (const d of c.decisions) yield `    ${d.decision.padEnd(23)} ${String(d.count).padStart(7)}  ${d.meaning}\n`;
    }
  }
  if (plan.steps.length) {
    yield "\nSteps:\n";
    const after = dependencyPositions(plan.steps);
    const padded = new Map<string, string>();
    const actionColumn = (action: string) => {
      let text = padded.get(action);
      if (text === undefined) padded.set(action, (text = action.padEnd(22)));
      return text;
    };
    const records = stepRecords(plan.steps);
    for (const [sub, indices] of groups.bySubscription) {
      yield `  subscription ${sub}:\n`;
      // A chunk of lines a piece: a million steps are not a million pieces.
      let lines = "";
      for (const i of indices) {
        const s = plan.steps[i]!;
        // A compact step's action and label from its record, not through the step's reads.
        const record = records[i];
        const label = record ? `${actionColumn(record.shape.action)} ${compactStepLabel(record, catalog)}` : `${actionColumn(s.action)} ${stepLabel(s, catalog)}`;
        lines += `  ${String(i + 1).padStart(4)}. ${label}${after(i)}\n`;
        if (lines.length >= CHUNK) {
          yield lines;
          lines = "";
        }
      }
      if (lines) yield lines;
    }
  }
  if (options.afterSteps) yield* options.afterSteps;
  // Right before applying, the machines its steps change; the others are what `plan` shows.
  const changed = options.for === "apply" ? changes : undefined;
  if (plan.machines.length && (!changed || changed.listed)) {
    yield changed ? "\nMachines these steps change:\n" : "\nMachine details:\n";
    const shown = new Map<string, RenderedPlan["machines"][number][]>();
    const totals = new Map<string, number>();
    for (const [i, m] of plan.machines.entries()) {
      if (changed && !changed.of[i]) continue;
      totals.set(m.decision, (totals.get(m.decision) ?? 0) + 1);
      let list = shown.get(m.decision);
      if (!list) shown.set(m.decision, (list = []));
      if (list.length < MACHINES_PER_DECISION) list.push(m);
    }
    for (const d of catalog.decisions) {
      const ms = shown.get(d);
      if (!ms) continue;
      yield `  ${d}:\n`;
      for (const m of ms) yield `    ${shortName(m.id)}: ${m.reason}\n`;
      const total = totals.get(d) ?? ms.length;
      if (total > ms.length) yield `    ... and ${total - ms.length} more (--format json lists every machine)\n`;
    }
  }
  if (changed && plan.machines.length > changed.listed) yield `  (${plan.machines.length - changed.listed} machine(s) without a step are not listed: \`plan\` shows them)\n`;
  if (!plan.steps.length) yield empty ? "\nNo changes: the scope holds nothing to compare (see the warning above).\n" : "\nNo changes. The fleet matches the spec.\n";
  else if (options.for !== "apply") yield "\nRun `asc-autoprovision apply` to make these changes.\n";
}

/**
 * Each step's "  (after 4, 5)" (or ""), found in plan order before the steps are grouped by
 * subscription, and kept as numbers (two typed arrays, not a string per step) until written.
 */
function dependencyPositions(steps: RenderedPlan["steps"]): (step: number) => string {
  const records = stepRecords(steps);
  const starts = new Int32Array(steps.length + 1);
  let count = 0;
  for (let i = 0; i < steps.length; i++) {
    starts[i] = count;
    count += (records[i] ?? steps[i]!).dependsOn.length;
  }
  starts[steps.length] = count;
  // 0 for an id that names no step (written as nothing, as before).
  const positions = new Int32Array(count);
  const finder = new DependencyPositions(steps);
  for (let i = 0; i < steps.length; i++) {
    finder.advance(i > 0 ? records[i - 1] : undefined);
    // A compact step's dependsOn from its record, not through the step's read.
    const deps = (records[i] ?? steps[i]!).dependsOn;
    for (let k = 0; k < deps.length; k++) positions[starts[i]! + k] = finder.positionOf(deps[k]!) ?? 0;
  }
  return (i) => {
    const from = starts[i]!;
    const to = starts[i + 1]!;
    if (from === to) return "";
    let text = "  (after ";
    for (let k = from; k < to; k++) text += (k > from ? ", " : "") + (positions[k] ? String(positions[k]) : "");
    return text + ")";
  };
}

/**
 * Findings shown per code before the rest are counted: a finding per machine (an Operations
 * Manager 2012 agent, a scale set's model) made one line per machine, 50 lines at 2,400 machines
 * and tens of thousands at a million (user trial 16). The plan file keeps every one.
 */
const TEXT_FINDINGS_PER_CODE = 10;

/** The findings in plan order, at most TEXT_FINDINGS_PER_CODE of a code, then a count of the rest per code. */
function* findingLines(findings: readonly RenderedFinding[]): Generator<string> {
  const shown = new Map<string, number>();
  const more = new Map<string, number>();
  for (const f of findings) {
    const n = shown.get(f.code) ?? 0;
    if (n >= TEXT_FINDINGS_PER_CODE) {
      more.set(f.code, (more.get(f.code) ?? 0) + 1);
      continue;
    }
    shown.set(f.code, n + 1);
    yield `  ${f.severity.padEnd(7)} ${f.code} (${findingTargetLabel(f.target)}): ${f.message}\n`;
  }
  for (const [code, n] of more) yield `  … and ${n} more ${code} finding(s): every one is in the plan file (--out, --format json)\n`;
}

