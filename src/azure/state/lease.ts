/**
 * The fleet lease: one lease per subscription a run changes, taken in sorted order before it reads
 * the state it will apply to, renewed in the background, released at the end; a watch takes the
 * leases of subscriptions that joined its scope, and releases those of the ones that left, while it
 * holds the others. A second run on any
 * of those subscriptions (apply, reconcile or Pulumi's AgentReconciliation; from this directory,
 * another one, or another runner sharing the state container) is refused with the holder's name.
 * A renewal that fails (the lease was broken or taken after expiring) aborts the run: it no longer
 * owns the fleet.
 */
import { randomUUID } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { fleetKey } from "../journal";
import type { HeldLease, LeaseHolder, StateStore } from "./store";

/** How long a lease lasts without renewal: a dead holder frees it after this (Azure's longest finite blob lease). */
export const DEFAULT_LEASE_SECONDS = 60;

export function leaseSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.ASC_LEASE_SECONDS);
  return Number.isFinite(v) && v >= 1 ? v : DEFAULT_LEASE_SECONDS;
}

/**
 * The lease names of a fleet: its subscriptions (a spec's management groups resolved to theirs, so
 * a run scoped to a group and one scoped to a subscription under it share that subscription's
 * lease) and the groups themselves, in the cloud `instance` names (an emulator), sorted.
 */
export function leaseNames(subscriptions: readonly string[], instance?: string, managementGroups: readonly string[] = []): string[] {
  const cloud = instance ? `-${fleetKey([], instance).slice(0, 8)}` : "";
  const subs = [...new Set(subscriptions.map((s) => s.toLowerCase()))].sort().map((s) => `subscription-${s}${cloud}`);
  const groups = [...new Set(managementGroups.map((g) => g.toLowerCase()))].sort().map((g) => `management-group-${g}${cloud}`);
  return [...subs, ...groups];
}

export function newHolder(command: string): LeaseHolder {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry (containers) */
  }
  return { id: randomUUID(), command, user, host: hostname(), pid: process.pid, startedAt: new Date().toISOString() };
}

export class FleetLease {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  /** The renewal in flight: a lease is released only after it settled, or that renewal would find it gone and abort the run. */
  private renewing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly store: StateStore,
    readonly holder: LeaseHolder,
    private leases: readonly HeldLease[],
    private readonly seconds: number,
  ) {
    // Renew at a third of the lease: two renewals may fail before it runs out.
    this.timer = setInterval(() => void (this.renewing = this.renew()), (seconds * 1000) / 3);
    this.timer.unref();
  }

  /** Aborted when a renewal failed: the run must stop. */
  get lost(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Takes every lease or none. With `forceUnlock`, first breaks the leases that holder id holds
   * (and only those: a lease another holder has is refused, naming it).
   */
  static async take(store: StateStore, names: readonly string[], holder: LeaseHolder, options: { seconds?: number; forceUnlock?: string } = {}): Promise<FleetLease> {
    const seconds = options.seconds ?? leaseSeconds();
    if (options.forceUnlock) for (const n of names) await store.breakLease(n, options.forceUnlock);
    return new FleetLease(store, holder, await acquireAll(store, names, holder, seconds), seconds);
  }

  /**
   * Takes these leases too (subscriptions that joined a watch's scope), all of them or none: those
   * it already holds are kept as they are; refused, the ones it took here are released and those it
   * held before stay held. Renewed with the others from then on.
   */
  async takeSome(names: readonly string[]): Promise<void> {
    // Lost or released: a lease taken now would not be renewed, nor released at the end.
    if (!this.timer) throw this.lost.aborted ? this.lost.reason : new Error("this run's leases were released");
    const held = new Set(this.leases.map((l) => l.name));
    const taken = await acquireAll(this.store, [...new Set(names)].filter((n) => !held.has(n)), this.holder, this.seconds);
    this.leases = [...this.leases, ...taken];
  }

  private async renew(): Promise<void> {
    try {
      await Promise.all(this.leases.map((l) => l.renew()));
    } catch (err) {
      this.stopRenewing();
      this.controller.abort(new Error(`stopped: ${(err as Error).message}`));
    }
  }

  private stopRenewing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Releases these of its leases (subscriptions that left a watch's scope); the others stay held and renewed throughout. */
  async releaseSome(names: readonly string[]): Promise<void> {
    const gone = new Set(names);
    const released = this.leases.filter((l) => gone.has(l.name));
    this.leases = this.leases.filter((l) => !gone.has(l.name));
    await this.renewing;
    await Promise.all(released.map((l) => l.release()));
  }

  async release(): Promise<void> {
    this.stopRenewing();
    await Promise.all(this.leases.map((l) => l.release()));
  }
}

/** Every one of `names` for `holder`, in their order, or none: a refusal releases those taken before it. */
async function acquireAll(store: StateStore, names: readonly string[], holder: LeaseHolder, seconds: number): Promise<HeldLease[]> {
  const held: HeldLease[] = [];
  try {
    for (const n of names) held.push(await store.acquire(n, holder, seconds));
  } catch (err) {
    await Promise.all(held.map((h) => h.release()));
    throw err;
  }
  return held;
}
