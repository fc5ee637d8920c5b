/**
 * Issue 18, "Interruption": SIGINT/SIGTERM cut every wait short (here a Retry-After of 120 s); a
 * second signal exits at once (test/cli/signals.test.ts); the journal ends saying where the run stopped; an
 * interrupted reconcile exits 1 with "aborted" set; a watch outlives Resource Graph answering 503;
 * --interval and --state-dir are checked before anything runs; writes that fail forever stop the
 * whole apply at the give-up deadline instead of each step retrying on its own.
 */
import { join } from "node:path";
import { jsonLines, liveJournal, runCli, startLab, until, type Lab } from "./helpers";

jest.setTimeout(300_000);

interface Counters {
  byClass: Record<string, number>;
  byStatus: Record<string, number>;
}

const EXTENSION_PUT_429 = { class: "write", method: "PUT", resourceType: "Microsoft.Compute/virtualMachines/extensions", status: 429, count: 100_000, retryAfterSeconds: 120 };

describe("interruption", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(40, {}, 71);
  });
  afterAll(() => lab?.emu.stop());
  afterEach(() => lab.emu.admin("DELETE", "/admin/faults"));

  const throttled = async () => {
    await lab.emu.admin("POST", "/admin/faults", { scripted: [EXTENSION_PUT_429] });
    await lab.emu.admin("POST", "/admin/counters/reset");
  };
  const until429 = () => until(async () => ((await lab.emu.admin<Counters>("GET", "/admin/counters")).byStatus["429"] ?? 0) > 0, "a 429 answered");

  it("SIGINT cuts a Retry-After: 120 wait short; the journal says where it stopped", async () => {
    await throttled();
    const stateDir = join(lab.dir, "state-sigint");
    // With progress (plain lines: runCli sets CI=true): the line shown on stop says what was skipped.
    const apply = runCli(lab, ["apply", "--spec", lab.specPath, "--yes", "--state", stateDir, "--format", "json"]);
    await until429();
    apply.child.kill("SIGINT");
    const code = await apply.exit;
    const out = JSON.parse(apply.stdout()) as { plan: { steps: number }; result: { aborted: string | null; counts: Record<string, number> } };
    console.log(`SIGINT during Retry-After 120: exit ${code}, ${JSON.stringify(out.result.counts)}, aborted ${out.result.aborted}`);
    expect(code).toBe(1);
    expect(out.result.aborted).toBe("interrupted by SIGINT");
    const { skipped, ...ran } = out.result.counts;
    const lastProgress = apply.stderr().split("\n").filter((l) => l.startsWith("progress: ")).pop();
    console.log(`SIGINT during Retry-After 120: last progress line "${lastProgress}"`);
    expect(skipped).toBeGreaterThan(0);
    expect(lastProgress).toBe(`progress: ${Object.values(ran).reduce((a, b) => a + b, 0)}/${out.plan.steps} steps, ${skipped} skipped`);
    const last = liveJournal(stateDir).pop()!;
    expect(last).toMatchObject({ event: "stopped", reason: "interrupted by SIGINT" });
    expect((last.inFlight as string[]).length + (last.notStarted as number)).toBeGreaterThan(0);
  });

  it("an interrupted reconcile exits 1 with aborted set", async () => {
    await throttled();
    const rec = runCli(lab, ["reconcile", "--spec", lab.specPath, "--state", join(lab.dir, "state-rec"), "--format", "json", "--quiet"]);
    await until429();
    rec.child.kill("SIGINT");
    expect(await rec.exit).toBe(1);
    const round = JSON.parse(rec.stdout().trim().split("\n")[0]!) as { result: { aborted: string | null; counts: Record<string, number> } };
    expect(round.result.aborted).toBe("interrupted by SIGINT");
    expect(round.result.counts.skipped).toBeGreaterThan(0);
  });

  it("reconcile --watch outlives Resource Graph answering 503 and reconciles once it is back", async () => {
    // About 20 s of 503s at the watch's pace: more than one round's retries can ride out.
    await lab.emu.admin("POST", "/admin/faults", { scripted: [{ class: "graph", status: 503, count: 14 }] });
    const watch = runCli(lab, ["reconcile", "--spec", lab.specPath, "--watch", "--interval", "1", "--state", join(lab.dir, "state-watch"), "--format", "json", "--quiet", "--max-writes-per-second", "500"]);
    const rounds = () => jsonLines<{ round: number; error?: string; result?: unknown }>(watch.stdout());
    await until(() => rounds().some((r) => r.error) && rounds().some((r) => !r.error), "a failed round, then a good one", 2400);
    watch.child.kill("SIGINT");
    await watch.exit;
    const all = rounds();
    console.log(`watch through 503s: ${all.map((r) => (r.error ? `round ${r.round} failed` : `round ${r.round} ok`)).join(", ")}`);
    expect(all.find((r) => r.error)!.error).toMatch(/temporarily unavailable/);
  });

  it("--interval beyond Node's longest timer, and a state directory under /proc, are refused before anything runs", async () => {
    const interval = runCli(lab, ["reconcile", "--spec", lab.specPath, "--watch", "--interval", "3000000"]);
    expect(await interval.exit).toBe(1);
    expect(interval.stderr()).toBe('asc-autoprovision: --interval: "3000000" is not a number of seconds > 0 and <= 2147483\n');
    await lab.emu.admin("POST", "/admin/counters/reset");
    const proc = runCli(lab, ["apply", "--spec", lab.specPath, "--yes", "--state-dir", "/proc/asc-autoprovision"]);
    expect(await proc.exit).toBe(1);
    expect(proc.stderr()).toMatch(/^asc-autoprovision: state directory \/proc\/asc-autoprovision cannot be written: /);
    expect((await lab.emu.admin<Counters>("GET", "/admin/counters")).byClass.write ?? 0).toBe(0);
  });

  it("writes that fail forever stop the apply at the give-up deadline, not step by step", async () => {
    // Machines to install on (the watch above converged the fleet).
    for (let i = 0; i < 40; i++) {
      await lab.emu.admin("POST", "/admin/machines", { subscriptionId: lab.emu.subscriptionIds[2], resourceGroup: "rg-later", name: `vm-later-${i}`, location: "eastus", osType: "Windows" });
    }
    await lab.emu.admin("POST", "/admin/faults", { serverErrors: { write: { rate: 1, status: 503 } } });
    await lab.emu.admin("POST", "/admin/counters/reset");
    const apply = runCli(lab, ["apply", "--spec", lab.specPath, "--yes", "--state", join(lab.dir, "state-503"), "--format", "json", "--quiet", "--give-up-after", "3"]);
    expect(await apply.exit).toBe(1);
    const out = JSON.parse(apply.stdout()) as { plan: { steps: number }; result: { aborted: string; counts: Record<string, number> } };
    const writes = (await lab.emu.admin<Counters>("GET", "/admin/counters")).byClass.write ?? 0;
    console.log(`503 forever: ${out.plan.steps} steps, ${writes} write attempts, ${JSON.stringify(out.result.counts)}; ${out.result.aborted}`);
    expect(out.result.aborted).toMatch(/^gave up: ARM answered nothing but transient errors/);
    // Each step retrying 6 times on its own would be 6 attempts per step.
    expect(writes).toBeLessThan(out.plan.steps * 6);
    expect(out.result.counts.skipped).toBeGreaterThan(0);
  });
});
