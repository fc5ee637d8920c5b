/**
 * A scale set's instances (Uniform orchestration), as `.../virtualMachineScaleSets/{n}/virtualMachines`
 * serves them: ids 0..capacity-1, named `{scaleSet}_{id}`, computer names `{prefix}{id in base 36,
 * 6 digits}` (the names the Heartbeat table carries). Under a `Manual` upgrade policy a change of
 * the model (its extensions) leaves every instance on the older model (`latestModelApplied: false`)
 * until `POST .../manualUpgrade` names it; `Automatic` and `Rolling` instances follow the model.
 * The guest state keeps which instances lag (`outdatedInstances`).
 */
import type { StoredResource } from "../store/resources";
import { getPath, getString, isObject, type JsonObject } from "../util/json";
import { guidFrom } from "../util/random";
import type { ModelContext } from "./context";
import { guestOf } from "./machines";
import { VMSS_VM_TYPE } from "./resourceTypes";

type Ctx = Pick<ModelContext, "guest" | "clock">;

export function isManualUpgrade(vmss: StoredResource): boolean {
  return getString(vmss.doc, "properties", "upgradePolicy", "mode")?.toLowerCase() === "manual";
}

/** The instance ids, 0..capacity-1. */
export function instanceIdsOf(ctx: Ctx, vmss: StoredResource): number[] {
  return Array.from({ length: guestOf(ctx, vmss).instances ?? 0 }, (_, i) => i);
}

/** The ids of the instances that do not run the latest model. */
export function outdatedInstancesOf(ctx: Ctx, vmss: StoredResource): Set<number> {
  const guest = guestOf(ctx, vmss);
  return new Set((guest.outdatedInstances ?? []).filter((i) => i < (guest.instances ?? 0)));
}

/** The model changed: under `Manual`, every instance now lags behind it. */
export function modelChanged(ctx: Ctx, vmss: StoredResource): void {
  if (!isManualUpgrade(vmss)) return;
  const guest = guestOf(ctx, vmss);
  ctx.guest.put(vmss.id, { ...guest, outdatedInstances: instanceIdsOf(ctx, vmss) });
}

/** `manualUpgrade` of these instances: they run the latest model. */
export function upgradeInstances(ctx: Ctx, vmss: StoredResource, ids: readonly number[]): void {
  const guest = guestOf(ctx, vmss);
  const upgraded = new Set(ids);
  ctx.guest.put(vmss.id, { ...guest, outdatedInstances: [...outdatedInstancesOf(ctx, vmss)].filter((i) => !upgraded.has(i)) });
}

/** The instance's computer name, as the Heartbeat table reports it. */
export function instanceComputerName(prefix: string, id: number): string {
  return `${prefix}${id.toString(36).padStart(6, "0")}`;
}

/** One instance as ARM returns it (a virtual resource: built from the scale set, never stored). */
export function instanceResource(ctx: Ctx, vmss: StoredResource, id: number, outdated: ReadonlySet<number> = outdatedInstancesOf(ctx, vmss)): StoredResource {
  const guest = guestOf(ctx, vmss);
  const name = String(vmss.doc["name"]);
  const profile = getPath(vmss.doc, ["properties", "virtualMachineProfile"]);
  const osProfile = isObject(profile) && isObject(profile["osProfile"]) ? { ...profile["osProfile"] } : {};
  delete osProfile["computerNamePrefix"];
  const sku = isObject(vmss.doc["sku"]) ? vmss.doc["sku"] : {};
  const doc: JsonObject = {
    id: `${vmss.id}/virtualMachines/${id}`,
    name: `${name}_${id}`,
    type: VMSS_VM_TYPE,
    location: String(vmss.doc["location"]),
    instanceId: String(id),
    sku: { name: String(sku["name"] ?? "Standard_D2s_v3"), tier: String(sku["tier"] ?? "Standard") },
    properties: {
      latestModelApplied: !outdated.has(id),
      vmId: guidFrom(`${vmss.id.toLowerCase()}/virtualMachines/${id}`),
      hardwareProfile: {},
      storageProfile: isObject(profile) && isObject(profile["storageProfile"]) ? profile["storageProfile"] : {},
      osProfile: { ...osProfile, computerName: instanceComputerName(guest.computerName, id) },
      provisioningState: "Succeeded",
      timeCreated: getString(vmss.doc, "properties", "timeCreated") ?? ctx.clock.iso(),
    },
  };
  return { id: String(doc["id"]), type: VMSS_VM_TYPE, doc, secret: null };
}
