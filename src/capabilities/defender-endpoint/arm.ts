/** The Defender for Endpoint integration against ARM: `Microsoft.Security/settings` at 2022-05-01 on the SDK's REST pipeline. */
import type { ArmEnv } from "../../azure/armEnv";
import { SECURITY_SETTINGS_API_VERSION } from "../../spec";
import type { StepHandlers } from "../../core/kernel";
import { securitySettingId, type EndpointSteps } from "./steps";

export const HANDLERS = {
  "set-security-setting": {
    run: async ({ details: d }, env) => {
      await env.gate.write(() => env.clients.rest().put(securitySettingId(d.subscriptionId, d.name), SECURITY_SETTINGS_API_VERSION, { kind: d.kind, properties: { enabled: d.enabled } }));
    },
    check: async ({ details: d }, env) => {
      const doc = (await env.gate.readOrNull(() => env.clients.rest().get(securitySettingId(d.subscriptionId, d.name), SECURITY_SETTINGS_API_VERSION))) as { properties?: { enabled?: boolean } } | null;
      return doc?.properties?.enabled === d.enabled ? "done" : "absent";
    },
  },
} satisfies StepHandlers<EndpointSteps, ArmEnv>;
