/** The plan for a person at a terminal. */
import { REGISTRY, type Catalog } from "../catalog";
import { changedMachines, shortName, stepLabel, stepsBySubscription, subscriptionsOf, type RenderedPlan } from "./facts";

/** Machines listed per decision before "... and N more". */
const MACHINES_PER_DECISION = 20;

export function renderText(plan: RenderedPlan, catalog: Catalog = REGISTRY): string {
  const lines: string[] = [];
  const changing = changedMachines(plan, catalog).size;
  const subs = subscriptionsOf(plan).length;
  lines.push(
    `Plan: ${plan.summary.machines} machine(s) in ${subs} subscription(s); ${changing} to change, ${plan.steps.length} step(s).`,
  );
  if (plan.findings.length) {
    lines.push("", "Findings:");
    for (const f of plan.findings) lines.push(`  ${f.severity.padEnd(7)} ${f.code} (${shortName(f.target)}): ${f.message}`);
  }
  if (plan.machines.length) {
    lines.push("", "Machines by decision:");
    for (const d of catalog.decisions) {
      const n = plan.summary.decisions[d];
      if (n) lines.push(`  ${d.padEnd(25)} ${String(n).padStart(7)}  ${catalog.meaning(d)}`);
    }
  }
  if (plan.steps.length) {
    lines.push("", "Steps:");
    const position = new Map(plan.steps.map((s, i) => [s.id, i + 1] as const));
    for (const [sub, steps] of stepsBySubscription(plan)) {
      lines.push(`  subscription ${sub}:`);
      for (const s of steps) {
        const after = s.dependsOn.length ? `  (after ${s.dependsOn.map((d) => position.get(d)).join(", ")})` : "";
        lines.push(`  ${String(position.get(s.id)).padStart(4)}. ${s.action.padEnd(22)} ${stepLabel(s, catalog)}${after}`);
      }
    }
  }
  if (plan.machines.length) {
    lines.push("", "Machine details:");
    for (const d of catalog.decisions) {
      const ms = plan.machines.filter((m) => m.decision === d);
      if (!ms.length) continue;
      lines.push(`  ${d}:`);
      for (const m of ms.slice(0, MACHINES_PER_DECISION)) lines.push(`    ${shortName(m.id)}: ${m.reason}`);
      if (ms.length > MACHINES_PER_DECISION) lines.push(`    ... and ${ms.length - MACHINES_PER_DECISION} more (--format json lists every machine)`);
    }
  }
  lines.push("", plan.steps.length ? "Run `asc-autoprovision apply` to make these changes." : "No changes. The fleet matches the spec.");
  return lines.join("\n") + "\n";
}
