/**
 * The state of runs: where journals and leases live (`--state`), and what a run holds while it
 * changes a fleet. `openStateStore` picks the backend from the value: a URL with http(s) is an
 * Azure Storage container (the blob client is loaded then), anything else a local directory.
 */
import { Journal, journalName } from "../journal";
import { FleetLease, leaseNames, newHolder } from "./lease";
import { LocalStateStore } from "./local";
import { isBlobState, parseBlobUrl } from "./location";
import { LeaseRefusedError, type StateStore } from "./store";

export { FleetLease, leaseNames, leaseSeconds, newHolder, DEFAULT_LEASE_SECONDS } from "./lease";
export { LocalStateStore, LocalJournal, defaultLeaseDir } from "./local";
export { isBlobState, stateLocationProblem } from "./location";
export { LeaseRefusedError, describeHolder, type HeldLease, type JournalStore, type LeaseHolder, type StateStore } from "./store";

export async function openStateStore(value: string): Promise<StateStore> {
  if (!isBlobState(value)) return new LocalStateStore(value);
  const location = parseBlobUrl(value);
  const { BlobStateStore } = await import("./blob");
  return new BlobStateStore(value, location);
}

/** What one apply or reconcile holds: the fleet's lease and its journal. */
export interface RunState {
  readonly store: StateStore;
  readonly lease: FleetLease;
  readonly journal: Journal;
  /** The subscriptions this run holds a lease on (lower-case, sorted): the listed ones and those its management groups resolved to. */
  readonly subscriptions: readonly string[];
  /** Releases the leases of these subscriptions (they left a watch's scope); the others stay held. */
  releaseSubscriptions(subscriptions: readonly string[]): Promise<void>;
  /** Closes the journal and releases the lease. */
  end(): Promise<void>;
}

export interface BeginRunOptions {
  /** --state: a directory or a container URL. */
  readonly state: string;
  readonly subscriptions: readonly string[];
  /** The management groups a spec names instead of (or beside) subscriptions. */
  readonly managementGroups?: readonly string[];
  /**
   * The subscriptions the groups resolved to (src/azure/scope.ts): each gets its lease too, so a run
   * scoped to a group and one scoped to a subscription under it exclude each other. The journal
   * stays named after the spec's own scope (a change under a group does not lose an interrupted run).
   */
  readonly resolvedSubscriptions?: readonly string[];
  /** The connection's `instance` (an emulator's; undefined for Azure): fleets of different clouds never share a lease or a journal. */
  readonly instance?: string | undefined;
  /** apply, reconcile, pulumi: shown to a refused run. */
  readonly command: string;
  readonly forceUnlock?: string;
  readonly leaseSeconds?: number;
  readonly store?: StateStore;
}

/** Checks the state location, takes the fleet's lease and opens its journal. */
export async function beginRun(options: BeginRunOptions): Promise<RunState> {
  const store = options.store ?? (await openStateStore(options.state));
  await store.prepare();
  const subscriptions = [...new Set([...options.subscriptions, ...(options.resolvedSubscriptions ?? [])].map((s) => s.toLowerCase()))].sort();
  const lease = await FleetLease.take(store, leaseNames(subscriptions, options.instance, options.managementGroups), newHolder(options.command), {
    seconds: options.leaseSeconds,
    forceUnlock: options.forceUnlock,
  }).catch((err: unknown) => {
    throw err instanceof LeaseRefusedError ? err.for(options.command) : err;
  });
  try {
    const journal = await Journal.open(store.journal(journalName([...options.subscriptions, ...(options.managementGroups ?? []).map((g) => `management-group:${g}`)], options.instance)));
    let held: readonly string[] = subscriptions;
    return {
      store,
      lease,
      journal,
      get subscriptions() {
        return held;
      },
      releaseSubscriptions: async (leaving) => {
        const gone = new Set(leaving.map((s) => s.toLowerCase()).filter((s) => held.includes(s)));
        // The journal keeps its name: it is named after the spec's scope, not the subscriptions leased.
        await lease.releaseSome(leaseNames([...gone], options.instance));
        held = held.filter((s) => !gone.has(s));
      },
      end: async () => {
        await journal.flush().catch(() => undefined);
        journal.close();
        await lease.release();
      },
    };
  } catch (err) {
    await lease.release();
    throw err;
  }
}
