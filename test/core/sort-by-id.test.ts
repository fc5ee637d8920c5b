/**
 * sortById groups ids by parent path instead of comparing whole ids (src/core/kernel/sortById.ts):
 * whatever path it takes, the order must be the comparator sort's, stable for equal ids, since
 * every plan and golden file is in that order.
 */
import fc from "fast-check";
import { sortById } from "../../src/core/kernel";
import { rememberSortedById, sortByParentPath } from "../../src/core/kernel/sortById";

type Item = { id: string; at: number };

const reference = (items: readonly Item[]): Item[] => [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const itemsOf = (ids: readonly string[]): Item[] => ids.map((id, at) => ({ id, at }));

/** The bench fleet's ids in generation order: subscriptions, groups and types interleaved, names ascending within each. */
function generatedFleet(n: number): string[] {
  const types = ["Microsoft.Compute/virtualMachines", "Microsoft.Compute/virtualMachineScaleSets", "Microsoft.HybridCompute/machines"];
  return Array.from({ length: n }, (_, i) => `/subscriptions/aaaaaaaa-0000-4000-8000-00000000000${i % 3}/resourceGroups/rg-${i % 97}/providers/${types[(i * 7) % 3]}/m${String(i).padStart(7, "0")}`);
}

describe("sortById", () => {
  it("returns an input already in order as it is", () => {
    const items = itemsOf(["/a/x", "/a/y", "/b/x"]);
    expect(sortById(items)).toBe(items);
  });

  it("takes a list it made, or one a caller made in order and said so, without comparing it again", () => {
    const made = sortById(itemsOf(["/b/x", "/a/y", "/a/x"]));
    expect(made.map((i) => i.id)).toEqual(["/a/x", "/a/y", "/b/x"]);
    expect(sortById(made)).toBe(made);
    // Remembered, not checked: a list said to be in order is taken as it is (the caller's promise).
    const said = rememberSortedById(itemsOf(["/b", "/a"]));
    expect(sortById(said)).toBe(said);
    // A list whose length changed since is checked again.
    const grown = rememberSortedById(itemsOf(["/a", "/b"]));
    grown.push({ id: "/0", at: 2 });
    expect(sortById(grown).map((i) => i.id)).toEqual(["/0", "/a", "/b"]);
  });

  it("does not remember a caller's own list found in order: it may be changed in place", () => {
    const own = itemsOf(["/a", "/b", "/c"]);
    expect(sortById(own)).toBe(own);
    own[0] = { id: "/d", at: 3 };
    expect(sortById(own).map((i) => i.id)).toEqual(["/b", "/c", "/d"]);
  });

  it("orders a fleet in generation order as the comparator sort does", () => {
    const items = itemsOf(generatedFleet(20_000));
    expect(sortById(items)).toEqual(reference(items));
    // By parent path, not by the comparator sort over all ids.
    expect(sortByParentPath(items)).toEqual(reference(items));
  });

  it("orders groups whose ids come out of order within them, keeping equal ids in input order", () => {
    const ids = generatedFleet(5_000).reverse();
    ids.push(ids[10]!, ids[20]!, ids[10]!);
    const items = itemsOf(ids);
    expect(sortById(items)).toEqual(reference(items));
  });

  it("orders ids whose parent paths nest (a scale set's instances beside the scale set) as the comparator sort does", () => {
    const set = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets";
    const ids = Array.from({ length: 300 }, (_, i) => (i % 2 ? `${set}/ss${i % 7}/virtualMachines/${i}` : `${set}/ss${i % 11}`));
    const items = itemsOf(ids);
    expect(sortById(items)).toEqual(reference(items));
    // Grouping cannot order these: the comparator sort does.
    expect(sortByParentPath(items)).toBeNull();
  });

  it("orders ids hashed alike (same shape, same tails) and ids of every case and script", () => {
    const ids = Array.from({ length: 2_000 }, (_, i) => `/subscriptions/s/resourceGroups/${String.fromCharCode(65 + (i % 50))}xrg-0/providers/p/t/vm-${(i * 7919) % 2000}`);
    expect(sortByParentPath(itemsOf(ids))).toEqual(reference(itemsOf(ids)));
    ids.push("no-slash", "/", "//", "/É/x", "/é/x", "/\ud83d\ude00/x", "/A/x", "/a/x");
    const items = itemsOf(ids);
    expect(sortById(items)).toEqual(reference(items));
  });

  it("gives the comparator sort's order for any ids (property)", () => {
    const segment = fc.constantFrom("a", "b", "A", "ab", "rg-1", "rg-10", "é", "");
    const id = fc.array(segment, { minLength: 0, maxLength: 5 }).map((parts) => "/" + parts.join("/"));
    fc.assert(
      fc.property(fc.array(id, { maxLength: 200 }), (ids) => {
        const items = itemsOf(ids);
        expect(sortById(items)).toEqual(reference(items));
      }),
      { numRuns: 300 },
    );
  });
});
