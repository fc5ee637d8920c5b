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

/**
 * The waits watching each run signal. A run has hundreds of waits at once (token queues, polls of
 * every accepted operation, backoffs): each adding its own listener to the run's signal made Node
 * warn of a leak (MaxListenersExceededWarning) and walk a long listener list on every removal. The
 * signal gets one listener, which calls the waits registered here.
 */
const watchers = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `onStop` once when `signal` aborts (at once if it has); returns what unregisters it. */
export function whenStopped(signal: AbortSignal, onStop: () => void): () => void {
  if (signal.aborted) {
    onStop();
    return () => undefined;
  }
  let waits = watchers.get(signal);
  if (!waits) {
    const registered = new Set<() => void>();
    watchers.set(signal, registered);
    signal.addEventListener(
      "abort",
      () => {
        watchers.delete(signal);
        for (const f of registered) f();
      },
      { once: true },
    );
    waits = registered;
  }
  const mine = waits;
  mine.add(onStop);
  return () => mine.delete(onStop);
}

/**
 * A signal for one operation that aborts with the run's: for APIs that add their own listeners to
 * the signal they are given (the SDK's pollers and requests). `dispose` once the operation ends.
 */
export function operationSignal(signal: AbortSignal): { readonly signal: AbortSignal; dispose(): void } {
  const own = new AbortController();
  const dispose = whenStopped(signal, () => own.abort(signal.reason));
  return { signal: own.signal, dispose };
}

/** Resolves after `ms`, or rejects with RunStopped as soon as `signal` aborts. */
export function sleepUnlessStopped(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise((r) => setTimeout(r, clampTimer(ms)));
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new RunStopped(stopReason(signal)));
    const t = setTimeout(() => {
      unwatch();
      resolve();
    }, clampTimer(ms));
    const unwatch = whenStopped(signal, () => {
      clearTimeout(t);
      reject(new RunStopped(stopReason(signal)));
    });
  });
}

/** Node's timers hold at most 2^31-1 ms (24.8 days); more overflows to 1 ms and loops. */
export const MAX_TIMER_MS = 2_147_483_647;

export function clampTimer(ms: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, ms));
}
