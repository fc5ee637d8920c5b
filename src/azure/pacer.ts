/**
 * The apply's pipeline policy on every ARM client it makes: before each request (an attempt, a
 * long-running operation's poll, a final GET), a token of ARM's bucket for that request's class
 * and subscription (budget.ts); after it, the run's health learns that ARM answered, and the bucket
 * learns what ARM's holds (its x-ms-ratelimit-remaining-* header, 0 after a 429). So polls are
 * paced by the read budget and never hold a write token, and the SDK's own polling loops stop
 * with the run (the token wait takes the run's signal).
 */
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { requestClass, subscriptionOfUrl, type ArmBudgets, type RequestClass } from "./budget";
import type { CallHealth } from "./retry";

export function pacerPolicy(budgets: ArmBudgets, signal?: AbortSignal, health?: CallHealth): PipelinePolicy {
  return {
    name: "ascArmPacer",
    async sendRequest(request, next) {
      const cls = requestClass(request.method, request.url);
      const subscription = subscriptionOfUrl(request.url);
      await budgets.take(cls, subscription, signal);
      const response = await next(request);
      if (response.status < 500) health?.succeeded();
      // ARM's own count of this subscription's bucket, when it says: ours never holds more.
      if (subscription) {
        const remaining = response.status === 429 ? 0 : Number.parseInt(response.headers.get(REMAINING_HEADER[cls]) ?? "", 10);
        if (Number.isFinite(remaining)) budgets.observe(cls, subscription, remaining);
      }
      return response;
    },
  };
}

const REMAINING_HEADER: Readonly<Record<RequestClass, string>> = {
  read: "x-ms-ratelimit-remaining-subscription-reads",
  write: "x-ms-ratelimit-remaining-subscription-writes",
  delete: "x-ms-ratelimit-remaining-subscription-deletes",
};
