/**
 * What each shared part of a saved plan's basis will be once the plan's steps there succeeded (its
 * after-digest), and which steps change it. `apply --plan` takes a part that changed to exactly its
 * after-digest (a `pulumi up` of the same spec set it) as done, not stale.
 *
 * Only steps on no one machine are simulated (src/core/simulate.ts's step kinds), once, on a copy
 * of the inventory without its machines and their associations: a million machines' steps change
 * their own machines, which the basis digests per machine and never takes as done. The copy holds
 * the subscriptions' settings, workspaces, rules, policies and clusters: its cost grows with those.
 */
import type { Inventory } from "../../inventory/schema";
import { REGISTRY, type Catalog } from "../catalog";
import { Simulation } from "../kernel/simulation";
import { stepRecords } from "../render/records";
import { digestOf, fingerprintOf } from "./canonical";
import { ABSENT, stateIndex, subscriptionPart } from "./state";

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

const ARM_ID = /^\/subscriptions\/[^/]+/i;

/**
 * The after-digest of each part of `before` (the basis's shared digests) that the plan's steps
 * leave different, with the steps that change it: a step changes a part its target or details name
 * (or their subscription's settings) when that part's fingerprint differs after it.
 */
export function sharedAfterOf(inventory: Inventory, steps: readonly SimulatedStep[], before: Readonly<Record<string, string>>, catalog: Catalog = REGISTRY): Record<string, SharedAfter> {
  const simulated = sharedSteps(steps, catalog);
  if (!simulated.length) return {};
  const copy = structuredClone({ ...inventory, machines: [], dataCollectionRuleAssociations: [] });
  // A part the copy does not hold (a machine outside the plan, an association) no simulated step changes.
  const held = new Set(stateIndex(copy, false).keys());
  const sim = new WithoutMachines(copy);
  const parts = new Parts(sim.inventory);
  const changers = new Map<string, number[]>();
  const shapes = new Set(Object.keys(before).map(shapeOf));
  for (const i of simulated) {
    const s = steps[i]!;
    const named = namedParts(s, before, shapes);
    const was = named.map((id) => parts.print(id));
    catalog.kind(s.action).simulate(sim, s.details, s.target);
    named.forEach((id, k) => {
      if (parts.print(id) === was[k]) return;
      const list = changers.get(id);
      if (list) list.push(i);
      else changers.set(id, [i]);
    });
  }
  const now = stateIndex(sim.inventory, false);
  const out: Record<string, SharedAfter> = {};
  for (const id of Object.keys(before).sort()) {
    const part = now.get(id);
    const is = part !== undefined ? digestOf(part) : held.has(id) ? ABSENT : before[id]!;
    if (is !== before[id]) out[id] = { digest: is, steps: changers.get(id) ?? [] };
  }
  return out;
}

/** The simulation of a copy without machines: a machine a step names (a remediation's thousands) is not looked for. */
class WithoutMachines extends Simulation {
  override findMachine(): undefined {
    return undefined;
  }
}

/** The indexes of the steps on no one machine: plain steps (a compact step is one machine's) whose kind names no machine. */
function sharedSteps(steps: readonly SimulatedStep[], catalog: Catalog): number[] {
  const records = stepRecords(steps);
  const out: number[] = [];
  for (let i = 0; i < steps.length; i++) if (!records[i] && !catalog.kind(steps[i]!.action).machineId) out.push(i);
  return out;
}

/**
 * The parts of `shared` a step names: its target and the ARM ids in its details, and their
 * subscriptions' settings. A remediation's details list thousands of machines' ids: an id is
 * lower-cased only when a shared part has its length and last letter (`shapes`), and a
 * subscription's prefix is cut once for a run of ids under it.
 */
function namedParts(step: SimulatedStep, shared: Readonly<Record<string, string>>, shapes: ReadonlySet<number>): string[] {
  const found = new Set<string>();
  const subscriptions = new Set<string>();
  let prefix = "";
  const add = (value: string) => {
    if (value.length <= SUBSCRIPTIONS.length || !(value.startsWith(SUBSCRIPTIONS) || ARM_ID.test(value))) return;
    if (shapes.has(shapeOf(value))) {
      const id = value.toLowerCase();
      if (Object.hasOwn(shared, id)) found.add(id);
    }
    if (prefix && value.startsWith(prefix)) return;
    const end = value.indexOf("/", SUBSCRIPTIONS.length);
    const sub = end < 0 ? value : value.slice(0, end);
    subscriptions.add(sub);
    prefix = sub + "/";
  };
  const walk = (value: unknown): void => {
    if (typeof value === "string") add(value);
    else if (Array.isArray(value)) for (const v of value) walk(v);
    else if (value && typeof value === "object") for (const key in value) walk((value as Record<string, unknown>)[key]);
  };
  add(step.target);
  walk(step.details);
  for (const sub of subscriptions) {
    const id = sub.toLowerCase();
    if (Object.hasOwn(shared, id)) found.add(id);
  }
  return [...found];
}

/** An id's length and last character, A-Z read as a-z: equal for ids equal once lower-cased. */
function shapeOf(id: string): number {
  const c = id.charCodeAt(id.length - 1);
  return id.length * 65536 + (c >= 65 && c <= 90 ? c + 32 : c);
}

const SUBSCRIPTIONS = "/subscriptions/";

/**
 * The simulated inventory's parts by id, fingerprinted on demand: its lists are indexed again only
 * when one was replaced or shrank (a removal), and a list that grew has its new items indexed.
 */
class Parts {
  private readonly index = new Map<string, unknown>();
  private readonly seen = new Map<string, { list: readonly { readonly id: string }[]; length: number }>();

  constructor(private readonly inventory: Inventory) {}

  print(id: string): string {
    const part = this.value(id);
    return part === undefined ? ABSENT : fingerprintOf(part);
  }

  private value(id: string): unknown {
    if (!id.includes("/", SUBSCRIPTIONS.length)) {
      const s = this.inventory.subscriptions.find((x) => `/subscriptions/${x.id}`.toLowerCase() === id);
      return s && subscriptionPart(this.inventory, s);
    }
    this.refresh();
    return this.index.get(id);
  }

  private refresh(): void {
    const inv = this.inventory;
    const lists = { workspaces: inv.workspaces, clusters: inv.clusters, policyAssignments: inv.policyAssignments, roleAssignments: inv.roleAssignments, remediations: inv.remediations, dataCollectionRules: inv.dataCollectionRules ?? [] };
    let rebuild = false;
    for (const [name, list] of Object.entries(lists)) {
      const was = this.seen.get(name);
      if (was && (was.list !== list || was.length > list.length)) rebuild = true;
    }
    if (rebuild) {
      this.index.clear();
      this.seen.clear();
    }
    for (const [name, list] of Object.entries(lists)) {
      const from = this.seen.get(name)?.length ?? 0;
      for (let k = from; k < list.length; k++) this.index.set(list[k]!.id.toLowerCase(), list[k]);
      this.seen.set(name, { list, length: list.length });
    }
  }
}
