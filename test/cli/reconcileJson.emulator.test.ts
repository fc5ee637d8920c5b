/**
 * User trial 17, through the CLI's main against an in-process emulator. `reconcile --format json`
 * printed nothing when the lease was refused or the cloud unreachable before the first round, and
 * a failed round's line lacked the members README promises whatever the outcome. The text log's
 * round lines had no time, and three subscriptions' Defender steps read alike.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emulatorConnection } from "../../src/azure/connection";
import { main } from "../../src/cli/main";
import { beginRound } from "../../src/cli/round";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { parseSpec } from "../../src/spec";

let emu: RunningEmulator;
let dir: string;
let specPath: string;
const doc = () => ({ subscriptions: [...emu.subscriptionIds], logAnalyticsAgent: { autoProvision: true, agent: "ama" }, defender: { servers: { plan: "P2" } } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "asc-reconcile-json-"));
  emu = await startEmulator({ statePath: join(dir, "emulator", "state.sqlite"), fleet: 6, seed: 7 });
  specPath = join(dir, "spec.json");
  writeFileSync(specPath, JSON.stringify(doc()));
});

afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function reconcile(...extra: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const argv = ["reconcile", "--spec", specPath, "--state-dir", join(dir, "state"), "--quiet", "--cloud", "local", "--emulator-dir", join(dir, "emulator"), ...extra];
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const lines = (out: string) => out.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
/** A round line's members, whatever the outcome (README's "Apply and reconcile JSON"). */
const ROUND = ["round", "startedAt", "plan", "result", "steps", "moreSteps", "seconds"];

describe("reconcile --format json, whatever the outcome", () => {
  it("a refused lease: one round line with the error (and, in a watch, no next round), exit 1", async () => {
    const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
    const held = await beginRound(conn, parseSpec(doc()), "apply", { state: join(dir, "held") });
    try {
      const once = await reconcile("--format", "json");
      expect(once.code).toBe(1);
      expect(once.err).toMatch(/is locked by apply \(pid \d+/);
      const [line, ...rest] = lines(once.out);
      expect(rest).toEqual([]);
      expect(Object.keys(line!).sort()).toEqual([...ROUND, "error"].sort());
      expect(line).toMatchObject({ round: 1, plan: null, result: null, steps: [], moreSteps: 0, error: expect.stringMatching(/is locked by apply \(pid \d+.*lease id [0-9a-f-]{36}/) });

      const watch = await reconcile("--watch", "--format", "json");
      expect(watch.code).toBe(1);
      expect(lines(watch.out)).toEqual([expect.objectContaining({ round: 1, plan: null, result: null, read: null, specChange: null, steps: [], moreSteps: 0, nextRoundInSeconds: null, error: expect.stringMatching(/is locked by apply/) })]);
    } finally {
      await held.end();
    }
  });

  it("a failed round (the spec names a workspace Azure does not show): its plan, no result, every member, exit 1", async () => {
    const sub = emu.subscriptionIds[0]!;
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ subscriptions: [sub], logAnalyticsAgent: { autoProvision: true, workspace: { id: `/subscriptions/${sub}/resourceGroups/rg-x/providers/Microsoft.OperationalInsights/workspaces/nope` } } }));
    let out = "";
    const code = await main(["reconcile", "--spec", bad, "--state-dir", join(dir, "state"), "--quiet", "--format", "json", "--cloud", "local", "--emulator-dir", join(dir, "emulator")], { stdout: (t) => (out += t), stderr: () => undefined });
    expect(code).toBe(1);
    const [line] = lines(out);
    expect(Object.keys(line!).sort()).toEqual([...ROUND, "error"].sort());
    expect(line).toMatchObject({ round: 1, result: null, plan: expect.objectContaining({ machines: expect.any(Number) }), steps: [], moreSteps: 0, error: expect.stringContaining("nope") });
    expect(typeof line!["seconds"]).toBe("number");
  });

  it("text: each round line has its UTC time; each subscription's Defender step names its subscription", async () => {
    const run = await reconcile();
    expect(run.code).toBe(0);
    const roundLines = run.out.split("\n").filter((l) => / round \d+: /.test(l));
    expect(roundLines.length).toBeGreaterThanOrEqual(2);
    for (const l of roundLines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ round 1: /);
    const defender = run.out.split("\n").filter((l) => l.startsWith("  set-defender-plan: "));
    expect(defender.length).toBeGreaterThan(0);
    for (const l of defender) expect(l).toMatch(new RegExp(`\\(subscription (${emu.subscriptionIds.map((s) => s.toLowerCase()).join("|")})\\)$`));
    if (run.out.includes(" more step(s)")) expect(run.out).toMatch(/more step\(s\), each recorded as it is sent in the journal .*apply-[0-9a-f]{16}\.jsonl/);
  });

  it("the cloud unreachable before the first round (no emulator where --emulator-dir says): a round line with the error, exit 1", async () => {
    let out = "";
    let err = "";
    const argv = ["reconcile", "--spec", specPath, "--state-dir", join(dir, "state"), "--quiet", "--cloud", "local", "--emulator-dir", join(dir, "no-emulator"), "--watch", "--format", "json"];
    const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    expect(code).toBe(1);
    const [line, ...rest] = lines(out);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ round: 1, plan: null, result: null, read: null, specChange: null, steps: [], moreSteps: 0, nextRoundInSeconds: null });
    expect(err).toContain(String(line!["error"]).split("\n")[0]);
  });
});
