/**
 * simulate(plan, inventory): the inventory as it would be once every step of the plan succeeded,
 * each step applied by its capability's step kind. Pure. It lets tests check the planner's fixed
 * point (plan, simulate, plan again: no steps) and lets `plan` show what a second run would see.
 *
 * Heartbeats are not simulated: installing and associating the Azure Monitor Agent does not add
 * its "Azure Monitor Agent" heartbeat, which in the real world arrives later (tests add it
 * between rounds when they model that).
 */
import type { Inventory } from "../inventory/schema";
import { REGISTRY, type Catalog } from "./catalog";
import { Simulation } from "./kernel";

export { simulatedCustomerId, simulatedPrincipalId } from "./kernel";

export function simulate(plan: { readonly steps: readonly { readonly action: string; readonly target: string; readonly details: unknown }[] }, inventory: Inventory, catalog: Catalog = REGISTRY): Inventory {
  const sim = new Simulation(structuredClone(inventory));
  for (const step of plan.steps) catalog.kind(step.action).simulate(sim, step.details, step.target);
  return sim.inventory;
}
