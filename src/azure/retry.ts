/**
 * Retries for one ARM call: 429 waits as long as Retry-After says (and never gives up before the
 * deadline), 5xx and network errors back off exponentially with jitter, terminal errors throw
 * at once. Every wait ends as soon as the run is stopped (`signal`), and a run whose calls have
 * met nothing but transient errors for `health`'s window gives up as a whole, not step by step.
 */
import { classifyError } from "./errors";
import { RunStopped, sleepUnlessStopped, throwIfStopped } from "./stop";

export interface RetryOptions {
  /** Attempts for transient errors (5xx, network). Default 6. */
  readonly maxTransientAttempts?: number;
  /** First backoff; doubles each time. Default 500 ms. */
  readonly baseDelayMs?: number;
  /** Longest single wait. Default 30 s. */
  readonly maxDelayMs?: number;
  /** Give up on throttling after this long in total. Default 10 min. */
  readonly throttleDeadlineMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  /** Told of every wait, for progress output. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
  /** Stops every wait at once. */
  readonly signal?: AbortSignal;
  /** The run's health: past its window of nothing but transient errors, no call is retried. */
  readonly health?: CallHealth;
}

export const sleep = (ms: number, signal?: AbortSignal) => sleepUnlessStopped(ms, signal);

/**
 * The run-wide deadline for calls that fail forever: when every answer for `giveUpAfterMs` was a
 * transient error (5xx, network), the run gives up (`onGiveUp`, which stops it) instead of each of
 * its steps retrying on its own, which made the time to give up grow with the number of steps.
 */
export class CallHealth {
  private lastSuccess: number;
  private gaveUp = false;

  constructor(
    readonly giveUpAfterMs: number,
    private readonly onGiveUp: (reason: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSuccess = now();
  }

  succeeded(): void {
    this.lastSuccess = this.now();
  }

  /** After a transient error: throws RunStopped once the window has passed. */
  check(): void {
    if (this.gaveUp || this.now() - this.lastSuccess >= this.giveUpAfterMs) {
      const reason = `gave up: ARM answered nothing but transient errors (5xx, network) for ${Math.round(this.giveUpAfterMs / 1000)} s`;
      if (!this.gaveUp) {
        this.gaveUp = true;
        this.onGiveUp(reason);
      }
      throw new RunStopped(reason);
    }
  }
}

export async function withRetries<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxTransient = options.maxTransientAttempts ?? 6;
  const base = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const deadline = Date.now() + (options.throttleDeadlineMs ?? 600_000);
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  let transient = 0;
  for (let attempt = 1; ; attempt++) {
    throwIfStopped(options.signal);
    try {
      const result = await fn();
      options.health?.succeeded();
      return result;
    } catch (err) {
      if (err instanceof RunStopped) throw err;
      // An SDK call cut by the run's signal ends as an AbortError: report the stop, not the abort.
      throwIfStopped(options.signal);
      const c = classifyError(err);
      if (c.kind === "terminal") throw err;
      let delay: number;
      if (c.kind === "throttled") {
        // A 429 is an answer: the service is there, only busy.
        options.health?.succeeded();
        delay = c.retryAfterMs ?? Math.min(maxDelay, base * 2 ** Math.min(attempt, 6));
        if (Date.now() + delay > deadline) throw err;
      } else {
        options.health?.check();
        transient++;
        if (transient >= maxTransient) throw err;
        // Full jitter: spreads retries of many parallel steps apart.
        delay = Math.min(maxDelay, base * 2 ** (transient - 1)) * (0.5 + random() / 2);
      }
      options.onRetry?.({ attempt, delayMs: delay, reason: c.kind });
      await wait(delay, options.signal);
    }
  }
}
