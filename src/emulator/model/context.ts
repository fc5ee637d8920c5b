/**
 * What the emulator model reads and writes: the stores and the emulator's clock. The model (machine,
 * extension, guest-agent and workspace-reporter state) depends on nothing else: no provider, no
 * request, no HTTP.
 */
import type { GuestStore } from "../store/guest";
import type { HeartbeatHistory } from "../store/heartbeatHistory";
import type { ResourceStore } from "../store/resources";
import type { Clock } from "../util/clock";

export interface ModelContext {
  readonly store: ResourceStore;
  readonly guest: GuestStore;
  readonly heartbeatHistory: HeartbeatHistory;
  readonly clock: Clock;
}

/** Model functions that only read documents. */
export type StoreContext = Pick<ModelContext, "store">;
