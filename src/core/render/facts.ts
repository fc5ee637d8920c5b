/** Figures the renderers share, derived from a plan and the catalog of its capabilities, in passes that allocate little per machine. */
import { subscriptionOf } from "../../inventory/ids";
import { REGISTRY, type Catalog } from "../catalog";
import { workspaceLabel } from "../kernel";
import { compactRecordOf, shapeDetails, type CompactRecord, type StepShape } from "../kernel/compact";
import { stepRecords } from "./records";

/** What the renderers read of a step and of a plan. */
export interface RenderedStep {
  readonly id: string;
  readonly action: string;
  readonly target: string;
  readonly dependsOn: readonly string[];
  readonly details: unknown;
}

export interface RenderedMachine {
  readonly id: string;
  readonly decision: string;
  readonly workspace: string | null;
  readonly reason: string;
}

export interface RenderedFinding {
  readonly severity: "error" | "warning" | "info";
  readonly code: string;
  readonly target: string;
  readonly message: string;
}

export interface RenderedPlan {
  readonly machines: readonly RenderedMachine[];
  /** AKS clusters with their components' decisions, when a capability plans clusters. */
  readonly clusters?: readonly { readonly id: string }[];
  readonly steps: readonly RenderedStep[];
  readonly findings: readonly RenderedFinding[];
  readonly summary: {
    readonly machines: number;
    readonly decisions: Readonly<Record<string, number | undefined>>;
    readonly findings: Readonly<Record<string, number | undefined>>;
    /** Per component: machines (or clusters) by decision (componentCounts reads it). */
    readonly components?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  };
}

/** One line per decision, in the words of DESIGN.md's decision table (the registered capabilities'). */
export const DECISION_MEANING: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(REGISTRY.decisions.map((d) => [d, REGISTRY.meaning(d)])));

/** The machine a step changes, if it is a step on one machine (none for an action the catalog does not know). */
export function machineOf(s: RenderedStep, catalog: Catalog = REGISTRY): string | undefined {
  return catalog.tryKind(s.action)?.machineId?.(s.details);
}

/**
 * `machineOf` for every step of a plan. A compact step's details are built on each read: its
 * shape is asked once whether the answer is the step's own machine, and then no step of that
 * shape is asked again (millions of details objects not built).
 */
export function machineReader(catalog: Catalog = REGISTRY): (s: RenderedStep, record?: CompactRecord) => string | undefined {
  const kinds = new Map<string, ((details: unknown) => string) | undefined>();
  const kindOf = (action: string) => {
    let f = kinds.get(action);
    if (f === undefined && !kinds.has(action)) {
      f = catalog.tryKind(action)?.machineId;
      kinds.set(action, f);
    }
    return f;
  };
  /** Per compact shape: NONE (a step on no machine), OWN (the step's own machine) or ASK (read its details). */
  const ownMachine = new Map<StepShape, number>();
  // `record`: the step's compact record when the caller has it (records.ts), else read here.
  return (s, record = compactRecordOf(s)) => {
    // A compact step's action is its shape's: one read through the step, not two.
    if (!record) return kindOf(s.action)?.(s.details);
    let own = ownMachine.get(record.shape);
    if (own === undefined) {
      const f = kindOf(record.shape.action);
      ownMachine.set(record.shape, (own = !f ? NONE : f(s.details) === record.machineId ? OWN : ASK));
    }
    return own === OWN ? record.machineId : own === NONE ? undefined : kindOf(record.shape.action)!(s.details);
  };
}

const NONE = 0;
const OWN = 1;
const ASK = 2;

/** Per list of machines: its length when checked, and whether it was sorted then. */
const sortedLists = new WeakMap<readonly object[], { readonly length: number; readonly sorted: boolean }>();

/**
 * Are the ids strictly increasing? A million comparisons, asked of one plan's machines by the
 * basis, the plan file and the renderers: answered once per list (a plan's machines are not
 * changed once planned; a list whose length changed is checked again).
 */
