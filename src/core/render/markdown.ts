/**
 * The plan as a pull-request comment, within a character budget (GitHub refuses a comment over
 * 65,536 characters), whatever the fleet: headline and links to the full plan, findings grouped
 * by code (errors first when there are any), machines by decision, each component's machines
 * (or clusters) by decision, by subscription, steps by component, then the steps (biggest subscriptions first, steps on no machine before the many
 * per-machine ones) and a sample of machines, each list cut where the budget ends with a line
 * saying what it left out. Small plans show everything. Only names and ids appear (steps never
 * hold a secret). Ordering comes from the plan, so it is stable.
 */
import { REGISTRY, type Catalog } from "../catalog";
import { Budget } from "./budget";
import { componentCounts, targetsWord } from "./components";
import { findingTargetLabel, shortName, stepLabel, type RenderedFinding, type RenderedMachine, type RenderedPlan } from "./facts";
import { emptyScopeFinding, scopeLine } from "./scope";
import { tallySteps, type StepTally as Facts } from "./tally";
import type { ScopeSummary } from "../kernel";

/** Marker so a CI job can find and update its own comment. */
export const MARKDOWN_MARKER = "<!-- asc-autoprovision-plan -->";
/** GitHub's limit for an issue or pull-request comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Rows shown before a list is collapsed. */
const OPEN_ROWS = 10;
const MAX_MACHINE_ROWS = 500;
/** A subscription's steps listed in plan order up to this many; beyond, the steps on no machine first. */
const PLAN_ORDER_ROWS = 100;
/** Examples named for a finding code that many targets share. */
const FINDING_EXAMPLES = 3;

export interface MarkdownOptions {
  readonly catalog?: Catalog;
  /** Characters at most (default GITHUB_COMMENT_LIMIT). */
  readonly maxChars?: number;
  /** Where the full plan is (a CI artifact's URL): linked at the top. */
  readonly planUrl?: string;
  /** Where the coverage report is: linked beside the plan. */
  readonly reportUrl?: string;
  /** The spec's scope, in a line under the counts (management groups, exclusions). */
  readonly scope?: ScopeSummary | undefined;
  /** Lines right after the steps (the CLI's delegation of installs to policy: what else runs). */
  readonly markdownAfterSteps?: readonly string[];
}

/** The least budget that holds the headline, the counts and the truncation note. */
export const MIN_MARKDOWN_CHARS = 1024;

export function renderMarkdown(plan: RenderedPlan, catalog?: Catalog, options: Omit<MarkdownOptions, "catalog"> = {}): string {
  return markdownOf(plan, { ...options, catalog });
}

export function* markdownPieces(plan: RenderedPlan, options: MarkdownOptions = {}): Generator<string> {
  yield markdownOf(plan, options);
}

