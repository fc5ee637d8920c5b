/**
 * Ordering resources by id, cheaply for a million machines. The order is the plain string order
 * (UTF-16 code units, as `<`), stable for equal ids: the order every plan and golden file uses.
 */

type WithId = { id: string };

const byId = (a: WithId, b: WithId): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Sorts by id. Distinct resources have ids that differ in more than case, so the plain string
 * order is a total, stable order; an input already in order (adapters emit it so) is not copied.
 * Otherwise ids are grouped by their parent path (all but the last segment; a fleet has a few
 * thousand: subscription, resource group, type), which sorts a million ids in a fraction of the
 * time of a comparator sort: the groups are sorted, and only a group whose ids came out of order
 * is sorted within itself. Inputs the grouping cannot order (a parent path that is a prefix of
 * another's, too many groups) take the comparator sort.
 */
export function sortById<T extends WithId>(items: readonly T[]): readonly T[] {
  if (ordered.get(items) === items.length) return items;
  let sorted = true;
  for (let i = 1; i < items.length && sorted; i++) if (items[i - 1]!.id > items[i]!.id) sorted = false;
  if (sorted) return items;
  return rememberSortedById(sortByParentPath(items) ?? [...items].sort(byId));
}

/**
 * Lists made in id order by this module or by a caller that built them so (relocate.ts), with
 * their length then. At 1M machines the planner and the plan's basis each asked again of the
 * same list, and each answer was a million comparisons of long ids (~0.5 s). A caller's own list
 * found in order is not remembered: it could be changed in place afterwards; these are new lists.
 */
const ordered = new WeakMap<readonly WithId[], number>();

/** Records that `items`, a list the caller made and does not change, is in id order; returns it. */
export function rememberSortedById<L extends readonly WithId[]>(items: L): L {
  ordered.set(items, items.length);
  return items;
}

/** Probes in the parent-path table before giving up on it (only ids hashed alike chain). */
const MAX_PROBES = 64;

/**
 * The parent paths' table: open addressing over a hash of a path's shape (each slash's position
 * and the three characters before it), so a machine costs a few character reads and one native
 * string comparison, not the hashing of its whole path by a Map.
 */
class ParentPaths {
  readonly paths: string[] = [];
  readonly hashes: number[] = [];
  private slots = new Int32Array(1 << 10).fill(-1);

  /** The group of the path `id.slice(0, length)` (made on first sight), or -1 when its chain is too long. */
  groupOf(id: string, length: number): number {
    let h = length;
    for (let p = id.indexOf("/", 1); p > 0 && p < length; p = id.indexOf("/", p + 1)) {
      h = (Math.imul(h, 31) + p) | 0;
      h = (Math.imul(h, 31) + id.charCodeAt(p - 1)) | 0;
      h = (Math.imul(h, 31) + id.charCodeAt(p - 2)) | 0;
      h = (Math.imul(h, 31) + id.charCodeAt(p - 3)) | 0;
    }
    const mask = this.slots.length - 1;
    let slot = (h ^ (h >>> 15)) & mask;
    for (let probes = 0; probes < MAX_PROBES; probes++, slot = (slot + 1) & mask) {
      const group = this.slots[slot]!;
      if (group < 0) return this.add(id.slice(0, length), h, slot);
      const path = this.paths[group]!;
      if (path.length === length && this.hashes[group] === h && id.slice(0, length) === path) return group;
    }
    return -1;
  }

  private add(path: string, hash: number, slot: number): number {
    const group = this.paths.length;
    // A copy of its own: a slice of one machine's id would be read through that id for every other machine.
    this.paths.push(path.split("").join(""));
    this.hashes.push(hash);
    this.slots[slot] = group;
    if (this.paths.length * 2 > this.slots.length) this.grow();
    return group;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = this.slots.length - 1;
    for (let group = 0; group < this.paths.length; group++) {
      const h = this.hashes[group]!;
      let slot = (h ^ (h >>> 15)) & mask;
      while (this.slots[slot]! >= 0) slot = (slot + 1) & mask;
      this.slots[slot] = group;
    }
  }
}

/**
 * Items grouped by parent path, groups in path order. Correct because every path ends with "/"
 * and no path is a prefix of another (checked): two ids of different groups then first differ
 * where their paths do. Null when that does not hold or groups would be too small to pay.
 */
export function sortByParentPath<T extends WithId>(items: readonly T[]): T[] | null {
  const n = items.length;
  const table = new ParentPaths();
  const groupOf = new Int32Array(n);
  const counts: number[] = [];
  const lastIds: string[] = [];
  const outOfOrder: boolean[] = [];
  const maxGroups = Math.max(16, n >>> 3);
  for (let i = 0; i < n; i++) {
    const id = items[i]!.id;
    const group = table.groupOf(id, id.lastIndexOf("/") + 1);
    if (group < 0 || group >= maxGroups) return null;
    if (group === counts.length) {
      counts.push(0);
      lastIds.push(id);
      outOfOrder.push(false);
    } else if (id < lastIds[group]!) outOfOrder[group] = true;
    lastIds[group] = id;
    counts[group]!++;
    groupOf[i] = group;
  }
  const paths = table.paths;
  const order = paths.map((_, g) => g).sort((a, b) => (paths[a]! < paths[b]! ? -1 : paths[a]! > paths[b]! ? 1 : 0));
  for (let i = 1; i < order.length; i++) if (paths[order[i]!]!.startsWith(paths[order[i - 1]!]!)) return null;
  // Each group's next free position in the output, then (after placing) its end.
  const next = new Int32Array(paths.length);
  let at = 0;
  for (const g of order) {
    next[g] = at;
    at += counts[g]!;
  }
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[next[groupOf[i]!]!++] = items[i]!;
  for (const g of order) {
    if (!outOfOrder[g]) continue;
    const end = next[g]!;
    const begin = end - counts[g]!;
    const part = out.slice(begin, end).sort(byId);
    for (let i = 0; i < part.length; i++) out[begin + i] = part[i]!;
  }
  return out;
}
