/**
 * The emulator's clock. Tests move it forward (admin `POST /admin/clock`) to expire tokens or
 * refill throttling buckets without sleeping; everything time-based reads it.
 */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  get offset(): number {
    return this.offsetMs;
  }
}
