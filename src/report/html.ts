/**
 * The coverage report as one self-contained HTML page: inline CSS, an inline SVG chart, no script,
 * no external asset (a Content-Security-Policy meta tag forbids loading any). Every figure is in
 * the DOM with a stable id or data attribute, so a test (or a person's scraper) reads the same
 * numbers `report --format json` gives:
 *
 *   #total[data-machines][data-covered][data-percent], #total-percent, #total-covered, ...
 *   #by-subscription tr[data-subscription], #by-geography tr[data-geography],
 *   #by-decision tr[data-decision][data-covered][data-gap], #coverage-over-time tr[data-generated-at],
 *   #drift-N[data-changed], tr[data-machine][data-from-decision][data-to-decision]
 *
 * Output depends on the report only (no clock), so the same inputs give the same page.
 */
import { COVERED_MEANING, type Coverage } from "./coverage";
import { AGENT_HEADLINE, NO_HEADLINE_WHY } from "./headline";
import type { DecisionCount, Drift, Report, Snapshot } from "./model";

/** Rows of a machine list shown before the rest is left to --format json. */
const MAX_CHANGE_ROWS = 1000;
/** Lists longer than this start collapsed. */
const OPEN_ROWS = 20;

export function renderReportHtml(report: Report): string {
  const latest = report.latest;
  const subs = latest.bySubscription.length;
  const title = "asc-autoprovision coverage report";
  const body = [
    `<main id="report" data-report-version="${report.version}" data-inventories="${report.snapshots.length}">`,
    "<header>",
    `<h1>${latest.headline?.of === AGENT_HEADLINE ? "Security Center agent coverage" : "Defender coverage"}</h1>`,
    `<p class="lede">Inventory <strong id="latest-label">${esc(latest.label)}</strong>${latest.generatedAt ? `, generated <time id="latest-generated-at" datetime="${attr(latest.generatedAt)}">${esc(latest.generatedAt)}</time>` : ""}: ` +
      `${latest.total.machines} machine(s) in ${subs} subscription(s)` +
      (report.snapshots.length > 1 ? `; drift over ${report.snapshots.length} inventories below.` : ".") +
      "</p>",
    headlineRule(report),
    "</header>",
    summarySection(latest),
    subscriptionSection(latest),
    componentSection(latest),
    latest.headline ? geographySection(latest) : "",
    decisionSection(latest),
    report.drift.length ? driftSection(report) : "",
    `<footer><p>Made by <code>asc-autoprovision report</code> from the inventories and the spec; <code>--format json</code> gives the same figures.</p></footer>`,
    "</main>",
  ];
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="asc-autoprovision report v${report.version}">`,
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    ...body.filter(Boolean),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/**
 * What the headline figures count (#headline[data-of]: `agent`, a component's name, or empty for
 * none) and the rule that counts a machine covered (#covered-rule[data-decisions]).
 */
function headlineRule(report: Report): string {
  const h = report.latest.headline;
  if (!h) return `<p class="rule" id="headline" data-of="">No headline coverage: ${esc(NO_HEADLINE_WHY)}. Each component's figures are below.</p>`;
  const decisions = (list: readonly string[]) => list.map((d) => `<code>${esc(d)}</code>`).join(", ");
  const rule =
    h.of === AGENT_HEADLINE
      ? `A machine is <em>covered</em> when ${esc(COVERED_MEANING)}, on the actual state before any change: decisions ${decisions(report.coveredDecisions)}.`
      : `The spec provisions no agent: the headline is the ${esc(h.title)}'s coverage. A machine is <em>covered</em> when its ${esc(h.title)} decision is ${decisions(h.coveredDecisions)}, on the actual state before any change.`;
  return [
    `<p class="rule" id="headline" data-of="${attr(h.of)}">Headline: <strong>${esc(h.title)}</strong> coverage.</p>`,
    `<p class="rule" id="covered-rule" data-decisions="${attr(h.coveredDecisions.join(" "))}">${rule}</p>`,
  ].join("\n");
}

