/**
 * A watch holds its fleet's lease for its whole life: a second watch, or an apply, on those
 * subscriptions is refused naming it (from another state directory too: leases are per host);
 * SIGINT releases it; a watch killed outright frees it at once on this host (its pid is gone).
 */
import { join } from "node:path";
import { jsonLines, runCli, startLab, until, type Lab, type CliRun } from "./helpers";

jest.setTimeout(300_000);

describe("a watch's lease", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(20, {}, 83);
  });
  afterAll(() => lab?.emu.stop());

  const watch = (state: string) => runCli(lab, ["reconcile", "--spec", lab.specPath, "--watch", "--interval", "0.5", "--state", join(lab.dir, state), "--format", "json", "--quiet", "--max-writes-per-second", "500"]);
  const apply = (state: string) => runCli(lab, ["apply", "--spec", lab.specPath, "--yes", "--state", join(lab.dir, state), "--quiet", "--max-writes-per-second", "500"]);
  const rounds = (run: CliRun) => jsonLines<{ round: number; error?: string }>(run.stdout());
  /** Rounds that ran (a refused lease prints a line with its error too). */
  const ran = (run: CliRun) => rounds(run).filter((r) => !r.error);
  const holder = (run: CliRun) => new RegExp(`is locked by reconcile \\(pid ${run.child.pid} on .*lease id [0-9a-f-]{36}\\)`);

  it("a second watch and an apply are refused naming the first, across rounds; SIGINT releases it", async () => {
    const first = watch("state-first");
    await until(() => ran(first).length >= 2, "the first watch's second round", 2400);
    const second = watch("state-second");
    expect(await second.exit).toBe(1);
    expect(second.stderr()).toMatch(holder(first));
    // Its one JSON line says so (user trial 17: stdout was empty): no round ran, none follows.
    expect(rounds(second)).toEqual([expect.objectContaining({ round: 1, plan: null, result: null, nextRoundInSeconds: null, error: expect.stringMatching(holder(first)) })]);
    // Between the first watch's rounds too: it never lets go.
    const before = rounds(first).length;
    await until(() => rounds(first).length >= before + 2, "two more rounds of the first watch", 2400);
    const applied = apply("state-apply");
    expect(await applied.exit).toBe(1);
    expect(applied.stderr()).toMatch(holder(first));
    first.child.kill("SIGINT");
    expect(await first.exit).toBe(0);
    console.log(`watch lease: the first watch ran ${rounds(first).length} round(s) with no error: ${rounds(first).every((r) => !r.error)}; refused: ${second.stderr().trim()}`);
    expect(rounds(first).filter((r) => r.error)).toEqual([]);
    // Released on SIGINT: an apply runs at once.
    const after = apply("state-apply");
    expect(await after.exit).toBe(0);
  });

  it("a watch killed outright (SIGKILL) frees its lease at once on this host: its pid is gone", async () => {
    const crashed = watch("state-crashed");
    await until(() => ran(crashed).length >= 1, "the watch's first round", 2400);
    crashed.child.kill("SIGKILL");
    await crashed.exit;
    const next = watch("state-next");
    await until(() => ran(next).length >= 1, "the next watch's first round", 2400);
    next.child.kill("SIGTERM");
    expect(await next.exit).toBe(0);
    expect(next.stderr()).not.toMatch(/locked by/);
  });
});
