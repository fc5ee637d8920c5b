/**
 * The steps ready to run, taken in turn by subscription. ARM's write budget is per subscription,
 * and a step waits for its token while it holds a concurrency slot; taken in plan order (one
 * subscription's steps after another's), every slot would wait on the first subscription's bucket
 * while the others' stayed full, so an apply over n subscriptions ran at one bucket's pace.
 */
import type { Step } from "../capabilities";
import { subscriptionOfUrl } from "./budget";

export class ReadyQueue {
  private readonly queues = new Map<string, Step[]>();
  /** Subscriptions with steps waiting, in the order they get their next turn. */
  private readonly turns: string[] = [];
  private size = 0;

  constructor(steps: Iterable<Step> = []) {
    for (const s of steps) this.push(s);
  }

  get length(): number {
    return this.size;
  }

  push(step: Step): void {
    const sub = subscriptionOfUrl(step.target);
    let q = this.queues.get(sub);
    if (!q) this.queues.set(sub, (q = []));
    if (q.length === 0) this.turns.push(sub);
    q.push(step);
    this.size++;
  }

  /** The next subscription's oldest ready step; that subscription goes to the back of the turns. */
  shift(): Step | undefined {
    const sub = this.turns.shift();
    if (sub === undefined) return undefined;
    const q = this.queues.get(sub)!;
    const step = q.shift()!;
    if (q.length) this.turns.push(sub);
    this.size--;
    return step;
  }
}
