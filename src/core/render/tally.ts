/**
 * The markdown comment's figures (machines and steps by subscription and by component, machines
 * changed) in one pass over the steps. A compact step's action and machine come from its record
 * (records.ts), not through the step's Proxy; a machine's subscription and index are found once
 * per run of its steps; per step only counters move and one Int32Array entry is written (no list
 * of indices per subscription: the steps section scans that array for the few rows it shows).
 */
import { REGISTRY, type Catalog } from "../catalog";
import { machineLocator, machineReader, machineSubscriptionReader, onSubscription, subscriptionReader, subscriptionSource, TENANT, type RenderedPlan } from "./facts";
import { stepRecords } from "./records";
import { servingReader, type Owner } from "./serving";

export interface SubscriptionFacts {
  readonly id: string;
  machines: number;
  changing: number;
  steps: number;
  readonly decisions: Map<string, number>;
  /** Steps per action. */
  readonly actions: Map<string, number>;
}

export interface ComponentFacts {
  readonly id: string;
  readonly title: string;
  steps: number;
  machines: number;
  readonly actions: Map<string, number>;
}

export interface StepTally {
  readonly changing: number;
  /** Biggest changes first: most steps, then most machines, then by id. */
  readonly subscriptions: SubscriptionFacts[];
  /**
   * How many subscriptions the headline counts, as the text's does (subscriptionsOf): those of the
   * machines and clusters, and those whose own settings a step changes; not a hub subscription
   * listed only for a step on its workspace's rule or solution.
   */
  readonly headlineSubscriptions: number;
  /** Capabilities with steps in the plan (a step under the capability it serves: capability `serves`), most steps first. */
  readonly components: ComponentFacts[];
  /** A subscription's step indices in plan order; `onNoMachineFirst`: its steps on no machine first, then the others. */
  stepIndices(subscription: string, onNoMachineFirst: boolean): Iterable<number>;
}

/** What one action of one component counts towards: the component and its slot in the per-action counters. */
interface ActionInfo {
  readonly action: string;
  readonly owner: Owner;
  readonly slot: number;
  readonly component: ComponentCounter;
}

interface ComponentCounter {
  readonly id: string;
  readonly title: string;
  steps: number;
  machines: number;
  readonly actionCounts: number[];
  /** Per machine of the plan: 1 once a step of this component changes it. */
  readonly seen: Uint8Array;
}

interface SubscriptionCounter {
  readonly facts: SubscriptionFacts;
  readonly actionCounts: number[];
  /** First and last step of the subscription: the range its steps are scanned in. */
  first: number;
  last: number;
}

