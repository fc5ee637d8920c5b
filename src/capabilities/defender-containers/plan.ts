/**
 * Defender for Containers per cluster: the Defender sensor, which Defender deploys itself with the
 * plan and its `ContainerSensor` extension on (its own Deploy-if-not-exists policies, reference §3:
 * this tool waits and reports), and the Azure Policy add-on, which this tool enables on AKS clusters
 * unless a policy assignment deploys it: the spec's own `extensions.kubernetesPolicyAddon`,
 * Defender's, Azure Landing Zones' or a user's (never a second one). Arc-enabled clusters get both
 * by Defender's and Azure Policy's assignments only.
 */
import type { InventoryCluster } from "../../inventory/schema";
import { subscriptionOf } from "../../inventory/ids";
import { AKS_POLICY_ADDON, resolveContainers, type ResolvedContainers } from "../../spec";
import { componentVerdict, type ClusterFleet, type ComponentVerdict, type ComponentVerdicts, type PlanContext, type StepSink } from "../../core/kernel";
import { assignmentsDeploying, noteCoexistence } from "../defender-plans";
import { coveredBy, excludedGroupsIn, kubernetesAddonAssigned } from "../extension-policies";
import { CONTAINER_REASONS, type AddonDecision, type SensorDecision } from "./reasons";
import type { ContainerSteps } from "./steps";

type Sink = StepSink<ContainerSteps>;

export function planClusters(ctx: PlanContext, b: Sink, fleet: ClusterFleet): ComponentVerdicts[] | undefined {
  const containers = resolveContainers(ctx.spec.defender);
  if (!containers) return undefined;
  const say = ctx.reasons.speaker(CONTAINER_REASONS);
  const sensor: ComponentVerdict[] = [];
  const addon: ComponentVerdict[] = [];
  for (const c of fleet.clusters) {
    const kind = c.kind ?? "aks";
    sensor.push(
      c.defenderSensor
        ? componentVerdict<SensorDecision>("sensor-enabled", say("sensor-enabled", kind))
        : containers.enabled && containers.sensor
          ? componentVerdict<SensorDecision>("sensor-awaiting-defender", say("sensor-awaiting-defender", kind))
          : componentVerdict<SensorDecision>("sensor-off", say("sensor-off", containers.enabled)),
    );
    addon.push(decideAddon(ctx, b, containers, c, kind));
  }
  return [
    { component: "containerSensor", verdicts: sensor },
    { component: "kubernetesPolicyAddon", verdicts: addon },
  ];
}

function decideAddon(ctx: PlanContext, b: Sink, containers: ResolvedContainers, c: InventoryCluster, kind: string): ComponentVerdict<AddonDecision> {
  const say = ctx.reasons.speaker(CONTAINER_REASONS);
  const v = (d: AddonDecision, r: ReturnType<typeof say>) => componentVerdict(d, r);
  if (c.addons[AKS_POLICY_ADDON] === true) return v("addon-enabled", say("addon-enabled"));
  const subscriptionId = subscriptionOf(c.id);
  // The spec's excluded groups are left alone here as the add-on's assignment leaves them out (its notScopes).
  const group = excludedGroupsIn(ctx.spec, subscriptionId).find((g) => coveredBy([g], c.id));
  if (group) return v("addon-excluded", say("addon-excluded", group));
  if (!containers.azurePolicy) return v("addon-off", say("addon-off"));
  if (kind === "arc") return v("addon-arc", say("addon-arc"));
  if (kubernetesAddonAssigned(ctx, subscriptionId)) {
    return v("addon-by-policy", say("addon-by-policy", "this spec (extensions.kubernetesPolicyAddon)"));
  }
  const other = assignmentsDeploying(ctx, subscriptionId, "kubernetesPolicyAddon").find((f) => f.owner !== "this-tool");
  if (other) return v("addon-by-policy", say("addon-by-policy", other.applies === "unknown" ? `${other.ownerName}, at a management group that may be above this subscription` : other.ownerName));
  b.add("enable-cluster-addon", c.id, { clusterId: c.id, subscriptionId, addon: AKS_POLICY_ADDON });
  return v("addon-enable", say("addon-enable"));
}

export function noteContainerOwners(ctx: PlanContext, b: Sink, subscriptionId: string): void {
  const containers = resolveContainers(ctx.spec.defender);
  if (!containers) return;
  noteCoexistence(ctx, b, subscriptionId, "containerSensor", "the Defender sensor on clusters", () =>
    "Defender turns the sensor on itself with the plan on; this tool only waits for it, and assigns nothing.",
  );
  if (containers.azurePolicy) {
    noteCoexistence(ctx, b, subscriptionId, "kubernetesPolicyAddon", "the Azure Policy add-on", () =>
      "This tool leaves the add-on to that assignment (its remediation covers existing clusters) and enables it nowhere itself in this subscription.",
    );
  }
}
