/**
 * Machine extensions: the step family every per-machine capability plans into (install, upgrade,
 * reconnect and remove an extension; enable the system-assigned identity), and how those steps
 * run: one adapter over virtual machines, scale sets and Arc-enabled servers. The agents' capabilities
 * decide what a machine carries; this one carries it out, and decides one thing itself: what
 * happens to the instances of a scale set whose upgrade policy is `Manual` (scaleSets.ts).
 */
import { defineCapability } from "../../core/kernel";
import { MACHINE_EXTENSION_STEPS, type MachineExtensionSteps } from "./steps";
import { planScaleSetInstances, SCALE_SET_INSTANCE_DECISIONS } from "./scaleSets";

export { hasSystemIdentity, identityTypeAdding, planSystemIdentity } from "./identity";
export { extensionOf, selfUpgradingInstall } from "./install";
export { installName, nameHolder, planInstallName } from "./names";
export { extensionSteps } from "./serves";
export { noteModelChange, SCALE_SET_INSTANCE_DECISIONS, SCALE_SET_INSTANCE_REASONS, type ScaleSetInstanceDecision } from "./scaleSets";
export type {
  EnableIdentityDetails,
  ExtensionStepBase,
  InstallExtensionDetails,
  MachineExtensionSteps,
  ReconnectExtensionDetails,
  RemoveExtensionDetails,
  UpgradeExtensionDetails,
  UpgradeScaleSetInstancesDetails,
} from "./steps";

export const machineExtensions = defineCapability<MachineExtensionSteps>({
  id: "machine-extensions",
  title: "Extensions and identities of machines (vm, vmss, arc)",
  decisions: {},
  components: [
    {
      name: "scaleSetInstances",
      title: "Scale set instances",
      target: "machine",
      decisions: SCALE_SET_INSTANCE_DECISIONS,
      covered: ["instances-current", "instances-upgrade"],
    },
  ],
  steps: MACHINE_EXTENSION_STEPS,
  // Components run after every machines phase, so the agents' model changes are noted by then.
  planner: { components: planScaleSetInstances },
  arm: async () => (await import("./arm")).HANDLERS,
});