function summarySection(s: Snapshot): string {
  const t = s.total;
  const card = (id: string, value: string, label: string, cls = "") => `<div class="card${cls ? ` ${cls}` : ""}"><div class="value" id="${id}">${value}</div><div class="label">${label}</div></div>`;
  return [
    `<section id="summary" aria-labelledby="summary-h">`,
    `<h2 id="summary-h">Summary</h2>`,
    // Without a headline there is no figure to lead with: the components' section has them.
    ...(s.headline
      ? [
          `<div id="total" data-headline="${attr(s.headline.of)}" ${coverageAttrs(t)}>`,
          card("total-percent", pct(t.percent), s.headline.of === AGENT_HEADLINE ? "covered" : `covered: ${esc(s.headline.title)}`, "big"),
          card("total-covered", String(t.covered), "machines covered"),
          card("total-uncovered", String(t.machines - t.covered), "not covered"),
          card("total-machines", String(t.machines), "machines in scope"),
          "</div>",
          bar(t, "wide"),
        ]
      : []),
    `<div id="plan" data-steps="${s.plan.steps}" data-machines-to-change="${s.plan.machinesToChange}" data-errors="${s.plan.findings.error}" data-warnings="${s.plan.findings.warning}" data-infos="${s.plan.findings.info}">`,
    card("plan-machines-to-change", String(s.plan.machinesToChange), "machines the plan changes"),
    card("plan-steps", String(s.plan.steps), "steps"),
    card("findings-error", String(s.plan.findings.error), "errors", s.plan.findings.error ? "bad" : ""),
    card("findings-warning", String(s.plan.findings.warning), "warnings"),
    "</div>",
    "</section>",
  ].join("\n");
}

function subscriptionSection(s: Snapshot): string {
  // One column per component the plan decides and per Defender plan the spec manages, after the agent's coverage.
  const extra = [...s.components.map((c) => `${c.title}${c.target === "cluster" ? " (clusters)" : ""}`), ...s.plans.map((p) => `Plan ${p}`)];
  const rows = s.bySubscription.map(
    (r) =>
      `<tr data-subscription="${attr(r.subscription)}" ${coverageAttrs(r)}><th scope="row">${r.displayName ? `${esc(r.displayName)}<br>` : ""}<code>${esc(r.subscription)}</code></th>${coverageCells(r)}` +
      s.components.map((c) => componentCell(c.name, r.components[c.name]!)).join("") +
      s.plans.map((p) => `<td data-plan="${attr(p)}">${esc(r.plans[p] ?? "not read")}</td>`).join("") +
      "</tr>",
  );
  return table("by-subscription", s.headline ? `Coverage by subscription (${s.headline.title})` : "Components by subscription (no headline coverage)", ["Subscription"], rows, extra);
}

/** "12/15 (80%)" of one component, "—" where it applies to nothing. */
function componentCell(name: string, c: Coverage): string {
  return `<td class="num" data-component="${attr(name)}" ${coverageAttrs(c)}>${c.machines ? `${c.covered}/${c.machines} (${pct(c.percent)})` : "—"}</td>`;
}

function componentSection(s: Snapshot): string {
  if (!s.components.length) return "";
  const rows = s.components.map(
    (c) => `<tr data-component="${attr(c.name)}" data-target="${c.target}" ${coverageAttrs(c.total)}><th scope="row">${esc(c.title)}<br><span class="muted">${c.target === "cluster" ? "clusters" : "machines"}</span></th>${coverageCells(c.total)}</tr>`,
  );
  return table("by-component", "Coverage by component", ["Component"], rows);
}

