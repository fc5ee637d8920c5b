/**
 * A machine's system-assigned identity, which several capabilities need (the Azure Monitor Agent
 * signs in with it, Guest Configuration requires it): one `enable-identity` step per machine,
 * whichever capability asks first; the others wait for the same step.
 */
import type { InventoryMachine } from "../../inventory/schema";
import type { PlanContext, StepSink } from "../../core/kernel";
import type { MachineExtensionSteps } from "./steps";

/** System-assigned identity present? Arc-enabled servers always have one (the connected machine agent's). */
export function hasSystemIdentity(machine: InventoryMachine): boolean {
  return machine.kind === "arc" || /systemassigned/i.test(machine.identity?.type ?? "");
}

/** The identity type that adds the system-assigned identity and keeps user-assigned ones. */
export function identityTypeAdding(current: string | undefined): string {
  return current && /userassigned/i.test(current) ? "SystemAssigned, UserAssigned" : "SystemAssigned";
}

/** The enable-identity steps of this plan, by machine (the object: no id hashing per machine). */
const IDENTITY_STEPS = {};

/** The step that gives `m` its system-assigned identity, planned once per machine. */
export function planSystemIdentity(ctx: PlanContext, b: StepSink<MachineExtensionSteps>, m: InventoryMachine): string {
  const planned = ctx.memo(IDENTITY_STEPS, () => new Map<InventoryMachine, string>());
  let id = planned.get(m);
  if (id === undefined) {
    id = b.addUnique("enable-identity", m.id, { machineId: m.id, machineKind: m.kind, identityType: identityTypeAdding(m.identity?.type), fromIdentityType: m.identity?.type ?? null });
    planned.set(m, id);
  }
  return id;
}
