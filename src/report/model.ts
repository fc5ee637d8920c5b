/**
 * The coverage report's figures, from a spec and one or more inventories: coverage per
 * subscription, per geography and per decision for each inventory, and the drift between
 * consecutive inventories (ordered by their generatedAt). Pure: no I/O; the command reads files.
 *
 * Only ids, names, regions, decisions and counts reach the report: never a raw inventory item
 * (the inventory holds no secret, and the report copies nothing it does not need).
 */
import { subscriptionOf } from "../inventory/ids";
import type { Inventory } from "../inventory/schema";
import { plan as makePlan, REGISTRY } from "../core";
import { changedMachines, DECISION_MEANING, shortName } from "../core";
import { DECISIONS, specProblems, type Decision, type Plan } from "../core";
import { geographyOf } from "../spec/geography";
import { CONTAINERS_PLAN, SERVERS_PLAN } from "../spec/defender";
import type { AgentChoice, Spec } from "../spec/schema";
import { COVERAGE_GAPS, COVERED_DECISIONS, coverageJudge, coverageOf, isCovered, type Coverage, type CoverageGap } from "./coverage";
import { AGENT_HEADLINE, componentHeadlineJudge, headlineFor, type HeadlineChoice } from "./headline";

export const REPORT_VERSION = 1;

export interface ReportInput {
  /** How the inventory is named in the report (the command uses the file's base name). */
  readonly label: string;
  readonly inventory: Inventory;
  /**
   * The spec's plan of this inventory, when the caller made it already (the demo planned it to
   * apply): taken as it is, not made again. The planner is a function of spec and inventory, so it
   * must be the plan of exactly these two.
   */
  readonly plan?: Plan;
}

export interface SubscriptionCoverage extends Coverage {
  readonly subscription: string;
  readonly displayName: string | null;
  /** Per component of `Snapshot.components`: its coverage among the subscription's machines (or clusters) it applies to. */
  readonly components: Readonly<Record<string, Coverage>>;
  /** Per plan of `Snapshot.plans`: the subscription's pricing as read ("Standard P2", "Free"), or null when not read. */
  readonly plans: Readonly<Record<string, string | null>>;
}

/** A per-machine (or per-cluster) component the plan decides: one column of the report. */
export interface ComponentColumn {
  /** The key under the plan's `machines[].components` (`endpoint`, `vulnerabilityAssessment`...). */
  readonly name: string;
  readonly title: string;
  readonly target: "machine" | "cluster";
  /** Over every machine (or cluster) it applies to. */
  readonly total: Coverage;
}

export interface GeographyCoverage extends Coverage {
  /** geographyOf(region).key: "europe", "us", or "region:<name>" for a region outside them. */
  readonly geography: string;
  readonly displayName: string;
  /** Short code of the geography's default workspace (EUS, WEU...). */
  readonly code: string;
  /** The machines' regions in this geography, sorted. */
  readonly regions: readonly string[];
}

/** The machines of one decision, or (agent: mma) those of a covered decision that a gap leaves uncovered, each gap its own entry. */
export interface DecisionCount {
  readonly decision: Decision;
  readonly covered: boolean;
  /** Why these machines are not covered though their decision is a covered one. */
  readonly gap?: CoverageGap;
  readonly machines: number;
  readonly meaning: string;
}

export interface Snapshot {
  readonly label: string;
  /** The spec's agent (the Azure Monitor Agent, the Log Analytics agent, or none): `byDecision` is its decisions. */
  readonly agent: AgentChoice;
  /**
   * What `total`, `bySubscription`, `byGeography` and the drift count (headline.ts): the agent's
   * coverage when the spec provisions one, else the Defender for Servers plan's (`of: "plan"`);
   * null when the spec manages neither, and then their percentages are null (each component's
   * figures stand on their own).
   */
  readonly headline: HeadlineChoice | null;
  /** The components the plan decides, in registration order; empty without a defender section. */
  readonly components: readonly ComponentColumn[];
  /** The Defender plans the spec manages, by pricing name (VirtualMachines first). */
  readonly plans: readonly string[];
  /** The inventory's generatedAt as written, or null. */
  readonly generatedAt: string | null;
  /** The headline's coverage over the machines it counts. */
  readonly total: Coverage;
  readonly bySubscription: readonly SubscriptionCoverage[];
  readonly byGeography: readonly GeographyCoverage[];
  /** Decisions with at least one machine, in DECISIONS order; a decision's covered machines before its gaps. */
  readonly byDecision: readonly DecisionCount[];
  /** What the plan of this inventory would do. */
  readonly plan: {
    readonly steps: number;
    readonly machinesToChange: number;
    readonly findings: { readonly error: number; readonly warning: number; readonly info: number };
  };
  /** The plan's scope problems (a subscription of the spec that this inventory does not hold): its figures do not cover the spec. */
  readonly scopeProblems: readonly string[];
}

