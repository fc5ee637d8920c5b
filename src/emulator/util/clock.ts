/**
 * The emulator's clock. Tests move it forward (admin `POST /admin/clock`) to expire tokens or
 * refill throttling buckets without sleeping, and may freeze it so that nothing depends on how
 * fast the machine runs; everything time-based reads it.
 */
export class Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  /** Stops time at its current value (advance still moves it), or lets it run again from there. */
  freeze(frozen: boolean): void {
    if (frozen && this.frozenAt === null) this.frozenAt = this.now();
    if (!frozen && this.frozenAt !== null) {
      this.offsetMs = this.frozenAt - Date.now();
      this.frozenAt = null;
    }
  }

  get frozen(): boolean {
    return this.frozenAt !== null;
  }

  get offset(): number {
    return this.frozenAt !== null ? this.frozenAt - Date.now() : this.offsetMs;
  }
}
