/**
 * Values of the declaration model. Most are known when the model is computed (names, locations,
 * tiers); a few are known only once something exists: the id Azure gives a created resource, a
 * policy assignment's identity, an existing workspace's location read at deployment, or a value a
 * front end holds that is not known yet (a Pulumi Output handed to a component). Those are
 * Deferred: a front end resolves them into its own kind of late value (a Pulumi Output, a
 * Terraform reference), and the model never reads them.
 */

/** Marks a deferred value; no plain value of the model carries this key. */
export const DEFERRED = "$deferred";

/** What another declaration makes known once it exists. */
export type Attribute = "id" | "name" | "principalId" | "location";

/**
 * An attribute of another declaration (or of a lookup), by its key. `known`: the value it will
 * have, when the model knows it beforehand (a name it gave); a front end may use it, and wait for
 * the declaration, instead of its late value.
 */
export interface Reference<T = unknown> {
  readonly [DEFERRED]: "reference";
  readonly key: string;
  readonly attribute: Attribute;
  readonly known?: T;
  /** Type only: what the attribute holds. */
  readonly __type?: T;
}

/** Computed from other values once they are known (the compute function must be pure). */
export interface Derived<T = unknown> {
  readonly [DEFERRED]: "derived";
  readonly from: readonly unknown[];
  readonly compute: (...values: never[]) => T;
}

/** A front end's own late value (a Pulumi Output), carried through the model without being read. */
export interface Opaque<T = unknown> {
  readonly [DEFERRED]: "opaque";
  readonly handle: unknown;
  readonly __type?: T;
}

export type Deferred<T = unknown> = Reference<T> | Derived<T> | Opaque<T>;

/** A value of the model: known now, or deferred. */
export type Value<T> = T | Deferred<T>;

/**
 * A component's input fields (generated from their schema) with the fields in `D` deferrable. A
 * homomorphic mapped type: each field keeps its documentation for editors.
 */
export type WithDeferred<T, D extends keyof T> = { readonly [K in keyof T]: K extends D ? Value<NonNullable<T[K]>> : T[K] };

/** The value type once every deferred part is resolved. */
export type Known<T> = T extends Deferred<infer U> ? Known<U> : T extends readonly (infer E)[] ? readonly Known<E>[] : T extends object ? { readonly [K in keyof T]: Known<T[K]> } : T;

export function isDeferred(value: unknown): value is Deferred {
  return typeof value === "object" && value !== null && DEFERRED in value;
}

export function reference<T = string>(key: string, attribute: Attribute, known?: T): Reference<T> {
  return known === undefined ? { [DEFERRED]: "reference", key, attribute } : { [DEFERRED]: "reference", key, attribute, known };
}

/** Every reference in `value` (objects, arrays and derived values are walked). */
export function referencesIn(value: unknown): Reference[] {
  if (isDeferred(value)) {
    if (value[DEFERRED] === "reference") return [value];
    return value[DEFERRED] === "derived" ? value.from.flatMap(referencesIn) : [];
  }
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).flatMap(referencesIn);
  return [];
}

export function opaque<T>(handle: unknown): Opaque<T> {
  return { [DEFERRED]: "opaque", handle };
}

/**
 * `compute(...from)`: computed now when every argument is known, else a Derived value the front
 * end computes once they are.
 */
export function derive<T, A extends readonly unknown[]>(compute: (...args: A) => T, ...from: { readonly [K in keyof A]: Value<A[K]> }): Value<T> {
  if (from.some(isDeferred)) return { [DEFERRED]: "derived", from, compute: compute as unknown as (...values: never[]) => T };
  return compute(...(from as unknown as A));
}

/** The value when it is known now, else `fallback`. */
export function knownOr<T>(value: Value<T>, fallback: T): T {
  return isDeferred(value) ? fallback : value;
}

/** How a front end turns deferred values into its own late values (`Late`). */
export interface Resolver<Late> {
  reference(ref: Reference): Late;
  opaque(value: Opaque): Late;
  /** `compute` over `from`, each already resolved (plain or late). */
  derived(from: readonly unknown[], compute: (...values: unknown[]) => unknown): Late;
}

/** Resolves every deferred part of `value` (objects and arrays are walked). */
export function resolveWith<Late>(value: unknown, resolver: Resolver<Late>): unknown {
  if (isDeferred(value)) {
    switch (value[DEFERRED]) {
      case "reference":
        return resolver.reference(value);
      case "opaque":
        return resolver.opaque(value);
      case "derived":
        return resolver.derived(
          value.from.map((v) => resolveWith(v, resolver)),
          value.compute as unknown as (...values: unknown[]) => unknown,
        );
    }
  }
  if (Array.isArray(value)) return value.map((v) => resolveWith(v, resolver));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveWith(v, resolver)]));
  }
  return value;
}

/**
 * `value` as plain data, every reference written `<key>.<attribute>` and every derived value
 * computed over those texts: a form that compares and prints (two models are the same when their
 * symbolic forms are equal, whatever closures their derived values hold).
 */
export function symbolic(value: unknown): unknown {
  return resolveWith(value, {
    reference: (ref) => `<${ref.key}.${ref.attribute}>`,
    opaque: () => "<opaque>",
    derived: (from, compute) => compute(...from),
  });
}
