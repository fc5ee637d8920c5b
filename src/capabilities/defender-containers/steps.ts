/** The step of Defender for Containers: a managed cluster's Azure Policy add-on. */
import { AKS_POLICY_ADDON } from "../../spec";
import { sameId } from "../../inventory/ids";
import { workspaceLabel, type StepKinds } from "../../core/kernel";

export interface EnableClusterAddonDetails {
  readonly clusterId: string;
  readonly subscriptionId: string;
  /** The add-on key (`azurepolicy`). */
  readonly addon: typeof AKS_POLICY_ADDON;
}

export interface ContainerSteps {
  readonly "enable-cluster-addon": EnableClusterAddonDetails;
}

export const CONTAINER_STEPS: StepKinds<ContainerSteps> = {
  "enable-cluster-addon": {
    label: (d) => `${workspaceLabel(d.clusterId)}: ${d.addon}`,
    simulate: (sim, d) => {
      const cluster = sim.inventory.clusters.find((c) => sameId(c.id, d.clusterId));
      if (cluster) cluster.addons[d.addon] = true;
    },
  },
};
