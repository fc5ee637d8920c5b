/**
 * The apply's pipeline policy on every ARM client it makes: before each request (an attempt, a
 * long-running operation's poll, a final GET), a token of ARM's bucket for that request's class
 * and subscription (budget.ts); after it, the run's health learns that ARM answered. So polls are
 * paced by the read budget and never hold a write token, and the SDK's own polling loops stop
 * with the run (the token wait takes the run's signal).
 */
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { requestClass, subscriptionOfUrl, type ArmBudgets } from "./budget";
import type { CallHealth } from "./retry";

export function pacerPolicy(budgets: ArmBudgets, signal?: AbortSignal, health?: CallHealth): PipelinePolicy {
  return {
    name: "ascArmPacer",
    async sendRequest(request, next) {
      await budgets.take(requestClass(request.method, request.url), subscriptionOfUrl(request.url), signal);
      const response = await next(request);
      if (response.status < 500) health?.succeeded();
      return response;
    },
  };
}