function geographySection(s: Snapshot): string {
  const rows = s.byGeography.map(
    (r) =>
      `<tr data-geography="${attr(r.geography)}" data-code="${attr(r.code)}" ${coverageAttrs(r)}><th scope="row">${esc(r.displayName)} <span class="muted">(${esc(r.code)})</span><br><span class="regions">${r.regions.map(esc).join(", ")}</span></th>${coverageCells(r)}</tr>`,
  );
  return table("by-geography", `Coverage by geography (${s.headline?.title ?? ""})`, ["Geography (default-workspace code), regions"], rows);
}

function decisionSection(s: Snapshot): string {
  const decisions: readonly DecisionCount[] = s.byDecision;
  const total = decisions.reduce((n, d) => n + d.machines, 0);
  const rows = decisions.map(
    (d) =>
      `<tr data-decision="${attr(d.decision)}" data-covered="${d.covered}"${d.gap ? ` data-gap="${attr(d.gap)}"` : ""} data-machines="${d.machines}" class="${d.covered ? "ok" : "no"}"><th scope="row"><code>${esc(d.decision)}</code></th><td class="num" data-field="machines">${d.machines}</td><td>${d.covered ? '<span class="tag ok">covered</span>' : '<span class="tag no">not covered</span>'}</td><td>${esc(d.meaning)}</td><td class="barcell">${bar({ machines: total, covered: d.machines, percent: total ? (100 * d.machines) / total : null }, d.covered ? "share" : "share grey")}</td></tr>`,
  );
  return [
    `<section id="by-decision" aria-labelledby="by-decision-h">`,
    // Decisions and their "covered" are the agent's: without one, every machine is out-of-scope there.
    `<h2 id="by-decision-h">${s.headline?.of === AGENT_HEADLINE ? "Machines by decision" : "Machines by agent decision (the spec provisions no agent)"}</h2>`,
    "<table>",
    "<thead><tr><th>Decision</th><th class=\"num\">Machines</th><th>Coverage</th><th>Meaning</th><th>Share</th></tr></thead>",
    `<tbody>${rows.join("\n")}</tbody>`,
    "</table>",
    "</section>",
  ].join("\n");
}

function driftSection(report: Report): string {
  const snaps = report.snapshots;
  const rows = snaps.map(
    (s, i) =>
      `<tr data-snapshot="${i}" data-label="${attr(s.label)}" data-generated-at="${attr(s.generatedAt ?? "")}" ${coverageAttrs(s.total)}><th scope="row">${esc(s.generatedAt ?? "")}<br><span class="muted">${esc(s.label)}</span></th>${coverageCells(s.total)}</tr>`,
  );
  return [
    `<section id="drift" aria-labelledby="drift-h" data-inventories="${snaps.length}">`,
    `<h2 id="drift-h">Drift over time</h2>`,
    // Without a headline there is no share to chart: only the decisions' changes.
    report.latest.headline ? chart(snaps) : "",
    `<table id="coverage-over-time">`,
    `<thead><tr><th>Inventory</th><th class="num">Covered</th><th class="num">Machines</th><th class="num">Coverage</th><th>Share</th></tr></thead>`,
    `<tbody>${rows.join("\n")}</tbody>`,
    "</table>",
    ...report.drift.map((d, i) => driftStep(d, i + 1, report.latest.headline !== null)),
    "</section>",
  ].join("\n");
}

