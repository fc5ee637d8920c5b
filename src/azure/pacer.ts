/**
 * The apply's pipeline policy on every ARM client it makes: before each request (an attempt, a
 * long-running operation's poll, a final GET), a token of ARM's bucket for that request's class
 * and subscription (budget.ts); after it, the run's health learns whether ARM answered that class of
 * request or met it with a transient error (5xx, network: past `--give-up-after` of nothing else,
 * the run gives up), and the bucket learns what ARM's holds (its x-ms-ratelimit-remaining-* header, 0 after a 429). So polls are
 * paced by the read budget and never hold a write token, and the SDK's own polling loops stop
 * with the run (the token wait takes the run's signal). A read in flight (a poll, the follow-up of a
 * remediation task, a step's check) is cut when the run stops: it changes nothing, and a stop
 * should not wait for ARM's answer. A write in flight is left to finish: the journal has it as started.
 */
import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from "@azure/core-rest-pipeline";
import { classifyError } from "./errors";
import { requestClass, subscriptionOfUrl, type ArmBudgets, type RequestClass } from "./budget";
import type { CallHealth } from "./retry";
import { whenStopped } from "./stop";

export function pacerPolicy(budgets: ArmBudgets, signal?: AbortSignal, health?: CallHealth): PipelinePolicy {
  return {
    name: "ascArmPacer",
    async sendRequest(request, next) {
      const cls = requestClass(request.method);
      const subscription = subscriptionOfUrl(request.url);
      await budgets.take(cls, subscription, signal);
      let response: PipelineResponse;
      try {
        response = signal && cls === "read" ? await untilStopped(request, next, signal) : await next(request);
      } catch (err) {
        // No answer (a reset, a refused connection); a request cut by a stop or its own signal is no outage.
        if (!signal?.aborted && (err as Error | undefined)?.name !== "AbortError" && classifyError(err).kind === "transient") health?.failed(cls);
        throw err;
      }
      if (response.status >= 500) health?.failed(cls);
      else health?.answered(cls);
      // ARM's own count of this subscription's bucket, when it says: ours never holds more.
      if (subscription) {
        const remaining = response.status === 429 ? 0 : Number.parseInt(response.headers.get(REMAINING_HEADER[cls]) ?? "", 10);
        if (Number.isFinite(remaining)) budgets.observe(cls, subscription, remaining);
      }
      return response;
    },
  };
}

/** Sends a read that ends with the run's signal as well as with the request's own (an SDK poller passes one). */
async function untilStopped(request: PipelineRequest, next: SendRequest, signal: AbortSignal): Promise<PipelineResponse> {
  const own = new AbortController();
  const outer = request.abortSignal;
  const onOuter = () => own.abort();
  // One listener on the run's signal for all of the run's waits (stop.ts), not one per request.
  const unwatch = whenStopped(signal, () => own.abort(signal.reason));
  if (outer?.aborted) own.abort();
  else outer?.addEventListener("abort", onOuter);
  request.abortSignal = own.signal;
  try {
    return await next(request);
  } finally {
    unwatch();
    outer?.removeEventListener("abort", onOuter);
    // The next attempt (the SDK retries the same request) starts from the caller's signal.
    request.abortSignal = outer;
  }
}

const REMAINING_HEADER: Readonly<Record<RequestClass, string>> = {
  read: "x-ms-ratelimit-remaining-subscription-reads",
  write: "x-ms-ratelimit-remaining-subscription-writes",
  delete: "x-ms-ratelimit-remaining-subscription-deletes",
};
