/**
 * Defender for Endpoint: the integration's settings per subscription (WDATP, the unified solution,
 * Linux) and, per machine, the `endpoint` component: what Defender deploys itself (MDE.Windows /
 * MDE.Linux) and why a machine will or will not get it. This tool never installs MDE: it waits for
 * Defender and reports. Reads spec.defender.servers and the inventory's settings
 * (securitySettings), machines (extensions, tags, OS name, generalized, agents, pricing) and
 * policyAssignments.
 */
import { defineCapability } from "../../core/kernel";
import { ENDPOINT_DECLARER } from "./declare";
import { noteEndpointSettings } from "./settingFindings";
import { planEndpointMachines, planEndpointSettings } from "./plan";
import { ENDPOINT_DECISIONS } from "./reasons";
import { ENDPOINT_STEPS, type EndpointSteps } from "./steps";

export { decideEndpoint, endpointVerdicts, ENDPOINT_COMING, ENDPOINT_PRESENT } from "./decide";
export { desiredEndpointSettings } from "./settings";
export { ENDPOINT_DECISIONS, ENDPOINT_REASONS, type EndpointDecision } from "./reasons";
export { securitySettingId, type EndpointSteps, type SetSecuritySettingDetails } from "./steps";

export const defenderEndpoint = defineCapability<EndpointSteps>({
  id: "defender-endpoint",
  title: "Defender for Endpoint: the integration's settings and, per machine, what Defender deploys",
  decisions: {},
  components: [
    {
      name: "endpoint",
      title: "Defender for Endpoint",
      target: "machine",
      decisions: ENDPOINT_DECISIONS,
      covered: ["mde-installed", "mde-onboarded-otherwise"],
    },
  ],
  steps: ENDPOINT_STEPS,
  planner: { subscription: planEndpointSettings, components: planEndpointMachines, finish: noteEndpointSettings },
  declare: ENDPOINT_DECLARER,
  arm: async () => (await import("./arm")).HANDLERS,
});
