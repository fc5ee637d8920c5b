/**
 * Defender for Containers per cluster: the `containerSensor` component (Defender deploys the
 * sensor itself; this tool waits) and the `kubernetesPolicyAddon` component (this tool enables the
 * Azure Policy add-on where no assignment deploys it). The Containers plan's pricing is
 * defender-plans'. Reads spec.defender.containers and spec.extensions.kubernetesPolicyAddon, and the
 * inventory's clusters and policyAssignments.
 */
import { defineCapability } from "../../core/kernel";
import { noteContainerOwners, planClusters } from "./plan";
import { ADDON_DECISIONS, SENSOR_DECISIONS } from "./reasons";
import { CONTAINER_STEPS, type ContainerSteps } from "./steps";

export { ADDON_DECISIONS, CONTAINER_REASONS, SENSOR_DECISIONS, type AddonDecision, type SensorDecision } from "./reasons";
export type { ContainerSteps, EnableClusterAddonDetails } from "./steps";

export const defenderContainers = defineCapability<ContainerSteps>({
  id: "defender-containers",
  title: "Defender for Containers per cluster: the Defender sensor and the Azure Policy add-on",
  decisions: {},
  components: [
    { name: "containerSensor", title: "Defender sensor", target: "cluster", decisions: SENSOR_DECISIONS, covered: ["sensor-enabled"] },
    { name: "kubernetesPolicyAddon", title: "Azure Policy add-on", target: "cluster", decisions: ADDON_DECISIONS, covered: ["addon-enabled"] },
  ],
  steps: CONTAINER_STEPS,
  planner: { subscription: noteContainerOwners, clusters: planClusters },
  arm: async () => (await import("./arm")).HANDLERS,
});
