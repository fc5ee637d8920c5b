/**
 * Which machines can take an extension at all (seed: extensions are deployed to running machines
 * with a ready VM agent; Security Center never provisions network appliances). The answer is the
 * clause a reason sentence quotes.
 */
import type { InventoryMachine } from "./schema";

const NOT_RUNNING: Readonly<Record<string, string>> = Object.fromEntries(
  ["stopped", "deallocated", "starting", "stopping", "unknown"].map((s) => [s, `it is ${s}, and extensions are only deployed to running machines`]),
);
const APPLIANCE = "it is a network appliance (WAF, NGFW), which Security Center never provisions";
const NO_VM_AGENT = "it has no ready VM agent, which extensions need";

/** Why a machine cannot get an extension operation, or undefined when it can. */
export function ineligibility(machine: InventoryMachine): string | undefined {
  if (machine.appliance) return APPLIANCE;
  if (machine.powerState !== "running") return NOT_RUNNING[machine.powerState] ?? NOT_RUNNING.unknown;
  if (!machine.vmAgent) return NO_VM_AGENT;
  return undefined;
}
