/** Progress on stop: the steps a stop skipped are counted as skipped, not as done. */
import { createProgress } from "../../src/cli/progress";

/** Ticks as the executor reports a stop after `ran` of `total` steps: the rest finish skipped at once. */
function stopAfter(ran: number, total: number, interactive: boolean): string {
  let out = "";
  const p = createProgress((t) => (out += t), { interactive });
  for (let i = 1; i <= total; i++) p.tick(i, total, `step ${i}`, Math.max(0, i - ran));
  p.done();
  return out;
}

describe("progress", () => {
  it("plain lines: a stop after 30 of 255 steps ends with 30/255 and 225 skipped, in one line for the burst", () => {
    const lines = stopAfter(30, 255, false).trimEnd().split("\n");
    expect(lines.pop()).toBe("progress: 30/255 steps, 225 skipped");
    expect(lines.every((l) => !l.includes("skipped"))).toBe(true);
  });

  it("a run with nothing skipped ends at total/total, as before", () => {
    expect(stopAfter(255, 255, false).trimEnd().split("\n").pop()).toBe("progress: 255/255 steps");
  });

  it("the terminal bar is filled by the steps run and names the skipped ones", () => {
    const last = stopAfter(30, 255, true).split("\r").pop()!;
    expect(last).toMatch(/^\[#{4}-{26}\] 30\/255 steps, 225 skipped step 255/);
  });
});
