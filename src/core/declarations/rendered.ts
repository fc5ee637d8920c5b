/**
 * The bookkeeping every front end keeps while it renders the model: what it has rendered (a
 * resource per declaration key, a read per lookup key), what a key it does not hold stands for
 * (a resource a caller handed in), and how a reference to one of them becomes its own kind of late
 * value. A front end subclasses it with its resource, lookup and late-value types.
 */
import type { Attribute, Reference } from "../kernel";

export abstract class Rendered<Resource, Lookup, Dependency, Late> {
  private readonly resources = new Map<string, Resource>();
  private readonly lookups = new Map<string, Lookup>();

  /**
   * `external` resolves the keys this registry does not hold (what another component declares,
   * e.g. a shared workspace's rule: the resource a caller handed in); none: nothing to wait for.
   */
  constructor(private readonly external: (key: string) => readonly Dependency[] = () => []) {}

  add(key: string, resource: Resource): void {
    if (this.resources.has(key)) throw new Error(`declaration ${key} rendered twice`);
    this.resources.set(key, resource);
  }

  addLookup(key: string, lookup: Lookup): void {
    this.lookups.set(key, lookup);
  }

  /** The resource rendered for `key`, if this registry holds it. */
  resource(key: string): Resource | undefined {
    return this.resources.get(key);
  }

  /** The lookup rendered for `key`, if this registry holds it. */
  lookup(key: string): Lookup | undefined {
    return this.lookups.get(key);
  }

  /** Every key rendered, in order. */
  keys(): string[] {
    return [...this.resources.keys()];
  }

  /** What `keys` name: the resources rendered here, or what was handed in for the others. */
  dependencies(keys: readonly string[]): Dependency[] {
    return keys.flatMap((key) => {
      const own = this.resources.get(key);
      return own !== undefined ? [this.asDependency(own)] : [...this.external(key)];
    });
  }

  /** The late value of a reference: a lookup's location, or an attribute of a rendered resource. */
  protected referenced(ref: Reference): Late {
    if (ref.attribute === "location") {
      const lookup = this.lookups.get(ref.key);
      if (lookup === undefined) throw new Error(`lookup ${ref.key} is not rendered`);
      return this.locationOf(lookup);
    }
    const resource = this.resources.get(ref.key);
    if (resource === undefined) throw new Error(`declaration ${ref.key} is not rendered (referenced for its ${ref.attribute})`);
    const attributes: Record<Exclude<Attribute, "location">, (r: Resource) => Late> = { id: (r) => this.idOf(r), name: (r) => this.nameOf(r), principalId: (r) => this.principalIdOf(r) };
    return attributes[ref.attribute](resource);
  }

  protected abstract asDependency(resource: Resource): Dependency;
  protected abstract locationOf(lookup: Lookup): Late;
  /** The ARM id Azure gives the resource. */
  protected abstract idOf(resource: Resource): Late;
  /** The resource's name. */
  protected abstract nameOf(resource: Resource): Late;
  /** A policy assignment's system-assigned identity. */
  protected abstract principalIdOf(resource: Resource): Late;
}
