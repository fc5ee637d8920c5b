/** Resource type specs by lower-case type, and the namespaces they cover. */
import type { ResourceTypeSpec } from "./types";

export class Registry {
  private readonly specs = new Map<string, ResourceTypeSpec>();
  private readonly namespaces = new Map<string, string>();

  add(...specs: ResourceTypeSpec[]): this {
    for (const spec of specs) {
      this.specs.set(spec.type.toLowerCase(), spec);
      const ns = spec.type.split("/")[0]!;
      this.namespaces.set(ns.toLowerCase(), ns);
    }
    return this;
  }

  get(type: string): ResourceTypeSpec | undefined {
    return this.specs.get(type.toLowerCase());
  }

  /** The namespace as the specs spell it, if any type of it is emulated. */
  namespace(ns: string): string | undefined {
    return this.namespaces.get(ns.toLowerCase());
  }

  all(): ResourceTypeSpec[] {
    return [...this.specs.values()];
  }
}
