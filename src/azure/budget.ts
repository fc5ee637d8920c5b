/**
 * A token bucket for ARM writes, like ARM's own (writes: 200 tokens, refill 10/s): the executor
 * takes one token before each write, so it never exceeds the budget it is given.
 */
export interface BudgetOptions {
  /** Burst size. */
  readonly capacity: number;
  /** Tokens added per second. */
  readonly refillPerSecond: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Writes taken so far, for reports and tests. */
  taken = 0;

  constructor(private readonly options: BudgetOptions) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) {
      throw new Error(`write budget: capacity must be >= 1 and refill > 0 (got ${options.capacity}, ${options.refillPerSecond})`);
    }
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.tokens = options.capacity;
    this.last = this.now();
  }

  /** Resolves when a token is taken; callers queue in order. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeNow());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeNow(): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        this.taken++;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) / this.options.refillPerSecond) * 1000));
    }
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.options.capacity, this.tokens + ((t - this.last) / 1000) * this.options.refillPerSecond);
    this.last = t;
  }
}
