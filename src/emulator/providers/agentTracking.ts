/**
 * Hooks that keep a machine's last heartbeats when a change ends an agent connection: resource
 * specs whose PUT or DELETE can stop an agent reporting somewhere (extensions, associations,
 * rules, scale-set models) wrap their handlers with these.
 */
import type { ArmContext, PutInput, PutResult } from "../arm/types";
import type { StoredResource } from "../store/resources";
import { endConnectionsOf, trackConnections } from "../logs/connections";
import { parseId } from "../util/armId";

/** Wraps a PUT: the machines' connections before it, compared with those after it is stored. */
export function tracked(put: (input: PutInput) => PutResult, machinesOf: (input: PutInput) => readonly string[]): (input: PutInput) => PutResult {
  return (input) => {
    const machines = machinesOf(input);
    if (machines.length === 0) return put(input);
    const finish = trackConnections(input.ctx, machines);
    const result = put(input);
    return {
      ...result,
      after: (stored) => {
        result.after?.(stored);
        finish();
      },
    };
  };
}

/** `onDeleted` of an extension: what it carried ends (the machine itself may be going too). */
export function extensionDeleted(ctx: ArmContext, stored: StoredResource): void {
  const machine = parseId(stored.id).parentId;
  if (machine && ctx.store.get(stored.id)) endConnectionsOf(ctx, machine, [stored.id]);
}

/** `onDeleted` of a machine: its guest state and kept heartbeats go with it. */
export function machineDeleted(ctx: ArmContext, stored: StoredResource): void {
  ctx.guest.delete(stored.id);
  ctx.heartbeatHistory.deleteMachine(stored.id);
}
