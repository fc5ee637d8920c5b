/**
 * The plan as a pull-request comment: headline, findings first when there are errors, a table
 * by decision, steps grouped by subscription, long lists collapsed in <details>. Only names and
 * ids appear (steps never hold a secret). Ordering comes from the plan, so it is stable.
 */
import { REGISTRY, type Catalog } from "../catalog";
import { changedMachines, shortName, stepLabel, stepsBySubscription, subscriptionsOf, type RenderedPlan } from "./facts";

/** Rows shown before a list is collapsed. */
const OPEN_ROWS = 10;
const MAX_MACHINE_ROWS = 500;

/** Marker so a CI job can find and update its own comment. */
export const MARKDOWN_MARKER = "<!-- asc-autoprovision-plan -->";

export function renderMarkdown(plan: RenderedPlan, catalog: Catalog = REGISTRY): string {
  const out: string[] = [MARKDOWN_MARKER];
  const changing = changedMachines(plan, catalog).size;
  const subs = subscriptionsOf(plan).length;
  out.push(
    `### asc-autoprovision plan: ${changing} machine${changing === 1 ? "" : "s"} to change across ${subs} subscription${subs === 1 ? "" : "s"}`,
    "",
    `${plan.summary.machines} machine(s) in scope, ${plan.steps.length} step(s), ` +
      `${plan.summary.findings.error ?? 0} error(s), ${plan.summary.findings.warning ?? 0} warning(s).`,
    "",
  );
  const errors = plan.findings.some((f) => f.severity === "error");
  if (errors) out.push(...findingsSection(plan.findings));
  out.push("| Decision | Machines | Meaning |", "|---|---:|---|");
  for (const d of catalog.decisions) {
    const n = plan.summary.decisions[d];
    if (n) out.push(`| \`${d}\` | ${n} | ${catalog.meaning(d)} |`);
  }
  out.push("");
  if (plan.steps.length) {
    out.push("#### Steps by subscription", "");
    for (const [sub, steps] of stepsBySubscription(plan)) {
      const counts = new Map<string, number>();
      for (const s of steps) counts.set(s.action, (counts.get(s.action) ?? 0) + 1);
      const summary = [...counts].map(([a, n]) => `${n} ${a}`).join(", ");
      out.push(`<details${steps.length <= OPEN_ROWS ? " open" : ""}><summary><code>${sub}</code>: ${summary}</summary>`, "");
      out.push("| # | Action | Target |", "|---:|---|---|");
      steps.forEach((s, i) => out.push(`| ${i + 1} | \`${s.action}\` | ${escape(stepLabel(s, catalog))} |`));
      out.push("", "</details>", "");
    }
  } else {
    out.push("**No changes.** The fleet matches the spec.", "");
  }
  if (!errors && plan.findings.length) out.push(...findingsSection(plan.findings));
  if (plan.machines.length) {
    const rows = plan.machines.slice(0, MAX_MACHINE_ROWS);
    out.push(`<details><summary>Machines (${plan.machines.length})</summary>`, "", "| Machine | Decision | Workspace | Reason |", "|---|---|---|---|");
    for (const m of rows) {
      out.push(`| ${escape(shortName(m.id))} | \`${m.decision}\` | ${m.workspace ? escape(shortName(m.workspace)) : "—"} | ${escape(m.reason)} |`);
    }
    if (plan.machines.length > rows.length) out.push("", `… and ${plan.machines.length - rows.length} more: see \`plan --format json\`.`);
    out.push("", "</details>", "");
  }
  return out.join("\n");
}

function findingsSection(findings: RenderedPlan["findings"]): string[] {
  const icon = { error: "❌", warning: "⚠️", info: "ℹ️" } as const;
  const lines = findings.map((f) => `- ${icon[f.severity]} **${f.severity}** \`${f.code}\` (${escape(shortName(f.target))}): ${escape(f.message)}`);
  const head = ["#### Findings", ""];
  if (lines.length <= OPEN_ROWS) return [...head, ...lines, ""];
  return [...head, ...lines.slice(0, OPEN_ROWS), "", `<details><summary>${lines.length - OPEN_ROWS} more</summary>`, "", ...lines.slice(OPEN_ROWS), "", "</details>", ""];
}

function escape(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
