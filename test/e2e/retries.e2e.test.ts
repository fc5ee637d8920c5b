/**
 * User trial 17: throttling and retries were invisible (a plan under 429/503 took 40 s instead of
 * 2 with nothing on stderr; an apply that resent 129 writes said nothing). Now a line at most
 * every 10 s while they go on (none with --quiet), and apply's summary ends with their total.
 */
import { applyArgs, jsonLines, runCli, startLab, until, type Lab } from "./helpers";

jest.setTimeout(300_000);

interface Counters {
  byStatus: Record<string, number>;
}

const RETRY_LINE = /^ARM (throttled \d+ request\(s\) \(429, Retry-After up to \d+ s\)|answered \d+ with 503)( and answered \d+ with 503)?; retrying$/;

describe("throttling and retries are said", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(30, {}, 171);
  });
  afterAll(() => lab?.emu.stop());
  afterEach(() => lab.emu.admin("DELETE", "/admin/faults"));

  it("plan says ARM's 429s and 503s on stderr, in a few lines, and nothing with --quiet", async () => {
    await lab.emu.admin("POST", "/admin/faults", { seed: 5, throttle: { read: { rate: 0.3, retryAfterSeconds: 1 } }, serverErrors: { read: { rate: 0.1, status: 503 } } });
    await lab.emu.admin("POST", "/admin/counters/reset");
    const plan = runCli(lab, ["plan", "--spec", lab.specPath]);
    expect(await plan.exit).toBe(2);
    const faulted = (await lab.emu.admin<Counters>("GET", "/admin/counters")).byStatus;
    const lines = plan.stderr().split("\n").filter((l) => l.startsWith("ARM "));
    console.log(`plan: ${faulted["429"] ?? 0} answered 429, ${faulted["5xx"] ?? 0} answered 5xx; stderr: ${JSON.stringify(lines)}`);
    expect((faulted["429"] ?? 0) + (faulted["5xx"] ?? 0)).toBeGreaterThan(lines.length);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(RETRY_LINE);
    // What the lines say adds up to what ARM answered (every such read was retried).
    const said = (re: RegExp) => lines.reduce((n, l) => n + Number(re.exec(l)?.[1] ?? 0), 0);
    expect(said(/throttled (\d+) request/)).toBe(faulted["429"] ?? 0);
    expect(said(/answered (\d+) with 503/)).toBe(faulted["5xx"] ?? 0);

    const quiet = runCli(lab, ["plan", "--spec", lab.specPath, "--quiet"]);
    expect(await quiet.exit).toBe(2);
    expect(quiet.stderr()).toBe("");
  });

  it("apply's summary ends with the total of throttled writes, and --format json has it as retries", async () => {
    await lab.emu.admin("POST", "/admin/faults", { seed: 6, throttle: { write: { rate: 0.4, retryAfterSeconds: 1 } } });
    await lab.emu.admin("POST", "/admin/counters/reset");
    const apply = runCli(lab, [...applyArgs(lab), "--quiet"]);
    expect(await apply.exit).toBe(0);
    const throttled = (await lab.emu.admin<Counters>("GET", "/admin/counters")).byStatus["429"] ?? 0;
    expect(throttled).toBeGreaterThan(0);
    expect(apply.stderr()).toBe("");
    expect(apply.stdout()).toContain(`\nRetries: ARM throttled ${throttled} request(s) (429, Retry-After up to 1 s), each sent again.\n`);

    // Machines to install on again, the same faults, JSON.
    for (let i = 0; i < 10; i++) await lab.emu.admin("POST", "/admin/machines", { subscriptionId: lab.emu.subscriptionIds[0], resourceGroup: "rg-more", name: `vm-more-${i}`, location: "eastus", osType: "Linux" });
    await lab.emu.admin("POST", "/admin/counters/reset");
    const json = runCli(lab, [...applyArgs(lab), "--quiet", "--format", "json"]);
    expect(await json.exit).toBe(0);
    const again = (await lab.emu.admin<Counters>("GET", "/admin/counters")).byStatus["429"] ?? 0;
    const result = (JSON.parse(json.stdout()) as { result: { retries: { throttled: number; longestRetryAfterMs: number; transient: Record<string, number> } } }).result;
    expect(again).toBeGreaterThan(0);
    expect(result.retries).toEqual({ throttled: again, longestRetryAfterMs: 1000, transient: {} });
  });

  it("a watch says its reads' 429s and 503s too, round by round", async () => {
    // Converged first: the watch's rounds only read, so every line is a read's.
    expect(await runCli(lab, ["reconcile", "--spec", lab.specPath, "--state-dir", lab.stateDir, "--quiet"]).exit).toBe(0);
    await lab.emu.admin("POST", "/admin/faults", { seed: 7, throttle: { graph: { rate: 0.3, retryAfterSeconds: 1 } }, serverErrors: { read: { rate: 0.1, status: 503 } } });
    const watch = runCli(lab, ["reconcile", "--spec", lab.specPath, "--watch", "--interval", "1", "--state-dir", lab.stateDir, "--format", "json"]);
    try {
      await until(() => jsonLines(watch.stdout()).length >= 3, "three rounds");
    } finally {
      watch.child.kill("SIGTERM");
    }
    await watch.exit;
    const lines = watch.stderr().split("\n").filter((l) => l.startsWith("ARM "));
    expect(jsonLines<{ plan?: { steps?: number } }>(watch.stdout()).map((r) => r.plan?.steps)).toEqual(expect.arrayContaining([0, 0, 0]));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(RETRY_LINE);
  });

  it("a reconcile round's text ends with its retries, as apply's summary does", async () => {
    for (let i = 0; i < 5; i++) await lab.emu.admin("POST", "/admin/machines", { subscriptionId: lab.emu.subscriptionIds[1], resourceGroup: "rg-round", name: `vm-round-${i}`, location: "eastus", osType: "Linux" });
    await lab.emu.admin("POST", "/admin/faults", { seed: 8, throttle: { write: { rate: 0.5, retryAfterSeconds: 1 } } });
    await lab.emu.admin("POST", "/admin/counters/reset");
    const round = runCli(lab, ["reconcile", "--spec", lab.specPath, "--state-dir", lab.stateDir, "--quiet"]);
    expect(await round.exit).toBe(0);
    const throttled = (await lab.emu.admin<Counters>("GET", "/admin/counters")).byStatus["429"] ?? 0;
    expect(throttled).toBeGreaterThan(0);
    expect(round.stdout()).toMatch(new RegExp(`Z round 1: Retries: ARM throttled ${throttled} request\\(s\\) \\(429, Retry-After up to 1 s\\), each sent again\\.\\n`));
  });
});
