/**
 * Saved plans: `plan --out plan.json` (or `plan --format json > plan.json`) writes the plan with its
 * basis (src/core/basis.ts); `apply --plan plan.json` reads it back here, checks it, and after the
 * live state was read, says whether the plan still holds.
 */
import { ACTIONS, specProblems, BASIS_VERSION, checkBasis, stepLabel, PlanFileChangedError, PlanFileError, readPlanFile, specDigest, type AnyPlanBasis, type BasisCheck, type Plan, type ReadPlan, type DelegationView } from "../core";
import type { Inventory } from "../inventory";
import { parseSpec, type Spec } from "../spec";
import { CliError } from "./errors";

export interface SavedPlan {
  readonly plan: Plan;
  readonly basis: AnyPlanBasis;
  readonly spec: Spec;
  /** The delegation `plan` showed (its --delegate-above and grants); absent in a file written before plans showed it. */
  readonly delegation?: DelegationView;
}

export async function loadSavedPlan(path: string): Promise<SavedPlan> {
  let read: ReadPlan;
  try {
    read = await readPlanFile(path);
  } catch (err) {
    if (err instanceof PlanFileChangedError) throw new CliError(`--plan ${path}: the file was changed since \`plan\` wrote it: its content does not match the digest \`plan\` wrote as its last line. Nothing was applied: make it again with \`plan --out\``);
    if (err instanceof PlanFileError) throw new CliError(`--plan ${path}: ${err.message}; give the file \`plan --out\` or \`plan --format json\` wrote`);
    throw err;
  }
  const basis = read.meta.basis as AnyPlanBasis | undefined;
  const version = (basis as { version?: unknown } | undefined)?.version;
  if (typeof version === "number" && version !== 1 && version !== BASIS_VERSION) {
    throw new CliError(`--plan ${path}: its basis is version ${version} and this asc-autoprovision reads versions 1 and ${BASIS_VERSION}: make it again with \`plan --out\``);
  }
  // What is applied is what `plan` wrote: the file's digest covers every line before it (planfile/digest.ts).
  if (read.digest === "unchecked") {
    throw new CliError(`--plan ${path}: is not laid out as \`plan\` wrote it (reformatted, e.g. by jq), so its digest cannot be checked: give the file \`plan --out\` wrote, unchanged`);
  }
  if (read.digest === "absent") {
    throw new CliError(`--plan ${path}: has no digest (an earlier asc-autoprovision wrote it, or not \`plan\`), so a change to it could not be told: make it again with \`plan --out\``);
  }
  if (!basis || !basis.spec || !wellFormed(basis, read.plan.machines.length, read.plan.steps.length)) {
    throw new CliError(`--plan ${path}: has no basis (the state it was planned from): make it again with \`plan --out\``);
  }
  const actions = new Set<string>(ACTIONS);
  read.plan.steps.forEach((s, i) => {
    if (!actions.has(s.action)) throw new CliError(`--plan ${path}: steps[${i}].action "${String(s.action)}" is not one of ${[...actions].join(", ")}`);
  });
  const problems = specProblems(read.plan as Plan);
  if (problems.length) {
    throw new CliError(`--plan ${path}: \`plan\` refused this plan (exit 1): the spec names what Azure (or the inventory file it was planned from) does not show: ${problems.map((f) => f.message).join(" ")} Fix the spec and plan again`);
  }
  const spec = parseSpec(basis.spec);
  if (specDigest(spec) !== basis.specDigest) throw new CliError(`--plan ${path}: its spec does not match its digest (the file was edited): make it again with \`plan --out\``);
  return { plan: read.plan as Plan, basis, spec, ...delegationOf(read.meta["delegation"], path) };
}

/** The delegation a plan file records (plan.ts writes `meta.delegation`), checked for what apply reads of it. */
function delegationOf(d: unknown, path: string): { delegation?: DelegationView } {
  if (d === undefined) return {};
  const v = d as Partial<DelegationView> | null;
  const ok = Number.isInteger(v?.delegateAbove) && v!.delegateAbove! >= 0 && Array.isArray(v!.batches) && v!.batches.every((b) => Array.isArray(b?.grants)) && Array.isArray(v!.kept);
  if (!ok) throw new CliError(`--plan ${path}: its meta.delegation is not as \`plan\` writes it: make it again with \`plan --out\``);
  return { delegation: v as DelegationView };
}

/** A basis of a version this tool reads, with its digests where they belong (version 3: one per machine of the plan; after-digests of shared parts naming steps of the plan). */
function wellFormed(basis: AnyPlanBasis, machines: number, steps: number): boolean {
  if (basis.version === 1) return typeof basis.resources === "object" && basis.resources !== null;
  const ok = basis.version === BASIS_VERSION && typeof basis.shared === "object" && basis.shared !== null && Array.isArray(basis.machines) && basis.machines.length === machines;
  const after: unknown = basis.sharedAfter;
  if (!ok || after === undefined) return ok;
  if (typeof after !== "object" || after === null) return false;
  return Object.entries(after).every(
    ([id, p]) => Object.hasOwn(basis.shared, id) && typeof p?.digest === "string" && Array.isArray(p.steps) && p.steps.every((i: unknown) => Number.isInteger(i) && (i as number) >= 0 && (i as number) < steps),
  );
}