export function sortedById(machines: readonly { readonly id: string }[]): boolean {
  const known = sortedLists.get(machines);
  if (known?.length === machines.length) return known.sorted;
  let sorted = true;
  for (let i = 1; i < machines.length && sorted; i++) if (!(machines[i - 1]!.id < machines[i]!.id)) sorted = false;
  sortedLists.set(machines, { length: machines.length, sorted });
  return sorted;
}

/**
 * Finds a machine by id in the plan's machines. They are sorted by id and a capability plans its
 * machines in that order, so the next step's machine is almost always the one at hand or the
 * next: a cursor, with a binary search when it jumps (and a map if the list is not sorted).
 */
export function machineLocator(machines: readonly { readonly id: string }[]): (id: string) => number {
  if (!sortedById(machines)) {
    const byId = new Map<string, number>();
    machines.forEach((m, i) => {
      if (!byId.has(m.id)) byId.set(m.id, i);
    });
    return (id) => byId.get(id) ?? -1;
  }
  let cursor = 0;
  return (id) => {
    if (cursor < machines.length && machines[cursor]!.id === id) return cursor;
    if (cursor + 1 < machines.length && machines[cursor + 1]!.id === id) return ++cursor;
    let lo = 0;
    let hi = machines.length - 1;
    // Ids asked in order, some machines apart (a remediation's list of a subset): gallop from the cursor.
    if (cursor + 1 < machines.length && machines[cursor + 1]!.id < id) {
      let step = 2;
      lo = cursor + 2;
      while (lo + step < machines.length && machines[lo + step]!.id < id) {
        lo += step;
        step *= 2;
      }
      hi = Math.min(lo + step, machines.length - 1);
    }
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = machines[mid]!.id;
      if (v === id) return (cursor = mid);
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };
}

/**
 * For each step, the index in `plan.machines` of the machine it changes: -1 for a step on no
 * machine, -2 for a machine the plan's list does not hold. Typed arrays: a million steps, no map.
 */
export function stepMachineIndices(plan: Pick<RenderedPlan, "machines" | "steps">, catalog: Catalog = REGISTRY): Int32Array {
  const locate = machineLocator(plan.machines);
  const machineOfStep = machineReader(catalog);
  const out = new Int32Array(plan.steps.length);
  const records = stepRecords(plan.steps);
  plan.steps.forEach((s, i) => {
    const id = machineOfStep(s, records[i]);
    const m = id === undefined ? -1 : locate(id);
    out[i] = id === undefined ? -1 : m < 0 ? -2 : m;
  });
  return out;
}

/** How many distinct machines the steps change (the headline's "N to change"). */
export function changedMachineCount(plan: Pick<RenderedPlan, "machines" | "steps">, catalog: Catalog = REGISTRY): number {
  return machineChanges(plan, catalog).count;
}

/**
 * Which of the plan's machines a step changes (`of`, by index; `listed` of them), and how many
 * machines change in all (`count`: those, and machines the plan's list does not hold, each once).
 */
export function machineChanges(plan: Pick<RenderedPlan, "machines" | "steps">, catalog: Catalog = REGISTRY): { of: Uint8Array; listed: number; count: number } {
  const seen = new Uint8Array(plan.machines.length);
  const elsewhere = new Set<string>();
  let n = 0;
  const of = stepMachineIndices(plan, catalog);
  for (let i = 0; i < of.length; i++) {
    const m = of[i]!;
    if (m >= 0) {
      if (!seen[m]) n++;
      seen[m] = 1;
    } else if (m === -2) elsewhere.add(machineOf(plan.steps[i]!, catalog)!);
  }
  return { of: seen, listed: n, count: n + elsewhere.size };
}