function markdownOf(plan: RenderedPlan, options: MarkdownOptions): string {
  const catalog = options.catalog ?? REGISTRY;
  const max = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  if (!Number.isInteger(max) || max < MIN_MARKDOWN_CHARS) throw new RangeError(`maxChars must be a whole number >= ${MIN_MARKDOWN_CHARS} (got ${max})`);
  const facts = tallySteps(plan, catalog);
  const out = new Budget(max);
  // Kept aside from the start: the closing note when anything was left out.
  const closing = closingNote(options, max);
  const reserve = closing.length + 2;
  let cut = false;

  const empty = emptyScopeFinding(plan.findings);
  out.pushAll(
    [
      MARKDOWN_MARKER,
      // A plan of nothing says so first (the warning is short: it names the groups).
      ...(empty ? [`> **Warning:** ${escape(empty.message)}`, ""] : []),
      `### asc-autoprovision plan: ${facts.changing} machine${facts.changing === 1 ? "" : "s"} to change across ${facts.headlineSubscriptions} subscription${facts.headlineSubscriptions === 1 ? "" : "s"}`,
      "",
      `${plan.summary.machines} machine(s) in scope, ${plan.steps.length} step(s), ` +
        `${plan.summary.findings.error ?? 0} error(s), ${plan.summary.findings.warning ?? 0} warning(s).`,
      "",
      ...links(options),
    ],
    reserve,
  );
  if (options.scope) out.pushAll([`**Scope:** ${escape(scopeLine(options.scope))}`, ""], reserve);

  const errors = (plan.summary.findings.error ?? 0) > 0;
  if (errors) cut = findingsSection(out, plan.findings, reserve, max * 0.2) || cut;

  if (plan.machines.length) cut = decisionSection(out, plan, catalog, reserve) || cut;
  cut = componentDecisionSection(out, plan, catalog, reserve) || cut;

  if (facts.subscriptions.length > 1) cut = subscriptionSection(out, facts, reserve, max * 0.15) || cut;
  if (facts.components.length) cut = componentSection(out, facts, reserve) || cut;

  if (plan.steps.length) cut = stepsSection(out, plan, facts, catalog, reserve, max * 0.3) || cut;
  else out.pushAll([empty ? "**No changes:** the scope holds nothing to compare (see the warning above)." : "**No changes.** The fleet matches the spec.", ""], reserve);
  if (options.markdownAfterSteps?.length && !out.pushAll([...options.markdownAfterSteps, ""], reserve)) cut = true;

  if (!errors && plan.findings.length) cut = findingsSection(out, plan.findings, reserve, max * 0.2) || cut;

  if (plan.machines.length) cut = machinesSection(out, plan, catalog, reserve) || cut;

  if (cut) out.push(closing);
  return out.text();
}

function links(options: MarkdownOptions): string[] {
  const parts: string[] = [];
  if (options.planUrl) parts.push(`**Full plan:** [plan JSON](${options.planUrl})`);
  if (options.reportUrl) parts.push(`**Coverage report:** [HTML](${options.reportUrl})`);
  return parts.length ? [parts.join(" · "), ""] : [];
}

function closingNote(options: MarkdownOptions, max: number): string {
  const where = options.planUrl ? `the [full plan](${options.planUrl})` : "the full plan (`asc-autoprovision plan --format json`)";
  return `_Shortened to fit ${max.toLocaleString("en-US")} characters: every machine and step is in ${where}._`;
}

/** Counts in a cell, biggest first: "600000 install-extension, 3 assign-policy". */
function countsCell(counts: ReadonlyMap<string, number>): string {
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
}

/**
 * A table: its head only with room for the line saying how many rows were left out, so a table is
 * never shown empty, then its rows while they fit in `limit`. True when any row was left out.
 */
function table(out: Budget, head: readonly string[], rows: readonly string[], more: (left: number) => string, reserve: number, limit = out.left): boolean {
  if (!rows.length) return false;
  if (!out.pushAll(head, reserve + more(rows.length).length + 2)) return true;
  // A character kept for the blank line that ends the table: a line right under it would be read as a row.
  const written = out.rows(rows, rows.length, more, limit, reserve + 1);
  out.push("", reserve);
  return written < rows.length;
}

function decisionSection(out: Budget, plan: RenderedPlan, catalog: Catalog, reserve: number): boolean {
  const rows: string[] = [];
  for (const d of catalog.decisions) {
    const n = plan.summary.decisions[d];
    if (n) rows.push(`| \`${d}\` | ${n} | ${escape(catalog.meaning(d))} |`);
  }
  return table(out, ["| Decision | Machines | Meaning |", "|---|---:|---|"], rows, (n) => `| … and ${n} more decision(s) | | |`, reserve);
}

