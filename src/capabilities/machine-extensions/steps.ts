/**
 * The steps on one machine's extensions and identity. Several capabilities plan them (the Log
 * Analytics agent, the Azure Monitor Agent, and later Defender for Endpoint, vulnerability
 * assessment, Guest Configuration): one step family, run by one adapter over vm, vmss and arc.
 */
import type { MachineKind } from "../../inventory/schema";
import type { OsType } from "../../spec/extensions";
import { equalsIgnoreCase } from "../../spec/extensions";
import { simulatedPrincipalId, labelByTarget, workspaceLabel, type Simulation, type StepKinds } from "../../core/kernel";
import type { InventoryMachine } from "../../inventory/schema";

/** The machine and the extension a step is about. */
export interface ExtensionStepBase {
  readonly machineId: string;
  readonly machineKind: MachineKind;
  readonly osType: OsType;
  readonly location: string;
  /** The extension resource's name. */
  readonly name: string;
  readonly publisher: string;
  readonly type: string;
  readonly typeHandlerVersion: string;
}

/**
 * A workspace-keyed extension (the Log Analytics agent: its workspace key is read at apply time
 * and sent only in protectedSettings), or one that is not (the Azure Monitor Agent: a data
 * collection rule routes its data; it upgrades itself).
 */
export type InstallExtensionDetails =
  | (ExtensionStepBase & { readonly workspaceId: string })
  | (ExtensionStepBase & { readonly workspaceId: null; readonly enableAutomaticUpgrade: true });

export type UpgradeExtensionDetails = ExtensionStepBase & { readonly workspaceId: string | null; readonly fromVersion: string };

export type ReconnectExtensionDetails = ExtensionStepBase & { readonly workspaceId: string; readonly fromWorkspaceId: string };

export interface RemoveExtensionDetails {
  readonly machineId: string;
  readonly machineKind: MachineKind;
  readonly osType: OsType;
  readonly name: string;
  readonly publisher: string;
  readonly type: string;
  /** Where the extension reported, if anywhere. */
  readonly workspaceId: string | null;
}

export interface EnableIdentityDetails {
  readonly machineId: string;
  readonly machineKind: MachineKind;
  /** Keeps user-assigned identities: "SystemAssigned, UserAssigned". */
  readonly identityType: string;
  readonly fromIdentityType: string | null;
}

/** `POST .../manualUpgrade` of a `Manual` scale set's instances that do not run its latest model (read again at apply time). */
export interface UpgradeScaleSetInstancesDetails {
  readonly machineId: string;
  readonly machineKind: "vmss";
  /** How many instances the plan expects to upgrade; null when the inventory did not count them. */
  readonly instances: number | null;
}

export interface MachineExtensionSteps {
  readonly "install-extension": InstallExtensionDetails;
  readonly "upgrade-extension": UpgradeExtensionDetails;
  readonly "reconnect-extension": ReconnectExtensionDetails;
  readonly "remove-extension": RemoveExtensionDetails;
  readonly "enable-identity": EnableIdentityDetails;
  readonly "upgrade-instances": UpgradeScaleSetInstancesDetails;
}

/** The extension as it will be: installed, upgraded or reconnected (an upgrade keeps its workspace). */
function putExtension(sim: Simulation, d: ExtensionStepBase & { readonly workspaceId: string | null }, keepsWorkspace: boolean): void {
  const m: InventoryMachine = sim.machine(d.machineId);
  const customerId = d.workspaceId ? sim.workspace(d.workspaceId).customerId : undefined;
  const list = (m.extensions ??= []);
  // The machine's extension of the step's handler, as Azure (and installName) match it: a PUT updates it under its own name.
  const existing = list.find((e) => equalsIgnoreCase(e.type, d.type) && equalsIgnoreCase(e.publisher, d.publisher));
  if (existing) {
    existing.version = d.typeHandlerVersion;
    if (existing.provisioningState !== undefined) existing.provisioningState = "Succeeded";
    if (customerId !== undefined && !keepsWorkspace) existing.workspaceCustomerId = customerId;
  } else {
    list.push({ publisher: d.publisher, type: d.type, version: d.typeHandlerVersion, name: d.name, workspaceCustomerId: customerId ?? null });
  }
  modelChanged(m);
}

/** A change of a `Manual` scale set's model leaves every instance behind it until upgraded. */
function modelChanged(m: InventoryMachine): void {
  if (m.kind === "vmss" && m.scaleSet?.upgradePolicy === "Manual" && m.scaleSet.instances !== undefined) m.scaleSet.instancesNotUpgraded = m.scaleSet.instances;
}

const machineOf = (d: { readonly machineId: string }) => d.machineId;

export const MACHINE_EXTENSION_STEPS: StepKinds<MachineExtensionSteps> = {
  "install-extension": { label: labelByTarget, machineId: machineOf, simulate: (sim, d) => putExtension(sim, d, false) },
  "upgrade-extension": { label: labelByTarget, machineId: machineOf, simulate: (sim, d) => putExtension(sim, d, true) },
  "reconnect-extension": { label: labelByTarget, machineId: machineOf, simulate: (sim, d) => putExtension(sim, d, false) },
  "remove-extension": {
    label: labelByTarget,
    machineId: machineOf,
    simulate: (sim, d) => {
      const m = sim.machine(d.machineId);
      m.extensions = (m.extensions ?? []).filter((e) => !(equalsIgnoreCase(e.type, d.type) && equalsIgnoreCase(e.publisher, d.publisher)));
      modelChanged(m);
    },
  },
  "enable-identity": {
    label: (d) => `${workspaceLabel(d.machineId)}: ${d.identityType} identity`,
    machineId: machineOf,
    simulate: (sim, d) => {
      sim.machine(d.machineId).identity = { type: d.identityType, principalId: simulatedPrincipalId(d.machineId) };
    },
  },
  "upgrade-instances": {
    label: (d) => `${workspaceLabel(d.machineId)}: ${d.instances === null ? "its" : d.instances} instance(s) to the latest model`,
    machineId: machineOf,
    simulate: (sim, d) => {
      const m = sim.machine(d.machineId);
      if (m.scaleSet) m.scaleSet.instancesNotUpgraded = 0;
    },
  },
};
