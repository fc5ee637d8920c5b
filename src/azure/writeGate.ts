/**
 * Every ARM call of an apply goes through the gate: it is retried by withRetries (Retry-After,
 * backoff, terminal errors), every wait ends when the run stops, and the run's health decides when
 * transient errors have lasted too long. The budget (a token per request, per subscription and
 * class) is taken by the clients' pipeline policy (pacer.ts), attempt by attempt.
 */
import { isNotFound } from "./errors";
import { withRetries, type RetryOptions } from "./retry";

export class WriteGate {
  constructor(readonly retry: RetryOptions | undefined) {}

  /** The run's stop signal, for the waits that are not retries (polls, remediation follow-up). */
  get signal(): AbortSignal | undefined {
    return this.retry?.signal;
  }

  /** A write, with retries. */
  write<T>(call: () => Promise<T>): Promise<T> {
    return withRetries(call, this.retry);
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
