/**
 * User trial 18b: `reconcile --watch` on a spec naming management group contoso-prod, then one of
 * its subscriptions moved to contoso-dev. The next round failed (`invalid inventory: clusters[0].id:
 * is in subscription ..., which subscriptions does not list`: the change round kept that
 * subscription's rows), and the watch kept that subscription's lease until it stopped: an apply on
 * it alone was refused `locked by reconcile`. Now the round after the move succeeds, says what left
 * (`scopeChange`), releases that subscription's lease and keeps the others held.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { jsonLines, runCli, startLab, until, type CliRun, type Lab } from "./helpers";

jest.setTimeout(300_000);

interface Round {
  round: number;
  error?: string;
  read: { mode: string } | null;
  scopeChange: { left: string[]; joined: string[]; leaseReleased: string[] } | null;
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
    expect(after.filter((r) => r.scopeChange)).toEqual([expect.objectContaining({ read: expect.objectContaining({ mode: "changes" }), scopeChange: { left: [subs[1]], joined: [], leaseReleased: [subs[1]] } })]);

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
});
