/**
 * Stopping a run: every wait of an apply (retry backoff, the write budget, long-running operation
 * polls, remediation follow-up, the pause between watch rounds) takes the run's AbortSignal and
 * ends with RunStopped when it fires, so SIGINT/SIGTERM, a lost lease or the give-up deadline stop
 * the run within one request's time, whatever Retry-After said.
 */
export class RunStopped extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "RunStopped";
  }
}

/** The reason a signal was aborted with, as a sentence. */
export function stopReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r.message;
  return typeof r === "string" && r ? r : "interrupted";
}

export function throwIfStopped(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunStopped(stopReason(signal));
}

/** Resolves after `ms`, or rejects with RunStopped as soon as `signal` aborts. */
export function sleepUnlessStopped(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise((r) => setTimeout(r, clampTimer(ms)));
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new RunStopped(stopReason(signal)));
    const t = setTimeout(done, clampTimer(ms));
    function done() {
      signal!.removeEventListener("abort", stop);
      resolve();
    }
    function stop() {
      clearTimeout(t);
      reject(new RunStopped(stopReason(signal!)));
    }
    signal.addEventListener("abort", stop, { once: true });
  });
}

/** Node's timers hold at most 2^31-1 ms (24.8 days); more overflows to 1 ms and loops. */
export const MAX_TIMER_MS = 2_147_483_647;

export function clampTimer(ms: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, ms));
}
