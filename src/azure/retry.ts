/**
 * Retries for one ARM call: 429 waits as long as Retry-After says (and never gives up before the
 * deadline), 5xx and network errors back off exponentially with jitter (a Retry-After on a 503 is
 * the least wait), terminal errors throw at once. Every wait ends as soon as the run is stopped
 * (`signal`). Within an apply (`health`), a call retries transient errors until the run's give-up
 * window: the whole run stops once when a class of request (reads, writes, deletes) has met
 * nothing but transient errors for it; a call that alone met them that long, while ARM answered
 * its class, fails on its own.
 */
import type { RequestClass } from "./budget";
import { classifyError } from "./errors";
import { RunStopped, sleepUnlessStopped, throwIfStopped } from "./stop";

/** One wait before a retry, for progress output. */
export interface RetryInfo {
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: "throttled" | "transient";
  /** The HTTP status answered (429, 500, 503...); undefined for a network error. */
  readonly status?: number;
  /** What ARM's Retry-After (or Resource Graph's quota reset) asked for. */
  readonly retryAfterMs?: number;
}

export interface RetryOptions {
  /**
   * Attempts for transient errors (5xx, network) of one call. Default 6 without `health`; with
   * it, no count: the call retries until it has met nothing but transient errors for the health's
   * window (`--give-up-after`).
   */
  readonly maxTransientAttempts?: number;
  /** First backoff; doubles each time. Default 500 ms. */
  readonly baseDelayMs?: number;
  /** Longest single backoff. Default 30 s. */
  readonly maxDelayMs?: number;
  /** Give up on throttling after this long in total. Default 10 min. */
  readonly throttleDeadlineMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  /** Told of every wait, for progress output. */
  readonly onRetry?: (info: RetryInfo) => void;
  /** Stops every wait at once. */
  readonly signal?: AbortSignal;
  /** The clock of the deadlines (tests). Default Date.now. */
  readonly now?: () => number;
  /** The run's health: once it has given up, no call is retried. */
  readonly health?: CallHealth;
}

export const sleep = (ms: number, signal?: AbortSignal) => sleepUnlessStopped(ms, signal);

const CLASS_NOUN: Readonly<Record<RequestClass, string>> = { read: "reads", write: "writes", delete: "deletes" };

/**
 * The run-wide deadline for requests that fail forever: when every answer to a class of request
 * (reads, writes, deletes) for `giveUpAfterMs` was a transient error (5xx, network), the run gives
 * up (`onGiveUp`, which stops it) instead of each of its steps retrying on its own. Classes apart:
 * reads answered while every write fails (a resource provider's outage) do not keep an apply
 * waiting past the deadline. Told by the apply's pipeline policy (pacer.ts), request by request.
 */
export class CallHealth {
  /** By class, when its run of transient errors began (since its last answer). */
  private readonly failingSince = new Map<RequestClass, number>();
  private gaveUpWith: string | undefined;

  constructor(
    readonly giveUpAfterMs: number,
    private readonly onGiveUp: (reason: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** ARM answered a request of this class (anything but a 5xx: a 429 is an answer too). */
  answered(cls: RequestClass): void {
    this.failingSince.delete(cls);
  }

  /** A request of this class met a transient error: past the window, the run gives up. */
  failed(cls: RequestClass): void {
    const now = this.now();
    const since = this.failingSince.get(cls) ?? now;
    this.failingSince.set(cls, since);
    if (!this.gaveUpWith && now - since >= this.giveUpAfterMs) {
      this.gaveUpWith = `gave up: ARM answered nothing but transient errors (5xx, network) to ${CLASS_NOUN[cls]} for ${Math.round(this.giveUpAfterMs / 1000)} s`;
      this.onGiveUp(this.gaveUpWith);
    }
  }

  /** Throws RunStopped once the run has given up. */
  check(): void {
    if (this.gaveUpWith) throw new RunStopped(this.gaveUpWith);
  }
}

export async function withRetries<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const health = options.health;
  const maxTransient = options.maxTransientAttempts ?? (health ? Infinity : 6);
  const base = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const clock = options.now ?? Date.now;
  const deadline = clock() + (options.throttleDeadlineMs ?? 600_000);
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  let transient = 0;
  // When this call's run of transient errors began (reset by an answer: a 429).
  let failingSince: number | undefined;
  for (let attempt = 1; ; attempt++) {
    throwIfStopped(options.signal);
    try {
      return await fn();
    } catch (err) {
      if (err instanceof RunStopped) throw err;
      // An SDK call cut by the run's signal ends as an AbortError: report the stop, not the abort.
      throwIfStopped(options.signal);
      const c = classifyError(err);
      if (c.kind === "terminal") throw err;
      let delay: number;
      if (c.kind === "throttled") {
        failingSince = undefined;
        delay = c.retryAfterMs ?? Math.min(maxDelay, base * 2 ** Math.min(attempt, 6));
        if (clock() + delay > deadline) throw err;
      } else {
        health?.check();
        transient++;
        if (transient >= maxTransient) throw err;
        const now = clock();
        failingSince ??= now;
        // Full jitter spreads retries of many parallel steps apart; ARM's Retry-After is the least wait.
        delay = Math.max(Math.min(maxDelay, base * 2 ** (transient - 1)) * (0.5 + random() / 2), c.retryAfterMs ?? 0);
        if (health) {
          // The call's own window: the run's deadline passes first when the whole class fails.
          const left = failingSince + health.giveUpAfterMs - now;
          if (left <= 0) throw err;
          delay = Math.min(delay, left);
        }
      }
      options.onRetry?.({ attempt, delayMs: delay, reason: c.kind, ...statusOf(err), ...(c.retryAfterMs !== undefined ? { retryAfterMs: c.retryAfterMs } : {}) });
      await wait(delay, options.signal);
    }
  }
}

function statusOf(err: unknown): { status?: number } {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" ? { status } : {};
}
