/**
 * plan(spec, inventory) -> Plan: the registered capabilities composed. Pure and deterministic: no
 * I/O, no clock, no randomness; the same input gives byte-equal JSON. The phases, each in
 * registration order: per subscription (settings), the machines (the capability that decides the
 * spec's agent returns the machines' verdicts and plans their steps), per subscription after the
 * machines (policies), plan-wide findings. No rule lives here.
 */
import type { Inventory, InventoryMachine } from "../inventory/schema";
import type { Spec } from "../spec/schema";
import type { Action, Plan, Step } from "../capabilities";
import { REGISTRY, type AnyCapability, type Catalog } from "./catalog";
import {
  buildContext,
  clustersInScope,
  ComponentPlanBook,
  machinesInScope,
  PlanBuilder,
  type ClusterPlan,
  type ComponentPlans,
  type ComponentVerdicts,
  type Finding,
  type MachinePlan,
  type MachineVerdict,
  type PlanOf,
  type Severity,
  type StepMap,
  type StepUnion,
  INVENTORY_READ_FOR_ANOTHER_SCOPE,
  SCOPE_WITHOUT_SUBSCRIPTIONS,
  scopeFindings,
} from "./kernel";

/** The finding of a subscription the spec names that the inventory does not hold. */
export const SUBSCRIPTION_NOT_FOUND = "subscription-not-in-inventory";

/** The finding codes that make a plan wrong: a subscription the inventory lacks, an inventory read for less than the scope, and each capability's (Capability.specProblems). */
const SPEC_PROBLEM_CODES: ReadonlySet<string> = new Set([SUBSCRIPTION_NOT_FOUND, INVENTORY_READ_FOR_ANOTHER_SCOPE, ...REGISTRY.capabilities.flatMap((c) => c.specProblems ?? [])]);

/**
 * Findings that make the plan wrong, not just incomplete: the spec names a subscription or a
 * workspace Azure does not show. `plan` exits 1 and writes no plan file, `apply` and `reconcile`
 * write nothing, `report --fail-under` fails, instead of "no changes" for a typo or a missing
 * permission.
 */
export function specProblems(p: { readonly findings: readonly Finding[] }): Finding[] {
  return p.findings.filter((f) => SPEC_PROBLEM_CODES.has(f.code));
}

/** A step of any capability (the composer does not look inside details). */
export type AnyStep = StepUnion<Record<string, unknown>>;

export function plan(spec: Spec, inventory: Inventory): Plan {
  // The registry's capabilities produce exactly the registry's steps and decisions.
  return planWith(REGISTRY, spec, inventory) as unknown as Plan;
}

/** The plan of `catalog`'s capabilities (a test composes its own list). */
export function planWith(catalog: Catalog, spec: Spec, inventory: Inventory): PlanOf<AnyStep, string> {
  const capabilities: readonly AnyCapability[] = catalog.capabilities;
  const ctx = buildContext(spec, inventory);
  const b = new PlanBuilder<StepMap>();
  const fleet = machinesInScope(ctx);
  const subscriptions = [...ctx.inScope].sort();
  if (fleet.excluded) {
    b.finding("info", "machines-excluded", "exclude", `${fleet.excluded} machine(s) left alone by the spec's exclude.resourceGroups or exclude.machineTags.`);
  }
  for (const f of scopeFindings(spec, inventory, ctx.inScope)) b.finding(f.severity, f.code, f.target, f.message);

  for (const sub of subscriptions) {
    if (!ctx.onboardedAt.has(sub)) {
      b.finding(
        "error",
        SUBSCRIPTION_NOT_FOUND,
        `/subscriptions/${sub}`,
        `Subscription ${sub} is in the spec but not in the inventory (Azure did not show it: a typo, or no read access?): nothing is planned for it.`,
      );
      continue;
    }
    for (const c of capabilities) c.planner?.subscription?.(ctx, b, sub);
  }

  let verdicts: readonly MachineVerdict[] | undefined;
  let decidedBy: string | undefined;
  for (const c of capabilities) {
    const v = c.planner?.machines?.(ctx, b, fleet);
    if (!v) continue;
    if (decidedBy) throw new Error(`both ${decidedBy} and ${c.id} decide the machines' agent for this spec`);
    decidedBy = c.id;
    verdicts = v;
  }

  // Components: after the agent, each capability's own decisions per machine, then per cluster.
  const machineComponents: ComponentVerdicts[] = [];
  for (const c of capabilities) machineComponents.push(...(c.planner?.components?.(ctx, b, fleet) ?? []));
  const clusterFleet = { clusters: clustersInScope(ctx) };
  const clusterComponents: ComponentVerdicts[] = [];
  for (const c of capabilities) clusterComponents.push(...(c.planner?.clusters?.(ctx, b, clusterFleet) ?? []));

  const bySubscription = groupBySubscription(fleet.machines, fleet.subscriptionIds);
  for (const sub of subscriptions) {
    if (!ctx.onboardedAt.has(sub)) continue;
    for (const c of capabilities) c.planner?.afterMachines?.(ctx, b, sub, bySubscription.get(sub) ?? []);
  }
  for (const c of capabilities) c.planner?.finish?.(ctx, b);

  const built = b.build();
  const { steps, actions } = built;
  // A plan of nothing says so before anything else, in every format.
  const findings = [...built.findings.filter((f) => f.code === SCOPE_WITHOUT_SUBSCRIPTIONS), ...built.findings.filter((f) => f.code !== SCOPE_WITHOUT_SUBSCRIPTIONS)];
  const componentsOf = componentReader(machineComponents);
  const machinePlans: MachinePlan[] = verdicts
    ? fleet.machines.map((m, i) => {
        const v = verdicts[i]!;
        const components = componentsOf(i);
        return components
          ? { id: m.id, decision: v.decision, workspace: v.workspace, reason: v.reason.text, components }
          : { id: m.id, decision: v.decision, workspace: v.workspace, reason: v.reason.text };
      })
    : [];
  const clusterComponentsOf = componentReader(clusterComponents);
  const clusterPlans: ClusterPlan[] = clusterComponents.length
    ? clusterFleet.clusters.flatMap((c, i) => {
        const components = clusterComponentsOf(i);
        return components ? [{ id: c.id, components }] : [];
      })
    : [];
  const planned = steps as unknown as AnyStep[];
  const summary = summarize(machinePlans, clusterPlans, planned.length, actions, findings);
  return clusterComponents.length
    ? { version: 1, machines: machinePlans, clusters: clusterPlans, steps: planned, findings, summary }
    : { version: 1, machines: machinePlans, steps: planned, findings, summary };
}

