/**
 * What a watch keeps of the fleet between rounds, so a round builds again only the machines that
 * changed: the fleet table's rows by machine, and the inventory items (machines with their Defender
 * rows and agents, rule associations) the earlier rounds built. A machine nobody changed is the same
 * object round after round: it is not built, validated or compared again, and a round whose reads
 * all came back the same hands back an inventory whose items are the last round's (sameInventory).
 */
import type { Inventory, InventoryDataCollectionRuleAssociation, InventoryMachine } from "../inventory/schema";
import type { GraphRow } from "./graph";
import { subscriptionOf } from "../inventory/ids";
import { associationOf } from "./read/dcr";
import { fleetFromRows, type FleetRows } from "./read/machines";

/** The fleet table's rows: those on a machine (the machine, its extensions) grouped by it, the rest (workspaces, clusters, rules) apart. */
export class FleetTable {
  /** Lower-case id -> row. */
  private readonly rows = new Map<string, GraphRow>();
  /** Lower-case machine id -> the lower-case ids of its rows. */
  private readonly byMachine = new Map<string, Set<string>>();
  /** Lower-case ids of the rows on no machine. */
  private readonly others = new Set<string>();

  constructor(private readonly machineOf: (id: string, type: string) => string | undefined) {}

  set(row: GraphRow): void {
    const id = row.id.toLowerCase();
    this.delete(id);
    this.rows.set(id, row);
    const machine = this.machineOf(row.id, row.type);
    if (!machine) this.others.add(id);
    else (this.byMachine.get(machine) ?? this.byMachine.set(machine, new Set()).get(machine)!).add(id);
  }

  delete(id: string): void {
    const row = this.rows.get(id);
    if (!row) return;
    this.rows.delete(id);
    this.others.delete(id);
    const machine = this.machineOf(row.id, row.type);
    const ids = machine ? this.byMachine.get(machine) : undefined;
    ids?.delete(id);
    if (machine && ids?.size === 0) this.byMachine.delete(machine);
  }

  /**
   * Drops every row in these subscriptions (lower-case ids): a subscription that left the scope.
   * Returns the machines that had rows there (lower-case ids).
   */
  dropSubscriptions(subscriptions: ReadonlySet<string>): string[] {
    const machines = [...this.byMachine.keys()].filter((m) => subscriptions.has(subscriptionOf(m)));
    for (const m of machines) this.byMachine.delete(m);
    for (const [id] of this.rows) {
      if (!subscriptions.has(subscriptionOf(id))) continue;
      this.rows.delete(id);
      this.others.delete(id);
    }
    return machines;
  }

  /** The rows on these machines (lower-case ids). */
  rowsOf(machines: Iterable<string>): GraphRow[] {
    const out: GraphRow[] = [];
    for (const m of machines) for (const id of this.byMachine.get(m) ?? []) out.push(this.rows.get(id)!);
    return out;
  }

  /** The rows on no machine: a few hundred whatever the fleet's size. */
  otherRows(): GraphRow[] {
    return [...this.others].map((id) => this.rows.get(id)!);
  }

  /** Every machine with a row (lower-case ids). */
  machines(): IterableIterator<string> {
    return this.byMachine.keys();
  }
}

/** The machines and rule associations earlier rounds built. */
export class KeptItems {
  /** Lower-case machine id -> the machine as the last round handed it out. */
  private readonly machines = new Map<string, InventoryMachine>();
  /** Lower-case machine ids in the inventory's order. */
  private order: string[] = [];
  /** Each kept association row's item: a row kept from an earlier read keeps its item. */
  private readonly associationItems = new WeakMap<GraphRow, InventoryDataCollectionRuleAssociation>();
  /** Items built by the current round (validated by it). */
  private built = new WeakSet<object>();
  /** Machines built by the current round. */
  private machinesBuilt = 0;

  /** A new round: nothing built yet. */
  begin(): void {
    this.built = new WeakSet();
    this.machinesBuilt = 0;
  }

  /** How many machines the current round built (from their rows, or with their agents read again). */
  get builtMachines(): number {
    return this.machinesBuilt;
  }

  isBuilt(item: object): boolean {
    return this.built.has(item);
  }

