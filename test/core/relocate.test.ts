/**
 * An unsorted inventory is planned from copies of its machines laid out in id order
 * (src/core/kernel/relocate.ts): the copies read exactly as the originals, the originals are never
 * changed, and the plan is the one of the same inventory sorted.
 */
import { plan } from "../../src/core";
import { buildContext, machinesInScope, withMachinesLaidOut } from "../../src/core/kernel";
import { planAndBasis } from "../../src/cli/commands/plan";
import { laidOutCopy, relocatedMachine, StringPool } from "../../src/core/kernel/relocate";
import { sortById } from "../../src/core/kernel/sortById";
import type { InventoryMachine } from "../../src/inventory/schema";
import { inventory, machine, spec } from "../helpers/fixtures";

const rich = (name: string): InventoryMachine => ({
  ...machine(name, { osType: "Linux" }),
  extensions: [{ publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorLinuxAgent", version: "1.33", provisioningState: "Succeeded" }],
  agents: [{ kind: "direct", workspaceCustomerIds: ["11111111-1111-1111-1111-111111111111"] }],
  identity: { type: "SystemAssigned", principalId: "p-1" },
  tags: { env: "prod" },
  osName: "Ubuntu 22.04",
});

describe("machines relocated in id order", () => {
  it("a copy has the same fields in the same order and shares no object with its original", () => {
    const m = rich("vm-1");
    const before = JSON.stringify(m);
    const c = relocatedMachine(m);
    expect(JSON.stringify(c)).toBe(before);
    expect(Object.keys(c)).toEqual(Object.keys(m));
    expect(c).not.toBe(m);
    for (const key of ["extensions", "agents", "identity", "tags"] as const) expect(c[key]).not.toBe(m[key]);
    expect(c.extensions![0]).not.toBe(m.extensions![0]);
    expect(JSON.stringify(m)).toBe(before);
  });

  it("a machine's id is copied equal, whatever its characters", () => {
    for (const id of ["", "a", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-ü-😀", "x".repeat(40)]) {
      expect(laidOutCopy(id)).toBe(id);
      expect(laidOutCopy(id).length).toBe(id.length);
    }
    const m = rich("VM-Upper");
    expect(relocatedMachine(m).id).toBe(m.id);
  });

  it("machines laid out with one pool read as before (which string holds a value is not observable: memory is the point)", () => {
    const pool = new StringPool();
    const [a, b] = ["vm-a", "vm-b"].map((name) => JSON.parse(JSON.stringify(rich(name))) as InventoryMachine);
    const [ca, cb] = [relocatedMachine(a!, pool), relocatedMachine(b!, pool)];
    expect(JSON.stringify(ca)).toBe(JSON.stringify(a));
    expect(JSON.stringify(cb)).toBe(JSON.stringify(b));
    expect(Object.keys(cb)).toEqual(Object.keys(b!));
    // A list of strings inside an item is a copy too (its strings from the pool).
    expect(cb.agents![0]!.workspaceCustomerIds).toEqual(b!.agents![0]!.workspaceCustomerIds);
    expect(cb.agents![0]!.workspaceCustomerIds).not.toBe(b!.agents![0]!.workspaceCustomerIds);
    expect(pool.of("seen once")).toBe("seen once");
  });

  it("the laid-out machines are known in id order: the planner and the basis take them without a check", () => {
    const sorted = ["vm-a", "vm-b", "vm-c"].map(rich);
    const laidOut = withMachinesLaidOut(inventory({ machines: [sorted[1]!, sorted[2]!, sorted[0]!] }));
    let reads = 0;
    for (const m of laidOut.machines) {
      const id = m.id;
      Object.defineProperty(m, "id", { get: () => (reads++, id) });
    }
    expect(sortById(laidOut.machines)).toBe(laidOut.machines);
    expect(reads).toBe(0);
    // A copy of the list (not known to be in order) is checked: its ids are read.
    expect(sortById([...laidOut.machines])).toEqual(laidOut.machines);
    expect(reads).toBeGreaterThan(0);
  });

  it("an unsorted inventory is planned from copies in id order; a sorted one from its own machines", () => {
    const sorted = ["vm-a", "vm-b", "vm-c", "vm-d"].map(rich);
    const unsorted = [sorted[2]!, sorted[0]!, sorted[3]!, sorted[1]!];
    const s = spec({ workspace: "default", agent: "ama" });
    const fromSorted = machinesInScope(buildContext(s, inventory({ machines: sorted }))).machines;
    expect(fromSorted.every((m, i) => m === sorted[i])).toBe(true);
    const fromUnsorted = machinesInScope(buildContext(s, inventory({ machines: unsorted }))).machines;
    expect(fromUnsorted.map((m) => m.id)).toEqual(sorted.map((m) => m.id));
    expect(fromUnsorted.some((m) => unsorted.includes(m))).toBe(false);
    expect(JSON.stringify(fromUnsorted)).toBe(JSON.stringify(sorted));
    expect(JSON.stringify(plan(s, inventory({ machines: unsorted })))).toBe(JSON.stringify(plan(s, inventory({ machines: sorted }))));
  });

  it("a caller that sorts before planning gets the copies too, and the plan is the same", () => {
    const sorted = ["vm-a", "vm-b", "vm-c"].map(rich);
    const unsorted = [sorted[2]!, sorted[0]!, sorted[1]!];
    const given = inventory({ machines: unsorted });
    const laidOut = withMachinesLaidOut(given);
    expect(laidOut.machines.map((m) => m.id)).toEqual(sorted.map((m) => m.id));
    expect(laidOut.machines.some((m) => unsorted.includes(m))).toBe(false);
    expect(JSON.stringify(laidOut.machines)).toBe(JSON.stringify(sorted));
    expect(given.machines).toEqual(unsorted);
    // In order already: the inventory itself.
    const inOrder = inventory({ machines: sorted });
    expect(withMachinesLaidOut(inOrder)).toBe(inOrder);
    // The plan command plans from the copies: after the copy, the planner reads no field of the file's objects.
    const s = spec({ workspace: "default", agent: "ama" });
    let reads = 0;
    const counted = unsorted.map((m) => {
      const c: InventoryMachine = { ...m };
      Object.defineProperty(c, "osType", { enumerable: true, get: () => (reads++, m.osType) });
      return c;
    });
    const { result } = planAndBasis(s, () => inventory({ machines: counted }), true);
    expect(reads).toBe(counted.length);
    expect(JSON.stringify(result)).toBe(JSON.stringify(plan(s, inventory({ machines: sorted }))));
  });
});
