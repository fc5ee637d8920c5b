/**
 * What a pipeline scripts against: machine-readable output (`--format json`, JSON Lines for
 * reconcile) and one exit-code convention, through the built CLI (dist/) on the emulator.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { main } from "../../src/cli/main";
import { CLI, runCli, startLab, until, type Lab } from "../e2e/helpers";

const root = join(__dirname, "../..");
const ex = (f: string) => join(root, "examples", f);

/** The built CLI, synchronously: only for commands that need no emulator (it runs in this process). */
function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, CI: "true" }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every line of stdout parsed as JSON (fails on a line that is not). */
function jsonLines(out: string): Record<string, unknown>[] {
  return out
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("scripting the CLI", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(12, {}, 5);
  });
  afterAll(async () => {
    await lab?.emu.stop();
  });

  it("reconcile --format json: one JSON line per round, the apply result, then a round with nothing to do", async () => {
    const first = runCli(lab, ["reconcile", "--spec", lab.specPath, "--state-dir", lab.stateDir, "--format", "json", "--quiet", "--max-writes-per-second", "500"]);
    expect(await first.exit).toBe(0);
    const [round] = jsonLines(first.stdout());
    expect(jsonLines(first.stdout())).toHaveLength(1);
    expect(round).toMatchObject({ round: 1, plan: { machines: 12 }, result: { counts: { failed: 0, skipped: 0 }, aborted: null, failed: [] } });
    expect((round!.result as { counts: { done: number } }).counts.done).toBe((round!.plan as { steps: number }).steps);
    expect(first.stderr()).toBe("");

    const again = runCli(lab, ["reconcile", "--spec", lab.specPath, "--state-dir", lab.stateDir, "--format", "json", "--quiet"]);
    expect(await again.exit).toBe(0);
    expect(jsonLines(again.stdout())).toEqual([expect.objectContaining({ round: 1, plan: expect.objectContaining({ steps: 0 }), result: null })]);
  });

  it("reconcile --watch --format json: a line per round until SIGTERM, exit 0", async () => {
    const watch = runCli(lab, ["reconcile", "--spec", lab.specPath, "--state-dir", lab.stateDir, "--format", "json", "--quiet", "--watch", "--interval", "0.2"]);
    // Three: the first change round reads back what the full read's cursor instant holds (inclusive).
    await until(() => watch.stdout().split("\n").filter(Boolean).length >= 3, "three rounds");
    watch.child.kill("SIGTERM");
    expect(await watch.exit).toBe(0);
    const rounds = jsonLines(watch.stdout());
    expect(rounds.map((r) => r.round)).toEqual(rounds.map((_, i) => i + 1));
    for (const r of rounds) expect(Date.parse(r.startedAt as string)).not.toBeNaN();
    // After the first (full) read, a round that reads the same fleet builds no machine and keeps the last plan.
    expect(rounds[0]).toMatchObject({ read: { mode: "full", built: 12, planned: true } });
    expect(rounds.slice(1).some((r) => (r.read as { built: number; planned: boolean }).built === 0 && (r.read as { planned: boolean }).planned === false)).toBe(true);
  });

  it("plan --format json exits 0 on a converged fleet, inventory prints Inventory JSON", async () => {
    // The emulator runs in this process: the children are awaited, never waited on synchronously.
    const plan = runCli(lab, ["plan", "--spec", lab.specPath, "--format", "json", "--quiet"]);
    expect(await plan.exit).toBe(0);
    // The plan file format (version 2 since the streamed output): no step on a converged fleet.
    expect(JSON.parse(plan.stdout())).toMatchObject({ version: 2, steps: [] });
    const inv = runCli(lab, ["inventory", "--spec", lab.specPath, "--quiet"]);
    expect(await inv.exit).toBe(0);
    expect(JSON.parse(inv.stdout())).toMatchObject({ version: 1 });
    expect(JSON.parse(inv.stdout()).machines).toHaveLength(12);
  });

  it("plan exits 2 with changes pending and 1 on an error; report --format json", () => {
    expect(cli(["plan", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"), "--format", "json"]).code).toBe(2);
    expect(cli(["plan", "--spec", ex("nope.yaml"), "--inventory", ex("inventory.json")]).code).toBe(1);
    const report = cli(["report", "--spec", ex("spec.yaml"), "--inventory", ex("inventory.json"), "--format", "json"]);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.out).latest.total).toEqual({ machines: 15, covered: 2, percent: 13.3 });
  });

  it("every command's --help ends with its exit codes", async () => {
    const help = async (...argv: string[]) => {
      let out = "";
      const code = await main([...argv, "--help"], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
      expect(code).toBe(0);
      return out;
    };
    for (const cmd of [["demo"], ["plan"], ["apply"], ["reconcile"], ["report"], ["inventory"], ["emulator", "start"], ["schemas"]]) {
      expect(await help(...cmd)).toMatch(/\nExit codes: 0 [^\n]+\.\n$/);
    }
    expect(await help("plan")).toMatch(/Exit codes: 0 no changes, 2 changes pending, 1 error\.\n$/);
    expect(await help("reconcile")).toMatch(/--format <format>\s+round output: text, json/);
    expect(await help("demo")).toMatch(/--format <format>\s+output format: text, json/);
    expect(await help()).toMatch(/Exit codes: 0 done, 1 error or failure, 2 done but attention needed/);
  });
});
