/** Subscription settings against ARM (Microsoft.Security pricings and workspaceSettings). */
import { isNotFound, type ArmEnv } from "../../azure/armEnv";
import type { StepHandlers } from "../../core/kernel";
import type { SubscriptionSettingsSteps } from "./steps";

export const HANDLERS = {
  "set-pricing": {
    run: async ({ details: d }, env) => {
      await env.gate.write(() => env.clients.security(d.subscriptionId).pricings.update(d.pricingName, { pricingTier: d.pricingTier }));
    },
  },
  "set-workspace-setting": {
    run: async ({ details: d }, env) => {
      const sec = env.clients.security(d.subscriptionId);
      const workspaceId = d.workspaceId;
      if (workspaceId !== null) await env.gate.write(() => sec.workspaceSettings.create("default", { workspaceId, scope: d.scope }));
      else
        await env.gate.write(() => sec.workspaceSettings.delete("default")).catch((err) => {
          if (!isNotFound(err)) throw err;
        });
    },
  },
} satisfies StepHandlers<SubscriptionSettingsSteps, ArmEnv>;
