/** The first SIGINT/SIGTERM stops the run; a second exits at once with 130/143 (as a shell reports a process that signal killed). */
import { onStopSignals } from "../../src/cli/signals";

describe.each([
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const)("%s", (name, code) => {
  it(`the first stops the run, the second exits ${code} at once`, () => {
    const exits: number[] = [];
    const notes: string[] = [];
    const stop = onStopSignals((m) => notes.push(m), (c) => exits.push(c));
    try {
      process.emit(name);
      expect(stop.signal.aborted).toBe(true);
      expect((stop.signal.reason as Error).message).toBe(`interrupted by ${name}`);
      expect(exits).toEqual([]);
      process.emit(name);
      expect(exits).toEqual([code]);
      expect(notes[1]).toContain(`${name} again: exiting now`);
    } finally {
      stop.dispose();
    }
  });
});
