/**
 * `plan` at a million machines keeps its peak memory down by collecting the heap where it drops
 * (src/cli/heap.ts): that works only if nothing still holds the inventory once it is planned.
 */
import { join } from "node:path";
import { getHeapStatistics } from "node:v8";
import { planAndBasis } from "../../src/cli/commands/plan";
import { collectGarbage } from "../../src/cli/heap";
import { loadInventoryFile, type Inventory } from "../../src/inventory";
import { loadSpecFile } from "../../src/spec";

const ex = (f: string) => join(__dirname, "../../examples", f);
/** A WeakRef's target is held until the current job ends. */
const nextJob = () => new Promise((resolve) => setImmediate(resolve));

describe("plan's heap", () => {
  it("collects garbage without node's --expose-gc, and leaves the program's global as it was", async () => {
    let garbage: unknown[] | undefined = Array.from({ length: 200_000 }, (_, i) => ({ i, text: `item ${i}` }));
    const ref = new WeakRef(garbage);
    garbage = undefined;
    await nextJob();
    expect(collectGarbage(0)).toBe(true);
    expect(ref.deref()).toBeUndefined();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });

  it("does not collect a small heap (the time is worth it only at scale)", () => {
    expect(collectGarbage(getHeapStatistics().used_heap_size * 4)).toBe(false);
  });

  it("holds neither the inventory nor its machines once the plan and its basis are made", async () => {
    const spec = loadSpecFile(ex("spec.yaml"));
    let refs: WeakRef<object>[] = [];
    const { result, meta } = planAndBasis(
      spec,
      () => {
        const inventory: Inventory = loadInventoryFile(ex("inventory.json"));
        refs = [new WeakRef(inventory), ...inventory.machines.map((m) => new WeakRef(m))];
        return inventory;
      },
      true,
    );
    await nextJob();
    collectGarbage(0);
    expect(result.machines.length).toBeGreaterThan(0);
    expect(meta?.basis.machines).toHaveLength(result.machines.length);
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
  });
});
