/**
 * The steps ready to run, and which one a free concurrency slot takes next.
 *
 * - Across subscriptions: ARM's write budget is per subscription, and a step waits for its token
 *   while it holds a slot. Taken in plan order (one subscription's steps after another's), every
 *   slot waited on the first subscription's bucket while the others' stayed full. So the next step
 *   is of the first subscription, in turn, whose bucket has a token for it now (counting the
 *   tokens its steps already in a slot will take); when none has, of the one whose bucket refills
 *   soonest.
 * - Within a subscription: steps on shared resources before steps on one machine, then the
 *   longest chain of steps after it first, then plan order. A machine's step is one of thousands
 *   alike that pace the apply whenever they go; a shared step (a workspace, a data collection
 *   rule, a policy assignment, its role, its remediation task) is one of few, and starts a chain
 *   the machines wait on or ends in a wait that spends no budget (a remediation task followed for
 *   minutes). Taken in plan order, behind the machines' steps, such a chain ran alone after every
 *   bucket was through: on 5k machines, a policy assignment at 117 s, its role at 247-377 s and
 *   its remediation at 370-378 s of a 379 s write phase, followed until 403 s.
 */
import type { Step } from "../capabilities";
import { machineReader } from "../core/render/facts";
import { subscriptionOfUrl } from "./budget";

/** How soon a subscription's write budget could take one more write: ms, 0 for now. */
export type WriteReadyIn = (subscription: string, inSlot: number) => number;

export interface ReadyOrder {
  /** Each step's rank: the longest chain of steps from it to the end of the plan (1 for a last step). */
  readonly rank: (step: Step) => number;
  /** The write budget's wait; without it, subscriptions simply take turns. */
  readonly writeReadyIn?: WriteReadyIn;
}

/** A max-heap of ready steps by (rank, earlier first). */
class StepHeap {
  private readonly items: { step: Step; rank: number; seq: number }[] = [];

  get length(): number {
    return this.items.length;
  }

  push(step: Step, rank: number, seq: number): void {
    const a = this.items;
    a.push({ step, rank, seq });
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): Step | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(l, m)) m = l;
        if (r < a.length && this.before(r, m)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top?.step;
  }

  private before(i: number, j: number): boolean {
    const x = this.items[i]!;
    const y = this.items[j]!;
    return x.rank !== y.rank ? x.rank > y.rank : x.seq < y.seq;
  }
}

export class ReadyQueue {
  private readonly queues = new Map<string, StepHeap>();
  /** Subscriptions with steps waiting, in the order they get their next turn. */
  private turns: string[] = [];
  /** Steps of each subscription holding a slot and not yet accepted: they will take its tokens first. */
  private readonly inSlot = new Map<string, number>();
  private size = 0;
  private seq = 0;

  constructor(
    steps: Iterable<Step> = [],
    private readonly order: ReadyOrder = { rank: () => 1 },
  ) {
    for (const s of steps) this.push(s);
  }

  get length(): number {
    return this.size;
  }

  push(step: Step): void {
    const sub = subscriptionOfUrl(step.target);
    let q = this.queues.get(sub);
    if (!q) this.queues.set(sub, (q = new StepHeap()));
    if (q.length === 0) this.turns.push(sub);
    q.push(step, this.order.rank(step), this.seq++);
    this.size++;
  }

  /** The step a free slot takes now; its subscription goes to the back of the turns. */
  shift(): Step | undefined {
    const at = this.nextTurn();
    if (at < 0) return undefined;
    const sub = this.turns[at]!;
    const q = this.queues.get(sub)!;
    const step = q.pop()!;
    this.turns.splice(at, 1);
    if (q.length) this.turns.push(sub);
    this.size--;
    this.inSlot.set(sub, (this.inSlot.get(sub) ?? 0) + 1);
    return step;
  }

  /** A step taken by shift() left its slot (accepted, done or failed). */
  released(step: Step): void {
    const sub = subscriptionOfUrl(step.target);
    const n = (this.inSlot.get(sub) ?? 0) - 1;
    if (n > 0) this.inSlot.set(sub, n);
    else this.inSlot.delete(sub);
  }

  /** Index in `turns` of the first subscription whose budget has a token now, else the soonest. */
  private nextTurn(): number {
    if (!this.turns.length) return -1;
    const readyIn = this.order.writeReadyIn;
    if (!readyIn) return 0;
    let best = 0;
    let bestWait = Infinity;
    for (let i = 0; i < this.turns.length; i++) {
      const sub = this.turns[i]!;
      const wait = readyIn(sub, this.inSlot.get(sub) ?? 0);
      if (wait <= 0) return i;
      if (wait < bestWait) [best, bestWait] = [i, wait];
    }
    return best;
  }
}

/** Each step's dependents in the plan, by id. */
export type Dependents = ReadonlyMap<string, readonly string[]>;

/**
 * Each step's rank for ReadyQueue: shared steps above every machine's step (by the plan's length),
 * each by its longest chain of dependents.
 */
export function stepRanks(steps: readonly Step[], dependents: Dependents): Map<string, number> {
  const ranks = chainRanks(steps, dependents);
  const machineOf = machineReader();
  for (const s of steps) {
    if (machineOf(s) === undefined) ranks.set(s.id, ranks.get(s.id)! + steps.length);
  }
  return ranks;
}

/**
 * Each step's longest chain of dependents, itself included (a step nothing depends on: 1). One
 * map and a stack (a depth-first walk of the dependents the executor already holds): at a million
 * steps, every map keyed by step id costs seconds.
 */
export function chainRanks(steps: readonly Step[], dependents: Dependents): Map<string, number> {
  // 0 while a step's dependents are being ranked (on a cycle, which never runs, it counts as 0).
  const rank = new Map<string, number>();
  const stack: string[] = [];
  for (const root of steps) {
    if (rank.has(root.id)) continue;
    stack.push(root.id);
    while (stack.length) {
      const id = stack[stack.length - 1]!;
      const seen = rank.get(id);
      const next = dependents.get(id) ?? [];
      if (seen === undefined) {
        rank.set(id, 0);
        for (const d of next) if (!rank.has(d)) stack.push(d);
        continue;
      }
      stack.pop();
      if (seen !== 0) continue; // ranked by an earlier visit
      let r = 1;
      for (const d of next) r = Math.max(r, rank.get(d)! + 1);
      rank.set(id, r);
    }
  }
  return rank;
}
