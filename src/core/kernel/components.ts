/**
 * Shared component verdicts and plans. A fleet of a million machines has a few dozen distinct
 * (decision, reason) pairs and a few dozen distinct combinations of them: each is one object, found
 * through maps keyed by the objects themselves, so a plan holds no per-machine copy.
 */
import type { ComponentVerdict } from "./contract";
import type { Reason } from "./reasons";
import type { ComponentPlan, ComponentPlans } from "./types";

const verdicts = new WeakMap<Reason, Map<string, ComponentVerdict>>();

/** The one verdict object for this decision and reason. */
export function componentVerdict<C extends string>(decision: C, reason: Reason): ComponentVerdict<C> {
  let byDecision = verdicts.get(reason);
  if (!byDecision) verdicts.set(reason, (byDecision = new Map()));
  let v = byDecision.get(decision);
  if (!v) byDecision.set(decision, (v = Object.freeze({ decision, reason })));
  return v as ComponentVerdict<C>;
}

interface Node {
  plans?: ComponentPlans;
  next?: Map<ComponentVerdict | undefined, Node>;
}

/** Builds each machine's `components` from the components' verdicts, one shared object per combination. */
export class ComponentPlanBook {
  private readonly root: Node = {};
  private readonly plans = new WeakMap<ComponentVerdict, ComponentPlan>();

  constructor(private readonly names: readonly string[]) {}

  /** The plans of one machine, `verdicts` in the order of `names`; undefined when none applies. */
  of(verdicts: readonly (ComponentVerdict | undefined)[]): ComponentPlans | undefined {
    let node = this.root;
    for (const v of verdicts) {
      let next = node.next;
      if (!next) node.next = next = new Map();
      let found = next.get(v);
      if (!found) next.set(v, (found = {}));
      node = found;
    }
    if (!("plans" in node)) node.plans = this.build(verdicts);
    return node.plans;
  }

  private build(verdicts: readonly (ComponentVerdict | undefined)[]): ComponentPlans | undefined {
    const out: Record<string, ComponentPlan> = {};
    let any = false;
    verdicts.forEach((v, i) => {
      if (!v) return;
      any = true;
      let p = this.plans.get(v);
      if (!p) this.plans.set(v, (p = Object.freeze({ decision: v.decision, reason: v.reason.text })));
      out[this.names[i]!] = p;
    });
    return any ? Object.freeze(out) : undefined;
  }
}
