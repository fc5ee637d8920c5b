/**
 * Every ARM call of an apply goes through the gate: a write takes one token of the write budget
 * first, and every call is retried by withRetries (Retry-After, backoff, terminal errors).
 */
import type { TokenBucket } from "./budget";
import { isNotFound } from "./errors";
import { withRetries, type RetryOptions } from "./retry";

export class WriteGate {
  constructor(
    private readonly budget: TokenBucket,
    readonly retry: RetryOptions | undefined,
  ) {}

  /** A write: one budget token, then the call with retries. */
  write<T>(call: () => Promise<T>): Promise<T> {
    return withRetries(async () => {
      await this.budget.take();
      return call();
    }, this.retry);
  }

  read<T>(call: () => Promise<T>): Promise<T> {
    return withRetries(call, this.retry);
  }

  /** A read that answers null for a resource that does not exist. */
  async readOrNull<T>(call: () => Promise<T>): Promise<T | null> {
    try {
      return await this.read(call);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }
}