/** The components of the i-th machine (or cluster), shared across those with the same verdicts. */
function componentReader(lists: readonly ComponentVerdicts[]): (i: number) => ComponentPlans | undefined {
  if (!lists.length) return () => undefined;
  const book = new ComponentPlanBook(lists.map((l) => l.component));
  const row = new Array<ComponentVerdicts["verdicts"][number]>(lists.length);
  return (i) => {
    for (let k = 0; k < lists.length; k++) row[k] = lists[k]!.verdicts[i];
    return book.of(row);
  };
}

function groupBySubscription(machines: readonly InventoryMachine[], subscriptionIds: readonly string[]): Map<string, InventoryMachine[]> {
  const out = new Map<string, InventoryMachine[]>();
  for (let i = 0; i < machines.length; i++) {
    const m = machines[i]!;
    const sub = subscriptionIds[i]!;
    let list = out.get(sub);
    if (!list) out.set(sub, (list = []));
    list.push(m);
  }
  return out;
}

function summarize(
  machines: readonly MachinePlan[],
  clusters: readonly ClusterPlan[],
  steps: number,
  actionCounts: ReadonlyMap<string, number>,
  findings: readonly Finding[],
): PlanOf<AnyStep, string>["summary"] {
  const decisions: Record<string, number> = {};
  const components: Record<string, Record<string, number>> = {};
  // Machines planned alike share one components object (ComponentPlanBook): count each object's uses, then read it once.
  const uses = new Map<ComponentPlans, number>();
  const countComponents = (c: ComponentPlans | undefined) => {
    if (c) uses.set(c, (uses.get(c) ?? 0) + 1);
  };
  for (const m of machines) {
    decisions[m.decision] = (decisions[m.decision] ?? 0) + 1;
    countComponents(m.components);
  }
  for (const c of clusters) countComponents(c.components);
  for (const [c, n] of uses) {
    for (const [name, p] of Object.entries(c)) {
      const counts = (components[name] ??= {});
      counts[p.decision] = (counts[p.decision] ?? 0) + n;
    }
  }
  const actions: Record<string, number> = Object.fromEntries(actionCounts);
  const severities: Partial<Record<Severity, number>> = {};
  for (const f of findings) severities[f.severity] = (severities[f.severity] ?? 0) + 1;
  const base = { machines: machines.length, decisions: sortKeys(decisions), steps, actions: sortKeys(actions), findings: sortKeys(severities) };
  if (!Object.keys(components).length) return base;
  return { ...base, components: Object.fromEntries(Object.entries(components).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, sortKeys(v)])) };
}

function sortKeys<T extends Record<string, number>>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1))) as T;
}

/** The steps of one action, typed by it. */
export function stepsOf<A extends Action>(p: { readonly steps: readonly Step[] }, action: A): Extract<Step, { action: A }>[] {
  return p.steps.filter((s): s is Extract<Step, { action: A }> => s.action === action);
}
