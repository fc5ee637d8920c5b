/** Security events against ARM: the workspace's data source. */
import { nameOf, resourceGroupOf, subscriptionOf } from "../../inventory/ids";
import type { ArmEnv } from "../../azure/armEnv";
import type { StepHandlers } from "../../core/kernel";
import type { SecurityEventSteps } from "./steps";

export const HANDLERS = {
  "set-security-events": {
    run: async ({ details: d }, env) => {
      const wsId = d.workspaceId;
      await env.gate.write(() =>
        env.clients.insights(subscriptionOf(wsId)).dataSources.createOrUpdate(resourceGroupOf(wsId), nameOf(wsId), d.dataSource, {
          kind: "SecurityEventCollectionConfiguration",
          properties: { Tier: d.apiTier, TierSetMethod: "Custom" },
        }),
      );
    },
  },
} satisfies StepHandlers<SecurityEventSteps, ArmEnv>;
