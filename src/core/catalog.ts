/**
 * What the core knows of a list of capabilities: their decisions (with meanings, in order) and
 * the step kind of each action. Built once per list; `REGISTRY` is the registered one.
 */
import { CAPABILITIES } from "../capabilities";
import type { Capability, ComponentKind, StepKind, StepMap } from "./kernel";

/** Any capability, whatever its steps and decisions: the composer only routes them. */
export type AnyCapability = Capability<StepMap, string, StepMap>;

export interface Catalog {
  readonly capabilities: readonly AnyCapability[];
  /** Decisions in the order the renderers list them. */
  readonly decisions: readonly string[];
  readonly meaning: (decision: string) => string;
  /** The step kind of an action; throws for an action no capability owns. */
  readonly kind: (action: string) => StepKind<unknown>;
  /** The step kind of an action, or undefined for an action no capability owns (a plan read from elsewhere). */
  readonly tryKind: (action: string) => StepKind<unknown> | undefined;
  /** The per-machine and per-cluster components, in registration order. */
  readonly components: readonly ComponentKind[];
}

const catalogs = new WeakMap<readonly AnyCapability[], Catalog>();

export function catalogOf(capabilities: readonly AnyCapability[]): Catalog {
  let found = catalogs.get(capabilities);
  if (found) return found;
  const meanings = new Map<string, string>();
  const kinds = new Map<string, StepKind<unknown>>();
  for (const c of capabilities) {
    for (const [d, meaning] of Object.entries(c.decisions as Readonly<Record<string, string>>)) if (!meanings.has(d)) meanings.set(d, meaning);
    for (const [action, kind] of Object.entries(c.steps as Readonly<Record<string, StepKind<unknown>>>)) {
      if (kinds.has(action)) throw new Error(`action ${action} is owned by two capabilities (the second is ${c.id})`);
      kinds.set(action, kind);
    }
  }
  const components: ComponentKind[] = [];
  for (const c of capabilities) for (const k of c.components ?? []) {
    if (components.some((x) => x.name === k.name)) throw new Error(`component ${k.name} is decided by two capabilities (the second is ${c.id})`);
    components.push(k);
  }
  found = {
    capabilities,
    components,
    decisions: [...meanings.keys()],
    meaning: (d) => meanings.get(d) ?? d,
    kind: (action) => {
      const k = kinds.get(action);
      if (!k) throw new Error(`no registered capability owns the action ${action}`);
      return k;
    },
    tryKind: (action) => kinds.get(action),
  };
  catalogs.set(capabilities, found);
  return found;
}

export const REGISTRY: Catalog = catalogOf(CAPABILITIES);