/** Machines that a step of the plan changes. */
export function changedMachines(plan: Pick<RenderedPlan, "steps">, catalog: Catalog = REGISTRY): Set<string> {
  const out = new Set<string>();
  const machineOfStep = machineReader(catalog);
  for (const s of plan.steps) {
    const id = machineOfStep(s);
    if (id !== undefined) out.add(id);
  }
  return out;
}

/**
 * The subscription of each id of a list, read cheaply when ids come in runs of one subscription
 * (a plan's machines are sorted by id): one slice per run, not per id.
 */
export function subscriptionReader(): (id: string) => string {
  let prefix = "";
  let sub = "";
  return (id) => {
    if (prefix !== "" && id.startsWith(prefix)) return sub;
    sub = subscriptionOf(id);
    prefix = sub ? id.slice(0, "/subscriptions/".length + sub.length + 1) : "";
    return sub;
  };
}

/** In ids sorted ascending, the index after the last id that starts with `prefix`, the one at `from` being one. */
export function runEnd(machines: readonly { readonly id: string }[], from: number, prefix: string): number {
  const inRun = (i: number) => machines[i]!.id.startsWith(prefix);
  // Gallop: `lo` in the run, `hi` past it (or the end).
  let lo = from;
  let step = 1;
  while (lo + step < machines.length && inRun(lo + step)) {
    lo += step;
    step *= 2;
  }
  let hi = Math.min(lo + step, machines.length);
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (inRun(mid)) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The subscription of the plan's machine at an index, asked in increasing order (a machine's
 * steps come together, machines in order): sorted machines come in runs of one subscription,
 * whose end is found by galloping, so a run costs a few compares and a machine none.
 */
export function machineSubscriptionReader(machines: readonly { readonly id: string }[]): (m: number) => string {
  const sorted = sortedById(machines);
  let start = 0;
  let end = 0;
  let sub = "";
  return (m) => {
    if (m >= start && m < end) return sub;
    const id = machines[m]!.id;
    sub = subscriptionOf(id);
    start = m;
    const prefix = sub ? id.slice(0, SUBSCRIPTION_PREFIX.length + sub.length + 1) : "";
    end = sorted && prefix && id.length > prefix.length ? runEnd(machines, m, prefix) : m + 1;
    return sub;
  };
}

/**
 * The subscriptions the headline counts: those of the plan's machines and clusters, and those whose
 * own settings a step changes (a pricing, an assignment at the subscription). A step on a resource
 * elsewhere (a central workspace's rule or solution in a hub subscription outside the scope) does
 * not make its subscription one of the plan's.
 */
export function subscriptionsOf(plan: Pick<RenderedPlan, "machines" | "clusters" | "steps">): string[] {
  return subscriptionsWith(plan, stepGroups(plan).subscriptions);
}

/** Is `target` the subscription `sub` or a resource of the subscription itself (`/subscriptions/<sub>/providers/...`), not one in a resource group? */
export function onSubscription(target: string, sub: string): boolean {
  const end = SUBSCRIPTION_PREFIX.length + sub.length;
  return target.length === end || target.startsWith("/providers/", end);
}

/**
 * What a step's subscription is read from: a compact step's target is its machine's id and a
 * suffix, so the machine's id (once it has a segment after the subscription) says the same
 * without the target being built; any other step's target.
 */
export function subscriptionSource(s: RenderedStep, record = compactRecordOf(s)): string {
  const machineId = record?.machineId;
  return machineId !== undefined && machineId.indexOf("/", SUBSCRIPTION_PREFIX.length) > 0 ? machineId : s.target;
}

const SUBSCRIPTION_PREFIX = "/subscriptions/";

/** The subscription a step is grouped under ("(tenant)" for a step outside every subscription). */
export const TENANT = "(tenant)";

/** Indices of the plan's steps grouped by the subscription of their target, subscriptions sorted, steps in plan order. */
export function stepIndicesBySubscription(plan: Pick<RenderedPlan, "steps">): Map<string, number[]> {
  return stepGroups(plan).bySubscription;
}

