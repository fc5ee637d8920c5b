/**
 * The order a watch keeps its machines in: a round that adds machines puts them where a full read
 * (Resource Graph's `order by id asc`, ordinal on the ids as written) would, so an incremental
 * round and the next full read hand out the same list. Sorting the lower-case keys did not: with
 * ids whose casing differs (a resource group `RG-Web` beside `rg-app`) the order changed with the
 * first add and back at the next full read.
 */
import type { GraphRow } from "../../src/azure/graph";
import { machineOf } from "../../src/azure/incremental";
import { FleetTable, KeptItems, mergeInIdOrder } from "../../src/azure/keptFleet";

const SUB = "/subscriptions/11111111-1111-1111-1111-111111111111";
const vmId = (group: string, name: string) => `${SUB}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/${name}`;
const vmRow = (id: string): GraphRow => ({ id, type: "microsoft.compute/virtualmachines", name: id.split("/").pop()!, location: "westeurope", properties: { storageProfile: { osDisk: { osType: "Windows" } } } }) as GraphRow;
const ordinal = (ids: readonly string[]) => [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** A full read of these machines: a new table filled in Resource Graph's order. */
function fullRead(ids: readonly string[]): { kept: KeptItems; table: FleetTable; order: string[] } {
  const table = new FleetTable(machineOf);
  for (const id of ordinal(ids)) table.set(vmRow(id));
  const kept = new KeptItems();
  kept.begin();
  return { kept, table, order: kept.fleet(table, "all", new Set()).machines.map((m) => m.id) };
}

/** A round that read these machines' rows again (created or updated) and found these gone. */
function round(kept: KeptItems, table: FleetTable, changed: readonly string[], gone: readonly string[] = []): string[] {
  for (const id of changed) table.set(vmRow(id));
  for (const id of gone) table.delete(id.toLowerCase());
  kept.begin();
  return kept.fleet(table, new Set([...changed, ...gone].map((id) => id.toLowerCase())), new Set()).machines.map((m) => m.id);
}

describe("KeptItems.fleet: the order it keeps", () => {
  const start = [vmId("rg-app", "vm-1"), vmId("RG-Web", "vm-2"), vmId("rg-app", "vm-3"), vmId("Rg-db", "VM-4")];

  it("a full read keeps Resource Graph's order", () => {
    expect(fullRead(start).order).toEqual(ordinal(start));
  });

  it("machines added by a round go where a full read puts them, whatever their ids' casing", () => {
    const { kept, table } = fullRead(start);
    const added = [vmId("rg-app", "vm-0"), vmId("RG-Web", "vm-9"), vmId("rg-zzz", "a")];
    const after = round(kept, table, added);
    expect(after).toEqual(fullRead([...start, ...added]).order);
    // RG-Web before Rg-db before rg-app: the ids as written, not lower-cased.
    expect(after.slice(0, 2)).toEqual([vmId("RG-Web", "vm-2"), vmId("RG-Web", "vm-9")]);
  });

  it("adds and removals in one round, then one more add: still the full read's order", () => {
    const { kept, table } = fullRead(start);
    const first = round(kept, table, [vmId("rg-app", "vm-2"), vmId("Rg-db", "VM-0")], [vmId("rg-app", "vm-3")]);
    const now = [...start.filter((id) => id !== vmId("rg-app", "vm-3")), vmId("rg-app", "vm-2"), vmId("Rg-db", "VM-0")];
    expect(first).toEqual(fullRead(now).order);
    const second = round(kept, table, [vmId("RG-Web", "vm-1")]);
    expect(second).toEqual(fullRead([...now, vmId("RG-Web", "vm-1")]).order);
  });

  it("a round that changes kept machines only keeps the order as it is", () => {
    const { kept, table, order } = fullRead(start);
    expect(round(kept, table, [start[2]!, start[0]!])).toEqual(order);
  });
});

describe("mergeInIdOrder", () => {
  const id = (key: string) => key.toUpperCase();
  it("merges new keys into a sorted list in one pass, ties after the kept one", () => {
    expect(mergeInIdOrder(["b", "d", "f"], ["e", "a", "g", "c"], id)).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
    expect(mergeInIdOrder([], ["b", "a"], id)).toEqual(["a", "b"]);
    expect(mergeInIdOrder(["a"], [], id)).toEqual(["a"]);
    expect(mergeInIdOrder(["a"], ["A"], id)).toEqual(["a", "A"]);
  });
});
