/**
 * What a resumed run says of the one before it (user trial 16: after a `kill -9`, the next apply
 * said "already-done: 0" and nothing of the run it resumed). A journal with lines was left by a
 * run that did not finish; a finished run's journal is archived, so the next run finds none.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeEarlierRun, Journal } from "../../src/azure/journal";

const line = (event: string, fingerprint: string, at: string) => JSON.stringify({ event, step: `s-${fingerprint}`, fingerprint, at }) + "\n";

function journalOf(text: string): Journal {
  const path = join(mkdtempSync(join(tmpdir(), "asc-journal-")), "apply.jsonl");
  writeFileSync(path, text);
  return new Journal(path);
}

describe("an earlier run left in the journal", () => {
  it("counts its steps by their last event and says it was cut off when it wrote no stop line", () => {
    const j = journalOf(
      line("start", "a", "2026-12-07T10:00:00.000Z") +
        line("done", "a", "2026-12-07T10:00:01.000Z") +
        line("start", "b", "2026-12-07T10:00:02.000Z") +
        line("sent", "b", "2026-12-07T10:00:03.000Z") +
        line("start", "c", "2026-12-07T10:00:04.000Z") +
        line("failed", "c", "2026-12-07T10:00:05.000Z") +
        line("start", "d", "2026-12-07T10:00:06.000Z") +
        '{"event":"done","step":"s-d","finger', // torn by the kill
    );
    expect(j.earlierRun).toEqual({ lastAt: "2026-12-07T10:00:06.000Z", done: 1, failed: 1, unconfirmed: 2 });
    const text = describeEarlierRun(j.earlierRun!, j.where);
    expect(text).toContain("An earlier run on this fleet was cut off (killed, or its machine went down)");
    expect(text).toContain("last written 2026-12-07T10:00:06.000Z) holds 1 step(s) done, 1 failed, 2 sent or started without an answer");
  });

  it("names why it stopped when its last line says so, and not when a later run went on after it", () => {
    const stopped = JSON.stringify({ event: "stopped", at: "2026-12-07T10:00:09.000Z", reason: "interrupted by SIGINT", counts: {}, inFlight: ["s-b"], notStarted: 3 }) + "\n";
    const first = line("start", "a", "2026-12-07T10:00:00.000Z") + line("sent", "b", "2026-12-07T10:00:01.000Z") + line("interrupted", "b", "2026-12-07T10:00:08.000Z") + stopped;
    const j = journalOf(first);
    expect(j.earlierRun).toEqual({ lastAt: "2026-12-07T10:00:09.000Z", done: 0, failed: 0, unconfirmed: 2, stoppedBy: "interrupted by SIGINT" });
    expect(describeEarlierRun(j.earlierRun!, j.where)).toMatch(/^An earlier run on this fleet stopped \(interrupted by SIGINT\);/);
    const later = journalOf(first + line("done", "b", "2026-12-07T10:05:00.000Z") + line("failed", "a", "2026-12-07T10:05:01.000Z"));
    expect(later.earlierRun).toEqual({ lastAt: "2026-12-07T10:05:01.000Z", done: 1, failed: 1, unconfirmed: 0 });
    expect(describeEarlierRun(later.earlierRun!, later.where)).toMatch(/^An earlier run on this fleet ended with failed steps;/);
  });

  it("is absent for an empty journal (a first run, or the one after a run that finished)", () => {
    expect(journalOf("").earlierRun).toBeUndefined();
    expect(new Journal(join(mkdtempSync(join(tmpdir(), "asc-journal-")), "none.jsonl")).earlierRun).toBeUndefined();
  });
});
