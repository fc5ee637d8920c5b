/**
 * The basis of a saved plan (`plan --out`, `plan --format json`): the spec it was planned with and
 * a digest of each part of the actual state its steps depend on (dependencies.ts: the machines its
 * steps name, each with what is under it, and the shared parts: subscriptions' settings, workspaces,
 * rules, policies). `apply --plan` reads the live state, digests the same parts and applies the plan
 * only when none changed, like `terraform apply PLANFILE` refusing a stale plan. A change elsewhere
 * in the fleet (a new machine) does not make the plan stale: it is simply not in it.
 *
 * Since version 2 a machine's digest is kept by its position in the plan's machines, not under its
 * id: the saved plan names the machines already, and a million ids written twice were half the
 * plan file.
 *
 * A shared part the plan's steps change also has its after-digest (after.ts, `sharedAfter`): a part
 * that changed to exactly that (a `pulumi up` of the same spec set it) is as planned, not stale,
 * and the steps that change only parts as planned are not sent. A basis without it (written
 * before) takes every changed part as stale; an earlier build reading one with it ignores it and
 * does the same, so the version stays 3.
 */
import type { Inventory } from "../../inventory/schema";
import type { Spec } from "../../spec/schema";
import { digestOf, digestOfJoined } from "./canonical";
import { sortById } from "../kernel/sortById";
import { dependenciesOf, machineIndexOf, type StepLike } from "./dependencies";
import { ABSENT, digestsOf, machineDigests, sharedDigests, stateIndex } from "./state";
import { sharedAfterOf, type SharedAfter, type SimulatedStep } from "./after";

export { digestOf } from "./canonical";
export type { SharedAfter } from "./after";
export { ABSENT } from "./state";

/** 3: a machine's fingerprint leaves its id out (its position says which machine) and reads two characters a round; a version 2 basis is refused (its fingerprints were made another way). */
export const BASIS_VERSION = 3;

interface BasisCommon {
  /** The spec the plan was made with (no secret: a spec holds none). */
  readonly spec: Spec;
  readonly specDigest: string;
  /** When the inventory was read. */
  readonly inventoryGeneratedAt: string;
  /** Digest over every part's digest: equal when nothing the steps depend on changed. */
  readonly digest: string;
}

export interface PlanBasis extends BasisCommon {
  readonly version: typeof BASIS_VERSION;
  /** Lower-case ARM id (or `/subscriptions/ID` for a subscription's settings) -> digest of that part of the state; "absent" when it did not exist. */
  readonly shared: Readonly<Record<string, string>>;
  /** For each machine of the plan, in its order: the digest of its state when a step depends on it, else "". */
  readonly machines: readonly string[];
  /** For each shared part the steps change, its digest once they succeeded and those steps; absent when none (and in a basis written before). */
  readonly sharedAfter?: Readonly<Record<string, SharedAfter>>;
}

/** What `plan` wrote before version 2 (every part by its id); still read. */
export interface PlanBasisV1 extends BasisCommon {
  readonly version: 1;
  readonly resources: Readonly<Record<string, string>>;
}

export type AnyPlanBasis = PlanBasis | PlanBasisV1;

/** What a basis is computed from and checked against: the plan's machines and steps. */
export interface BasisPlan {
  readonly machines: readonly { readonly id: string }[];
  readonly steps: readonly (StepLike & SimulatedStep)[];
}

/** What changed between a saved basis and the live state: resource ids with how. */
export interface BasisChange {
  readonly id: string;
  readonly change: "changed" | "appeared" | "disappeared";
}

/** A saved basis against the live state. */
export interface BasisCheck {
  /** Parts changed to anything but what the plan leaves there: the plan is stale. */
  readonly changes: BasisChange[];
  /** Shared parts (lower-case ids) changed to exactly what the plan's steps leave there. */
  readonly asPlanned: readonly string[];
  /** The steps (indexes in the plan) every part they change is as planned: done, not to be sent. */
  readonly doneSteps: readonly number[];
}

export function specDigest(spec: Spec): string {
  return digestOf(spec);
}

/** The lower-case ids a step depends on: its target, the ARM ids in its details, and their subscriptions. */
export function dependencyIds(step: StepLike): string[] {
  const { shared } = dependenciesOf({ machines: [], steps: [step] });
  return [...shared].sort();
}

/**
 * The inventory with its machines sorted by id, as the planner sorts them (the same one when they
 * are). Planning and the basis of a plan of it then share one sort, and the basis walks the plan's
 * machines beside the inventory's.
 */