/** One pass over machines and one over steps; typed arrays where there is one entry per machine or step. */
export function tallySteps(plan: RenderedPlan, catalog: Catalog = REGISTRY): StepTally {
  const subs = new Map<string, SubscriptionCounter>();
  const sub = (id: string) => {
    let c = subs.get(id);
    if (!c) subs.set(id, (c = { facts: { id, machines: 0, changing: 0, steps: 0, decisions: new Map(), actions: new Map() }, actionCounts: [], first: -1, last: -1 }));
    return c;
  };
  const ofMachine = subscriptionReader();
  const counted = new Set<string>();
  for (const c of plan.clusters ?? []) counted.add(ofMachine(c.id));
  for (const m of plan.machines) {
    const f = sub(ofMachine(m.id) || "(none)").facts;
    if (f.machines === 0) counted.add(f.id);
    f.machines++;
    f.decisions.set(m.decision, (f.decisions.get(m.decision) ?? 0) + 1);
  }

  const machineCount = plan.machines.length;
  const ownerOfStep = servingReader(catalog);
  const components = new Map<string, ComponentCounter>();
  // Per component, per action: one slot each (install-extension has one under each agent it serves).
  const actions = new Map<Owner, Map<string, ActionInfo>>();
  const actionList: ActionInfo[] = [];
  const actionInfo = (action: string, owner: Owner): ActionInfo => {
    let ofOwner = actions.get(owner);
    if (!ofOwner) actions.set(owner, (ofOwner = new Map()));
    let info = ofOwner.get(action);
    if (!info) {
      let component = components.get(owner.id);
      if (!component) components.set(owner.id, (component = { id: owner.id, title: owner.title, steps: 0, machines: 0, actionCounts: [], seen: new Uint8Array(machineCount) }));
      ofOwner.set(action, (info = { action, owner, slot: actionList.length, component }));
      actionList.push(info);
    }
    return info;
  };

  const steps = plan.steps;
  const records = stepRecords(steps);
  const machineOfStep = machineReader(catalog);
  const locate = machineLocator(plan.machines);
  const ofStep = subscriptionReader();
  const subscriptionOfMachine = machineSubscriptionReader(plan.machines);
  // A machine counts once per subscription, once per component and once in all: a mark per machine and counter.
  const changedAnywhere = new Uint8Array(machineCount);
  // The subscription (ordinal) that last counted each machine.
  const countedIn = new Int32Array(machineCount).fill(-1);
  const inSeveral = new Set<number>();
  const elsewhere = new Set<string>();
  let changing = 0;
  // Per step: its subscription's ordinal * 2, + 1 when the step is on no machine.
  const stepCodes = new Int32Array(steps.length);
  const ordered: SubscriptionCounter[] = [];
  const ordinals = new Map<SubscriptionCounter, number>();
  // The previous step's machine and subscription: a machine's steps come one after another.
  let lastMachineId: string | undefined;
  let lastName: string | undefined;
  let lastM = -1;
  let lastCounter: SubscriptionCounter | undefined;
  let lastOrdinal = -1;
  let lastInfo: ActionInfo | undefined;
  for (let i = 0; i < steps.length; i++) {
    const record = records[i];
    const s = steps[i]!;
    const action = record ? record.shape.action : s.action;
    const owner = ownerOfStep(s, record);
    const info = lastInfo?.action === action && lastInfo.owner === owner ? lastInfo : (lastInfo = actionInfo(action, owner));
    const id = machineOfStep(s, record);
    let m: number;
    if (id === undefined) m = -1;
    else if (id === lastMachineId) m = lastM;
    else {
      const at = locate(id);
      m = at < 0 ? -2 : at;
      lastMachineId = id;
      lastM = m;
    }
    // The step's subscription: when the id it is read from is its machine's, the machine's (one per run of machines).
    const source = subscriptionSource(s, record);
    const name = (m >= 0 && source === id ? subscriptionOfMachine(m) : ofStep(source)) || TENANT;
    if (name !== lastName || !lastCounter) {
      lastName = name;
      const counter = sub(name);
      if (counter !== lastCounter) {
        lastCounter = counter;
        let ordinal = ordinals.get(counter);
        if (ordinal === undefined) {
          ordinals.set(counter, (ordinal = ordered.length));
          ordered.push(counter);
          counter.first = i;
        }
        lastOrdinal = ordinal;
      }
    }
    const counter = lastCounter;
    if (!record && m === -1 && !counted.has(name) && onSubscription(s.target, name)) counted.add(name);
    counter.last = i;
    counter.facts.steps++;
    counter.actionCounts[info.slot] = (counter.actionCounts[info.slot] ?? 0) + 1;
    stepCodes[i] = lastOrdinal * 2 + (m === -1 ? 1 : 0);
    const component = info.component;
    component.steps++;
    component.actionCounts[info.slot] = (component.actionCounts[info.slot] ?? 0) + 1;
    if (m >= 0) {
      const before = countedIn[m]!;
      if (before !== lastOrdinal) {
        if (before === -1) counter.facts.changing++;
        else {
          // A machine with steps in several subscriptions (rare): its (subscription, machine) pairs kept exactly.
          inSeveral.add(before * machineCount + m);
          const pair = lastOrdinal * machineCount + m;
          if (!inSeveral.has(pair)) {
            inSeveral.add(pair);
            counter.facts.changing++;
          }
        }
        countedIn[m] = lastOrdinal;
      }
      if (!changedAnywhere[m]) changing++;
      changedAnywhere[m] = 1;
      if (!component.seen[m]) {
        component.seen[m] = 1;
        component.machines++;
      }
    } else if (m === -2) elsewhere.add(id!);
  }

  // An action counted under several components has a slot each: a subscription's count is their sum.
  const countsOf = (counts: readonly number[], into: Map<string, number>) => {
    for (const a of actionList) if (counts[a.slot]) into.set(a.action, (into.get(a.action) ?? 0) + counts[a.slot]!);
  };
  for (const c of ordered) countsOf(c.actionCounts, c.facts.actions);
  return {
    changing: changing + elsewhere.size,
    headlineSubscriptions: [...counted].filter((id) => id !== "" && id !== "(none)").length,
    subscriptions: [...subs.values()].map((c) => c.facts).sort((a, b) => b.steps - a.steps || b.machines - a.machines || (a.id < b.id ? -1 : 1)),
    components: [...components.values()]
      .map((c) => {
        const out: ComponentFacts = { id: c.id, title: c.title, steps: c.steps, machines: c.machines, actions: new Map() };
        countsOf(c.actionCounts, out.actions);
        return out;
      })
      .sort((a, b) => b.steps - a.steps || (a.id < b.id ? -1 : 1)),
    stepIndices: (subscription, onNoMachineFirst) => {
      const counter = subs.get(subscription);
      const ordinal = counter && ordinals.get(counter);
      if (!counter || ordinal === undefined) return [];
      return indicesOf(stepCodes, ordinal, counter.first, counter.last, onNoMachineFirst);
    },
  };
}


function* indicesOf(codes: Int32Array, ordinal: number, first: number, last: number, onNoMachineFirst: boolean): Generator<number> {
  const onMachine = ordinal * 2;
  const onNoMachine = onMachine + 1;
  if (!onNoMachineFirst) {
    for (let i = first; i <= last; i++) if (codes[i] === onMachine || codes[i] === onNoMachine) yield i;
    return;
  }
  for (let i = first; i <= last; i++) if (codes[i] === onNoMachine) yield i;
  for (let i = first; i <= last; i++) if (codes[i] === onMachine) yield i;
}
