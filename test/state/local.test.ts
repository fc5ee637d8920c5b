/** The local state backend's leases: refused with the holder's name, freed when the holder died or stopped renewing, broken on request. */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { beginRun, FleetLease, LeaseRefusedError, LocalStateStore, newHolder } from "../../src/azure/state";

const SUBS = ["bbbbbbbb-0000-0000-0000-000000000002", "aaaaaaaa-0000-0000-0000-000000000001"];

function store() {
  const dir = mkdtempSync(join(tmpdir(), "state-local-"));
  return { dir, leases: join(dir, "leases"), store: new LocalStateStore(join(dir, "state"), join(dir, "leases")) };
}

describe("local leases", () => {
  it("a second run is refused, naming the holder; the first one's release frees it", async () => {
    const { store: s } = store();
    const first = await beginRun({ state: "x", store: s, subscriptions: SUBS, command: "apply" });
    const refused = await beginRun({ state: "x", store: s, subscriptions: [...SUBS].reverse(), command: "reconcile" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LeaseRefusedError);
    expect((refused as Error).message).toMatch(new RegExp(`locked by apply \\(pid ${process.pid} on ${hostname()}.*lease id ${first.lease.holder.id}`));
    expect((refused as Error).message).toContain(`--force-unlock ${first.lease.holder.id}`);
    // `pulumi up` has no --force-unlock (user trial 17): its refusal says how it gets the lease instead.
    const pulumi = await beginRun({ state: "x", store: s, subscriptions: SUBS, command: "pulumi" }).catch((e: unknown) => e);
    expect(pulumi).toBeInstanceOf(LeaseRefusedError);
    expect((pulumi as Error).message).toMatch(new RegExp(`locked by apply .*lease id ${first.lease.holder.id}.*a \`pulumi up\` after that takes it`));
    expect((pulumi as Error).message).not.toContain("--force-unlock");
    // One overlapping subscription is enough to be refused.
    await expect(beginRun({ state: "x", store: s, subscriptions: [SUBS[1]!], command: "apply" })).rejects.toBeInstanceOf(LeaseRefusedError);
    await first.end();
    const second = await beginRun({ state: "x", store: s, subscriptions: SUBS, command: "reconcile" });
    await second.end();
  });

  it("a holder that died on this host frees its lease at once", async () => {
    const { store: s } = store();
    const child = spawn(process.execPath, ["-e", "0"]);
    await new Promise((r) => child.on("exit", r));
    const dead = { ...newHolder("apply"), pid: child.pid! };
    await s.acquire("subscription-x", dead, 60);
    const taken = await s.acquire("subscription-x", newHolder("apply"), 60);
    await taken.release();
  });

  it("a lease nobody renewed expires", async () => {
    const { store: s, leases } = store();
    const elsewhere = { ...newHolder("apply"), host: "another-runner" };
    await s.acquire("subscription-y", elsewhere, 60);
    await expect(s.acquire("subscription-y", newHolder("apply"), 60)).rejects.toThrow(/locked by apply \(pid \d+ on another-runner/);
    // Its holder stopped renewing a minute ago.
    const path = join(leases, "subscription-y.lease");
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, "utf8")), expiresAt: new Date(Date.now() - 1000).toISOString() }));
    await (await s.acquire("subscription-y", newHolder("apply"), 60)).release();
  });

  it("--force-unlock breaks that holder's leases only", async () => {
    const { store: s } = store();
    const other = { ...newHolder("apply"), host: "another-runner" };
    await FleetLease.take(s, ["subscription-a", "subscription-b"], other);
    await expect(FleetLease.take(s, ["subscription-a"], newHolder("apply"), { forceUnlock: "00000000-0000-0000-0000-000000000000" })).rejects.toThrow(/locked by apply/);
    const mine = await FleetLease.take(s, ["subscription-a", "subscription-b"], newHolder("apply"), { forceUnlock: other.id });
    await mine.release();
  });

  it("a run releases the leases of subscriptions that left its scope and keeps the others held and renewed (user trial 18b)", async () => {
    const { store: s } = store();
    const [b, a] = SUBS as [string, string];
    const watch = await beginRun({ state: "x", store: s, subscriptions: [], resolvedSubscriptions: SUBS, managementGroups: ["contoso-prod"], command: "reconcile", leaseSeconds: 0.3 });
    await watch.releaseSubscriptions([b.toUpperCase()]);
    expect(watch.subscriptions).toEqual([a]);
    // Another run takes the one that left; the one still in scope stays refused, renewals after the release included.
    const other = await beginRun({ state: "y", store: s, subscriptions: [b], command: "apply" });
    await new Promise((r) => setTimeout(r, 700));
    await expect(beginRun({ state: "y", store: s, subscriptions: [a], command: "apply" })).rejects.toThrow(/locked by reconcile/);
    await expect(beginRun({ state: "y", store: s, subscriptions: [], managementGroups: ["contoso-prod"], command: "apply" })).rejects.toThrow(/locked by reconcile/);
    expect(watch.lease.lost.aborted).toBe(false);
    // A subscription it does not hold is not released (the other run's stays held).
    await watch.releaseSubscriptions([b]);
    await expect(beginRun({ state: "z", store: s, subscriptions: [b], command: "apply" })).rejects.toThrow(/locked by apply/);
    await other.end();
    await watch.end();
  });

  it("a run takes the leases of subscriptions that joined its scope: renewed with the others, released as theirs are", async () => {
    const { store: s } = store();
    const [b, a] = SUBS as [string, string];
    const watch = await beginRun({ state: "x", store: s, subscriptions: [], resolvedSubscriptions: [a], managementGroups: ["contoso-prod"], command: "reconcile", leaseSeconds: 0.3 });
    // Free until it joins; taken (in any case, once) when it does.
    await (await beginRun({ state: "y", store: s, subscriptions: [b], command: "apply" })).end();
    await watch.takeSubscriptions([b.toUpperCase(), b, a]);
    expect(watch.subscriptions).toEqual([a, b]);
    // Renewals cover it: refused after several lease lengths, the watch's lease not lost.
    await new Promise((r) => setTimeout(r, 1000));
    for (const sub of [a, b]) await expect(beginRun({ state: "y", store: s, subscriptions: [sub], command: "apply" })).rejects.toThrow(/locked by reconcile/);
    expect(watch.lease.lost.aborted).toBe(false);
    // Released when it leaves, as a lease taken at the start is.
    await watch.releaseSubscriptions([b]);
    expect(watch.subscriptions).toEqual([a]);
    await (await beginRun({ state: "y", store: s, subscriptions: [b], command: "apply" })).end();
    await expect(beginRun({ state: "y", store: s, subscriptions: [a], command: "apply" })).rejects.toThrow(/locked by reconcile/);
    await watch.end();
    await (await beginRun({ state: "y", store: s, subscriptions: [a], command: "apply" })).end();
  });

  it("a take refused for one joining subscription takes none of them, names the holder, and keeps the leases held", async () => {
    const { store: s } = store();
    const [a, b, c] = ["aaaaaaaa-0000-0000-0000-000000000001", "bbbbbbbb-0000-0000-0000-000000000002", "cccccccc-0000-0000-0000-000000000003"];
    const watch = await beginRun({ state: "x", store: s, subscriptions: [], resolvedSubscriptions: [a], managementGroups: ["contoso-prod"], command: "reconcile", leaseSeconds: 0.3 });
    const other = await beginRun({ state: "y", store: s, subscriptions: [c], command: "apply" });
    // b's lease comes first (sorted) and is taken; c's is refused: b's is released again.
    const refused = await watch.takeSubscriptions([c, b]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LeaseRefusedError);
    expect((refused as Error).message).toMatch(new RegExp(`^subscription-${c} is locked by apply .*lease id ${other.lease.holder.id}.*this watch takes it at its next round after that .*restart the watch with --force-unlock ${other.lease.holder.id}$`));
    expect((refused as Error).message).not.toContain("or run again with");
    expect(watch.subscriptions).toEqual([a]);
    await (await beginRun({ state: "z", store: s, subscriptions: [b], command: "apply" })).end();
    await new Promise((r) => setTimeout(r, 700));
    await expect(beginRun({ state: "z", store: s, subscriptions: [a], command: "apply" })).rejects.toThrow(/locked by reconcile/);
    expect(watch.lease.lost.aborted).toBe(false);
    // Once the other run ended, the next try takes both.
    await other.end();
    await watch.takeSubscriptions([b, c]);
    expect(watch.subscriptions).toEqual([a, b, c]);
    await expect(beginRun({ state: "z", store: s, subscriptions: [c], command: "apply" })).rejects.toThrow(/locked by reconcile/);
    await watch.end();
    // A run that ended takes no more leases.
    await expect(watch.takeSubscriptions(["dddddddd-0000-0000-0000-000000000004"])).rejects.toThrow(/released/);
  });

  it("a run moved to another scope (a watch's spec edited) takes the new leases and journal first and frees only what the new scope does not name", async () => {
    const { store: s } = store();
    const [a, b, c] = ["aaaaaaaa-0000-0000-0000-000000000001", "bbbbbbbb-0000-0000-0000-000000000002", "cccccccc-0000-0000-0000-000000000003"];
    const watch = await beginRun({ state: "x", store: s, subscriptions: [], managementGroups: ["g1"], resolvedSubscriptions: [a, b], command: "reconcile", leaseSeconds: 0.3 });
    const before = watch.journal.where;
    await watch.rescope({ subscriptions: [], managementGroups: ["g2"], resolvedSubscriptions: [b, c] });
    expect(watch.subscriptions).toEqual([b, c]);
    expect(watch.journal.where).not.toBe(before);
    await new Promise((r) => setTimeout(r, 700));
    // b (in both) and c held and renewed; a and the old group free.
    for (const sub of [b, c]) await expect(beginRun({ state: "y", store: s, subscriptions: [sub], command: "apply" })).rejects.toThrow(/locked by reconcile/);
    await expect(beginRun({ state: "y", store: s, subscriptions: [], managementGroups: ["g2"], command: "apply" })).rejects.toThrow(/locked by reconcile/);
    await (await beginRun({ state: "y", store: s, subscriptions: [a], managementGroups: ["g1"], command: "apply" })).end();
    expect(watch.lease.lost.aborted).toBe(false);
    await watch.end();
    await (await beginRun({ state: "y", store: s, subscriptions: [b, c], managementGroups: ["g2"], command: "apply" })).end();
  });

  it("a move to a scope another run holds part of is refused naming it, and leaves the run as it was", async () => {
    const { store: s } = store();
    const [a, b, c, d] = ["aaaaaaaa-0000-0000-0000-000000000001", "bbbbbbbb-0000-0000-0000-000000000002", "cccccccc-0000-0000-0000-000000000003", "dddddddd-0000-0000-0000-000000000004"];
    const watch = await beginRun({ state: "x", store: s, subscriptions: [a, b], command: "reconcile", leaseSeconds: 0.3 });
    const journal = watch.journal;
    const other = await beginRun({ state: "y", store: s, subscriptions: [d], command: "apply" });
    const refused = await watch.rescope({ subscriptions: [b, c, d] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LeaseRefusedError);
    expect((refused as Error).message).toMatch(new RegExp(`^subscription-${d} is locked by apply .*lease id ${other.lease.holder.id}.*this watch takes it at its next round`));
    expect(watch.subscriptions).toEqual([a, b]);
    expect(watch.journal).toBe(journal);
    // c, taken before d was refused, is free again; a and b stay held.
    await (await beginRun({ state: "z", store: s, subscriptions: [c], command: "apply" })).end();
    for (const sub of [a, b]) await expect(beginRun({ state: "z", store: s, subscriptions: [sub], command: "apply" })).rejects.toThrow(/locked by reconcile/);
    await other.end();
    await watch.rescope({ subscriptions: [b, c, d] });
    expect(watch.subscriptions).toEqual([b, c, d]);
    await (await beginRun({ state: "z", store: s, subscriptions: [a], command: "apply" })).end();
    await watch.end();
  });

  it("a renewal that finds the lease gone aborts the run", async () => {
    const { store: s } = store();
    const lease = await FleetLease.take(s, ["subscription-z"], newHolder("apply"), { seconds: 0.3 });
    await s.breakLease("subscription-z", lease.holder.id);
    await new Promise((r) => lease.lost.addEventListener("abort", r));
    expect(String((lease.lost.reason as Error).message)).toMatch(/lost the lease on subscription-z/);
    await lease.release();
  });

  it("a state directory that cannot be written (under /proc) fails at once, naming it", async () => {
    const s = new LocalStateStore("/proc/asc-autoprovision-state", mkdtempSync(join(tmpdir(), "leases-")));
    await expect(s.prepare()).rejects.toThrow(/state directory \/proc\/asc-autoprovision-state cannot be written/);
  });
});