/** Per component (Defender for Endpoint, Guest Configuration, ...): its machines or clusters by decision, in the component's order. */
function componentDecisionSection(out: Budget, plan: RenderedPlan, catalog: Catalog, reserve: number): boolean {
  const rows = componentCounts(plan.summary, catalog).map(
    (c) => `| ${escape(c.title)} | ${c.total} ${targetsWord(c)} | ${c.decisions.map((d) => `${d.count} \`${d.decision}\``).join(", ")} |`,
  );
  const head = ["#### Components by decision", "", "| Component | Of | Decisions |", "|---|---:|---|"];
  return table(out, head, rows, (n) => `| … and ${n} more component(s) | | |`, reserve);
}

function subscriptionSection(out: Budget, facts: Facts, reserve: number, limit: number): boolean {
  const rows = facts.subscriptions.map((s) => `| \`${s.id}\` | ${s.machines} | ${s.changing} | ${s.steps} | ${countsCell(s.decisions)} |`);
  const head = ["#### By subscription", "", "| Subscription | Machines | To change | Steps | Decisions |", "|---|---:|---:|---:|---|"];
  return table(out, head, rows, (n) => `| … and ${n} more subscription(s) | | | | |`, reserve, limit);
}

function componentSection(out: Budget, facts: Facts, reserve: number): boolean {
  const rows = facts.components.map((c) => `| \`${c.id}\`: ${escape(c.title)} | ${c.steps} | ${c.machines} | ${countsCell(c.actions)} |`);
  const head = ["#### Steps by component", "", "| Component | Steps | Machines changed | Actions |", "|---|---:|---:|---|"];
  return table(out, head, rows, (n) => `| … and ${n} more component(s) | | | |`, reserve);
}

function stepsSection(out: Budget, plan: RenderedPlan, facts: Facts, catalog: Catalog, reserve: number, limit: number): boolean {
  const withSteps = facts.subscriptions.filter((s) => s.steps);
  // Kept aside until the end: the line counting the subscriptions whose steps did not fit.
  const moreSubs = (left: readonly typeof withSteps[number][]) =>
    `_… and ${left.length} more subscription(s) with ${left.reduce((n, s) => n + s.steps, 0)} step(s): see the full plan._`;
  const moreCost = moreSubs(withSteps).length + 2;
  if (!out.pushAll(["#### Steps by subscription", ""], reserve + moreCost)) return true;
  const stop = out.left - Math.min(limit, out.left);
  let cut = false;
  for (const [k, sub] of withSteps.entries()) {
    const head = [`<details${sub.steps <= OPEN_ROWS ? " open" : ""}><summary><code>${sub.id}</code>: ${countsCell(sub.actions)}</summary>`, "", "| # | Action | Target |", "|---:|---|---|"];
    const tail = ["", "</details>", ""];
    const tailCost = tail.reduce((n, l) => n + l.length + 1, 0);
    const moreSteps = (n: number) => `| | … | ${n} more step(s) in this subscription |`;
    // The head only with room for its "more steps" row too, so a table is never shown empty.
    if (out.left - stop < 400 || !out.pushAll(head, reserve + tailCost + moreCost + moreSteps(sub.steps).length + 1)) {
      out.pushAll([moreSubs(withSteps.slice(k)), ""], reserve);
      cut = true;
      break;
    }
    // A long list: steps on no machine (settings, workspaces, policies: each reaches many
    // machines) first, then the per-machine ones, each in plan order. A short one: plan order.
    const ordered = facts.stepIndices(sub.id, sub.steps > PLAN_ORDER_ROWS);
    const rows = (function* () {
      for (const i of ordered) yield `| ${i + 1} | \`${plan.steps[i]!.action}\` | ${escape(stepLabel(plan.steps[i]!, catalog))} |`;
    })();
    const share = Math.max(400, Math.floor((out.left - stop) / 2));
    const written = out.rows(rows, sub.steps, moreSteps, share, reserve + tailCost + moreCost);
    if (written < sub.steps) cut = true;
    out.pushAll(tail, reserve);
  }
  return cut;
}

