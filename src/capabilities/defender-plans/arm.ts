/**
 * Defender plans against ARM: `Microsoft.Security/pricings` at 2024-01-01 (the installed
 * @azure/arm-security sends 2022-03-01, which has no extensions or enforce), on the plain REST
 * pipeline of the SDK. Each PUT sends the whole body the step carries; `check` reads the pricing
 * back and compares the fields the step changes.
 */
import type { ArmEnv } from "../../azure/armEnv";
import type { InventoryPlanPricing } from "../../inventory/schema";
import { PRICINGS_API_VERSION } from "../../spec";
import { pricingId, type LiveState, type StepHandlers } from "../../core/kernel";
import { planChanges } from "./desired";
import { resourcePricingId, type DefenderPlanSteps, type SetDefenderPlanDetails } from "./steps";

function body(d: SetDefenderPlanDetails): Record<string, unknown> {
  return {
    properties: {
      pricingTier: d.pricingTier,
      ...(d.subPlan !== null ? { subPlan: d.subPlan } : {}),
      ...(d.enforce !== null ? { enforce: d.enforce } : {}),
      ...(d.extensions.length ? { extensions: d.extensions.map((e) => ({ ...e })) } : {}),
    },
  };
}

async function readPricing(env: ArmEnv, id: string): Promise<InventoryPlanPricing | null> {
  const doc = (await env.gate.readOrNull(() => env.clients.rest().get(id, PRICINGS_API_VERSION))) as { properties?: InventoryPlanPricing } | null;
  return doc?.properties ?? null;
}

async function planState(d: SetDefenderPlanDetails, env: ArmEnv): Promise<LiveState> {
  const live = await readPricing(env, pricingId(d.subscriptionId, d.plan));
  return live && planChanges(d, live).length === 0 ? "done" : "absent";
}

export const HANDLERS = {
  "set-defender-plan": {
    run: async ({ details: d }, env) => {
      await env.gate.write(() => env.clients.rest().put(pricingId(d.subscriptionId, d.plan), PRICINGS_API_VERSION, body(d)));
    },
    check: ({ details: d }, env) => planState(d, env),
  },
  "set-resource-pricing": {
    run: async ({ details: d }, env) => {
      const properties = { pricingTier: d.pricingTier, ...(d.subPlan ? { subPlan: d.subPlan } : {}) };
      await env.gate.write(() => env.clients.rest().put(resourcePricingId(d.machineId), PRICINGS_API_VERSION, { properties }));
    },
    check: async ({ details: d }, env) => {
      const live = await readPricing(env, resourcePricingId(d.machineId));
      // A machine without its own pricing answers the inherited one (`inherited: True`): not done.
      const own = live && (live as { inherited?: string }).inherited !== "True";
      return own && live.pricingTier === d.pricingTier && (d.subPlan === null || live.subPlan === d.subPlan) ? "done" : "absent";
    },
  },
} satisfies StepHandlers<DefenderPlanSteps, ArmEnv>;
