/**
 * A machine's system-assigned identity, which several capabilities need (the Azure Monitor Agent
 * signs in with it, Guest Configuration requires it): one `enable-identity` step per machine,
 * whichever capability asks first; the others wait for the same step.
 */
import type { InventoryMachine } from "../../inventory/schema";
import { ShapeSlots, type PlanContext, type StepSink } from "../../core/kernel";
import type { MachineExtensionSteps } from "./steps";

/** System-assigned identity present? Arc-enabled servers always have one (the connected machine agent's). */
export function hasSystemIdentity(machine: InventoryMachine): boolean {
  if (machine.kind === "arc") return true;
  const type = machine.identity?.type;
  if (!type) return false;
  // A fleet has a handful of identity types: each is tested once, not once per machine and capability.
  let has = SYSTEM_ASSIGNED.get(type);
  if (has === undefined) {
    has = /systemassigned/i.test(type);
    if (SYSTEM_ASSIGNED.size < 256) SYSTEM_ASSIGNED.set(type, has);
  }
  return has;
}

/** hasSystemIdentity by identity type (bounded: an inventory could hold many odd types). */
const SYSTEM_ASSIGNED = new Map<string, boolean>();

/** The identity type that adds the system-assigned identity and keeps user-assigned ones. */
export function identityTypeAdding(current: string | undefined): string {
  return current && /userassigned/i.test(current) ? "SystemAssigned, UserAssigned" : "SystemAssigned";
}

/** The enable-identity steps of this plan, by the machine's index in the fleet, as dependsOn lists. */
const IDENTITY_STEPS = {};
/** Their shapes, by the machine's kind and identity type (all an enable-identity step's details differ by). */
const IDENTITY_SHAPES = {};

/**
 * The step that gives `machines[index]` (the plan's fleet) its system-assigned identity, planned
 * once per machine; returned as the dependsOn list of the steps that wait for it (one list per
 * machine, shared by every capability that asks).
 */
export function planSystemIdentity(ctx: PlanContext, b: StepSink<MachineExtensionSteps>, machines: readonly InventoryMachine[], index: number): readonly string[] {
  // By index, not a map of machines, in an array made to the fleet's length (written sparsely, a
  // growing one turns into a dictionary).
  const { list, planned } = ctx.memo(IDENTITY_STEPS, () => ({ list: machines, planned: new Array<readonly string[] | undefined>(machines.length).fill(undefined) }));
  // Positions in another list would name other machines' steps.
  if (list !== machines) throw new Error("planSystemIdentity: every capability must index the plan's fleet (fleet.machines)");
  let deps = planned[index];
  if (deps === undefined) {
    const m = machines[index]!;
    const from = m.identity?.type;
    const slot = ctx.memo(IDENTITY_SHAPES, () => new ShapeSlots(2)).slot(m.kind, from);
    const id = b.addUnique("enable-identity", m.id, { machineId: m.id, machineKind: m.kind, identityType: identityTypeAdding(from), fromIdentityType: from ?? null }, undefined, slot);
    planned[index] = deps = [id];
  }
  return deps;
}
