/**
 * Machines (VMs, scale sets, Arc machines) and their extensions as the model sees them: kind, OS,
 * guest state (power, VM agent, directly installed agents), their extensions.
 */
import type { StoredResource } from "../store/resources";
import type { GuestState } from "../store/guest";
import { getPath, type JsonObject } from "../util/json";
import type { ModelContext, StoreContext } from "./context";
import { docOf, toJson, type MachineExtensionDoc, type VirtualMachineDoc, type VirtualMachineScaleSetDoc } from "./documents";
import { ARC_EXTENSION_TYPE, ARC_TYPE, AZURE_MONITOR_AGENT_TYPES, AZURE_MONITOR_PUBLISHER, VMSS_EXTENSION_TYPE, VMSS_TYPE, VM_EXTENSION_TYPE, VM_TYPE } from "./resourceTypes";

export type MachineKind = "vm" | "vmss" | "arc";

export function machineKindOf(type: string): MachineKind | undefined {
  const t = type.toLowerCase();
  if (t === VM_TYPE.toLowerCase()) return "vm";
  if (t === VMSS_TYPE.toLowerCase()) return "vmss";
  if (t === ARC_TYPE.toLowerCase()) return "arc";
  return undefined;
}

export function extensionTypeOf(kind: MachineKind): string {
  return kind === "vm" ? VM_EXTENSION_TYPE : kind === "vmss" ? VMSS_EXTENSION_TYPE : ARC_EXTENSION_TYPE;
}

export type OsType = "Windows" | "Linux";

export function normalizeOs(value: unknown): OsType | undefined {
  if (typeof value !== "string") return undefined;
  const l = value.toLowerCase();
  return l === "windows" ? "Windows" : l === "linux" ? "Linux" : undefined;
}

/** OS of a machine document (VM: osDisk.osType; scale set: its model; Arc: properties.osType). */
export function osTypeOf(machine: StoredResource): OsType {
  return (
    normalizeOs(docOf<VirtualMachineDoc>(machine).properties?.storageProfile?.osDisk?.osType) ??
    normalizeOs(docOf<VirtualMachineScaleSetDoc>(machine).properties?.virtualMachineProfile?.storageProfile?.osDisk?.osType) ??
    // Arc machines (arm-hybridcompute 3 models do not flatten `properties`): lower-case osType.
    normalizeOs(getPath(machine.doc, ["properties", "osType"])) ??
    "Linux"
  );
}

export function defaultGuest(osType: OsType, computerName: string, now: string, vmAgent = true): GuestState {
  return { osType, computerName, powerState: "running", powerStateChangedAt: now, vmAgent };
}

/** The machine's guest state (a machine created before guest state existed gets the defaults). */
export function guestOf(ctx: Pick<ModelContext, "guest" | "clock">, machine: StoredResource): GuestState {
  return ctx.guest.get(machine.id) ?? defaultGuest(osTypeOf(machine), String(machine.doc["name"]), ctx.clock.iso());
}

/** When an extension finished provisioning (hidden state; AMA's first heartbeat is a minute later), -Infinity if unknown. */
export function provisionedAtOf(ext: StoredResource): number {
  const at = ext.secret?.["provisionedAt"];
  return typeof at === "number" ? at : -Infinity;
}

/** Extensions (children) of a machine, for views and heartbeats. */
export function extensionsOf(ctx: StoreContext, machine: StoredResource): StoredResource[] {
  const kind = machineKindOf(machine.type);
  if (!kind) return [];
  const type = extensionTypeOf(kind).toLowerCase();
  return ctx.store.children(machine.id).filter((c) => c.type.toLowerCase() === type);
}

/** An extension document as a finished deployment leaves it (used by remediations). */
export function extensionDoc(machine: StoredResource, name: string, props: MachineExtensionProps): JsonObject {
  const kind = machineKindOf(machine.type)!;
  const doc: MachineExtensionDoc = {
    id: `${machine.id}/extensions/${name}`,
    name,
    type: extensionTypeOf(kind),
    location: docOf<MachineExtensionDoc>(machine).location,
    properties: { autoUpgradeMinorVersion: true, settings: {}, ...props, provisioningState: "Succeeded" },
  };
  // ARM writes a null location for a machine without one.
  return { ...toJson(doc), location: doc.location ?? null };
}

/** The `properties` of a machine extension document. */
export type MachineExtensionProps = NonNullable<MachineExtensionDoc["properties"]>;

export function isAmaExtension(ext: StoredResource): boolean {
  const props = docOf<MachineExtensionDoc>(ext).properties;
  const publisher = props?.publisher ?? "";
  const type = (props?.type ?? "").toLowerCase();
  return publisher.toLowerCase() === AZURE_MONITOR_PUBLISHER.toLowerCase() && AZURE_MONITOR_AGENT_TYPES.some((t) => t.toLowerCase() === type);
}
