/** Shared setup for emulator tests: one emulator per test file, official SDK clients over HTTPS. */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator";

export async function withEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ remediationDeploymentMs: 5, ...opts });
}

/** Poll options for SDK long-running operations against the emulator (Azure's default waits 2 s). */
export const FAST_POLL = { updateIntervalInMs: 10 } as const;

export async function eventually<T>(fn: () => Promise<T>, done: (value: T) => boolean, attempts = 400, delayMs = 25): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < attempts; i++) {
    last = await fn();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, delayMs));
  }
  throw new Error(`condition not reached; last value: ${JSON.stringify(last)}`);
}

/** What the SDK's RestError carries. */
export interface RestErrorLike {
  readonly statusCode?: number;
  readonly code?: string;
  readonly message: string;
}

export async function errorOf(p: Promise<unknown>): Promise<RestErrorLike> {
  try {
    await p;
  } catch (err) {
    return err as RestErrorLike;
  }
  throw new Error("expected the call to fail");
}