function driftStep(d: Drift, n: number, headline: boolean): string {
  const delta = (x: number) => (x > 0 ? `+${x}` : String(x));
  const head = `<h3>${esc(d.fromGeneratedAt ?? d.from)} → ${esc(d.toGeneratedAt ?? d.to)}</h3>`;
  const covered = headline
    ? `; covered <span class="figure" data-field="covered-change">${delta(d.coveredChange)}</span>${d.percentChange === null ? "" : ` (<span data-field="percent-change">${delta(d.percentChange)}</span> points)`}`
    : "";
  const sum = `<p><span class="figure" data-field="changed">${d.changed}</span> machine(s) changed decision${covered}.</p>`;
  const label = (x: string | null) => (x === null ? '<span class="muted">(absent)</span>' : `<code>${esc(x)}</code>`);
  const transitions = d.transitions.length
    ? [
        `<table class="transitions">`,
        `<thead><tr><th>From</th><th>To</th><th class="num">Machines</th></tr></thead>`,
        "<tbody>",
        ...d.transitions.map((t) => `<tr data-from-decision="${attr(t.from ?? "")}" data-to-decision="${attr(t.to ?? "")}" data-machines="${t.machines}"><td>${label(t.from)}</td><td>${label(t.to)}</td><td class="num">${t.machines}</td></tr>`),
        "</tbody>",
        "</table>",
      ].join("\n")
    : "";
  const shown = d.machines.slice(0, MAX_CHANGE_ROWS);
  const machines = d.machines.length
    ? [
        `<details${d.machines.length <= OPEN_ROWS ? " open" : ""}><summary>Machines that changed (${d.machines.length})</summary>`,
        `<table class="changes">`,
        `<thead><tr><th>Machine</th><th>Subscription</th><th>From</th><th>To</th></tr></thead>`,
        "<tbody>",
        ...shown.map((c) => `<tr data-machine="${attr(c.machine)}" data-from-decision="${attr(c.from ?? "")}" data-to-decision="${attr(c.to ?? "")}"><td>${esc(c.name)}</td><td><code>${esc(c.subscription)}</code></td><td>${label(c.from)}</td><td>${label(c.to)}</td></tr>`),
        "</tbody>",
        "</table>",
        d.machines.length > shown.length ? `<p class="muted">… and ${d.machines.length - shown.length} more: see <code>report --format json</code>.</p>` : "",
        "</details>",
      ].join("\n")
    : "";
  return [
    `<section class="drift-step" id="drift-${n}" data-from="${attr(d.from)}" data-to="${attr(d.to)}" data-from-generated-at="${attr(d.fromGeneratedAt ?? "")}" data-to-generated-at="${attr(d.toGeneratedAt ?? "")}" data-changed="${d.changed}" data-covered-change="${d.coveredChange}" data-percent-change="${d.percentChange ?? ""}">`,
    head,
    sum,
    transitions,
    machines,
    "</section>",
  ].join("\n");
}

/** Coverage per inventory as an inline SVG line chart (no script, no font file). */
function chart(snaps: readonly Snapshot[]): string {
  const w = 1000;
  const h = 220;
  const left = 44;
  const right = 24;
  const top = 15;
  const bottom = 30;
  const x = (i: number) => left + (snaps.length === 1 ? 0 : (i * (w - left - right)) / (snaps.length - 1));
  const y = (p: number) => top + ((100 - p) * (h - top - bottom)) / 100;
  const points = snaps.map((s, i) => ({ s, i, p: s.total.percent ?? 0 }));
  const grid = [0, 50, 100].map((p) => `<line x1="${left}" x2="${w - right}" y1="${y(p)}" y2="${y(p)}" class="grid"/><text x="${left - 6}" y="${y(p) + 4}" text-anchor="end">${p}%</text>`);
  const line = `<polyline class="line" points="${points.map((q) => `${fix(x(q.i))},${fix(y(q.p))}`).join(" ")}"/>`;
  const dots = points.map(
    (q) => `<circle cx="${fix(x(q.i))}" cy="${fix(y(q.p))}" r="4" data-snapshot="${q.i}" data-percent="${q.s.total.percent ?? ""}"><title>${esc(q.s.generatedAt ?? q.s.label)}: ${pct(q.s.total.percent)}</title></circle>`,
  );
  const anchor = (i: number) => (snaps.length > 1 && i === 0 ? "start" : i === snaps.length - 1 ? "end" : "middle");
  const labels = points.map((q) => `<text x="${fix(x(q.i))}" y="${h - 10}" text-anchor="${anchor(q.i)}">${esc(shortDate(q.s.generatedAt ?? q.s.label))}</text>`);
  return `<svg id="coverage-chart" role="img" aria-label="Coverage per inventory" viewBox="0 0 ${w} ${h}" width="100%" xmlns="http://www.w3.org/2000/svg">${[...grid, line, ...dots, ...labels].join("")}</svg>`;
}

