/**
 * Issue 18: "MaxListenersExceededWarning" when many operations wait on one stop signal. However
 * many waits (sleeps, the budget's queue, polls of accepted operations) watch the run's signal, it
 * holds one abort listener, and a stop still ends every one of them.
 */
import { getEventListeners } from "node:events";
import type { StepContext } from "../../src/core/kernel";
import { LroRunner, type Poller } from "../../src/azure/lro";
import { RunStopped, sleepUnlessStopped } from "../../src/azure/stop";
import { WriteGate } from "../../src/azure/writeGate";

const WAITS = 200;

test("200 sleeps on one signal: one abort listener; a stop ends all of them; none left after", async () => {
  const run = new AbortController();
  const sleeps = Array.from({ length: WAITS }, () => sleepUnlessStopped(60_000, run.signal));
  expect(getEventListeners(run.signal, "abort").length).toBe(1);
  run.abort(new Error("interrupted by SIGINT"));
  const ended = await Promise.allSettled(sleeps);
  expect(ended.every((e) => e.status === "rejected" && e.reason instanceof RunStopped && e.reason.reason === "interrupted by SIGINT")).toBe(true);
  expect(getEventListeners(run.signal, "abort").length).toBe(0);
});

test("finished sleeps unregister: the signal's listener does not grow with the waits of a long run", async () => {
  const run = new AbortController();
  for (let i = 0; i < 3; i++) await Promise.all(Array.from({ length: WAITS }, () => sleepUnlessStopped(1, run.signal)));
  expect(getEventListeners(run.signal, "abort").length).toBeLessThanOrEqual(1);
});

test("200 operations polled at once (each poller listening to the signal it is given): the run's signal keeps one listener", async () => {
  const run = new AbortController();
  const lro = new LroRunner(new WriteGate({ signal: run.signal }), 10);
  const ctx: StepContext = { outputs: new Map(), accepted: async () => undefined };
  let polling = 0;
  // A poller as the SDK's are: it listens to its abortSignal until the operation ends.
  const poller = (): Poller => ({
    pollUntilDone: (options) =>
      new Promise((_resolve, reject) => {
        polling++;
        options?.abortSignal?.addEventListener("abort", () => reject(new RunStopped("stopped")), { once: true });
      }),
  });
  const runs = Array.from({ length: WAITS }, () => lro.run(ctx, async () => poller(), async () => "in-progress"));
  while (polling < WAITS) await new Promise((r) => setImmediate(r));
  expect(getEventListeners(run.signal, "abort").length).toBe(1);
  run.abort(new Error("interrupted by SIGINT"));
  const ended = await Promise.allSettled(runs);
  expect(ended.every((e) => e.status === "rejected" && e.reason instanceof RunStopped)).toBe(true);
});