  /**
   * The fleet with these machines (lower-case ids) built again from the table's rows, the others as
   * kept; `all` for a full read (the table's row order, as Resource Graph sorted it). The rows on no
   * machine are built again every round.
   */
  fleet(table: FleetTable, rebuild: ReadonlySet<string> | "all", keepTags: ReadonlySet<string>): FleetRows {
    const ids = rebuild === "all" ? [...table.machines()] : [...rebuild];
    const out = fleetFromRows([...table.rowsOf(ids), ...table.otherRows()], keepTags);
    const fresh = new Map(out.machines.map((m) => [m.id.toLowerCase(), m] as const));
    for (const m of out.machines) this.built.add(m);
    const added: string[] = [];
    if (rebuild === "all") {
      this.machines.clear();
      // The table's machines in the order their rows came (Resource Graph's `order by id asc`).
      this.order = ids.filter((id) => fresh.has(id));
    } else {
      const removed = new Set<string>();
      for (const id of ids) {
        if (!this.machines.has(id) && fresh.has(id)) added.push(id);
        if (!fresh.has(id) && this.machines.delete(id)) removed.add(id);
      }
      // One pass over the order for all of the round's deleted machines, not one per machine.
      if (removed.size) this.order = this.order.filter((x) => !removed.has(x));
    }
    for (const [id, m] of fresh) this.machines.set(id, m);
    // The round's new machines merged in where a full read puts them: one pass, no sort of the fleet.
    if (added.length) this.order = mergeInIdOrder(this.order, added, (id) => this.machines.get(id)!.id);
    return { ...out, machines: this.order.map((id) => this.machines.get(id)!) };
  }

  /** Forgets these machines (lower-case ids): their subscription left the scope. */
  drop(machines: readonly string[]): void {
    const gone = new Set(machines.filter((id) => this.machines.delete(id)));
    if (gone.size) this.order = this.order.filter((id) => !gone.has(id));
  }

  /** Keeps the round's machines as it handed them out (a scale set's instance counts, Defender rows and agents on them). */
  keep(machines: readonly InventoryMachine[]): void {
    for (const m of machines) if (this.built.has(m)) this.machines.set(m.id.toLowerCase(), m);
  }

  /** Marks a machine this round hands out new (built from its rows, or a copy with its agents read again) as built by it. */
  markBuilt(machine: InventoryMachine): InventoryMachine {
    this.built.add(machine);
    this.machinesBuilt++;
    return machine;
  }

  /** The associations of these rows (sorted as the caller gives them): the item of a kept row is the one built for it. */
  associations(rows: readonly GraphRow[]): InventoryDataCollectionRuleAssociation[] {
    const out: InventoryDataCollectionRuleAssociation[] = [];
    for (const row of rows) {
      let item = this.associationItems.get(row);
      if (!item) {
        item = associationOf(row);
        if (!item) continue;
        this.associationItems.set(row, item);
        this.built.add(item);
      }
      out.push(item);
    }
    return out;
  }
}

/** Resource Graph's `order by id asc`: ordinal, on the ids as written (RowsByMachine.rows sorts the same way). */
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `sorted` (keys in that order of their ids) with `added` (keys not in it) merged in: each new key
 * placed by a binary search (after the kept ones of the same id), then one copy of the list; a
 * round with k new machines of n looks up k log n ids, not n.
 */
export function mergeInIdOrder(sorted: readonly string[], added: readonly string[], idOf: (key: string) => string): string[] {
  const fresh = added.map((key) => ({ key, id: idOf(key) })).sort((a, b) => byId(a.id, b.id));
  const out: string[] = [];
  let from = 0;
  for (const f of fresh) {
    let lo = from;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byId(idOf(sorted[mid]!), f.id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    while (from < lo) out.push(sorted[from++]!);
    out.push(f.key);
  }
  while (from < sorted.length) out.push(sorted[from++]!);
  return out;
}

/**
 * Whether two reads found the same inventory (its generatedAt aside). Items kept from the earlier
 * read are the same objects: the machines and associations compare by identity first, so a round
 * with nothing new costs a pass over the lists, not a comparison of a hundred thousand machines.
 */
export function sameInventory(a: Inventory, b: Inventory): boolean {
  const sameItems = (x: readonly unknown[] = [], y: readonly unknown[] = []) => x.length === y.length && x.every((item, i) => item === y[i] || JSON.stringify(item) === JSON.stringify(y[i]));
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (key === "generatedAt") continue;
    const [x, y] = [a[key as keyof Inventory], b[key as keyof Inventory]];
    if (Array.isArray(x) || Array.isArray(y)) {
      if (!sameItems(x as unknown[] | undefined, y as unknown[] | undefined)) return false;
    } else if (JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}