export function withMachinesSorted(inventory: Inventory): Inventory {
  const machines = sortById(inventory.machines) as Inventory["machines"];
  return machines === inventory.machines ? inventory : { ...inventory, machines };
}

export function basisOf(spec: Spec, inventory: Inventory, plan: BasisPlan): PlanBasis {
  const indexOf = machineIndexOf(plan.machines);
  const { machines: wanted, shared: sharedIds } = dependenciesOf(plan, indexOf);
  const machines = machineDigests(withMachinesSorted(inventory), plan.machines, wanted, indexOf);
  const shared = sharedDigests(inventory, sharedIds);
  const sharedAfter = sharedAfterOf(inventory, plan.steps, shared);
  return {
    version: BASIS_VERSION,
    spec,
    specDigest: specDigest(spec),
    inventoryGeneratedAt: inventory.generatedAt ?? "",
    digest: overallDigest(shared, machines),
    shared,
    machines,
    ...(Object.keys(sharedAfter).length ? { sharedAfter } : {}),
  };
}

/** How many parts of the state a basis holds digests of. */
export function basisPartCount(basis: AnyPlanBasis): number {
  if (basis.version === 1) return Object.keys(basis.resources).length;
  let n = Object.keys(basis.shared).length;
  for (const d of basis.machines) if (d) n++;
  return n;
}

/** The parts of the basis that differ in `live` (empty: the plan still holds); `plan` is the saved plan. */
export function basisChanges(basis: AnyPlanBasis, live: Inventory, plan: BasisPlan): BasisChange[] {
  return checkBasis(basis, live, plan).changes;
}

/** The stale parts of the basis in `live`, and the shared parts already as planned with the steps that are then done. */
export function checkBasis(basis: AnyPlanBasis, live: Inventory, plan: BasisPlan): BasisCheck {
  if (basis.version === 1) return { changes: compare(basis.resources, digestsOf(stateIndex(live), Object.keys(basis.resources))), asPlanned: [], doneSteps: [] };
  const after = basis.sharedAfter ?? {};
  const now = sharedDigests(live, new Set(Object.keys(basis.shared)));
  const asPlanned = Object.keys(basis.shared).filter((id) => now[id] !== basis.shared[id] && Object.hasOwn(after, id) && now[id] === after[id]!.digest);
  const changes = compare(basis.shared, now, new Set(asPlanned));
  // Live ids may differ in case from the saved plan's (ARM ids do not differ by case).
  const position = new Map<string, number>();
  plan.machines.forEach((m, i) => {
    if (basis.machines[i]) position.set(m.id.toLowerCase(), i);
  });
  const wanted = Uint8Array.from(basis.machines, (d) => (d ? 1 : 0));
  const machinesNow = machineDigests(live, plan.machines, wanted, (id) => position.get(id.toLowerCase()) ?? -1);
  basis.machines.forEach((was, i) => {
    if (was && machinesNow[i] !== was) changes.push({ id: plan.machines[i]!.id.toLowerCase(), change: machinesNow[i] === ABSENT ? "disappeared" : "changed" });
  });
  return { changes, asPlanned, doneSteps: doneSteps(after, new Set(asPlanned)) };
}

/** The steps that change parts (sharedAfter lists them) and only parts as planned. */
function doneSteps(after: Readonly<Record<string, SharedAfter>>, asPlanned: ReadonlySet<string>): number[] {
  if (!asPlanned.size) return [];
  const done = new Map<number, boolean>();
  for (const [id, part] of Object.entries(after)) for (const i of part.steps) done.set(i, (done.get(i) ?? true) && asPlanned.has(id));
  return [...done].filter(([, d]) => d).map(([i]) => i).sort((a, b) => a - b);
}

function compare(saved: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>, asPlanned?: ReadonlySet<string>): BasisChange[] {
  const changes: BasisChange[] = [];
  for (const [id, was] of Object.entries(saved)) {
    const is = now[id];
    if (is === was || asPlanned?.has(id)) continue;
    changes.push({ id, change: was === ABSENT ? "appeared" : is === ABSENT ? "disappeared" : "changed" });
  }
  return changes;
}

function overallDigest(shared: Readonly<Record<string, string>>, machines: readonly string[]): string {
  // digestOf({ shared, machines: machines.join(",") }), hashed without the joined string.
  return digestOfJoined({ shared }, "machines", machines, ",");
}
