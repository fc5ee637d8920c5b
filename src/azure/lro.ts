/**
 * Long-running operations with recovery. The SDK's poller is used first; if a poll fails for a
 * reason worth retrying (a 429 or 503, a dropped connection), the poller cannot resume, so the
 * resource itself is read: done, still changing (we wait, never sending it again), or absent
 * because the change was never accepted — only then is it sent again. An operation that failed
 * (the extension reported an error) fails the step. Every poll and wait ends when the run stops.
 */
import type { LiveState, StepContext } from "../core/kernel";
import { classifyError } from "./errors";
import { sleep } from "./retry";
import { operationSignal, RunStopped, throwIfStopped } from "./stop";
import type { WriteGate } from "./writeGate";

/** What an SDK `begin*` call returns. */
export interface Poller {
  pollUntilDone(options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

export class LroRunner {
  constructor(
    private readonly gate: WriteGate,
    /** Interval between polls of a long-running operation (Azure's Retry-After wins when sent). */
    readonly pollIntervalMs: number,
  ) {}

  /** Options for the SDK's pollers. */
  poll(): { updateIntervalInMs: number } {
    return { updateIntervalInMs: this.pollIntervalMs };
  }

  /** The run's stop signal. */
  get signal(): AbortSignal | undefined {
    return this.gate.signal;
  }

  /**
   * Sends `begin` through the write gate and waits; `check` reads the live state after a failed
   * poll, and before a write whose answer was lost is sent again.
   */
  async run(ctx: StepContext, begin: () => Promise<Poller>, check: () => Promise<LiveState>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const sent = await this.send(begin, check);
      await ctx.accepted();
      if (sent === "done") return;
      if (sent === "in-progress") return this.waitUntilDone(check, "the operation");
      const poller = sent;
      // The poller adds listeners to the signal it is given: its own, not the run's (stop.ts).
      const own = this.signal && operationSignal(this.signal);
      try {
        await poller.pollUntilDone(own ? { abortSignal: own.signal } : undefined);
        return;
      } catch (err) {
        if (err instanceof RunStopped) throw err;
        throwIfStopped(this.signal);
        if (classifyError(err).kind === "terminal") throw err;
        const live = await check();
        if (live === "done") return;
        if (live === "in-progress") return this.waitUntilDone(check, "the operation");
        if (attempt >= (this.gate.retry?.maxTransientAttempts ?? 6)) throw err;
      } finally {
        own?.dispose();
      }
    }
  }

  /**
   * The write, retried by the gate. A write that met no answer (a reset connection, a timeout) may
   * have been made: the target is read before it is sent again, and what the step wanted, made or
   * being made, is taken as sent (ARM answers a second PUT on a resource still provisioning with
   * 409 AnotherOperationInProgress; a finished one would be installed twice).
   */
  private send(begin: () => Promise<Poller>, check: () => Promise<LiveState>): Promise<Poller | "done" | "in-progress"> {
    let unanswered = false;
    return this.gate.write(async () => {
      if (unanswered) {
        const live = await check();
        if (live !== "absent") return live;
      }
      try {
        return await begin();
      } catch (err) {
        unanswered = mayHaveBeenMade(err);
        throw err;
      }
    });
  }

  /** Polls `check` until done; "absent" means the operation an earlier run started never completed. */
  async waitUntilDone(check: () => Promise<LiveState>, what: string): Promise<void> {
    for (let i = 0; ; i++) {
      const live = await check();
      if (live === "done") return;
      if (live === "absent") throw new Error(`${what}: the operation an earlier run started did not complete`);
      await sleep(Math.min(this.pollIntervalMs, 50 * 2 ** i), this.signal);
    }
  }
}

/**
 * An error without an answer after the request may have left: the server may have made the change.
 * A refused connection (nothing was sent) or any HTTP answer is not such an error.
 */
export function mayHaveBeenMade(err: unknown): boolean {
  const e = (err ?? {}) as { statusCode?: number; code?: string; name?: string };
  if (e.statusCode !== undefined || e.name === "RunStopped") return false;
  if (e.code === "ECONNREFUSED" || e.code === "ENOTFOUND" || e.code === "EAI_AGAIN") return false;
  return classifyError(err).kind === "transient";
}
