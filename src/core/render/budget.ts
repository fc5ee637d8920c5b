/**
 * Text within a character budget: lines are taken while they fit, a part of the budget can be set
 * aside for what must come last, and a list stops with a line saying how much it left out.
 * GitHub refuses a comment over 65,536 characters; the markdown renderer writes within this.
 */
export class Budget {
  private used = 0;
  readonly lines: string[] = [];

  constructor(private readonly max: number) {}

  /** Characters left (each line costs its length and its newline). */
  get left(): number {
    return this.max - this.used;
  }

  fits(line: string, reserve = 0): boolean {
    return this.used + line.length + 1 + reserve <= this.max;
  }

  /** Adds the line if it fits beside `reserve`; false when it does not. */
  push(line: string, reserve = 0): boolean {
    if (!this.fits(line, reserve)) return false;
    this.lines.push(line);
    this.used += line.length + 1;
    return true;
  }

  /** Adds lines that belong together: all of them, or none. */
  pushAll(lines: readonly string[], reserve = 0): boolean {
    const cost = lines.reduce((n, l) => n + l.length + 1, 0);
    if (this.used + cost + reserve > this.max) return false;
    for (const l of lines) this.push(l);
    return true;
  }

  /**
   * Adds rows while they fit in `limit` characters (and the budget), then a line naming how many
   * were left out (`more(n)`). Returns how many rows were written.
   */
  rows(rows: Iterable<string>, total: number, more: (left: number) => string, limit = this.left, reserve = 0): number {
    const stop = this.used + Math.max(0, Math.min(limit, this.left - reserve));
    // Room for the "more" line is kept until the last row is known to fit without it.
    const moreRoom = more(total).length + 1;
    let written = 0;
    for (const row of rows) {
      const last = written === total - 1;
      if (this.used + row.length + 1 + (last ? 0 : moreRoom) > stop) break;
      this.lines.push(row);
      this.used += row.length + 1;
      written++;
    }
    if (written < total) this.push(more(total - written), reserve);
    return written;
  }

  text(): string {
    return this.lines.map((l) => l + "\n").join("");
  }
}