function table(id: string, heading: string, first: string[], rows: string[], extra: string[] = []): string {
  return [
    `<section id="${id}" aria-labelledby="${id}-h">`,
    `<h2 id="${id}-h">${esc(heading)}</h2>`,
    "<table>",
    `<thead><tr>${first.map((f) => `<th>${esc(f)}</th>`).join("")}<th class="num">Covered</th><th class="num">Machines</th><th class="num">Coverage</th><th>Share</th>${extra.map((f) => `<th>${esc(f)}</th>`).join("")}</tr></thead>`,
    `<tbody>${rows.join("\n")}</tbody>`,
    "</table>",
    "</section>",
  ].join("\n");
}

function coverageAttrs(c: Coverage): string {
  return `data-machines="${c.machines}" data-covered="${c.covered}" data-percent="${c.percent ?? ""}"`;
}

function coverageCells(c: Coverage): string {
  return `<td class="num" data-field="covered">${c.covered}</td><td class="num" data-field="machines">${c.machines}</td><td class="num" data-field="percent">${pct(c.percent)}</td><td class="barcell">${bar(c)}</td>`;
}

function bar(c: Coverage, cls = ""): string {
  const width = c.percent === null ? 0 : Math.max(0, Math.min(100, c.percent));
  return `<div class="bar${cls ? ` ${cls}` : ""}" aria-hidden="true"><span style="width:${fix(width)}%"></span></div>`;
}

function pct(p: number | null): string {
  return p === null ? "—" : `${p}%`;
}

function fix(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function shortDate(s: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(s);
  if (!m) return s.length > 16 ? `${s.slice(0, 15)}…` : s;
  return m[2] && m[2] !== "00:00" ? `${m[1]} ${m[2]}` : m[1]!;
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function attr(text: string): string {
  return esc(text).replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const CSS = `
:root{--ok:#2e7d32;--no:#c62828;--grey:#9e9e9e;--ink:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 8px}
h2{font-size:18px;margin:32px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:20px 0 6px}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--bg);padding:1px 4px;border-radius:4px}
.lede{font-size:15px;margin:0 0 4px}
.rule,.muted,.regions{color:var(--muted)}
.regions{font-size:12px;font-weight:normal}
#total,#plan{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:130px;background:var(--bg)}
.card .value{font-size:22px;font-weight:600}
.card.big .value{font-size:32px;color:var(--ok)}
.card.bad .value{color:var(--no)}
.card .label{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{font-size:12px;color:var(--muted);font-weight:600;background:var(--bg)}
tbody th{font-weight:500}
.num{text-align:right;font-variant-numeric:tabular-nums}
.barcell{width:28%;vertical-align:middle}
.bar{height:10px;border-radius:5px;background:#fde0e0;overflow:hidden;min-width:80px}
.bar span{display:block;height:100%;background:var(--ok)}
.bar.share{background:var(--bg)}
.bar.grey span{background:var(--grey)}
.bar.wide{height:14px;border-radius:7px;margin:4px 0 12px}
.tag{font-size:11px;padding:1px 6px;border-radius:10px;white-space:nowrap}
.tag.ok{background:#dafbe1;color:var(--ok)}
.tag.no{background:#ffebe9;color:var(--no)}
tr.no th code{color:var(--no)}
details{margin:8px 0}
summary{cursor:pointer;color:var(--muted)}
svg{display:block;width:100%;height:auto;font-size:12px;fill:var(--muted);margin:8px 0}
svg .grid{stroke:var(--line);stroke-width:1}
svg .line{fill:none;stroke:var(--ok);stroke-width:2}
svg circle{fill:var(--ok)}
.figure{font-weight:600}
footer{margin-top:32px;color:var(--muted);font-size:12px}
@media print{main{max-width:none}details{display:block}}
`.trim();
