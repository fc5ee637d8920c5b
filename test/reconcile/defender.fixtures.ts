/** Builders for Defender specs and inventories: each test states only what it is about. */
import type { Inventory, InventoryMachine, InventorySettings } from "../../src/inventory/schema";
import { GUEST_CONFIGURATION_EXTENSION, MDE_EXTENSION, type OsType, type Spec, type SpecInput } from "../../src/spec";
import { parseSpec } from "../../src/spec/validate";
import { plan } from "../../src/core";
import { inventory, SUB } from "../helpers/fixtures";

export { machine, SUB, SUB2 } from "../helpers/fixtures";

type DefenderInput = NonNullable<SpecInput["defender"]>;

/** A spec that manages Defender only (auto provisioning of the agent off). */
export function defenderSpec(defender: DefenderInput, extra: Partial<SpecInput> = {}, subscriptions = [SUB]): Spec {
  return parseSpec({ subscriptions, logAnalyticsAgent: { autoProvision: false }, ...extra, defender });
}

/** Defender for Servers P2 with every default. */
export const P2: DefenderInput = { servers: { plan: "P2" } };

/** Settings of a subscription whose plans, switches and provider are as given. */
export function settings(parts: InventorySettings = {}): InventorySettings {
  return { autoProvision: "Off", workspaceId: null, pricingTier: "Free", ...parts };
}

/** The subscription as Defender leaves it with P2 and every default component on. */
export const P2_IN_PLACE: InventorySettings = settings({
  pricingTier: "Standard",
  plans: {
    VirtualMachines: {
      pricingTier: "Standard",
      subPlan: "P2",
      enforce: "False",
      extensions: [
        { name: "MdeDesignatedSubscription", isEnabled: "False" },
        { name: "AgentlessVmScanning", isEnabled: "True" },
        { name: "FileIntegrityMonitoring", isEnabled: "False" },
      ],
    },
  },
  securitySettings: { WDATP: true, WDATP_UNIFIED_SOLUTION: true, WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW: false },
  vulnerabilityAssessmentProvider: "MdeTvm",
});

export function inv(machines: InventoryMachine[], subscriptionSettings: InventorySettings = P2_IN_PLACE, parts: Partial<Inventory> = {}): Inventory {
  return inventory({ machines, settings: { [SUB]: subscriptionSettings }, ...parts });
}

export function mde(os: OsType, provisioningState = "Succeeded") {
  const k = MDE_EXTENSION[os];
  return { publisher: k.publisher, type: k.type, version: k.version, name: k.name, provisioningState };
}

export function gcExtension(os: OsType, provisioningState = "Succeeded") {
  const k = GUEST_CONFIGURATION_EXTENSION[os];
  return { publisher: k.publisher, type: k.type, version: k.version, name: k.name, provisioningState };
}

/** The plan's component decision of a machine (by name). */
export function componentOf(p: ReturnType<typeof plan>, name: string, component: string): { decision: string; reason: string } | undefined {
  const m = p.machines.find((x) => x.id.endsWith(`/${name}`));
  if (!m) throw new Error(`no machine ${name} in the plan`);
  return m.components?.[component];
}

/** The plan's component decision of a cluster (by name). */
export function clusterOf(p: ReturnType<typeof plan>, name: string, component: string): { decision: string; reason: string } | undefined {
  const c = p.clusters?.find((x) => x.id.endsWith(`/${name}`));
  if (!c) throw new Error(`no cluster ${name} in the plan`);
  return c.components[component];
}
