/**
 * The basis of a saved plan (`plan --out`, `plan --format json`): the spec it was planned with and
 * a digest of each part of the actual state its steps depend on (the resources each step names: its
 * target, the machine, the ARM ids in its details, and its subscription's settings). `apply --plan`
 * reads the live state, digests the same parts and applies the plan only when none changed, like
 * `terraform apply PLANFILE` refusing a stale plan. A change elsewhere in the fleet (a new machine)
 * does not make the plan stale: it is simply not in it.
 */
import { createHash } from "node:crypto";
import type { Inventory } from "../inventory/schema";
import type { Spec } from "../spec/schema";

export const BASIS_VERSION = 1;

export interface PlanBasis {
  readonly version: typeof BASIS_VERSION;
  /** The spec the plan was made with (no secret: a spec holds none). */
  readonly spec: Spec;
  readonly specDigest: string;
  /** When the inventory was read. */
  readonly inventoryGeneratedAt: string;
  /** Digest over every entry of `resources`: equal when nothing the steps depend on changed. */
  readonly digest: string;
  /** Lower-case ARM id (or `/subscriptions/ID` for a subscription's settings) -> digest of that part of the state; "absent" when it did not exist. */
  readonly resources: Readonly<Record<string, string>>;
}

interface StepLike {
  readonly target: string;
  readonly details: unknown;
}

export const ABSENT = "absent";

/** What changed between a saved basis and the live state: resource ids with how. */
export interface BasisChange {
  readonly id: string;
  readonly change: "changed" | "appeared" | "disappeared";
}

export function digestOf(value: unknown): string {
  return createHash("sha256").update(canonical(value)).digest("hex").slice(0, 24);
}

export function specDigest(spec: Spec): string {
  return digestOf(spec);
}

/** The ids a step depends on: its target, the ARM ids in its details, and its subscription. */
export function dependencyIds(step: StepLike): string[] {
  const ids = new Set<string>();
  addDependencyIds(step, ids, idMemo());
  return [...ids].sort();
}

/** Lower-cased ARM ids and their subscriptions, each string looked at once (workspace ids recur for every machine). */
interface IdMemo {
  /** The id lower-cased, and its subscription's (or undefined); null for a string that is no ARM id. */
  of(value: string): readonly [string, string | undefined] | null;
}

function idMemo(): IdMemo {
  const memo = new Map<string, readonly [string, string | undefined] | null>();
  return {
    of(value) {
      let found = memo.get(value);
      if (found === undefined) {
        found = /^\/subscriptions\/[^/]+/i.test(value) ? withSubscription(value.toLowerCase()) : null;
        // Machine ids are seen once or twice each: keep the memo to the strings that repeat.
        if (memo.size < 4096) memo.set(value, found);
      }
      return found;
    },
  };
}

function withSubscription(id: string): readonly [string, string | undefined] {
  return [id, /^\/subscriptions\/[^/]+/i.exec(id)?.[0]];
}

function addDependencyIds(step: StepLike, into: Set<string>, memo: IdMemo): void {
  const [target, sub] = withSubscription(step.target.toLowerCase());
  into.add(target);
  if (sub) into.add(sub);
  collectIds(step.details, into, memo);
}

function collectIds(value: unknown, into: Set<string>, memo: IdMemo): void {
  if (typeof value === "string") {
    const found = memo.of(value);
    if (found) {
      into.add(found[0]);
      if (found[1]) into.add(found[1]);
    }
  } else if (Array.isArray(value)) {
    // Long id lists (a remediation's machines, notScopes) are followed like any other.
    for (const v of value) collectIds(v, into, memo);
  } else if (value && typeof value === "object") {
    for (const key in value) collectIds((value as Record<string, unknown>)[key], into, memo);
  }
}

/** Every part of an inventory that has an id, by lower-case id. */
export function stateIndex(inventory: Inventory): Map<string, unknown> {
  const index = new Map<string, unknown>();
  const add = (id: string, value: unknown) => index.set(id.toLowerCase(), value);
  for (const s of inventory.subscriptions) add(`/subscriptions/${s.id}`, { onboardedAt: s.onboardedAt ?? null, settings: inventory.settings?.[s.id] ?? inventory.settings?.[s.id.toLowerCase()] ?? null });
  for (const list of [
    inventory.machines,
    inventory.workspaces,
    inventory.clusters,
    inventory.policyAssignments,
    inventory.roleAssignments,
    inventory.remediations,
    inventory.dataCollectionRules,
    inventory.dataCollectionRuleAssociations,
  ] as readonly (readonly { readonly id: string }[] | undefined)[]) {
    for (const item of list ?? []) add(item.id, item);
  }
  return index;
}

/** The digests of the parts of `index` that `ids` name. */
export function digestsOf(index: ReadonlyMap<string, unknown>, ids: Iterable<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of ids) {
    const part = index.get(id);
    out[id] = part === undefined ? ABSENT : digestOf(part);
  }
  return out;
}

export function basisOf(spec: Spec, inventory: Inventory, steps: readonly StepLike[]): PlanBasis {
  const ids = new Set<string>();
  const memo = idMemo();
  for (const s of steps) addDependencyIds(s, ids, memo);
  const resources = digestsOf(stateIndex(inventory), [...ids].sort());
  return {
    version: BASIS_VERSION,
    spec,
    specDigest: specDigest(spec),
    inventoryGeneratedAt: inventory.generatedAt ?? "",
    digest: digestOf(resources),
    resources,
  };
}

/** The parts of the basis that differ in `live` (empty: the plan still holds). */
export function basisChanges(basis: PlanBasis, live: Inventory): BasisChange[] {
  const now = digestsOf(stateIndex(live), Object.keys(basis.resources));
  const changes: BasisChange[] = [];
  for (const [id, was] of Object.entries(basis.resources)) {
    const is = now[id]!;
    if (is === was) continue;
    changes.push({ id, change: was === ABSENT ? "appeared" : is === ABSENT ? "disappeared" : "changed" });
  }
  return changes;
}

/** JSON with object keys sorted and arrays of objects in a stable order: equal states digest equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    if (value.some((v) => v && typeof v === "object")) items.sort();
    return `[${items.join(",")}]`;
  }
  if (value && typeof value === "object") {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object).sort(byCodeUnits);
    let out = "{";
    for (const k of keys) {
      const v = object[k];
      if (v === undefined) continue;
      out += `${out.length > 1 ? "," : ""}${JSON.stringify(k)}:${canonical(v)}`;
    }
    return out + "}";
  }
  return JSON.stringify(value) ?? "null";
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