export interface DecisionChange {
  readonly machine: string;
  readonly name: string;
  readonly subscription: string;
  /** null: the machine is not in that inventory (new, or gone). */
  readonly from: Decision | null;
  readonly to: Decision | null;
}

export interface Transition {
  readonly from: Decision | null;
  readonly to: Decision | null;
  readonly machines: number;
}

export interface Drift {
  readonly from: string;
  readonly to: string;
  readonly fromGeneratedAt: string | null;
  readonly toGeneratedAt: string | null;
  /** Change of covered machines and of the percentage (percentage points, one decimal). */
  readonly coveredChange: number;
  readonly percentChange: number | null;
  /** Machines whose decision changed, appeared or disappeared. */
  readonly changed: number;
  /** The same, counted by (from, to), most machines first. */
  readonly transitions: readonly Transition[];
  /** Sorted by subscription and machine id. */
  readonly machines: readonly DecisionChange[];
}

export interface Report {
  readonly kind: "asc-autoprovision-report";
  readonly version: typeof REPORT_VERSION;
  readonly coveredDecisions: readonly Decision[];
  /** The inventories, oldest first. */
  readonly snapshots: readonly Snapshot[];
  /** The newest snapshot (the last of snapshots). */
  readonly latest: Snapshot;
  /** One entry per pair of consecutive snapshots; empty for one inventory. */
  readonly drift: readonly Drift[];
}

export class ReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReportError";
  }
}

/** Builds the report; several inventories are ordered by generatedAt (ties keep their order). */
export function buildReport(spec: Spec, inputs: readonly ReportInput[]): Report {
  if (inputs.length === 0) throw new ReportError("at least one inventory is needed");
  const ordered = orderInputs(inputs);
  const planned = ordered.map((input) => ({ input, plan: input.plan ?? makePlan(spec, input.inventory) }));
  const snapshots = planned.map(({ input, plan }) => snapshotOf(spec, input, plan));
  const drift: Drift[] = [];
  for (let i = 1; i < planned.length; i++) drift.push(driftBetween(planned[i - 1]!, snapshots[i - 1]!, planned[i]!, snapshots[i]!));
  return {
    kind: "asc-autoprovision-report",
    version: REPORT_VERSION,
    coveredDecisions: COVERED_DECISIONS,
    snapshots,
    latest: snapshots[snapshots.length - 1]!,
    drift,
  };
}

function orderInputs(inputs: readonly ReportInput[]): ReportInput[] {
  if (inputs.length === 1) return [...inputs];
  const keyed = inputs.map((input, index) => {
    const at = input.inventory.generatedAt;
    if (!at) throw new ReportError(`${input.label}: generatedAt is missing; several inventories are ordered by it`);
    const time = Date.parse(at);
    if (Number.isNaN(time)) throw new ReportError(`${input.label}: generatedAt "${at}" is not a date`);
    return { input, index, time };
  });
  keyed.sort((a, b) => a.time - b.time || a.index - b.index);
  return keyed.map((k) => k.input);
}

interface Tally {
  machines: number;
  covered: number;
}

function bump(map: Map<string, Tally>, key: string, covered: boolean): void {
  let t = map.get(key);
  if (!t) map.set(key, (t = { machines: 0, covered: 0 }));
  t.machines++;
  if (covered) t.covered++;
}

/** The plans the spec's defender section manages, Servers and Containers first. */
function managedPlans(spec: Spec): string[] {
  const d = spec.defender;
  if (!d) return [];
  return [...(d.servers ? [SERVERS_PLAN] : []), ...(d.containers ? [CONTAINERS_PLAN] : []), ...Object.keys(d.plans ?? {}).sort()];
}

