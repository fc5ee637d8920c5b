/**
 * Progress for long work: a bar that redraws in place on a terminal, plain lines in CI (CI=true
 * or no TTY), nothing with --quiet. Messages never carry secrets (steps hold none).
 */
export interface Progress {
  /** A line worth keeping (a phase, a failure). */
  note(message: string): void;
  /**
   * `finished` of `total` steps have an outcome, `skipped` of them skipped (a stop reports every
   * step it did not run as skipped): the count shown is of the steps run, so a stopped apply's last
   * line says how many ran and how many were skipped, not that all of them finished.
   */
  tick(finished: number, total: number, label: string, skipped?: number): void;
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
    tick(finished, total, label, skipped = 0) {
      const ran = finished - skipped;
      const counts = `${ran}/${total} steps${skipped ? `, ${skipped} skipped` : ""}`;
      if (interactive) {
        const width = 30;
        const filled = total ? Math.round((ran / total) * width) : width;
        write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${counts} ${label.slice(0, 60).padEnd(60)}`);
        drawn = true;
      } else {
        // Plain lines: every 10% of the steps run (and the last), so CI logs stay short; a stop's burst of skipped steps is one line.
        const decile = total ? Math.floor((ran / total) * 10) : 10;
        if (decile !== lastPlain || finished === total) {
          lastPlain = decile;
          write(`progress: ${counts}\n`);
        }
      }
    },
    done() {
      if (drawn) write("\n");
      drawn = false;
    },
  };
}
