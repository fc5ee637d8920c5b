/**
 * The inventory being simulated (src/core/simulate.ts), with the lookups every capability's
 * step kinds need to say what their step changes. Holds no rule: only where things are.
 */
import type { Inventory, InventoryDataCollectionRuleAssociation, InventoryMachine, InventorySettings, InventoryWorkspace } from "../../inventory/schema";
import { stableGuid } from "./ids";

export class Simulation {
  private readonly machines: Map<string, InventoryMachine>;
  private readonly workspaces: Map<string, InventoryWorkspace>;
  private associationIndex: Map<string, InventoryDataCollectionRuleAssociation> | undefined;

  /** `inventory` is changed in place: pass a copy. */
  constructor(readonly inventory: Inventory) {
    this.machines = new Map(inventory.machines.map((m) => [m.id.toLowerCase(), m] as const));
    this.workspaces = new Map(inventory.workspaces.map((w) => [w.id.toLowerCase(), w] as const));
  }

  machine(id: string): InventoryMachine {
    const found = this.machines.get(id.toLowerCase());
    if (!found) throw new Error(`simulate: machine ${id} does not exist`);
    return found;
  }

  /** The machine, or undefined (a remediation may name resources the inventory lacks). */
  findMachine(id: string): InventoryMachine | undefined {
    return this.machines.get(id.toLowerCase());
  }

  workspace(id: string): InventoryWorkspace {
    const found = this.workspaces.get(id.toLowerCase());
    if (!found) throw new Error(`simulate: workspace ${id} does not exist`);
    return found;
  }

  addWorkspace(ws: InventoryWorkspace): void {
    this.inventory.workspaces.push(ws);
    this.workspaces.set(ws.id.toLowerCase(), ws);
  }

  removeWorkspace(id: string): void {
    this.inventory.workspaces = this.inventory.workspaces.filter((w) => w.id.toLowerCase() !== id.toLowerCase());
    this.workspaces.delete(id.toLowerCase());
  }

  settingsOf(subscriptionId: string): InventorySettings {
    return (this.inventory.settings[subscriptionId] ??= {});
  }

  /** Data collection rule associations by id (built on first use). */
  associations(): Map<string, InventoryDataCollectionRuleAssociation> {
    return (this.associationIndex ??= new Map((this.inventory.dataCollectionRuleAssociations ?? []).map((a) => [a.id.toLowerCase(), a] as const)));
  }
}

/** The customerId the simulation gives a workspace it creates. */
export function simulatedCustomerId(workspaceId: string): string {
  return stableGuid("customerId", workspaceId);
}

/** The principal id the simulation gives a managed identity it creates. */
export function simulatedPrincipalId(resourceId: string): string {
  return stableGuid("principal", resourceId);
}
