/**
 * The machines whose guest is not running or has no agent (lower-case ids), kept current on guest
 * writes. A watch asks Resource Graph every round which VMs are not running and which Arc machines
 * are not connected (a start or a stop is no resource change); the answer is built from these
 * machines, not from every machine of the fleet. A machine without guest state runs with its agent.
 */
import type { GuestState, GuestStore } from "../store/guest";

const INDEXES = new WeakMap<GuestStore, UnpoweredIndex>();

const unpowered = (g: GuestState) => g.powerState !== "running" || !g.vmAgent;

export class UnpoweredIndex {
  private readonly ids = new Set<string>();

  private constructor(private readonly guest: GuestStore) {}

  /** The index of this guest store, built at its first use and kept current from then on. */
  static of(guest: GuestStore): UnpoweredIndex {
    let index = INDEXES.get(guest);
    if (!index) {
      const made = new UnpoweredIndex(guest);
      // Observing before building: nothing written between the two is missed.
      guest.writes.add((id) => made.note(id));
      for (const [id, g] of guest.all()) if (unpowered(g)) made.ids.add(id);
      INDEXES.set(guest, made);
      index = made;
    }
    return index;
  }

  /** Lower-case ids of the machines not running or without their agent. */
  machines(): ReadonlySet<string> {
    return this.ids;
  }

  private note(id: string): void {
    const g = this.guest.get(id);
    if (g && unpowered(g)) this.ids.add(id.toLowerCase());
    else this.ids.delete(id.toLowerCase());
  }
}
