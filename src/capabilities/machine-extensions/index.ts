/**
 * Machine extensions: the step family every per-machine capability plans into (install, upgrade,
 * reconnect and remove an extension; enable the system-assigned identity), and how those steps
 * run: one adapter over virtual machines, scale sets and Arc-enabled servers. It decides nothing
 * itself: the agents' capabilities decide, this one carries it out.
 */
import { defineCapability } from "../../core/kernel";
import { MACHINE_EXTENSION_STEPS, type MachineExtensionSteps } from "./steps";

export { hasSystemIdentity, identityTypeAdding, planSystemIdentity } from "./identity";
export { selfUpgradingInstall } from "./install";
export type {
  EnableIdentityDetails,
  ExtensionStepBase,
  InstallExtensionDetails,
  MachineExtensionSteps,
  ReconnectExtensionDetails,
  RemoveExtensionDetails,
  UpgradeExtensionDetails,
} from "./steps";

export const machineExtensions = defineCapability<MachineExtensionSteps>({
  id: "machine-extensions",
  title: "Extensions and identities of machines (vm, vmss, arc)",
  decisions: {},
  steps: MACHINE_EXTENSION_STEPS,
  arm: async () => (await import("./arm")).HANDLERS,
});