function findingsSection(out: Budget, findings: readonly RenderedFinding[], reserve: number, limit: number): boolean {
  const icon = { error: "❌", warning: "⚠️", info: "ℹ️" } as const;
  // Grouped by severity and code, in the plan's order (errors first): one line per code, with a count and examples.
  const groups = new Map<string, RenderedFinding[]>();
  for (const f of findings) {
    const key = `${f.severity}\u0000${f.code}`;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(f);
  }
  const lines = [...groups.values()].map((fs) => {
    const f = fs[0]!;
    if (fs.length === 1) return `- ${icon[f.severity]} **${f.severity}** \`${f.code}\` (${escape(findingTargetLabel(f.target))}): ${escape(f.message)}`;
    const examples = fs.slice(0, FINDING_EXAMPLES).map((x) => escape(findingTargetLabel(x.target)));
    return `- ${icon[f.severity]} **${f.severity}** \`${f.code}\` × ${fs.length} (${examples.join(", ")}${fs.length > FINDING_EXAMPLES ? ", …" : ""}): ${escape(f.message)}`;
  });
  const more = (n: number) => `- … and ${n} more finding code(s)`;
  const moreCost = more(lines.length).length + 1;
  // The heading only with room for what follows it: a line, or the one saying how many were left out.
  if (!out.pushAll(["#### Findings", ""], reserve + moreCost)) return true;
  const stop = out.left - Math.min(limit, out.left);
  const close = ["", "</details>"];
  const closeCost = close.reduce((n, l) => n + l.length + 1, 0);
  let written = 0;
  let opened = false;
  for (const line of lines) {
    if (written === OPEN_ROWS) {
      if (!out.pushAll(["", `<details><summary>${lines.length - OPEN_ROWS} more</summary>`, ""], reserve + closeCost + moreCost)) break;
      opened = true;
    }
    const keep = reserve + moreCost + (opened ? closeCost : 0);
    // The first code is shown whenever the budget holds it, even past this section's share.
    if ((written > 0 && out.left - line.length - 1 < stop) || !out.push(line, keep)) break;
    written++;
  }
  if (written < lines.length) out.push(more(lines.length - written), reserve);
  if (opened) out.pushAll(close, reserve);
  out.push("", reserve);
  return written < lines.length;
}

function machinesSection(out: Budget, plan: RenderedPlan, catalog: Catalog, reserve: number): boolean {
  const tail = ["", "</details>", ""];
  const tailCost = tail.reduce((n, l) => n + l.length + 1, 0);
  if (!out.pushAll([`<details><summary>Machines (${plan.machines.length})</summary>`, "", "| Machine | Decision | Workspace | Reason |", "|---|---|---|---|"], reserve + tailCost + 200)) return true;
  const rows = (function* () {
    for (const m of machineSample(plan, catalog)) {
      yield `| ${escape(shortName(m.id))} | \`${m.decision}\` | ${m.workspace ? escape(shortName(m.workspace)) : "—"} | ${escape(m.reason)} |`;
    }
  })();
  const written = out.rows(rows, plan.machines.length, (n) => `| … and ${n} more: see the full plan | | | |`, out.left, reserve + tailCost);
  out.pushAll(tail, reserve);
  return written < plan.machines.length;
}

/**
 * The machines shown: all of them, in plan order, when they are few; otherwise examples of every
 * decision in turn (in the catalog's order), so a shortened list still shows each kind of change.
 */
function machineSample(plan: RenderedPlan, catalog: Catalog): RenderedMachine[] {
  if (plan.machines.length <= MAX_MACHINE_ROWS) return [...plan.machines];
  const byDecision = new Map<string, RenderedMachine[]>();
  for (const m of plan.machines) {
    let list = byDecision.get(m.decision);
    if (!list) byDecision.set(m.decision, (list = []));
    if (list.length < MAX_MACHINE_ROWS) list.push(m);
  }
  const lists = [...catalog.decisions, ...[...byDecision.keys()].filter((d) => !catalog.decisions.includes(d))].map((d) => byDecision.get(d) ?? []);
  const out: RenderedMachine[] = [];
  for (let i = 0; out.length < MAX_MACHINE_ROWS && lists.some((l) => i < l.length); i++) {
    for (const l of lists) if (i < l.length && out.length < MAX_MACHINE_ROWS) out.push(l[i]!);
  }
  return out;
}

function escape(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
