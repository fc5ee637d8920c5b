/**
 * Token buckets for ARM requests, like ARM's own: per subscription and principal, one bucket per
 * operation class (reads 250 / 25 s⁻¹, writes 200 / 10 s⁻¹, deletes 200 / 10 s⁻¹, reference §5.1).
 * An apply takes a token before each request of that class to that subscription, so it runs at
 * ARM's pace and never above it; one subscription's writes never wait for another's.
 */
import { sleepUnlessStopped, throwIfStopped } from "./stop";

export interface BudgetOptions {
  /** Burst size. */
  readonly capacity: number;
  /** Tokens added per second. */
  readonly refillPerSecond: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Tokens taken so far, for reports and tests. */
  taken = 0;

  constructor(private readonly options: BudgetOptions) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) {
      throw new Error(`budget: capacity must be >= 1 and refill > 0 (got ${options.capacity}, ${options.refillPerSecond})`);
    }
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleepUnlessStopped;
    this.tokens = options.capacity;
    this.last = this.now();
  }

  /** Resolves when a token is taken; callers queue in order. Rejects with RunStopped when `signal` aborts. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.takeNow(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeNow(signal?: AbortSignal): Promise<void> {
    for (;;) {
      throwIfStopped(signal);
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        this.taken++;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) / this.options.refillPerSecond) * 1000), signal);
    }
  }

  /**
   * Milliseconds until the bucket holds a token for one more request after `ahead` others
   * (0: now). For the scheduler, which picks the subscription whose writes can go soonest.
   */
  readyIn(ahead = 0): number {
    this.refill();
    const missing = ahead + 1 - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing / this.options.refillPerSecond) * 1000);
  }

  /**
   * What ARM said its own bucket holds after a request (`x-ms-ratelimit-remaining-*`; 0 after a
   * 429): this bucket never holds more, so a view that ran ahead of ARM's (answers that arrive in
   * clumps, a request ARM charged that this side did not) is corrected before it meets a 429.
   */
  observe(remaining: number): void {
    this.refill();
    this.tokens = Math.min(this.tokens, Math.max(0, remaining));
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.options.capacity, this.tokens + ((t - this.last) / 1000) * this.options.refillPerSecond);
    this.last = t;
  }
}

export type RequestClass = "read" | "write" | "delete";

export interface BucketSize {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

export type BudgetSizes = Readonly<Record<RequestClass, BucketSize>>;

/** ARM's documented buckets per subscription and principal (reference §5.1). */
export const ARM_BUCKETS: BudgetSizes = Object.freeze({
  read: Object.freeze({ capacity: 250, refillPerSecond: 25 }),
  write: Object.freeze({ capacity: 200, refillPerSecond: 10 }),
  delete: Object.freeze({ capacity: 200, refillPerSecond: 10 }),
});

/**
 * The class ARM charges a request to: by its method. A POST that only lists keys (a workspace's
 * sharedKeys) is still a write to ARM: it answers with x-ms-ratelimit-remaining-subscription-writes
 * decremented and counts it against the write limit (Azure/azure-rest-api-specs#6363, #8335;
 * Azure/azure-sdk-for-java#1389), and a ReadOnly lock refuses it ("Lock your resources to protect
 * your infrastructure": "The list keys operation is handled through a POST request").
 */
export function requestClass(method: string): RequestClass {
  const m = method.toUpperCase();
  if (m === "GET" || m === "HEAD") return "read";
  if (m === "DELETE") return "delete";
  return "write";
}

/** The subscription a request URL is scoped to ("" for tenant-level calls). */
export function subscriptionOfUrl(url: string): string {
  const m = /\/subscriptions\/([^/?#]+)/i.exec(url);
  return m ? decodeURIComponent(m[1]!).toLowerCase() : "";
}

/** The buckets of one apply: one per subscription and class, made on first use. */
export class ArmBudgets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    readonly sizes: BudgetSizes = ARM_BUCKETS,
    private readonly options: Pick<BudgetOptions, "now" | "sleep"> = {},
  ) {}

  bucket(cls: RequestClass, subscription: string): TokenBucket {
    const key = `${cls}|${subscription.toLowerCase()}`;
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = new TokenBucket({ ...this.sizes[cls], ...this.options })));
    return b;
  }

  take(cls: RequestClass, subscription: string, signal?: AbortSignal): Promise<void> {
    return this.bucket(cls, subscription).take(signal);
  }

  observe(cls: RequestClass, subscription: string, remaining: number): void {
    this.bucket(cls, subscription).observe(remaining);
  }

  /** Tokens taken of one class, over every subscription. */
  taken(cls: RequestClass): number {
    let n = 0;
    for (const [key, b] of this.buckets) if (key.startsWith(`${cls}|`)) n += b.taken;
    return n;
  }
}
