/**
 * User trial 18b: `reconcile --watch` on a spec naming management group contoso-prod, then one of
 * its subscriptions moved to contoso-dev. The next round failed (`invalid inventory: clusters[0].id:
 * is in subscription ..., which subscriptions does not list`: the change round kept that
 * subscription's rows), and the watch kept that subscription's lease until it stopped: an apply on
 * it alone was refused `locked by reconcile`. Now the round after the move succeeds, says what left
 * (`scopeChange`), releases that subscription's lease and keeps the others held.
 *
 * The other way: a subscription moved under the watched group made the round fail ("the scope grew
 * after this run took its lease") and the watch release every lease, taking them again the next
 * round: for that while, another run could take a subscription still in scope. Now the round takes
 * the new subscription's lease, applies its steps in that round, and no lease is ever free.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { leaseNames, LeaseRefusedError, LocalStateStore, newHolder } from "../../src/azure/state";
import { jsonLines, runCli, startLab, until, type CliRun, type Lab } from "./helpers";

jest.setTimeout(300_000);

interface Round {
  round: number;
  error?: string;
  read: { mode: string } | null;
  scopeChange: { left: string[]; joined: string[]; leaseReleased: string[]; leaseTaken: string[] } | null;
  steps: { target: string }[];
  result: { counts: { done: number; failed: number } } | null;
}

describe("a watch whose management group loses a subscription", () => {
  let lab: Lab;
  let subs: string[];
  beforeAll(async () => {
    // 120 machines: an AKS cluster in each subscription (the trial's first invalid row was a cluster's).
    lab = await startLab(120, { subscriptions: undefined, managementGroups: ["contoso-prod"] }, 18);
    subs = [...lab.emu.subscriptionIds].map((s) => s.toLowerCase()).sort();
    await lab.emu.admin("POST", "/admin/management-groups", { groups: [{ name: "contoso-prod", subscriptions: [subs[0], subs[1]] }, { name: "contoso-dev", subscriptions: [subs[2]] }] });
  });
  afterAll(() => lab?.emu.stop());

  const rounds = (run: CliRun) => jsonLines<Round>(run.stdout());
  const applyOn = (subscription: string, state: string) => {
    const spec = join(lab.dir, `spec-${subscription}.yaml`);
    writeFileSync(spec, stringify({ subscriptions: [subscription], logAnalyticsAgent: { autoProvision: true, agent: "mma", workspace: "default", securityEvents: "Common" } }));
    return runCli(lab, ["apply", "--spec", spec, "--yes", "--state", join(lab.dir, state), "--quiet", "--max-writes-per-second", "500"]);
  };

  /** An apply on `subscription` alone is refused, naming the watch `w`. */
  const expectLockedBy = async (w: CliRun, subscription: string, state: string) => {
    const refused = applyOn(subscription, state);
    expect(await refused.exit).toBe(1);
    expect(refused.stderr()).toMatch(new RegExp(`subscription-${subscription}-.* is locked by reconcile \\(pid ${w.child.pid} `));
  };

  /**
   * Another run trying for a subscription's lease every 2 ms, from another state directory (leases
   * are per host): `taken` lists when it got it (and released it at once).
   */
  const probeLease = (subscription: string) => {
    const store = new LocalStateStore(join(lab.dir, "state-probe"));
    const [name] = leaseNames([subscription], lab.conn.instance);
    let attempts = 0;
    const taken: string[] = [];
    let probing = true;
    const probed = (async () => {
      while (probing) {
        attempts++;
        const lease = await store.acquire(name!, newHolder("probe"), 60).catch((e: unknown) => {
          if (!(e instanceof LeaseRefusedError)) throw e;
        });
        if (lease) {
          taken.push(new Date().toISOString());
          await lease.release();
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    return {
      stop: async () => {
        probing = false;
        await probed;
        return { attempts, taken };
      },
    };
  };

  let watch: CliRun | undefined;
  afterEach(() => {
    // A failed expectation leaves it running otherwise.
    if (watch?.child.exitCode === null) watch.child.kill("SIGKILL");
  });

  it("the round after the move succeeds, names the subscription that left and releases its lease; the others stay held", async () => {
    const w = (watch = runCli(lab, ["reconcile", "--spec", lab.specPath, "--watch", "--interval", "0.5", "--state", join(lab.dir, "state-watch"), "--format", "json", "--quiet", "--max-writes-per-second", "500"]));
    await until(() => rounds(w).filter((r) => !r.error).length >= 2, "the watch's second round", 2400);
    const before = rounds(w).length;
    await lab.emu.admin("POST", "/admin/management-groups", { groups: [{ name: "contoso-dev", subscriptions: [subs[1]] }] });
    // The round under way may have resolved the scope before the move: three rounds after it.
    await until(() => rounds(w).length >= before + 3, "three rounds after the move", 2400);
    const after = rounds(w).slice(before);
    console.log(`watch scope: rounds after the move: ${JSON.stringify(after.map((r) => ({ round: r.round, error: r.error ?? null, read: r.read?.mode ?? null, scopeChange: r.scopeChange })))}`);
    // No round failed for it: the change round dropped what it kept of the subscription.
    expect(after.filter((r) => r.error)).toEqual([]);
    expect(after.filter((r) => r.scopeChange)).toEqual([expect.objectContaining({ read: expect.objectContaining({ mode: "changes" }), scopeChange: { left: [subs[1]], joined: [], leaseReleased: [subs[1]], leaseTaken: [] } })]);

    // Another run on the subscription that left is not refused; on one still in scope it is.
    const released = applyOn(subs[1]!, "state-apply-left");
    expect(await released.exit).toBe(0);
    expect(released.stderr()).not.toMatch(/locked by/);
    const held = applyOn(subs[0]!, "state-apply-held");
    expect(await held.exit).toBe(1);
    expect(held.stderr()).toMatch(new RegExp(`subscription-${subs[0]}-.* is locked by reconcile \\(pid ${w.child.pid} `));

    // The watch goes on without error on what is left of its scope.
    const seen = rounds(w).length;
    await until(() => rounds(w).length >= seen + 2, "two more rounds", 2400);
    expect(rounds(w).slice(before).filter((r) => r.error)).toEqual([]);
    w.child.kill("SIGINT");
    expect(await w.exit).toBe(0);
  });

  it("a subscription moved under the group: the round takes its lease and applies its steps; a subscription still in scope is never free", async () => {
    await lab.emu.admin("POST", "/admin/management-groups", { groups: [{ name: "contoso-prod", subscriptions: [subs[0]] }, { name: "contoso-dev", subscriptions: [subs[1], subs[2]] }] });
    const w = (watch = runCli(lab, ["reconcile", "--spec", lab.specPath, "--watch", "--interval", "0.5", "--state", join(lab.dir, "state-grow"), "--format", "json", "--quiet", "--max-writes-per-second", "500"]));
    await until(() => rounds(w).filter((r) => !r.error).length >= 2, "the watch's second round", 2400);

    // The old watch let go of it between a round that failed and the next one's Resource Graph query for the scope (tens of ms).
    const probe = probeLease(subs[0]!);

    const before = rounds(w).length;
    await lab.emu.admin("POST", "/admin/management-groups", { groups: [{ name: "contoso-prod", subscriptions: [subs[2]] }] });
    await until(() => rounds(w).slice(before).some((r) => r.scopeChange), "the round that sees the subscription join", 2400);
    const seen = rounds(w).length;
    await until(() => rounds(w).length >= seen + 2, "two rounds after it", 2400);
    const { attempts, taken } = await probe.stop();
    const after = rounds(w).slice(before);
    console.log(`watch scope grown: rounds after the move: ${JSON.stringify(after.map((r) => ({ round: r.round, error: r.error ?? null, scopeChange: r.scopeChange, steps: r.steps.length, done: r.result?.counts.done ?? null })))}; ${attempts} lease attempts`);
    // The lease of the subscription in scope was never free.
    expect(attempts).toBeGreaterThan(20);
    expect(taken).toEqual([]);
    expect(after.filter((r) => r.error)).toEqual([]);
    const changed = after.filter((r) => r.scopeChange);
    expect(changed.map((r) => r.scopeChange)).toEqual([{ left: [], joined: [subs[2]], leaseReleased: [], leaseTaken: [subs[2]] }]);
    // That round applied the new subscription's steps; the rounds after it have none left there.
    const inNew = (r: Round) => r.steps.filter((s) => s.target.toLowerCase().startsWith(`/subscriptions/${subs[2]}/`)).length;
    expect(inNew(changed[0]!)).toBeGreaterThan(0);
    expect(changed[0]!.result).toEqual(expect.objectContaining({ counts: expect.objectContaining({ failed: 0, done: expect.any(Number) }) }));
    expect(changed[0]!.result!.counts.done).toBeGreaterThan(0);
    expect(after.slice(after.indexOf(changed[0]!) + 1).map(inNew)).toEqual(after.slice(after.indexOf(changed[0]!) + 1).map(() => 0));
    // The new one's is held now.
    await expectLockedBy(w, subs[2]!, "state-apply-joined");
    w.child.kill("SIGINT");
    expect(await w.exit).toBe(0);
  });

  it("a subscription moved under the group whose lease another run holds: the rounds are skipped, the other leases stay held, the next round after its release takes it", async () => {
    await lab.emu.admin("POST", "/admin/management-groups", { groups: [{ name: "contoso-prod", subscriptions: [subs[0], subs[2]] }, { name: "contoso-dev", subscriptions: [subs[1]] }] });
    const other = new LocalStateStore(join(lab.dir, "state-other"));
    const [inScope, joining] = leaseNames([subs[0]!, subs[1]!], lab.conn.instance) as [string, string];
    const otherRun = await other.acquire(joining, newHolder("apply"), 60);
    const w = (watch = runCli(lab, ["reconcile", "--spec", lab.specPath, "--watch", "--interval", "0.5", "--state", join(lab.dir, "state-refused"), "--format", "json", "--quiet", "--max-writes-per-second", "500"]));
    await until(() => rounds(w).filter((r) => !r.error).length >= 2, "the watch's second round", 2400);
    const before = rounds(w).length;
    await lab.emu.admin("POST", "/admin/management-groups", { groups: [{ name: "contoso-prod", subscriptions: [subs[1]] }] });
    await until(() => rounds(w).slice(before).filter((r) => r.error).length >= 2, "two rounds refused the new lease", 2400);
    const refused = rounds(w).slice(before).filter((r) => r.error);
    expect(refused[0]).toEqual(expect.objectContaining({ result: null, steps: [], scopeChange: { left: [], joined: [subs[1]], leaseReleased: [], leaseTaken: [] } }));
    for (const r of refused) expect(r.error).toMatch(new RegExp(`^${joining} is locked by apply \\(pid ${process.pid} `));
    // The leases it held stay held meanwhile.
    await expect(other.acquire(inScope, newHolder("apply"), 60)).rejects.toBeInstanceOf(LeaseRefusedError);

    await otherRun.release();
    const released = rounds(w).length;
    await until(() => rounds(w).slice(released).some((r) => !r.error), "a round after the release", 2400);
    const next = rounds(w).slice(released).find((r) => !r.error)!;
    console.log(`watch scope refused: ${JSON.stringify([...refused, next].map((r) => ({ round: r.round, error: r.error ?? null, scopeChange: r.scopeChange, done: r.result?.counts.done ?? null })))}`);
    expect(next.scopeChange).toEqual({ left: [], joined: [], leaseReleased: [], leaseTaken: [subs[1]] });
    expect(next.result?.counts.failed ?? 0).toBe(0);
    await expect(other.acquire(joining, newHolder("apply"), 60)).rejects.toBeInstanceOf(LeaseRefusedError);
    w.child.kill("SIGINT");
    expect(await w.exit).toBe(0);
  });

  it("a spec edit that widens the scope: the new scope's leases are taken before the old scope's are released; a subscription in both is never free", async () => {
    await lab.emu.admin("POST", "/admin/management-groups", { groups: [{ name: "contoso-prod", subscriptions: [subs[0]] }, { name: "contoso-dev", subscriptions: [subs[1], subs[2]] }] });
    const specPath = join(lab.dir, "spec-edited.yaml");
    const spec = (managementGroups: string[]) => stringify({ managementGroups, logAnalyticsAgent: { autoProvision: true, agent: "mma", workspace: "default", securityEvents: "Common" } });
    writeFileSync(specPath, spec(["contoso-prod"]));
    const w = (watch = runCli(lab, ["reconcile", "--spec", specPath, "--watch", "--interval", "0.5", "--state", join(lab.dir, "state-edit"), "--format", "json", "--quiet", "--max-writes-per-second", "500"]));
    await until(() => rounds(w).filter((r) => !r.error).length >= 2, "the watch's second round", 2400);
    // The old watch released every lease, then resolved the new scope's groups with Resource Graph (tens of ms) before taking them again.
    const probe = probeLease(subs[0]!);
    const before = rounds(w).length;
    writeFileSync(specPath, spec(["contoso-prod", "contoso-dev"]));
    const edited = () => rounds(w).slice(before).findIndex((r) => (r as Round & { specChange: unknown }).specChange !== null);
    await until(() => edited() >= 0 && rounds(w).length >= before + edited() + 2, "the round that reloads the spec, and one after it", 2400);
    const { attempts, taken } = await probe.stop();
    const after = rounds(w).slice(before + edited());
    console.log(`watch spec edit: rounds from the edit: ${JSON.stringify(after.map((r) => ({ round: r.round, error: r.error ?? null, specChange: (r as Round & { specChange: unknown }).specChange })))}; ${attempts} lease attempts`);
    expect(after[0]).toEqual(expect.objectContaining({ specChange: { reloaded: true, scopeChanged: true } }));
    expect(after.filter((r) => r.error)).toEqual([]);
    expect(attempts).toBeGreaterThan(20);
    expect(taken).toEqual([]);
    // The new scope's subscriptions are held.
    await expectLockedBy(w, subs[2]!, "state-apply-edited");
    w.child.kill("SIGINT");
    expect(await w.exit).toBe(0);
  });

  it("text: a round refused the new lease says what joined before it says it is skipped", async () => {
    await lab.emu.admin("POST", "/admin/management-groups", { groups: [{ name: "contoso-prod", subscriptions: [subs[0]] }, { name: "contoso-dev", subscriptions: [subs[1], subs[2]] }] });
    const other = await new LocalStateStore(join(lab.dir, "state-other-text")).acquire(leaseNames([subs[1]!], lab.conn.instance)[0]!, newHolder("apply"), 60);
    const w = (watch = runCli(lab, ["reconcile", "--spec", lab.specPath, "--watch", "--interval", "0.5", "--state", join(lab.dir, "state-text"), "--quiet", "--max-writes-per-second", "500"]));
    const out = () => w.stdout();
    await until(() => (out().match(/ round \d+: /g) ?? []).length >= 2, "the watch's first rounds", 2400);
    await lab.emu.admin("POST", "/admin/management-groups", { groups: [{ name: "contoso-prod", subscriptions: [subs[1]] }] });
    await until(() => out().includes(": skipped: "), "a skipped round", 2400);
    expect(out()).toMatch(new RegExp(`round (\\d+): scope changed: subscription ${subs[1]} joined it: read in full\n\\S+ round \\1: skipped: subscription-${subs[1]}-\\S+ is locked by apply`));
    await other.release();
    w.child.kill("SIGINT");
    await w.exit;
  });
});
