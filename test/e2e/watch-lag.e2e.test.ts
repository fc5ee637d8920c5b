/**
 * Issue 17 item 3: Resource Graph is eventually consistent, and a watch round never reinstalls
 * what the previous round just installed. The emulator shows writes in Resource Graph only after a
 * lag longer than the watch's interval, so for several rounds Resource Graph still shows machines
 * without the agents the first round installed (full reads and change reads alike); the watch
 * confirms those with ARM's GET and sends no extension twice, counted from the emulator's log; with
 * the Azure Monitor Agent, no data collection rule association twice either.
 */
import { duplicatePuts, jsonLines, runCli, startLab, until, type Lab } from "./helpers";

jest.setTimeout(180_000);

const LAG_MS = 10_000;
const INTERVAL_SECONDS = 2;

const AMA = { logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: "default", securityEvents: "Common" } } as const;

let lab: Lab;
let amaLab: Lab;
let changesOnlyLab: Lab;
beforeAll(async () => {
  lab = await startLab(40, {}, 5, { graphWriteLagMs: LAG_MS });
  amaLab = await startLab(40, AMA, 5, { graphWriteLagMs: LAG_MS });
  changesOnlyLab = await startLab(40, AMA, 5, { graphWriteLagMs: LAG_MS });
});
afterAll(async () => {
  await lab?.emu.stop();
  await amaLab?.emu.stop();
  await changesOnlyLab?.emu.stop();
});

/** Watches until a round after the first has nothing to do (and, with `caughtUp`, nothing left to confirm), and returns the rounds. */
async function watchUntilCaughtUp(l: Lab, fullReadEvery = 2, caughtUp = (r: RoundLine) => r.plan?.steps === 0): Promise<RoundLine[]> {
  // A full read every other round by default: full reads see the lagging state too.
  const watch = runCli(l, ["reconcile", "--spec", l.specPath, "--watch", "--interval", String(INTERVAL_SECONDS), "--full-read-every", String(fullReadEvery), "--format", "json", "--state-dir", l.stateDir, "--max-writes-per-second", "500"]);
  const rounds = () => jsonLines<RoundLine>(watch.stdout());
  try {
    // Until Resource Graph has caught up with the first round's writes: a round with nothing to do.
    await until(() => rounds().some((r) => r.round > 1 && caughtUp(r)), "a round with no steps", 3000, 50);
  } finally {
    watch.child.kill("SIGTERM");
  }
  expect(await watch.exit).toBe(0);
  return rounds();
}

interface RoundLine {
  round: number;
  plan?: { steps: number };
  steps?: { action: string; target: string; label: string }[];
  moreSteps?: number;
  result?: { counts: Record<string, number> } | null;
  read?: { mode: string; changed: number; confirmed: number };
  error?: string;
}

it("with a Resource Graph lag longer than the interval, no extension is PUT twice over several rounds", async () => {
  const all = await watchUntilCaughtUp(lab);
  expect(all.filter((r) => r.error)).toEqual([]);
  const installs = all[0]!.result!.counts["done"]!;
  expect(installs).toBeGreaterThan(40);
  // The first round names its first 10 steps and counts the rest; a round without steps names none.
  const first = all[0]!;
  expect(first.steps).toHaveLength(10);
  expect(first.steps!.length + first.moreSteps!).toBe(first.plan!.steps);
  expect(first.steps!.every((s) => s.action && s.target.startsWith("/subscriptions/") && s.label)).toBe(true);
  expect(all.find((r) => r.plan?.steps === 0)).toMatchObject({ steps: [], moreSteps: 0 });
  expect(await duplicatePuts(lab.emu)).toEqual([]);
  // The rounds inside the lag saw the old state and confirmed the first round's writes in ARM.
  expect(all.slice(1).some((r) => (r.read?.confirmed ?? 0) > 0)).toBe(true);
});

it("with the Azure Monitor Agent, rules and associations a recent round made are confirmed in ARM, not sent again", async () => {
  const all = await watchUntilCaughtUp(amaLab);
  expect(all.filter((r) => r.error)).toEqual([]);
  expect(await duplicatePuts(amaLab.emu)).toEqual([]);
  const c = await amaLab.emu.admin<{ byOperation: Record<string, number> }>("GET", "/admin/counters");
  const puts = (type: string) => Object.entries(c.byOperation).filter(([k]) => k === `PUT microsoft.insights/${type}`).reduce((n, [, v]) => n + v, 0);
  const associations = puts("datacollectionruleassociations");
  console.log(`AMA watch under a ${LAG_MS / 1000} s lag: ${all.length} rounds, ${associations} association PUTs, ${puts("datacollectionrules")} rule PUTs, confirmed ${all.map((r) => r.read?.confirmed ?? 0).join("/")}`);
  // One association per machine at most (40 machines): before the rules' and associations' checks, the rounds inside the lag sent them again.
  expect(associations).toBeGreaterThan(0);
  expect(associations).toBeLessThanOrEqual(40);
  // Each rule serves at least one machine (before: 110 rule PUTs, 160 association PUTs).
  expect(puts("datacollectionrules")).toBeLessThanOrEqual(40);
});

it("with changes-only reads, the rounds that confirm a recent write read its machines again, so the watch catches up before any full read", async () => {
  // No full read after the first: only the changes and the machines a round names are read again.
  // Before: a machine read again while Resource Graph still lagged kept its stale rows, and every
  // later quiet round confirmed the same steps with ARM (a GET each) until the next full read.
  const all = await watchUntilCaughtUp(changesOnlyLab, 1000, (r) => r.plan?.steps === 0 && r.read?.confirmed === 0);
  expect(all.filter((r) => r.error)).toEqual([]);
  expect(all.slice(1).every((r) => r.read?.mode === "changes")).toBe(true);
  expect(all.slice(1).some((r) => (r.read?.confirmed ?? 0) > 0)).toBe(true);
  expect(await duplicatePuts(changesOnlyLab.emu)).toEqual([]);
});
