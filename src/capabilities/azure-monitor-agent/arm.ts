/** Data collection rules and associations against ARM (REST on the SDK pipeline). */
import { isNotFound, type ArmEnv } from "../../azure/armEnv";
import type { StepHandler, StepHandlers, StepOf } from "../../core/kernel";
import type { AmaSteps, PutDataCollectionRuleDetails } from "./steps";

/** Data collection rules and their associations (the version the planner's body is written for). */
const INSIGHTS_API_VERSION = "2024-03-11";

const rulePath = (d: PutDataCollectionRuleDetails) => `/subscriptions/${d.subscriptionId}/resourceGroups/${d.resourceGroup}/providers/Microsoft.Insights/dataCollectionRules/${d.name}`;

const putRule: StepHandler<StepOf<"create-dcr" | "update-dcr", PutDataCollectionRuleDetails>, ArmEnv> = {
  run: async ({ details: d }, env) => {
    await env.gate.write(() => env.clients.rest().put(rulePath(d), INSIGHTS_API_VERSION, d.body));
  },
};

export const HANDLERS = {
  "create-dcr": {
    ...putRule,
    // A rule planned for creation that now exists was made by an earlier round (a lagging Resource Graph may not show it yet).
    check: async ({ details: d }, env) => ((await env.gate.readOrNull(() => env.clients.rest().get(rulePath(d), INSIGHTS_API_VERSION))) ? "done" : "absent"),
  },
  "update-dcr": putRule,
  "associate-dcr": {
    run: async ({ details: d, target }, env) => {
      await env.gate.write(() => env.clients.rest().put(target, INSIGHTS_API_VERSION, { properties: { dataCollectionRuleId: d.dataCollectionRuleId } }));
    },
    check: async ({ details: d, target }, env) => {
      const doc = (await env.gate.readOrNull(() => env.clients.rest().get(target, INSIGHTS_API_VERSION))) as { properties?: { dataCollectionRuleId?: string } } | null;
      return doc?.properties?.dataCollectionRuleId?.toLowerCase() === d.dataCollectionRuleId.toLowerCase() ? "done" : "absent";
    },
  },
  "delete-dcr": {
    run: async ({ details: d }, env) => {
      await env.gate.write(() => env.clients.rest().delete(d.dataCollectionRuleId, INSIGHTS_API_VERSION)).catch((err) => {
        if (!isNotFound(err)) throw err;
      });
    },
  },
} satisfies StepHandlers<AmaSteps, ArmEnv>;