/** "Standard P2", "Free": a pricing as the portal names it. */
function pricingLabel(p: { readonly pricingTier: string; readonly subPlan?: string | null } | undefined): string | null {
  return p ? [p.pricingTier, p.subPlan].filter(Boolean).join(" ") : null;
}

/** Per component of the plan: covered and total, overall and per subscription. */
function componentTallies(plan: Plan): { columns: ComponentColumn[]; bySub: Map<string, Map<string, Tally>> } {
  const bySub = new Map<string, Map<string, Tally>>();
  const totals = new Map<string, Tally>();
  const kinds = REGISTRY.components;
  const coveredBy = new Map(kinds.map((k) => [k.name, new Set<string>(k.covered)] as const));
  const count = (id: string, components: Readonly<Record<string, { readonly decision: string }>> | undefined) => {
    if (!components) return;
    const sub = subscriptionOf(id);
    let perSub = bySub.get(sub);
    if (!perSub) bySub.set(sub, (perSub = new Map()));
    for (const [name, c] of Object.entries(components)) {
      const ok = coveredBy.get(name)?.has(c.decision) ?? false;
      bump(perSub, name, ok);
      bump(totals, name, ok);
    }
  };
  for (const m of plan.machines) count(m.id, m.components);
  for (const c of plan.clusters ?? []) count(c.id, c.components);
  const columns = kinds.filter((k) => totals.has(k.name)).map((k) => ({ name: k.name, title: k.title, target: k.target, total: coverageOf(totals.get(k.name)!.machines, totals.get(k.name)!.covered) }));
  return { columns, bySub };
}

function snapshotOf(spec: Spec, input: ReportInput, plan: Plan): Snapshot {
  const inv = input.inventory;
  const location = new Map<string, string>();
  for (const m of inv.machines) location.set(m.id.toLowerCase(), m.location);
  const displayNames = new Map<string, string>();
  for (const s of inv.subscriptions) if (s.displayName) displayNames.set(s.id.toLowerCase(), s.displayName);

  const bySub = new Map<string, Tally>();
  const byGeo = new Map<string, Tally>();
  const geoInfo = new Map<string, { displayName: string; code: string; regions: Set<string> }>();
  const byDecision = new Map<string, number>();
  const agentJudge = coverageJudge(spec.logAnalyticsAgent.agent, inv);
  const headline = headlineFor(spec);
  const judge = headline?.of === AGENT_HEADLINE ? undefined : componentHeadlineJudge(headline);
  let counted = 0;
  let covered = 0;
  for (const m of plan.machines) {
    const agentCoverage = agentJudge(m);
    const key = decisionKey(m.decision, agentCoverage.gap);
    byDecision.set(key, (byDecision.get(key) ?? 0) + 1);
    const coverage = judge ? judge(m) : agentCoverage;
    if (!coverage) continue;
    const ok = coverage.covered;
    counted++;
    if (ok) covered++;
    bump(bySub, subscriptionOf(m.id), ok);
    const region = location.get(m.id.toLowerCase()) ?? "unknown";
    const geo = geographyOf(region);
    bump(byGeo, geo.key, ok);
    let info = geoInfo.get(geo.key);
    if (!info) geoInfo.set(geo.key, (info = { displayName: geo.displayName, code: geo.code, regions: new Set() }));
    info.regions.add(region.replace(/\s+/g, "").toLowerCase());
  }
  // Without a headline nothing is counted covered, and no share is given: a 0% would read as a figure.
  const figure = (machines: number, n: number): Coverage => (headline ? coverageOf(machines, n) : { machines, covered: 0, percent: null });
  const findings = plan.summary.findings;
  const { columns, bySub: componentsBySub } = componentTallies(plan);
  const plans = managedPlans(spec);
  // A subscription with clusters and no machine still has its row for the plans and cluster columns.
  if (plans.length) for (const sub of spec.subscriptions) if (!bySub.has(sub)) bySub.set(sub, { machines: 0, covered: 0 });
  for (const sub of componentsBySub.keys()) if (!bySub.has(sub)) bySub.set(sub, { machines: 0, covered: 0 });
  const pricings = (sub: string) => {
    const read = inv.settings[sub]?.plans;
    return Object.fromEntries(plans.map((p) => [p, read ? pricingLabel(read[p]) : null]));
  };
  const componentCoverage = (sub: string) => {
    const t = componentsBySub.get(sub);
    return Object.fromEntries(columns.map((c) => [c.name, coverageOf(t?.get(c.name)?.machines ?? 0, t?.get(c.name)?.covered ?? 0)]));
  };
  return {
    label: input.label,
    agent: spec.logAnalyticsAgent.agent,
    headline,
    components: columns,
    plans,
    generatedAt: inv.generatedAt ?? null,
    total: figure(counted, covered),
    bySubscription: [...bySub.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([subscription, t]) => ({
        subscription,
        displayName: displayNames.get(subscription) ?? null,
        ...figure(t.machines, t.covered),
        components: componentCoverage(subscription),
        plans: pricings(subscription),
      })),
    byGeography: [...byGeo.entries()]
      .map(([key, t]) => {
        const info = geoInfo.get(key)!;
        return { geography: key, displayName: info.displayName, code: info.code, regions: [...info.regions].sort(), ...figure(t.machines, t.covered) };
      })
      .sort((a, b) => compare(a.displayName, b.displayName) || compare(a.geography, b.geography)),
    byDecision: decisionCounts(byDecision),
    plan: {
      steps: plan.steps.length,
      machinesToChange: changedMachines(plan).size,
      findings: { error: findings.error ?? 0, warning: findings.warning ?? 0, info: findings.info ?? 0 },
    },
    scopeProblems: specProblems(plan).map((f) => f.message),
  };
}

