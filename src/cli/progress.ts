/**
 * Progress for long work: a bar that redraws in place on a terminal, plain lines in CI (CI=true
 * or no TTY), nothing with --quiet. Messages never carry secrets (steps hold none).
 */
export interface Progress {
  /** A line worth keeping (a phase, a failure). */
  note(message: string): void;
  /** n of total done. */
  tick(done: number, total: number, label: string): void;
  done(): void;
}

export function createProgress(write: (text: string) => void, opts: { quiet?: boolean; interactive?: boolean } = {}): Progress {
  if (opts.quiet) return { note: () => undefined, tick: () => undefined, done: () => undefined };
  const interactive = opts.interactive ?? (!!process.stderr.isTTY && process.env.CI !== "true");
  let drawn = false;
  let lastPlain = -1;
  return {
    note(message) {
      if (drawn) write("\n");
      drawn = false;
      write(`${message}\n`);
    },
    tick(done, total, label) {
      if (interactive) {
        const width = 30;
        const filled = total ? Math.round((done / total) * width) : width;
        write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ${label.slice(0, 60).padEnd(60)}`);
        drawn = true;
      } else {
        // Plain lines: every 10% (and the last), so CI logs stay short.
        const decile = total ? Math.floor((done / total) * 10) : 10;
        if (decile !== lastPlain || done === total) {
          lastPlain = decile;
          write(`progress: ${done}/${total} steps\n`);
        }
      }
    },
    done() {
      if (drawn) write("\n");
      drawn = false;
    },
  };
}
