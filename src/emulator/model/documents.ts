/**
 * Stored documents typed with the official SDK packages' model types. The SDK's models are the
 * client's view: ARM's `properties` envelope flattened into the object (x-ms-client-flatten) and
 * timestamps as `Date`. `ArmDocument<T>` turns one back into the wire shape the emulator stores and
 * answers: ARM's top-level keys stay where they are, everything else goes under `properties`, and
 * dates are ISO strings. Documents are written by the emulator itself, so reading one as its type
 * is a view, not a validation (request bodies are validated by the providers).
 */
import type {
  VirtualMachine,
  VirtualMachineExtension,
  VirtualMachineIdentity,
  VirtualMachineInstanceView,
  VirtualMachineScaleSet,
  VirtualMachineScaleSetExtension,
} from "@azure/arm-compute";
import type { ManagedCluster, ManagedClusterAddonProfile } from "@azure/arm-containerservice";
import type { DataCollectionRuleAssociationProxyOnlyResource, DataCollectionRuleResource } from "@azure/arm-monitor";
import type { Workspace } from "@azure/arm-operationalinsights";
import type { ResourceGroup } from "@azure/arm-resources";
import type { StoredResource } from "../store/resources";
import type { JsonObject } from "../util/json";

/** A model type as JSON carries it: dates are ISO strings, all else as is. */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer E)[]
    ? Wire<E>[]
    : T extends object
      ? { -readonly [K in keyof T]: Wire<T[K]> }
      : T;

/** Keys ARM keeps at the top of a resource document; the SDK flattens the rest out of `properties`. */
type TopLevelKey =
  | "id" | "name" | "type" | "location" | "tags" | "identity" | "plan" | "sku" | "kind" | "zones" | "etag"
  | "extendedLocation" | "managedBy" | "systemData" | "resources";

/**
 * The flattened part of a model, back under `properties`. Where a property collides with a
 * top-level key the SDK renames it (an extension's handler `type` is `typePropertiesType`).
 */
type Flattened<T> = Omit<T, TopLevelKey | "typePropertiesType"> & ("typePropertiesType" extends keyof T ? { type?: T["typePropertiesType" & keyof T] } : unknown);

/**
 * An SDK model as the ARM document the emulator stores: top-level keys, and `properties`. Models
 * that keep `properties` as an object of their own (resource groups, Arc machines) are the wire shape already.
 */
export type ArmDocument<T> = "properties" extends keyof T ? Wire<T> : Wire<Pick<T, Extract<keyof T, TopLevelKey>>> & { properties?: Wire<Flattened<T>> };

export type VirtualMachineDoc = ArmDocument<VirtualMachine>;
export type VirtualMachineScaleSetDoc = ArmDocument<VirtualMachineScaleSet>;
export type MachineExtensionDoc = ArmDocument<VirtualMachineExtension>;
export type ScaleSetExtensionDoc = ArmDocument<VirtualMachineScaleSetExtension>;
export type InstanceViewDoc = Wire<VirtualMachineInstanceView>;
export type IdentityDoc = Wire<VirtualMachineIdentity>;
export type WorkspaceDoc = ArmDocument<Workspace>;
export type DataCollectionRuleDoc = ArmDocument<DataCollectionRuleResource>;
export type AssociationDoc = ArmDocument<DataCollectionRuleAssociationProxyOnlyResource>;
export type ManagedClusterDoc = ArmDocument<ManagedCluster>;
export type AddonProfileDoc = Wire<ManagedClusterAddonProfile>;
export type ResourceGroupDoc = ArmDocument<ResourceGroup>;

/** Reads a stored document as its SDK type. */
export function docOf<D>(stored: StoredResource): D {
  return stored.doc as unknown as D;
}

/** A typed document as the store keeps it (JSON). */
export function toJson<D extends object>(doc: D): JsonObject {
  return doc as unknown as JsonObject;
}
