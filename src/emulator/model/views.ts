/**
 * How machines look from their guest state: a VM's instance view, a scale set with its model's
 * extensions, an Arc machine's connection status. ARM GETs and Resource Graph rows use the same.
 */
import type { PowerState } from "../store/guest";
import type { StoredResource } from "../store/resources";
import { clone, getPath, getString, isObject, type Json, type JsonObject } from "../util/json";
import type { ModelContext } from "./context";
import { extensionsOf, guestOf } from "./machines";
import { docOf, type InstanceViewDoc, type MachineExtensionDoc } from "./documents";

const POWER_DISPLAY: Record<PowerState, string> = { running: "VM running", stopped: "VM stopped", deallocated: "VM deallocated" };

/** What `GET .../instanceView` answers, from the guest state and the extensions. */
export function vmInstanceView(ctx: Pick<ModelContext, "store" | "guest" | "clock">, vm: StoredResource): InstanceViewDoc {
  const guest = guestOf(ctx, vm);
  const now = ctx.clock.iso();
  const exts = extensionsOf(ctx, vm);
  const agentUp = guest.vmAgent && guest.powerState === "running";
  return {
    computerName: guest.computerName,
    osName: guest.osName ?? (guest.osType === "Windows" ? "Windows Server 2019 Datacenter" : "ubuntu"),
    osVersion: guest.osType === "Windows" ? "10.0.17763.6414" : "22.04",
    hyperVGeneration: "V2",
    vmAgent: agentUp
      ? {
          vmAgentVersion: guest.osType === "Windows" ? "2.7.41491.1102" : "2.11.1.12",
          statuses: [{ code: "ProvisioningState/succeeded", level: "Info", displayStatus: "Ready", message: "GuestAgent is running and processing the extensions.", time: now }],
          extensionHandlers: exts.map((e) => ({
            type: `${getString(e.doc, "properties", "publisher")}.${getString(e.doc, "properties", "type")}`,
            typeHandlerVersion: getString(e.doc, "properties", "typeHandlerVersion") ?? "",
            status: { code: "ProvisioningState/succeeded", level: "Info", displayStatus: "Ready" },
          })),
        }
      : {
          vmAgentVersion: "Unknown",
          statuses: [{ code: "ProvisioningState/Unavailable", level: "Warning", displayStatus: "Not Ready", message: "VM Agent is unresponsive.", time: now }],
        },
    extensions: exts.map((e) => extensionInstanceView(e, now)),
    statuses: [
      { code: "ProvisioningState/succeeded", level: "Info", displayStatus: "Provisioning succeeded", time: getString(vm.doc, "properties", "timeCreated") ?? now },
      { code: `PowerState/${guest.powerState}`, level: "Info", displayStatus: POWER_DISPLAY[guest.powerState] },
      ...(guest.generalized ? [{ code: "OSState/generalized", level: "Info" as const, displayStatus: "VM generalized" }] : []),
    ],
  };
}

/**
 * An extension's instance view (a VM's `extensions[]`, an extension GET with `$expand=instanceView`):
 * its provisioning state and, when the deployment failed, the handler's own status (the code with
 * its exit code, `ProvisioningState/failed/10`, and its message), which putExtension kept.
 */
export function extensionInstanceView(e: StoredResource, time: string): JsonObject {
  const state = getString(e.doc, "properties", "provisioningState") ?? "Succeeded";
  const failed = isObject(e.secret?.["failure"]) && state === "Failed" ? (e.secret["failure"] as JsonObject) : undefined;
  return {
    name: docOf<MachineExtensionDoc>(e).name,
    type: `${getString(e.doc, "properties", "publisher")}.${getString(e.doc, "properties", "type")}`,
    typeHandlerVersion: getString(e.doc, "properties", "typeHandlerVersion") ?? "",
    statuses: [
      {
        code: (failed && getString(failed, "code")) || `ProvisioningState/${state.toLowerCase()}`,
        level: state === "Failed" ? "Error" : "Info",
        displayStatus: state === "Succeeded" ? "Provisioning succeeded" : `Provisioning ${state.toLowerCase()}`,
        ...(failed && getString(failed, "message") ? { message: getString(failed, "message") } : {}),
        time,
      },
    ],
  };
}

/**
 * An Arc machine's extension as its GET answers: the instance view is part of the extension's
 * properties, with no `$expand` (HybridCompute's MachineExtensionProperties.instanceView), and it
 * holds one `status`, not a list; the handler's status is the same as a VM's extension shows.
 */
export function arcExtensionView(ctx: Pick<ModelContext, "clock">, doc: JsonObject, stored: StoredResource): JsonObject {
  const out = clone(doc);
  if (!isObject(out["properties"])) return out;
  const { statuses, ...view } = extensionInstanceView(stored, ctx.clock.iso());
  out["properties"]["instanceView"] = { ...view, ...(Array.isArray(statuses) && statuses[0] !== undefined ? { status: statuses[0] } : {}) };
  return out;
}

/** A VM extension's GET: `$expand=instanceView` adds its instance view. */
export function vmExtensionView(ctx: Pick<ModelContext, "clock">, stored: StoredResource, expand: boolean): JsonObject {
  const doc = clone(stored.doc);
  if (expand && isObject(doc["properties"])) doc["properties"]["instanceView"] = extensionInstanceView(stored, ctx.clock.iso());
  return doc;
}

export function vmssView(ctx: Pick<ModelContext, "store">, stored: StoredResource): JsonObject {
  const doc = clone(stored.doc);
  const profile = getPath(doc, ["properties", "virtualMachineProfile"]);
  if (isObject(profile)) {
    profile["extensionProfile"] = {
      extensions: extensionsOf(ctx, stored).map((e): Json => ({ name: e.doc["name"] ?? null, id: e.id, properties: e.doc["properties"] ?? {} })),
    };
  }
  return doc;
}

/** Arc status follows the guest: a machine that is off is Disconnected. */
export function machineView(ctx: Pick<ModelContext, "guest" | "clock">, stored: StoredResource): JsonObject {
  const doc = clone(stored.doc);
  const guest = guestOf(ctx, stored);
  const props = doc["properties"] as JsonObject;
  props["status"] = guest.powerState === "running" && guest.vmAgent ? "Connected" : "Disconnected";
  props["lastStatusChange"] = guest.powerStateChangedAt;
  // The connected machine agent reports the OS it finds.
  if (guest.osName) props["osSku"] = guest.osName;
  return doc;
}
