/**
 * Retries for one ARM call: 429 waits as long as Retry-After says (and never gives up before the
 * deadline), 5xx and network errors back off exponentially with jitter, terminal errors throw
 * at once.
 */
import { classifyError } from "./errors";

export interface RetryOptions {
  /** Attempts for transient errors (5xx, network). Default 6. */
  readonly maxTransientAttempts?: number;
  /** First backoff; doubles each time. Default 500 ms. */
  readonly baseDelayMs?: number;
  /** Longest single wait. Default 30 s. */
  readonly maxDelayMs?: number;
  /** Give up on throttling after this long in total. Default 10 min. */
  readonly throttleDeadlineMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Told of every wait, for progress output. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function withRetries<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxTransient = options.maxTransientAttempts ?? 6;
  const base = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const deadline = Date.now() + (options.throttleDeadlineMs ?? 600_000);
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  let transient = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const c = classifyError(err);
      if (c.kind === "terminal") throw err;
      let delay: number;
      if (c.kind === "throttled") {
        delay = c.retryAfterMs ?? Math.min(maxDelay, base * 2 ** Math.min(attempt, 6));
        if (Date.now() + delay > deadline) throw err;
      } else {
        transient++;
        if (transient >= maxTransient) throw err;
        // Full jitter: spreads retries of many parallel steps apart.
        delay = Math.min(maxDelay, base * 2 ** (transient - 1)) * (0.5 + random() / 2);
      }
      options.onRetry?.({ attempt, delayMs: delay, reason: c.kind });
      await wait(delay);
    }
  }
}
