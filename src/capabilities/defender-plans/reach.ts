/**
 * Whether a machine that cannot take an extension now never will: Security Center never
 * provisions network appliances (the seed), while a stopped machine or one without a ready VM agent
 * gets its components once it runs with one. Every Defender component's reason says which of the
 * two applies, so none of them says "later" for a machine that nothing ever reaches.
 */
import type { InventoryMachine } from "../../inventory/schema";

export function neverProvisioned(m: InventoryMachine): boolean {
  return m.appliance === true;
}