/**
 * The steps by subscription (stepIndicesBySubscription, every step) and, from the same pass, the
 * subscriptions whose own settings a step changes (subscriptionsOf: what the headline counts
 * besides the machines' subscriptions; TENANT aside).
 */
export function stepGroups(plan: Pick<RenderedPlan, "steps">): { readonly bySubscription: Map<string, number[]>; readonly subscriptions: ReadonlySet<string> } {
  const out = new Map<string, number[]>();
  const named = new Set<string>();
  const ofStep = subscriptionReader();
  // Steps come in runs of one subscription: the run's list is at hand, not looked up per step.
  let lastSub: string | undefined;
  let lastList: number[] = [];
  const steps = plan.steps;
  const records = stepRecords(steps);
  for (let i = 0; i < steps.length; i++) {
    const record = records[i];
    const found = ofStep(subscriptionSource(steps[i]!, record));
    // A compact step is a machine's: its subscription is counted with the machines.
    if (found && !record && !named.has(found) && onSubscription(steps[i]!.target, found)) named.add(found);
    if (found !== lastSub) {
      lastSub = found;
      const sub = found || TENANT;
      let list = out.get(sub);
      if (!list) out.set(sub, (list = []));
      lastList = list;
    }
    lastList.push(i);
  }
  return { bySubscription: new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1))), subscriptions: named };
}

/** subscriptionsOf, with the subscriptions the steps change the settings of already found (stepGroups). */
export function subscriptionsWith(plan: Pick<RenderedPlan, "machines" | "clusters">, stepSubscriptions: ReadonlySet<string>): string[] {
  const subs = new Set<string>(stepSubscriptions);
  const ofMachine = subscriptionReader();
  let last = "";
  for (const m of plan.machines) {
    const sub = ofMachine(m.id);
    if (sub !== last) subs.add((last = sub));
  }
  for (const c of plan.clusters ?? []) subs.add(subscriptionOf(c.id));
  subs.delete("");
  return [...subs].sort();
}

/** Steps grouped by the subscription of their target, in plan order. */
export function stepsBySubscription<S extends RenderedStep>(plan: { readonly steps: readonly S[] }): Map<string, S[]> {
  const out = new Map<string, S[]>();
  for (const [sub, indices] of stepIndicesBySubscription(plan)) out.set(sub, indices.map((i) => plan.steps[i]!));
  return out;
}

export const shortName = workspaceLabel;

/** A subscription's own resource (`/subscriptions/{s}/providers/{namespace}/{type}/{name}`): a pricing, a setting. */
const SUBSCRIPTION_RESOURCE = /^\/subscriptions\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)$/i;

/**
 * A finding's target in a sentence: its short name, and for a subscription's own resource the
 * subscription too. Every subscription's pricing is called VirtualMachines, so a finding made
 * per subscription read "sub-plan-drops-features (VirtualMachines)" three times (user trial 20).
 */
export function findingTargetLabel(target: string): string {
  const m = SUBSCRIPTION_RESOURCE.exec(target);
  return m ? `${m[2]} in subscription ${m[1]}` : workspaceLabel(target);
}

/** What a step does to what, in a few words: "vm-1 (MicrosoftMonitoringAgent)", "ws1: Common". */
export function stepLabel(s: RenderedStep, catalog: Catalog = REGISTRY): string {
  const record = compactRecordOf(s);
  if (record) return compactStepLabel(record, catalog);
  const kind = catalog.tryKind(s.action);
  return kind ? kind.label(s.details, s.target) : workspaceLabel(s.target);
}

/** stepLabel of a compact step, from its record: its details and target made once, not through the step's reads. */
export function compactStepLabel(record: CompactRecord, catalog: Catalog = REGISTRY): string {
  const { shape, machineId } = record;
  const target = shape.suffix ? machineId + shape.suffix : machineId;
  const kind = catalog.tryKind(shape.action);
  return kind ? kind.label(shapeDetails(shape, machineId), target) : workspaceLabel(target);
}
