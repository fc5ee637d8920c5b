/**
 * The emulator's clock. Tests move it forward (admin `POST /admin/clock`) to expire tokens or
 * refill throttling buckets without sleeping, and may freeze it so that nothing depends on how
 * fast the machine runs; everything time-based reads it.
 *
 * Its state is kept with the emulator's (`onChange` stores it): stored times — heartbeats,
 * operations' due times, Defender's schedule — were taken on this clock, and a restart that reset
 * an advance would put them in its future.
 */

/** What a restart needs: the offset from the machine's time, or the time it was frozen at. */
export interface ClockState {
  readonly offsetMs: number;
  readonly frozenAt: number | null;
}

export class Clock {
  private offsetMs: number;
  private frozenAt: number | null;

  constructor(
    saved?: ClockState,
    private readonly onChange: (state: ClockState) => void = () => undefined,
  ) {
    this.offsetMs = Number.isFinite(saved?.offsetMs) ? saved!.offsetMs : 0;
    this.frozenAt = typeof saved?.frozenAt === "number" && Number.isFinite(saved.frozenAt) ? saved.frozenAt : null;
  }

  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
    this.changed();
  }

  /** Stops time at its current value (advance still moves it), or lets it run again from there. */
  freeze(frozen: boolean): void {
    if (frozen && this.frozenAt === null) this.frozenAt = this.now();
    if (!frozen && this.frozenAt !== null) {
      this.offsetMs = this.frozenAt - Date.now();
      this.frozenAt = null;
    }
    this.changed();
  }

  get frozen(): boolean {
    return this.frozenAt !== null;
  }

  get offset(): number {
    return this.frozenAt !== null ? this.frozenAt - Date.now() : this.offsetMs;
  }

  private changed(): void {
    this.onChange({ offsetMs: this.offsetMs, frozenAt: this.frozenAt });
  }
}
