/**
 * The Guest Configuration agent: per virtual machine, the `guestConfiguration` component and the
 * steps that install it (a system-assigned identity, then the extension), planned into the
 * machine-extensions step family. Reads spec.defender.servers.guestConfiguration and the
 * inventory's machines (kind, extensions, identity) and policyAssignments.
 */
import { defineCapability, type NoSteps } from "../../core/kernel";
import { GUEST_CONFIGURATION_EXTENSION } from "../../spec/defender";
import { extensionSteps, type MachineExtensionSteps } from "../machine-extensions";
import { noteGuestConfigurationOwners, planGuestConfigurationMachines } from "./plan";
import { GC_DECISIONS } from "./reasons";

export { GC_DECISIONS, GC_REASONS, type GcDecision } from "./reasons";

export const guestConfiguration = defineCapability<NoSteps, never, MachineExtensionSteps>({
  id: "guest-configuration",
  title: "The Guest Configuration agent on virtual machines: identity and extension",
  decisions: {},
  components: [
    {
      name: "guestConfiguration",
      title: "Guest Configuration",
      target: "machine",
      decisions: GC_DECISIONS,
      covered: ["gc-installed", "gc-builtin"],
    },
  ],
  steps: {},
  serves: extensionSteps(GUEST_CONFIGURATION_EXTENSION, ["install-extension"]),
  planner: { subscription: noteGuestConfigurationOwners, components: planGuestConfigurationMachines },
  arm: async () => ({}),
});
