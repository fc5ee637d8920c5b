/**
 * Resource Graph rows kept between watch rounds, grouped by the machine they hang on, so a round
 * that reads again what some machines have replaces just those machines' rows (a row no longer
 * there is gone).
 */
import type { GraphRow } from "../graph";

export class RowsByMachine {
  /** Lower-case machine id -> its rows by lower-case id. */
  private readonly byMachine = new Map<string, Map<string, GraphRow>>();

  constructor(
    private readonly machineOf: (row: GraphRow) => string | undefined,
    rows: readonly GraphRow[] = [],
  ) {
    this.add(rows);
  }

  /** The machines' rows are now `rows` (what a read of just those machines found). */
  replace(machineIds: Iterable<string>, rows: readonly GraphRow[]): void {
    for (const m of machineIds) this.byMachine.delete(m.toLowerCase());
    this.add(rows);
  }

  /** The machines with kept rows (lower-case ids). */
  machines(): IterableIterator<string> {
    return this.byMachine.keys();
  }

  /** Every kept row, in id order as Resource Graph's `order by id asc` gives them. */
  rows(): GraphRow[] {
    const out: GraphRow[] = [];
    for (const rows of this.byMachine.values()) out.push(...rows.values());
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private add(rows: readonly GraphRow[]): void {
    for (const row of rows) {
      const machine = this.machineOf(row);
      // A row on no machine is not kept: the next full read has it.
      if (!machine) continue;
      const kept = this.byMachine.get(machine) ?? this.byMachine.set(machine, new Map()).get(machine)!;
      kept.set(row.id.toLowerCase(), row);
    }
  }
}