const GAPS = Object.keys(COVERAGE_GAPS) as CoverageGap[];

function decisionKey(decision: Decision, gap: CoverageGap | undefined): string {
  return gap ? `${decision} ${gap}` : decision;
}

function decisionCounts(counts: ReadonlyMap<string, number>): DecisionCount[] {
  const out: DecisionCount[] = [];
  for (const d of DECISIONS) {
    const n = counts.get(d);
    if (n) out.push({ decision: d, covered: isCovered(d), machines: n, meaning: DECISION_MEANING[d] });
    for (const gap of GAPS) {
      const g = counts.get(decisionKey(d, gap));
      if (g) out.push({ decision: d, covered: false, gap, machines: g, meaning: `${DECISION_MEANING[d]}, ${COVERAGE_GAPS[gap]}` });
    }
  }
  return out;
}

function driftBetween(a: { input: ReportInput; plan: Plan }, sa: Snapshot, b: { input: ReportInput; plan: Plan }, sb: Snapshot): Drift {
  const before = decisionsById(a.plan);
  const after = decisionsById(b.plan);
  const ids = new Set([...before.keys(), ...after.keys()]);
  const machines: DecisionChange[] = [];
  for (const key of ids) {
    const x = before.get(key);
    const y = after.get(key);
    const from = x?.decision ?? null;
    const to = y?.decision ?? null;
    if (from === to) continue;
    const id = (y ?? x)!.id;
    machines.push({ machine: id, name: shortName(id), subscription: subscriptionOf(id), from, to });
  }
  machines.sort((p, q) => compare(p.subscription, q.subscription) || compare(p.machine.toLowerCase(), q.machine.toLowerCase()));
  const counts = new Map<string, Transition>();
  for (const c of machines) {
    const k = `${c.from ?? ""}>${c.to ?? ""}`;
    const t = counts.get(k);
    counts.set(k, { from: c.from, to: c.to, machines: (t?.machines ?? 0) + 1 });
  }
  const order = (d: Decision | null) => (d === null ? -1 : DECISIONS.indexOf(d));
  const transitions = [...counts.values()].sort((p, q) => q.machines - p.machines || order(p.from) - order(q.from) || order(p.to) - order(q.to));
  return {
    from: sa.label,
    to: sb.label,
    fromGeneratedAt: sa.generatedAt,
    toGeneratedAt: sb.generatedAt,
    coveredChange: sb.total.covered - sa.total.covered,
    percentChange: sa.total.percent === null || sb.total.percent === null ? null : Math.round(10 * (sb.total.percent - sa.total.percent)) / 10,
    changed: machines.length,
    transitions,
    machines,
  };
}

function decisionsById(plan: Plan): Map<string, { id: string; decision: Decision }> {
  const out = new Map<string, { id: string; decision: Decision }>();
  for (const m of plan.machines) out.set(m.id.toLowerCase(), { id: m.id, decision: m.decision });
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
