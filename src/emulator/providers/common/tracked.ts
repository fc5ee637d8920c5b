/**
 * Keeps a machine's last heartbeats when a change ends an agent connection: resource specs whose
 * PUT can stop an agent reporting somewhere (extensions, associations, rules, scale-set models)
 * wrap their handler with `tracked`.
 */
import type { PutInput, PutResult } from "../../arm/types";
import type { ModelContext } from "../../model/context";
import { trackConnections } from "../../model/connections";

/** Wraps a PUT: the machines' connections before it, compared with those after it is stored. */
export function tracked<C extends ModelContext>(put: (input: PutInput<C>) => PutResult, machinesOf: (input: PutInput<C>) => readonly string[]): (input: PutInput<C>) => PutResult {
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
