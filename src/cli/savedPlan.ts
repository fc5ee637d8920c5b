/**
 * Saved plans: `plan --out plan.json` (or `plan --format json > plan.json`) writes the plan with its
 * basis (src/core/basis.ts); `apply --plan plan.json` reads it back here, checks it, and after the
 * live state was read, says whether the plan still holds.
 */
import { readFileSync } from "node:fs";
import { ACTIONS, basisChanges, specDigest, type BasisChange, type Plan, type PlanBasis } from "../core";
import type { Inventory } from "../inventory";
import { parseSpec, type Spec } from "../spec";
import { CliError } from "./errors";

export interface SavedPlan {
  readonly plan: Plan;
  readonly basis: PlanBasis;
  readonly spec: Spec;
}

export function loadSavedPlan(path: string): SavedPlan {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new CliError(`--plan ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CliError(`--plan ${path}: not JSON (${(err as Error).message}); give the file \`plan --out\` or \`plan --format json\` wrote`);
  }
  const d = doc as Partial<Plan & { basis: PlanBasis }> | null;
  if (!d || typeof d !== "object" || d.version !== 1 || !Array.isArray(d.steps)) throw new CliError(`--plan ${path}: not a plan (version 1 with steps[])`);
  if (!d.basis || d.basis.version !== 1 || typeof d.basis.resources !== "object" || !d.basis.spec) {
    throw new CliError(`--plan ${path}: has no basis (the state it was planned from): make it again with \`plan --out\``);
  }
  const actions = new Set<string>(ACTIONS);
  d.steps.forEach((s, i) => {
    const bad = !s || typeof s.id !== "string" || typeof s.target !== "string" || !Array.isArray(s.dependsOn) || typeof s.details !== "object";
    if (bad) throw new CliError(`--plan ${path}: steps[${i}] is not a step (id, action, target, dependsOn, details)`);
    if (!actions.has(s.action)) throw new CliError(`--plan ${path}: steps[${i}].action "${String(s.action)}" is not one of ${[...actions].join(", ")}`);
  });
  const spec = parseSpec(d.basis.spec);
  if (specDigest(spec) !== d.basis.specDigest) throw new CliError(`--plan ${path}: its spec does not match its digest (the file was edited): make it again with \`plan --out\``);
  return { plan: d as Plan, basis: d.basis, spec };
}

/** Refuses a spec given beside --plan that is not the one the plan was made with. */
export function checkSameSpec(saved: SavedPlan, spec: Spec, specPath: string): void {
  if (specDigest(spec) !== saved.basis.specDigest) {
    throw new CliError(`--spec ${specPath} is not the spec the plan was made with: plan again, or apply the plan without --spec`);
  }
}

/** The stale parts of a saved plan against the live inventory, described for a person. */
export function describeStaleness(saved: SavedPlan, live: Inventory, fresh: Plan): { changes: BasisChange[]; text: string } {
  const changes = basisChanges(saved.basis, live);
  if (!changes.length) return { changes, text: "" };
  const decisionOf = new Map(fresh.machines.map((m) => [m.id.toLowerCase(), m] as const));
  const lines = changes.slice(0, 20).map((c) => {
    const m = decisionOf.get(c.id);
    return `  ${c.id}: ${c.change}${m ? `; the plan now decides ${m.decision}: ${m.reason}` : ""}`;
  });
  if (changes.length > lines.length) lines.push(`  ... and ${changes.length - lines.length} more`);
  const steps = saved.plan.steps.length;
  return {
    changes,
    text: `The plan is stale: ${changes.length} part(s) of the state its ${steps} step(s) depend on changed since it was made (${saved.basis.inventoryGeneratedAt || "unknown time"}):\n${lines.join("\n")}\nNothing was applied. Plan again and review the new plan.\n`,
  };
}
