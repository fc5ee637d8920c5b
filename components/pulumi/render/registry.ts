/**
 * What a Pulumi component has rendered of the declaration model, by key, and how the model's
 * deferred values become Pulumi Outputs: a reference is an output of the rendered resource (so a
 * resource that uses it waits for it, as a reference in ARM terms should), a derived value is an
 * `apply` over its inputs, an opaque value is the Input a caller handed in.
 */
import * as pulumi from "@pulumi/pulumi";
import type { getWorkspaceOutput } from "@pulumi/azure-native/operationalinsights";
import { resolveWith, type Known, type Reference, type Value } from "../../../src/core/declarations";

type LookupOutput = ReturnType<typeof getWorkspaceOutput>;

interface Rendered {
  readonly resource: pulumi.CustomResource;
  /** The component it belongs to (errors about it are attributed there). */
  readonly component: pulumi.Resource;
  readonly displayName?: string;
}

export class RenderedDeclarations {
  private readonly resources = new Map<string, Rendered>();
  private readonly lookups = new Map<string, LookupOutput>();

  /**
   * `external` resolves the keys this registry does not hold (what another component declares,
   * e.g. a shared workspace's rule: the resource a caller handed in); undefined: nothing to wait for.
   */
  constructor(private readonly external: (key: string) => readonly pulumi.Input<pulumi.Resource>[] = () => []) {}

  add(key: string, entry: Rendered): void {
    if (this.resources.has(key)) throw new Error(`declaration ${key} rendered twice`);
    this.resources.set(key, entry);
  }

  addLookup(key: string, lookup: LookupOutput): void {
    this.lookups.set(key, lookup);
  }

  /** The resource rendered for `key`, if this registry holds it. */
  resource(key: string): pulumi.CustomResource | undefined {
    return this.resources.get(key)?.resource;
  }

  /** Every key rendered, in order. */
  keys(): string[] {
    return [...this.resources.keys()];
  }

  /** The resources `keys` name (rendered here or handed in); keys with neither are left out. Known references' declarations are waited for too. */
  dependencies(keys: readonly string[]): pulumi.Input<pulumi.Resource>[] {
    return keys.flatMap((key) => {
      const own = this.resources.get(key)?.resource;
      return own ? [own] : [...this.external(key)];
    });
  }

  /** `value` as a Pulumi Input, every deferred part resolved. */
  input<T>(value: Value<T>): pulumi.Input<Known<T>> {
    return resolveWith(value, {
      reference: (ref) => this.attribute(ref),
      opaque: (v) => v.handle as pulumi.Input<unknown>,
      derived: (from, compute) => pulumi.all([...from]).apply((values: unknown[]) => compute(...values)),
    }) as pulumi.Input<Known<T>>;
  }

  /** `value` as an Output (for values that are read further with apply). */
  output<T>(value: Value<T>): pulumi.Output<Known<T>> {
    return pulumi.output(this.input(value)) as pulumi.Output<Known<T>>;
  }

  /**
   * A reference whose value the model knows is that value (so a preview shows it), and the
   * resource waits for the declaration it names (see `dependencies`).
   */
  private attribute(ref: Reference): pulumi.Input<unknown> {
    if (ref.known !== undefined) return ref.known;
    if (ref.attribute === "location") {
      const lookup = this.lookups.get(ref.key);
      if (!lookup) throw new Error(`lookup ${ref.key} is not rendered`);
      return lookup.location;
    }
    const rendered = this.resources.get(ref.key);
    if (!rendered) throw new Error(`declaration ${ref.key} is not rendered (referenced for its ${ref.attribute})`);
    const resource = rendered.resource as pulumi.CustomResource & { name?: pulumi.Output<string>; identity?: pulumi.Output<{ principalId?: string } | undefined> };
    switch (ref.attribute) {
      case "id":
        return resource.id;
      case "name":
        return resource.name!;
      case "principalId":
        return resource.identity!.apply((identity) => {
          if (!identity?.principalId) {
            throw new pulumi.ResourceError(`the assignment of "${rendered.displayName}" has no managed identity, so no role can be granted to it`, rendered.component, true);
          }
          return identity.principalId;
        });
    }
  }
}
