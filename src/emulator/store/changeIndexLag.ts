/**
 * Late indexing of change rows. Azure says a change's timestamp "provides an approximation as to
 * when a modification to a resource was detected", and Resource Graph indexes change rows some time
 * after the write, not necessarily in timestamp order: a change can show in `resourcechanges` after
 * a newer one already did. With this configured, each change row shows only `extraMs` after the
 * write (on top of graphWriteLagMs), its timestamp still the write's time; the resource tables are
 * not affected. The extra time is either scripted per resource (tests) or drawn per change, seeded,
 * between 0 and `maxExtraMs`. Kept in memory, as the write lag is.
 */
import { z } from "zod";
import { Rng } from "../util/random";

export interface ChangeIndexLagConfig {
  /** Every change row shows up to this long after its write (seeded per change); 0: at once. */
  readonly maxExtraMs: number;
  readonly seed: number;
  /** Lower-case resource id → the extra time of each of its change rows (instead of the seeded one). */
  readonly resources: Readonly<Record<string, number>>;
}

/** `PUT /admin/change-index-lag`: replaces the configuration (in seconds; the seed is kept when not given). */
export const changeIndexLagSchema = z
  .object({
    maxExtraSeconds: z.number().min(0).max(86_400).default(0),
    seed: z.number().int().optional(),
    resources: z.record(z.string().min(1), z.number().min(0).max(86_400)).default({}),
  })
  .strict();

export const NO_CHANGE_INDEX_LAG: ChangeIndexLagConfig = { maxExtraMs: 0, seed: 1, resources: {} };

export class ChangeIndexLag {
  private config: ChangeIndexLagConfig = NO_CHANGE_INDEX_LAG;

  get(): ChangeIndexLagConfig {
    return this.config;
  }

  set(config: ChangeIndexLagConfig): void {
    const resources = Object.fromEntries(Object.entries(config.resources).map(([id, ms]) => [id.toLowerCase(), ms] as const));
    this.config = { ...config, resources };
  }

  /** How long after its write this change's row shows in `resourcechanges`. */
  extraMs(change: { readonly seq: number; readonly id: string }): number {
    const scripted = this.config.resources[change.id.toLowerCase()];
    if (scripted !== undefined) return scripted;
    if (this.config.maxExtraMs <= 0) return 0;
    // A draw per change, the same at every query: the row appears once and stays.
    return Math.floor(new Rng((this.config.seed * 0x9e3779b1) ^ change.seq).next() * (this.config.maxExtraMs + 1));
  }
}