/** Refuses a spec given beside --plan that is not the one the plan was made with. */
export function checkSameSpec(saved: SavedPlan, spec: Spec, specPath: string): void {
  if (specDigest(spec) !== saved.basis.specDigest) {
    throw new CliError(`--spec ${specPath} is not the spec the plan was made with: plan again, or apply the plan without --spec`);
  }
}

/**
 * A saved plan against the live inventory: its stale parts described for a person, and the shared
 * parts already as it leaves them, with its steps that are then done.
 */
export function describeStaleness(saved: SavedPlan, live: Inventory, fresh: Plan): BasisCheck & { text: string } {
  const check = checkBasis(saved.basis, live, saved.plan);
  const changes = check.changes;
  if (!changes.length) return { ...check, text: "" };
  const decisionOf = new Map(fresh.machines.map((m) => [m.id.toLowerCase(), m] as const));
  const shown = changes.slice(0, 20);
  const stepsOn = freshStepsOn(fresh, shown.filter((c) => !decisionOf.has(c.id)).map((c) => c.id));
  const lines = shown.map((c) => {
    const m = decisionOf.get(c.id);
    if (m) return `  ${c.id}: ${c.change}; the plan now decides ${m.decision}: ${m.reason}`;
    // A shared part (a subscription's settings, a workspace, a rule, a policy): what a plan made now would do there.
    const now = stepsOn.get(c.id) ?? [];
    const saying = now.length
      ? `the plan now has ${now.length} step(s) there: ${now.slice(0, 3).join("; ")}${now.length > 3 ? "; ..." : ""}`
      : "the plan now has no step there (it is as the spec asks, or out of the plan's reach)";
    return `  ${c.id}: ${c.change}; ${saying}`;
  });
  if (changes.length > lines.length) lines.push(`  ... and ${changes.length - lines.length} more`);
  if (check.asPlanned.length) lines.push(`  (and ${check.asPlanned.length} part(s) changed to exactly what the plan's steps set there: already as planned, not stale)`);
  const steps = saved.plan.steps.length;
  return {
    ...check,
    text: `The plan is stale: ${changes.length} part(s) of the state its ${steps} step(s) depend on changed since it was made (${saved.basis.inventoryGeneratedAt || "unknown time"}):\n${lines.join("\n")}\nNothing was applied. Plan again and review the new plan.\n`,
  };
}

/**
 * The fresh plan's steps on each of these shared parts, as "action: label": a step whose target is
 * the part or under it.
 */
function freshStepsOn(fresh: Plan, ids: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!ids.length) return out;
  // A subscription's own parts are under its providers (pricings, settings, policies), not its resource groups' machines.
  const under = ids.map((id) => (/^\/subscriptions\/[^/]+$/.test(id) ? `${id}/providers/` : `${id}/`));
  for (const step of fresh.steps) {
    const target = step.target.toLowerCase();
    for (const [k, id] of ids.entries()) {
      if (target !== id && !target.startsWith(under[k]!)) continue;
      let list = out.get(id);
      if (!list) out.set(id, (list = []));
      list.push(`${step.action}: ${stepLabel(step)}`);
    }
  }
  return out;
}

/** The saved plan's steps already as planned: the shared parts they change are what they set, so they are not sent. */
export interface AsPlanned {
  /** The shared parts (lower-case ids) already as the plan leaves them. */
  readonly parts: readonly string[];
  readonly steps: readonly { readonly step: string; readonly action: string; readonly label: string }[];
}

/**
 * The saved plan without its done steps, and what they were. A step that depends on a done one is
 * not held back by it: the executor waits only on dependencies in the plan it runs (a done step
 * counts as succeeded). A done step's outputs are not there for its dependents; no step whose
 * outputs another reads is ever done here: its part's after-digest holds the simulation's
 * stand-in for what Azure returns (an assignment's principal), which the live part never matches.
 */
export function withoutDoneSteps(plan: Plan, check: Pick<BasisCheck, "asPlanned" | "doneSteps">): { plan: Plan; asPlanned: AsPlanned } {
  const done = new Set(check.doneSteps);
  const steps = check.doneSteps.map((i) => plan.steps[i]!).map((s) => ({ step: s.id, action: s.action, label: stepLabel(s) }));
  const asPlanned = { parts: check.asPlanned, steps };
  if (!done.size) return { plan, asPlanned };
  // The summary stays the saved plan's: what was reviewed, which the result's counts are read beside.
  return { plan: { ...plan, steps: plan.steps.filter((_, i) => !done.has(i)) }, asPlanned };
}

/** For a person: the steps not sent because their parts are already as planned (empty when none). */
export function describeAsPlanned(asPlanned: AsPlanned): string {
  if (!asPlanned.parts.length) return "";
  const { steps, parts } = asPlanned;
  const shown = steps.slice(0, 20).map((s) => `  ${s.action}: ${s.label}`);
  if (steps.length > shown.length) shown.push(`  ... and ${steps.length - shown.length} more`);
  const head = `Already as planned: ${parts.length} part(s) of the state changed since the plan to exactly what its steps set there (${parts.slice(0, 3).join(", ")}${parts.length > 3 ? ", ..." : ""})`;
  return steps.length ? `${head}; ${steps.length} step(s) not sent:\n${shown.join("\n")}\n` : `${head}; every step there also changes a part not yet as planned: sent.\n`;
}
