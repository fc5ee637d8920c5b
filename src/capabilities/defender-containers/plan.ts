/**
 * Defender for Containers per cluster: the Defender sensor, which Defender deploys itself with the
 * plan and its `ContainerSensor` extension on (its own Deploy-if-not-exists policies, reference §3:
 * this tool waits and reports), and the Azure Policy add-on, which this tool enables on AKS clusters
 * unless a policy assignment deploys it: the spec's own `extensions.kubernetesPolicyAddon`,
 * Defender's, Azure Landing Zones' or a user's (never a second one). Arc-enabled clusters get both
 * by Defender's and Azure Policy's assignments only.
 */
import type { CLUSTER_KINDS, InventoryCluster } from "../../inventory/schema";
import { subscriptionOf } from "../../inventory/ids";
import { AKS_POLICY_ADDON, resolveContainers, type ResolvedContainers } from "../../spec";
import { componentVerdict, type ClusterFleet, type ComponentVerdict, type ComponentVerdicts, type PlanContext, type StepSink } from "../../core/kernel";
import { assignmentsDeploying, noteCoexistence, type FoundAssignment } from "../defender-plans";
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
  const sensorWanted = containers.enabled && containers.sensor;
  for (const c of fleet.clusters) {
    const kind = c.kind ?? "aks";
    sensor.push(
      c.defenderSensor
        ? sensorWanted
          ? componentVerdict<SensorDecision>("sensor-enabled", say("sensor-enabled", kind))
          : componentVerdict<SensorDecision>("sensor-remains", say("sensor-remains", kind, containers.enabled))
        : sensorWanted
          ? componentVerdict<SensorDecision>("sensor-awaiting-defender", say("sensor-awaiting-defender", kind))
          : componentVerdict<SensorDecision>("sensor-off", say("sensor-off", containers.enabled)),
    );
    addon.push(decideAddon(ctx, b, containers, c, kind));
  }
  noteContainersRemain(b, sensor, addon);
  return [
    { component: "containerSensor", verdicts: sensor },
    { component: "kubernetesPolicyAddon", verdicts: addon },
  ];
}

function decideAddon(ctx: PlanContext, b: Sink, containers: ResolvedContainers, c: InventoryCluster, kind: string): ComponentVerdict<AddonDecision> {
  const say = ctx.reasons.speaker(CONTAINER_REASONS);
  const v = (d: AddonDecision, r: ReturnType<typeof say>) => componentVerdict(d, r);
  if (c.addons[AKS_POLICY_ADDON] === true) return containers.azurePolicy ? v("addon-enabled", say("addon-enabled")) : v("addon-remains", say("addon-remains"));
  const subscriptionId = subscriptionOf(c.id);
  // The spec's excluded groups are left alone here as the add-on's assignment leaves them out (its notScopes).
  const group = excludedGroupsIn(ctx.spec, subscriptionId).find((g) => coveredBy([g], c.id));
  if (group) return v("addon-excluded", say("addon-excluded", group));
  if (!containers.azurePolicy) return v("addon-off", say("addon-off"));
  // Arc-enabled clusters get the Azure Policy extension only from an assignment of 0adc5395: said only when one applies.
  if (kind === "arc") {
    const arc = addonAssignment(ctx, subscriptionId, "arc");
    return arc ? v("addon-arc", say("addon-arc", ownerWords(arc))) : v("addon-arc-unassigned", say("addon-arc-unassigned"));
  }
  if (kubernetesAddonAssigned(ctx, subscriptionId)) {
    return v("addon-by-policy", say("addon-by-policy", "this spec (extensions.kubernetesPolicyAddon)"));
  }
  const other = addonAssignment(ctx, subscriptionId, "aks");
  if (other) return v("addon-by-policy", say("addon-by-policy", ownerWords(other)));
  b.add("enable-cluster-addon", c.id, { clusterId: c.id, subscriptionId, addon: AKS_POLICY_ADDON });
  return v("addon-enable", say("addon-enable"));
}

/**
 * Plan-wide: one finding per component counting the clusters that keep what the spec no longer
 * asks for (`sensor-remains`, `addon-remains`): turning it off in the spec removes nothing, and
 * this tool takes neither off a cluster.
 */
function noteContainersRemain(b: Sink, sensor: readonly ComponentVerdict[], addon: readonly ComponentVerdict[]): void {
  const sensors = sensor.filter((v) => v.decision === "sensor-remains").length;
  if (sensors) {
    b.finding(
      "info",
      "container-sensor-remains",
      "defender.containers.sensor",
      `${sensors} cluster(s) keep the Defender sensor although the spec turns it off (containers.sensor false, or Defender for Containers off): turning it off removes nothing, and this tool does not take it off. ` +
        "To remove it: on AKS, securityProfile.defender disabled (az aks update --disable-defender); on Arc-enabled clusters, delete the Defender extension.",
    );
  }
  const addons = addon.filter((v) => v.decision === "addon-remains").length;
  if (addons) {
    b.finding(
      "info",
      "kubernetes-policy-addon-remains",
      "defender.containers.azurePolicy",
      `${addons} cluster(s) keep the Azure Policy add-on enabled although the spec does not ask for it (containers.azurePolicy false): this tool does not disable it (az aks disable-addons --addons azure-policy does).`,
    );
  }
}

type ClusterKind = (typeof CLUSTER_KINDS)[number];

/** The built-in policy that deploys the Azure Policy add-on, per kind of cluster (reference §3): a8eff44f on AKS, 0adc5395 (an extension) on Arc. */
const ADDON_POLICY: Readonly<Record<ClusterKind, string>> = { aks: "a8eff44f", arc: "0adc5395" };

/** Another owner's assignment of the add-on's policy for `kind` that applies to the subscription (this tool's own is kubernetesAddonAssigned's). */
function addonAssignment(ctx: PlanContext, subscriptionId: string, kind: ClusterKind): FoundAssignment | undefined {
  return assignmentsDeploying(ctx, subscriptionId, "kubernetesPolicyAddon").find((f) => f.owner !== "this-tool" && f.policy?.prefix === ADDON_POLICY[kind]);
}

/** The assignment's owner as a reason names it, saying when it is not known to apply. */
function ownerWords(f: FoundAssignment): string {
  return f.applies === "unknown" ? `${f.ownerName}, at a management group that may be above this subscription` : f.ownerName;
}

export function noteContainerOwners(ctx: PlanContext, b: Sink, subscriptionId: string): void {
  const containers = resolveContainers(ctx.spec.defender);
  if (!containers) return;
  noteCoexistence(ctx, b, subscriptionId, "containerSensor", "the Defender sensor on clusters", () =>
    "Defender turns the sensor on itself with the plan on; this tool only waits for it, and assigns nothing.",
  );
  if (containers.azurePolicy) {
    noteCoexistence(ctx, b, subscriptionId, "kubernetesPolicyAddon", "the Azure Policy add-on", (f) =>
      f.policy?.prefix === ADDON_POLICY.arc
        ? "It reaches Arc-enabled clusters only: this tool leaves their Azure Policy extension to it; AKS clusters get the add-on from an assignment of a8eff44f, or from this tool."
        : "This tool leaves the add-on to that assignment (its remediation covers existing clusters) and enables it on no AKS cluster itself in this subscription" +
          (ctx.spec.extensions.kubernetesPolicyAddon && f.applies === "unknown" ? "; the spec's own assignment (extensions.kubernetesPolicyAddon) is still planned at the subscription, as it is not known that this one covers it." : "."),
    );
  }
}
