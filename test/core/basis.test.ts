/**
 * A saved plan's basis (src/core/basis): digests of the state its steps depend on, one per
 * machine by its position in the plan (not under its id: a million ids were half the plan file)
 * and one per shared part; `apply --plan` finds the same parts in the plan it reads back and
 * names what changed.
 */
import { basisChanges, basisOf, basisPartCount, dependencyIds, joinPieces, parsePlan, plan, planPieces, type AnyPlanBasis, type PlanBasis } from "../../src/core";
import { fingerprintOf } from "../../src/core/basis/canonical";
import { dependenciesOf } from "../../src/core/basis/dependencies";
import type { Inventory, InventoryMachine } from "../../src/inventory";
import { association, defaultWorkspace, inventory, machine, spec, SUB } from "../helpers/fixtures";

const AMA = spec({ agent: "ama", workspace: "default" }, { dependencyAgent: { windows: true, linux: true } });

function fleet(n: number, extra: Partial<Inventory> = {}): Inventory {
  const machines: InventoryMachine[] = Array.from({ length: n }, (_, i) => machine(`vm-${String(i).padStart(5, "0")}`, { osType: i % 3 ? "Windows" : "Linux", location: i % 2 ? "westeurope" : "eastus" }));
  return inventory({ machines, workspaces: [defaultWorkspace("EUS", "c-eus", "eastus"), defaultWorkspace("WEU", "c-weu", "westeurope")], ...extra });
}

/** The plan as `apply --plan` reads it: written with its basis, parsed back (plain steps, not compact ones). */
function savedAndReadBack(inv: Inventory) {
  const planned = plan(AMA, inv);
  const basis = basisOf(AMA, inv, planned);
  const read = parsePlan(joinPieces(planPieces(planned, "json", { meta: { basis } })));
  return { planned, basis: read.meta.basis as AnyPlanBasis, saved: read.plan };
}

describe("the basis of a saved plan", () => {
  it("keeps a machine's digest by its position in the plan, so its size does not grow with the ids", () => {
    const inv = fleet(300);
    const planned = plan(AMA, inv);
    const basis: PlanBasis = basisOf(AMA, inv, planned);
    expect(basis.version).toBe(2);
    expect(basis.machines).toHaveLength(planned.machines.length);
    expect(basis.machines.every((d) => /^[0-9a-f]{16}$/.test(d))).toBe(true);
    const text = JSON.stringify(basis);
    expect(text).not.toContain("vm-00001");
    // 300 machines with 2-3 steps each: well under 64 bytes a machine beside the spec (version 1: ~600).
    expect(text.length - JSON.stringify(AMA).length).toBeLessThan(300 * 64);
    expect(basisPartCount(basis)).toBe(300 + Object.keys(basis.shared).length);
    expect(Object.keys(basis.shared)).toContain(`/subscriptions/${SUB}`);
  });

  it("finds the same parts in the plan read back from its file (plain steps) as in the planner's (compact steps)", () => {
    const inv = fleet(50);
    const planned = plan(AMA, inv);
    const plain = JSON.parse(JSON.stringify(planned)) as typeof planned;
    const a = dependenciesOf(planned);
    const b = dependenciesOf(plain);
    expect([...a.machines]).toEqual([...b.machines]);
    expect([...a.shared].sort()).toEqual([...b.shared].sort());
    const { basis, saved } = savedAndReadBack(inv);
    expect(basisChanges(basis, inv, saved)).toEqual([]);
  });

  it("names the machine that changed, the one that disappeared, and a shared part; a new machine is no change", () => {
    const inv = fleet(20);
    const { basis, saved } = savedAndReadBack(inv);
    const [stopped, gone, associated] = [inv.machines[3]!, inv.machines[7]!, inv.machines[11]!];
    const live: Inventory = {
      ...inv,
      machines: [...inv.machines.filter((m) => m !== gone).map((m) => (m === stopped ? { ...m, powerState: "stopped" as const } : m)), machine("vm-new")],
      dataCollectionRuleAssociations: [association(associated, inv.workspaces[0]!)],
      settings: { [SUB]: { ...inv.settings[SUB]!, pricingTier: "Free" } },
    };
    const changes = basisChanges(basis, live, saved);
    expect(changes).toEqual(
      expect.arrayContaining([
        { id: `/subscriptions/${SUB}`, change: "changed" },
        { id: stopped.id.toLowerCase(), change: "changed" },
        { id: gone.id.toLowerCase(), change: "disappeared" },
        { id: associated.id.toLowerCase(), change: "changed" },
      ]),
    );
    expect(changes).toHaveLength(4);
    // Ids that differ only by case name the same machine: its record changed (its id's spelling), it did not disappear.
    const recased = { ...inv, machines: inv.machines.map((m) => ({ ...m, id: m.id.replace("resourceGroups", "resourcegroups") })) };
    expect(new Set(basisChanges(basis, recased, saved).map((c) => c.change))).toEqual(new Set(["changed"]));
  });

  it("still reads a version 1 basis (every part by its id)", () => {
    const inv = fleet(5);
    const { saved } = savedAndReadBack(inv);
    const ids = [...new Set(saved.steps.flatMap((s) => dependencyIds(s)))];
    const v1: AnyPlanBasis = { version: 1, spec: AMA, specDigest: "", inventoryGeneratedAt: "", digest: "", resources: Object.fromEntries(ids.map((id) => [id, "absent"])) };
    const changes = basisChanges(v1, inv, saved);
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((c) => c.change === "appeared")).toBe(true);
    expect(basisPartCount(v1)).toBe(ids.length);
  });
});

describe("a machine's fingerprint", () => {
  it("does not depend on the order of keys or of an array of objects, and changes with any value", () => {
    const m = { id: "/subscriptions/s/x", extensions: [{ type: "A", version: "1" }, { type: "B", version: "2" }], tags: { a: "1" }, n: 3, on: true, none: null };
    const reordered = { tags: { a: "1" }, none: null, on: true, n: 3, extensions: [{ version: "2", type: "B" }, { type: "A", version: "1" }], id: "/subscriptions/s/x" };
    expect(fingerprintOf(reordered)).toBe(fingerprintOf(m));
    expect(fingerprintOf({ ...m, skipped: undefined })).toBe(fingerprintOf(m));
    for (const changed of [{ ...m, n: 4 }, { ...m, on: false }, { ...m, none: "null" }, { ...m, tags: { a: "2" } }, { ...m, tags: { a: "1", b: "" } }, { ...m, extensions: m.extensions.slice(1) }]) {
      expect(fingerprintOf(changed)).not.toBe(fingerprintOf(m));
    }
    expect(fingerprintOf(["ab", "c"])).not.toBe(fingerprintOf(["a", "bc"]));
    expect(fingerprintOf(["a", "b"])).not.toBe(fingerprintOf(["b", "a"]));
    expect(fingerprintOf(m)).toMatch(/^[0-9a-f]{16}$/);
  });
});
