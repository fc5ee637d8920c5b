/**
 * What a CDKTF construct has rendered of the declaration model, by key, and how the model's
 * deferred values become Terraform references: a reference is a token of the rendered resource
 * (Terraform then orders the two itself), a derived value is computed over the tokens (they are
 * only ever embedded, never parsed). A Terraform stack has no value a caller holds back, so an
 * opaque value is a programming error here.
 */
import type { DataAzurermLogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/data-azurerm-log-analytics-workspace";
import type { ITerraformDependable, TerraformResource } from "cdktf";
import { resolveWith, type Known, type Reference, type Value } from "../../../src/core/declarations";

export class RenderedDeclarations {
  private readonly resources = new Map<string, TerraformResource>();
  private readonly lookups = new Map<string, DataAzurermLogAnalyticsWorkspace>();

  /**
   * `external` resolves the keys this registry does not hold (what another construct declares,
   * e.g. a shared workspace's rule: the resource a caller handed in); none: nothing to wait for.
   */
  constructor(private readonly external: (key: string) => readonly ITerraformDependable[] = () => []) {}

  add(key: string, resource: TerraformResource): void {
    if (this.resources.has(key)) throw new Error(`declaration ${key} rendered twice`);
    this.resources.set(key, resource);
  }

  addLookup(key: string, lookup: DataAzurermLogAnalyticsWorkspace): void {
    this.lookups.set(key, lookup);
  }

  /** The resource rendered for `key`, if this registry holds it. */
  resource(key: string): TerraformResource | undefined {
    return this.resources.get(key);
  }

  /** The lookup rendered for `key`, if this registry holds it. */
  lookup(key: string): DataAzurermLogAnalyticsWorkspace | undefined {
    return this.lookups.get(key);
  }

  /** Every key rendered, in order. */
  keys(): string[] {
    return [...this.resources.keys()];
  }

  /** The resources `keys` name (rendered here or handed in). */
  dependencies(keys: readonly string[]): ITerraformDependable[] {
    return keys.flatMap((key) => {
      const own = this.resources.get(key);
      return own ? [own] : [...this.external(key)];
    });
  }

  /** `value` with every deferred part a Terraform token. */
  token<T>(value: Value<T>): Known<T> {
    return resolveWith(value, {
      reference: (ref) => this.attribute(ref),
      opaque: () => {
        throw new Error("a CDKTF stack has no deferred input: every value it declares is known at synth");
      },
      derived: (from, compute) => compute(...from),
    }) as Known<T>;
  }

  private attribute(ref: Reference): string {
    if (ref.attribute === "location") {
      const lookup = this.lookups.get(ref.key);
      if (!lookup) throw new Error(`lookup ${ref.key} is not rendered`);
      return lookup.location;
    }
    const resource = this.resources.get(ref.key) as (TerraformResource & { id: string; name?: string; identity?: { principalId: string } }) | undefined;
    if (!resource) throw new Error(`declaration ${ref.key} is not rendered (referenced for its ${ref.attribute})`);
    switch (ref.attribute) {
      case "id":
        return resource.id;
      case "name":
        return resource.name!;
      case "principalId":
        return resource.identity!.principalId;
    }
  }
}
