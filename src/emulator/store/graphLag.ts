/**
 * Resource Graph is eventually consistent: a write shows in its tables some time after ARM has
 * acknowledged it (issue 17 item 3). With a lag configured, the store remembers, for each write of
 * the last `lagMs`, what the resource was before it; Resource Graph's tables then show each
 * resource as it was before its oldest write still inside the lag (absent if that write created
 * it, still there if it deleted it), and `resourcechanges` shows only changes older than the lag.
 * ARM's own GET and list are never lagged: they are authoritative, as Azure's are.
 *
 * Kept in memory: a restart of the emulator makes every write visible at once.
 */
/** What the lag keeps of a resource (the store's StoredResource; only its id is read here). */
interface Versioned {
  readonly id: string;
}

interface PendingWrite<R extends Versioned> {
  /** Epoch ms on the emulator clock. */
  readonly at: number;
  /** The resource before this write (null: the write created it). */
  readonly before: R | null;
}

export class GraphLag<R extends Versioned> {
  /** Lower-case id → writes still inside the lag, oldest first. */
  private readonly pending = new Map<string, PendingWrite<R>[]>();

  constructor(
    private readonly lagMs: () => number,
    private readonly now: () => number,
  ) {}

  get enabled(): boolean {
    return this.lagMs() > 0;
  }

  /** Changes at or before this time (epoch ms) are visible to Resource Graph. */
  visibleUntil(): number {
    return this.now() - Math.max(0, this.lagMs());
  }

  /** Called before a write of `id` (a put or a delete) with what the store holds now. */
  noteWrite(id: string, before: R | undefined): void {
    if (!this.enabled) return;
    this.prune();
    const key = id.toLowerCase();
    const list = this.pending.get(key) ?? [];
    list.push({ at: this.now(), before: before ?? null });
    this.pending.set(key, list);
  }

  /**
   * The resources as Resource Graph sees them: `current` (what the store holds now, of the table's
   * types and scope) with each resource inside the lag shown as it was before. Resources deleted
   * inside the lag come back when `include` accepts them (the table's types, scope and ids).
   */
  view(current: readonly R[], include: (r: R) => boolean): R[] {
    if (!this.enabled) return [...current];
    this.prune();
    if (this.pending.size === 0) return [...current];
    const out: R[] = [];
    const seen = new Set<string>();
    for (const r of current) {
      const key = r.id.toLowerCase();
      seen.add(key);
      const oldest = this.pending.get(key)?.[0];
      if (!oldest) out.push(r);
      else if (oldest.before) out.push(oldest.before);
    }
    for (const [key, list] of this.pending) {
      const before = list[0]!.before;
      if (!seen.has(key) && before && include(before)) out.push(before);
    }
    return out.sort((a, b) => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1));
  }

  /** Lower-case ids with a write inside the lag (what an id lookup must consider besides the store). */
  pendingIds(): IterableIterator<string> {
    return this.pending.keys();
  }

  private prune(): void {
    const visible = this.visibleUntil();
    for (const [key, list] of this.pending) {
      while (list.length && list[0]!.at <= visible) list.shift();
      if (list.length === 0) this.pending.delete(key);
    }
  }
}
