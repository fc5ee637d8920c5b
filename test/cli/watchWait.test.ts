/** Issue 18: a watch's failed rounds wait longer (doubling, bounded), and --interval stays within Node's timers. */
import { intervalSeconds, MAX_INTERVAL_SECONDS, nextWaitMs } from "../../src/cli/commands/reconcile";

describe("reconcile --watch", () => {
  it("waits the interval after a good round, doubling after each failed one up to 10 minutes (or the interval when longer)", () => {
    expect([0, 1, 2, 3, 4].map((f) => nextWaitMs(60_000, f))).toEqual([60_000, 60_000, 120_000, 240_000, 480_000]);
    expect(nextWaitMs(60_000, 5)).toBe(600_000);
    expect(nextWaitMs(60_000, 60)).toBe(600_000);
    expect(nextWaitMs(3_600_000, 3)).toBe(3_600_000);
  });

  it("--interval is a number of seconds Node's timers can hold", () => {
    expect(intervalSeconds(String(MAX_INTERVAL_SECONDS))).toBe(2_147_483);
    expect(intervalSeconds("0.5")).toBe(0.5);
    for (const bad of ["2147484", "3000000", "0", "-1", "abc", "Infinity"]) expect(() => intervalSeconds(bad)).toThrow(`--interval: "${bad}" is not a number of seconds > 0 and <= 2147483`);
  });
});
