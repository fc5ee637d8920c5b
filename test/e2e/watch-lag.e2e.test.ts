/**
 * Issue 17 item 3: Resource Graph is eventually consistent, and a watch round never reinstalls
 * what the previous round just installed. The emulator shows writes in Resource Graph only after a
 * lag longer than the watch's interval, so for several rounds Resource Graph still shows machines
 * without the agents the first round installed (full reads and change reads alike); the watch
 * confirms those with ARM's GET and sends no extension twice, counted from the emulator's log.
 */
import { duplicatePuts, runCli, startLab, until, type Lab } from "./helpers";

jest.setTimeout(180_000);

const LAG_MS = 10_000;
const INTERVAL_SECONDS = 2;

let lab: Lab;
beforeAll(async () => {
  lab = await startLab(40, {}, 5, { graphWriteLagMs: LAG_MS });
});
afterAll(() => lab?.emu.stop());

interface RoundLine {
  round: number;
  plan?: { steps: number };
  result?: { counts: Record<string, number> } | null;
  read?: { mode: string; changed: number; confirmed: number };
  error?: string;
}

it("with a Resource Graph lag longer than the interval, no extension is PUT twice over several rounds", async () => {
  // A full read every other round: full reads see the lagging state too.
  const watch = runCli(lab, ["reconcile", "--spec", lab.specPath, "--watch", "--interval", String(INTERVAL_SECONDS), "--full-read-every", "2", "--format", "json", "--state-dir", lab.stateDir, "--max-writes-per-second", "500"]);
  const rounds = () => watch.stdout().split("\n").filter(Boolean).map((l) => JSON.parse(l) as RoundLine);
  try {
    // Until Resource Graph has caught up with the first round's writes: a round with nothing to do.
    await until(() => rounds().some((r) => r.round > 1 && r.plan?.steps === 0), "a round with no steps", 3000, 50);
  } finally {
    watch.child.kill("SIGTERM");
  }
  expect(await watch.exit).toBe(0);
  const all = rounds();
  expect(all.filter((r) => r.error)).toEqual([]);
  const installs = all[0]!.result!.counts["done"]!;
  expect(installs).toBeGreaterThan(40);
  expect(await duplicatePuts(lab.emu)).toEqual([]);
  // The rounds inside the lag saw the old state and confirmed the first round's writes in ARM.
  expect(all.slice(1).some((r) => (r.read?.confirmed ?? 0) > 0)).toBe(true);
});
