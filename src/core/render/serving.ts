/**
 * The capability a step serves: the one that declares it in `serves` (Guest Configuration for the
 * install of its extension), else the one that owns its action (machine-extensions for an
 * identity). The renderers' "by component" counts read it; the capabilities hold the rules.
 */
import { REGISTRY, type Catalog } from "../catalog";
import { compactRecordOf, shapeDetails, type CompactRecord, type StepShape } from "../kernel/compact";
import type { RenderedStep } from "./facts";

/** A capability as the renderers name it. */
export interface Owner {
  readonly id: string;
  readonly title: string;
}

/** What a step of an action no registered capability owns counts towards (a plan read from elsewhere). */
export const NO_OWNER: Owner = Object.freeze({ id: "other", title: "actions no registered capability owns" });

type Test = (details: unknown) => boolean;

/**
 * A reader of each step's Owner. A compact step is asked once per shape (its details are built
 * on each read, and `serves` decides from the shape); an action no capability serves is a map look-up.
 */
export function servingReader(catalog: Catalog = REGISTRY): (s: RenderedStep, record?: CompactRecord) => Owner {
  const owners = new Map<string, Owner>();
  const claims = new Map<string, { readonly owner: Owner; readonly test: Test }[]>();
  for (const c of catalog.capabilities) {
    const owner: Owner = { id: c.id, title: c.title };
    for (const action of Object.keys(c.steps)) owners.set(action, owner);
    for (const [action, test] of Object.entries((c.serves ?? {}) as Readonly<Record<string, Test | undefined>>)) {
      if (!test) continue;
      let list = claims.get(action);
      if (!list) claims.set(action, (list = []));
      list.push({ owner, test });
    }
  }
  const ofAction = (action: string) => owners.get(action) ?? NO_OWNER;
  const ofDetails = (action: string, details: unknown) => {
    for (const claim of claims.get(action)!) if (claim.test(details)) return claim.owner;
    return ofAction(action);
  };
  const byShape = new Map<StepShape, Owner>();
  return (s, record = compactRecordOf(s)) => {
    const action = record ? record.shape.action : s.action;
    if (!claims.has(action)) return ofAction(action);
    if (!record) return ofDetails(action, s.details);
    let owner = byShape.get(record.shape);
    if (!owner) byShape.set(record.shape, (owner = ofDetails(action, shapeDetails(record.shape, record.machineId))));
    return owner;
  };
}
