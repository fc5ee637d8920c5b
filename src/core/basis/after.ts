/**
 * What each shared part of a saved plan's basis will be once the plan's steps there succeeded (its
 * after-digest), and which steps change it. `apply --plan` takes a part that changed to exactly its
 * after-digest (a `pulumi up` of the same spec set it) as done, not stale.
 *
 * Only steps on no one machine are simulated (src/core/simulate.ts's step kinds), on a copy of the
 * inventory without its machines and their associations: a million machines' steps change their
 * own machines, which the basis digests per machine and never takes as done. The copy holds the
 * subscriptions' settings, workspaces, rules, policies and clusters: its cost grows with those.
 */
import type { Inventory } from "../../inventory/schema";
import { REGISTRY, type Catalog } from "../catalog";
import { Simulation } from "../kernel/simulation";
import { stepRecords } from "../render/records";
import { digestOf, fingerprintOf } from "./canonical";
import { ABSENT, stateIndex } from "./state";

export interface SharedAfter {
  /** The part's digest once the plan's steps succeeded ("absent": they delete it). */
  readonly digest: string;
  /** The steps that change it, by their index in the plan's steps. */
  readonly steps: readonly number[];
}

export interface SimulatedStep {
  readonly action: string;
  readonly target: string;
  readonly details: unknown;
}

/**
 * The after-digest of each part of `before` (the basis's shared digests) that the plan's steps
 * leave different, with the steps that change it.
 */
export function sharedAfterOf(inventory: Inventory, steps: readonly SimulatedStep[], before: Readonly<Record<string, string>>, catalog: Catalog = REGISTRY): Record<string, SharedAfter> {
  const simulated = sharedSteps(steps, catalog);
  if (!simulated.length) return {};
  const run = (each?: (i: number, sim: Simulation) => void) => {
    const sim = new Simulation(withoutMachines(inventory));
    for (const i of simulated) {
      const s = steps[i]!;
      catalog.kind(s.action).simulate(sim, s.details, s.target);
      each?.(i, sim);
    }
    return sim.inventory;
  };
  // A part the copy does not hold (a machine outside the plan, an association) no simulated step changes.
  const initial = stateIndex(withoutMachines(inventory), false);
  const finalIndex = stateIndex(run(), false);
  const after = new Map<string, string>();
  for (const [id, was] of Object.entries(before)) {
    const part = finalIndex.get(id);
    const is = part !== undefined ? digestOf(part) : initial.has(id) ? ABSENT : was;
    if (is !== was) after.set(id, is);
  }
  if (!after.size) return {};
  const changers = attribute(run, steps, [...after.keys()], initial);
  const out: Record<string, SharedAfter> = {};
  for (const id of [...after.keys()].sort()) out[id] = { digest: after.get(id)!, steps: changers.get(id) ?? [] };
  return out;
}

/** The indexes of the steps on no one machine: plain steps (a compact step is one machine's) whose kind names no machine. */
function sharedSteps(steps: readonly SimulatedStep[], catalog: Catalog): number[] {
  const records = stepRecords(steps);
  const out: number[] = [];
  for (let i = 0; i < steps.length; i++) if (!records[i] && !catalog.kind(steps[i]!.action).machineId) out.push(i);
  return out;
}

/** The inventory without machines and their associations, copied: the simulation changes it in place. */
function withoutMachines(inventory: Inventory): Inventory {
  return structuredClone({ ...inventory, machines: [], dataCollectionRuleAssociations: [] });
}

/** `/subscriptions/x` (lower-case) of an id, or "" for one under no subscription (a management group's). */
function subscriptionKey(id: string): string {
  return /^\/subscriptions\/[^/]+/i.exec(id)?.[0].toLowerCase() ?? "";
}

/**
 * Which steps change each of `ids`: the steps are simulated again one by one, and after each the
 * parts it may change are fingerprinted: those of its target's subscription and those under none
 * (after a step under none: all of them). A step changes parts of its own subscription (a policy's
 * remediation its clusters, its removal its roles there), and a plan over many subscriptions is
 * not fingerprinted whole after each of its steps.
 */
function attribute(run: (each: (i: number, sim: Simulation) => void) => Inventory, steps: readonly SimulatedStep[], ids: readonly string[], initial: ReadonlyMap<string, unknown>): Map<string, number[]> {
  const bySubscription = new Map<string, string[]>();
  for (const id of ids) {
    const key = subscriptionKey(id);
    const list = bySubscription.get(key);
    if (list) list.push(id);
    else bySubscription.set(key, [id]);
  }
  const unscoped = bySubscription.get("") ?? [];
  const printOf = (index: ReadonlyMap<string, unknown>, id: string) => {
    const part = index.get(id);
    return part === undefined ? ABSENT : fingerprintOf(part);
  };
  const prints = new Map(ids.map((id) => [id, printOf(initial, id)] as const));
  const changers = new Map<string, number[]>();
  run((i, sim) => {
    const key = subscriptionKey(steps[i]!.target);
    const watched = key === "" ? ids : [...(bySubscription.get(key) ?? []), ...unscoped];
    if (!watched.length) return;
    const index = stateIndex(sim.inventory, false, new Set(watched));
    for (const id of watched) {
      const print = printOf(index, id);
      if (print === prints.get(id)) continue;
      prints.set(id, print);
      const list = changers.get(id);
      if (list) list.push(i);
      else changers.set(id, [i]);
    }
  });
  return changers;
}
