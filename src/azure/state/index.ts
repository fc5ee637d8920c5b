/**
 * The state of runs: where journals and leases live (`--state`), and what a run holds while it
 * changes a fleet. `openStateStore` picks the backend from the value: a URL with http(s) is an
 * Azure Storage container (the blob client is loaded then), anything else a local directory.
 */
import { Journal, journalName } from "../journal";
import { FleetLease, leaseNames, newHolder } from "./lease";
import { LocalStateStore } from "./local";
import { isBlobState, parseBlobUrl } from "./location";
import { LeaseRefusedError, WATCH_ROUND, type StateStore } from "./store";

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
  /** The journal of the run's scope (another after rescope). */
  readonly journal: Journal;
  /** The subscriptions this run holds a lease on (lower-case, sorted): the listed ones and those its management groups resolved to. */
  readonly subscriptions: readonly string[];
  /** Releases the leases of these subscriptions (they left a watch's scope); the others stay held. */
  releaseSubscriptions(subscriptions: readonly string[]): Promise<void>;
  /**
   * Takes the leases of these subscriptions too (they joined a watch's scope), all or none, renewed
   * with the others; refused (LeaseRefusedError naming the holder), the leases held stay held.
   */
  takeSubscriptions(subscriptions: readonly string[]): Promise<void>;
  /**
   * Moves the run to another scope (a watch's spec edited): the new scope's leases it lacks are
   * taken first, all or none, then its journal opened, and only then the old journal closed and the
   * leases the new scope does not name released, so a subscription in both is never free. Refused
   * (LeaseRefusedError naming the holder), the run is left as it was.
   */
  rescope(scope: RunScope): Promise<void>;
  /** Closes the journal and releases the lease. */
  end(): Promise<void>;
}

/** What a run leases and names its journal after. */
export interface RunScope {
  readonly subscriptions: readonly string[];
  /** The management groups a spec names instead of (or beside) subscriptions. */
  readonly managementGroups?: readonly string[];
  /**
   * The subscriptions the groups resolved to (src/azure/scope.ts): each gets its lease too, so a run
   * scoped to a group and one scoped to a subscription under it exclude each other. The journal
   * stays named after the spec's own scope (a change under a group does not lose an interrupted run).
   */
  readonly resolvedSubscriptions?: readonly string[];
}

export interface BeginRunOptions extends RunScope {
  /** --state: a directory or a container URL. */
  readonly state: string;
  /** The connection's `instance` (an emulator's; undefined for Azure): fleets of different clouds never share a lease or a journal. */
  readonly instance?: string | undefined;
  /** apply, reconcile, pulumi: shown to a refused run. */
  readonly command: string;
  readonly forceUnlock?: string;
  readonly leaseSeconds?: number;
  readonly store?: StateStore;
}

/** A scope's subscriptions (lower-case, sorted) and management groups, the names of its leases and of its journal. */
function leasesOf(scope: RunScope, instance: string | undefined): { subscriptions: string[]; groups: readonly string[]; names: string[]; journal: string } {
  const subscriptions = [...new Set([...scope.subscriptions, ...(scope.resolvedSubscriptions ?? [])].map((s) => s.toLowerCase()))].sort();
  const journal = journalName([...scope.subscriptions, ...(scope.managementGroups ?? []).map((g) => `management-group:${g}`)], instance);
  const groups = scope.managementGroups ?? [];
  return { subscriptions, groups, names: leaseNames(subscriptions, instance, groups), journal };
}

/** Checks the state location, takes the fleet's lease and opens its journal. */
export async function beginRun(options: BeginRunOptions): Promise<RunState> {
  const store = options.store ?? (await openStateStore(options.state));
  await store.prepare();
  const refusedFor = (err: unknown) => {
    throw err instanceof LeaseRefusedError ? err.for(options.command) : err;
  };
  // Taken by a running watch (a subscription joined, its spec moved the scope): it tries again next round.
  const refusedToWatch = (err: unknown) => {
    throw err instanceof LeaseRefusedError ? err.for(WATCH_ROUND) : err;
  };
  let scope = leasesOf(options, options.instance);
  const lease = await FleetLease.take(store, scope.names, newHolder(options.command), {
    seconds: options.leaseSeconds,
    forceUnlock: options.forceUnlock,
  }).catch(refusedFor);
  try {
    let journal = await Journal.open(store.journal(scope.journal));
    // The subscriptions held: the scope's, less those released, plus those taken since.
    let held: readonly string[] = scope.subscriptions;
    // Every lease held: the subscriptions' and the scope's management groups'.
    const heldNames = () => leaseNames(held, options.instance, scope.groups);
    return {
      store,
      lease,
      get journal() {
        return journal;
      },
      get subscriptions() {
        return held;
      },
      releaseSubscriptions: async (leaving) => {
        const gone = new Set(leaving.map((s) => s.toLowerCase()).filter((s) => held.includes(s)));
        // The journal keeps its name: it is named after the spec's scope, not the subscriptions leased.
        await lease.releaseSome(leaseNames([...gone], options.instance));
        held = held.filter((s) => !gone.has(s));
      },
      takeSubscriptions: async (joining) => {
        const added = [...new Set(joining.map((s) => s.toLowerCase()))].filter((s) => !held.includes(s));
        await lease.takeSome(leaseNames(added, options.instance)).catch(refusedToWatch);
        held = [...held, ...added].sort();
      },
      rescope: async (next) => {
        const to = leasesOf(next, options.instance);
        const before = heldNames();
        await lease.takeSome(to.names).catch(refusedToWatch);
        let opened: Journal;
        try {
          opened = to.journal === scope.journal ? journal : await Journal.open(store.journal(to.journal));
        } catch (err) {
          await lease.releaseSome(to.names.filter((n) => !before.includes(n)));
          throw err;
        }
        if (opened !== journal) {
          await journal.flush().catch(() => undefined);
          journal.close();
          journal = opened;
        }
        await lease.releaseSome(before.filter((n) => !to.names.includes(n)));
        scope = to;
        held = to.subscriptions;
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
