/**
 * Defender for Containers against ARM: a managed cluster's Azure Policy add-on, read and written
 * back whole with the add-on enabled (ARM has no PATCH for add-on profiles); long-running.
 */
import type { ArmEnv } from "../../azure/armEnv";
import { nameOf, resourceGroupOf } from "../../inventory/ids";
import type { LiveState, StepHandlers } from "../../core/kernel";
import type { ContainerSteps, EnableClusterAddonDetails } from "./steps";

async function addonState(d: EnableClusterAddonDetails, env: ArmEnv): Promise<LiveState> {
  const cluster = await env.gate.readOrNull(() => env.clients.containers(d.subscriptionId).managedClusters.get(resourceGroupOf(d.clusterId), nameOf(d.clusterId)));
  if (!cluster) return "absent";
  const enabled = Object.entries(cluster.addonProfiles ?? {}).some(([k, p]) => k.toLowerCase() === d.addon && p.enabled);
  if (!enabled) return "absent";
  return (cluster.provisioningState ?? "Succeeded").toLowerCase() === "succeeded" ? "done" : "in-progress";
}

export const HANDLERS = {
  "enable-cluster-addon": {
    run: async ({ details: d }, env, ctx) => {
      const client = env.clients.containers(d.subscriptionId);
      const rg = resourceGroupOf(d.clusterId);
      const name = nameOf(d.clusterId);
      const cluster = await env.gate.read(() => client.managedClusters.get(rg, name));
      const addonProfiles = { ...(cluster.addonProfiles ?? {}), [d.addon]: { enabled: true } };
      await env.lro.run(ctx, () => client.managedClusters.beginCreateOrUpdate(rg, name, { ...cluster, addonProfiles }, env.lro.poll()), () => addonState(d, env));
    },
    check: ({ details: d }, env) => addonState(d, env),
  },
} satisfies StepHandlers<ContainerSteps, ArmEnv>;
