/**
 * A saved plan's basis (src/core/basis): digests of the state its steps depend on, one per
 * machine by its position in the plan (not under its id: a million ids were half the plan file)
 * and one per shared part; `apply --plan` finds the same parts in the plan it reads back and
 * names what changed.
 */
import { basisChanges, basisOf, basisPartCount, dependencyIds, joinPieces, parsePlan, plan, planPieces, type AnyPlanBasis, type PlanBasis } from "../../src/core";
import { canonical, digestOf, digestOfJoined, fingerprintOf, sortedKeysOf } from "../../src/core/basis/canonical";
import { dependenciesOf, machineIndexOf } from "../../src/core/basis/dependencies";
import { machineDigests, sharedDigests } from "../../src/core/basis/state";
import type { Inventory, InventoryMachine } from "../../src/inventory";
import { association, defaultWorkspace, inventory, machine, spec, SUB, SUB2 } from "../helpers/fixtures";

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
    expect(basis.version).toBe(3);
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

describe("the basis at a million machines' cost", () => {
  it("adds each marked machine's subscription with a few compares per subscription, not a slice per machine", () => {
    const machines: InventoryMachine[] = Array.from({ length: 3000 }, (_, i) => machine(`vm-${String(i).padStart(5, "0")}`, { osType: i % 3 ? "Windows" : "Linux", location: "eastus" }, i % 3 ? SUB : SUB2));
    const inv = inventory({ machines, workspaces: [defaultWorkspace("EUS", "c-eus", "eastus")] }, "2020-01-01", [SUB, SUB2]);
    const planned = plan(spec({ agent: "ama", workspace: "default" }, {}, [SUB, SUB2]), inv);
    const expected = dependenciesOf(planned);
    expect(expected.shared).toContain(`/subscriptions/${SUB}`.toLowerCase());
    expect(expected.shared).toContain(`/subscriptions/${SUB2}`.toLowerCase());
    const slice = jest.spyOn(String.prototype, "slice");
    try {
      const again = dependenciesOf(planned);
      expect(slice.mock.calls.length).toBeLessThan(300);
      expect(again.shared).toEqual(expected.shared);
      expect(again.machines).toEqual(expected.machines);
    } finally {
      slice.mockRestore();
    }
    // Not sorted (a hand-made plan): the same parts, found machine by machine.
    const reversed = { ...planned, machines: [...planned.machines].reverse() };
    expect(dependenciesOf(reversed).shared).toEqual(expected.shared);
  });

  it("lower-cases only the machines whose id ends as an association's machine id does, and finds an association spelled in another case", () => {
    const bare = fleet(400);
    const planned = plan(AMA, bare);
    const wanted = new Uint8Array(planned.machines.length).fill(1);
    const index = machineIndexOf(planned.machines);
    const sorted = { ...bare, machines: [...bare.machines].sort((a, b) => (a.id < b.id ? -1 : 1)) };
    const target = sorted.machines[7]!;
    const shouted = association({ ...target, id: target.id.toUpperCase() }, "/subscriptions/x/providers/microsoft.insights/datacollectionrules/r");
    const withAssociation = { ...sorted, dataCollectionRuleAssociations: [shouted] };
    const lowerCase = jest.spyOn(String.prototype, "toLowerCase");
    let digests: string[];
    try {
      digests = machineDigests(withAssociation, planned.machines, wanted, index);
      expect(lowerCase.mock.calls.length).toBeLessThan(10);
    } finally {
      lowerCase.mockRestore();
    }
    const without = machineDigests(sorted, planned.machines, wanted, index);
    const at = planned.machines.findIndex((m) => m.id === target.id);
    expect(digests[at]).not.toBe(without[at]);
    expect(digests.filter((d, i) => d !== without[i])).toHaveLength(1);
  });

  it("walks a sorted inventory beside the plan's machines without looking an id up, and finds the rest of an unsorted one", () => {
    const inv = fleet(40);
    const planned = plan(AMA, inv);
    const wanted = new Uint8Array(planned.machines.length).fill(1);
    const index = machineIndexOf(planned.machines);
    let lookups = 0;
    const counted = (id: string) => {
      lookups++;
      return index(id);
    };
    const sorted = { ...inv, machines: [...inv.machines].sort((a, b) => (a.id < b.id ? -1 : 1)) };
    const walked = machineDigests(sorted, planned.machines, wanted, counted);
    expect(lookups).toBe(0);
    const shuffled = { ...inv, machines: [...sorted.machines].reverse() };
    expect(machineDigests(shuffled, planned.machines, wanted, counted)).toEqual(walked);
    expect(lookups).toBeGreaterThan(0);
    expect(walked.every((d) => /^[0-9a-f]{16}$/.test(d))).toBe(true);
  });

  it("finds a machine's index by id in a sorted plan and in an unsorted list", () => {
    const ids = ["/subscriptions/s/a", "/subscriptions/s/b", "/subscriptions/s/c"].map((id) => ({ id }));
    for (const list of [ids, [...ids].reverse()]) {
      const indexOf = machineIndexOf(list);
      for (const [i, m] of list.entries()) expect(indexOf(m.id)).toBe(i);
      expect(indexOf("/subscriptions/s/x")).toBe(-1);
    }
    // Ids asked in order some machines apart (a remediation's list), backwards, and absent ones between.
    const many = Array.from({ length: 1000 }, (_, i) => ({ id: `/subscriptions/s/vm-${String(i).padStart(4, "0")}` }));
    const indexOf = machineIndexOf(many);
    for (const i of [0, 3, 4, 9, 100, 101, 517, 999, 998, 5, 640]) expect(indexOf(many[i]!.id)).toBe(i);
    for (const i of [2, 700, 10]) expect(indexOf(`${many[i]!.id}a`)).toBe(-1);
    for (let i = 0; i < 1000; i += 7) expect(indexOf(many[i]!.id)).toBe(i);
  });

  it("a shared part that is a machine outside the plan is still found, whatever its case", () => {
    const inv = fleet(3);
    const other = inv.machines[1]!;
    const digests = sharedDigests(inv, new Set([other.id.toLowerCase(), "/subscriptions/none/x"]));
    expect(digests[other.id.toLowerCase()]).toMatch(/^[0-9a-f]{24}$/);
    expect(digests["/subscriptions/none/x"]).toBe("absent");
  });
});

describe("a machine's fingerprint", () => {
  it("can leave a top-level field out (a machine's id, which the basis compares itself), and only at the top", () => {
    const m = { id: "/subscriptions/s/x", osType: "Linux", tags: { id: "1" } };
    expect(fingerprintOf(m, "id")).toBe(fingerprintOf({ ...m, id: "/subscriptions/s/y" }, "id"));
    expect(fingerprintOf(m, "id")).not.toBe(fingerprintOf(m));
    expect(fingerprintOf(m, "id")).not.toBe(fingerprintOf({ ...m, tags: { id: "2" } }, "id"));
  });


  it("does not depend on the order of keys or of an array of objects, and changes with any value", () => {
    const m = { id: "/subscriptions/s/x", extensions: [{ type: "A", version: "1" }, { type: "B", version: "2" }], tags: { a: "1" }, n: 3, on: true, none: null };
    const reordered = { tags: { a: "1" }, none: null, on: true, n: 3, extensions: [{ version: "2", type: "B" }, { type: "A", version: "1" }], id: "/subscriptions/s/x" };
    expect(fingerprintOf(reordered)).toBe(fingerprintOf(m));
    expect(fingerprintOf({ ...m, skipped: undefined })).toBe(fingerprintOf(m));
    for (const changed of [{ ...m, n: 4 }, { ...m, on: false }, { ...m, none: "null" }, { ...m, tags: { a: "2" } }, { ...m, tags: { a: "1", b: "" } }, { ...m, extensions: m.extensions.slice(1) }]) {
      expect(fingerprintOf(changed)).not.toBe(fingerprintOf(m));
    }
    expect(fingerprintOf(["ab", "c"])).not.toBe(fingerprintOf(["a", "bc"]));
    // Two characters a round: an odd last one is not taken for a pair with a NUL.
    expect(fingerprintOf("a")).not.toBe(fingerprintOf("a\u0000"));
    expect(fingerprintOf(["a", "b"])).not.toBe(fingerprintOf(["b", "a"]));
    expect(fingerprintOf(m)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("is the same function of the state as the basis version 3 plans already saved hold (pinned values)", () => {
    // Values made at a9e64ab, before key orders were cached and arrays of objects fingerprinted without text:
    // a plan saved then is still applied (not refused as stale) by this build.
    const m = {
      id: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/vm1",
      kind: "vm",
      osType: "Linux",
      location: "eastus",
      powerState: "running",
      vmAgent: true,
      extensions: [{ publisher: "Microsoft.EnterpriseCloud.Monitoring", type: "OmsAgentForLinux", version: "1.13", workspaceCustomerId: "c1" }],
      agents: [{ kind: "scom", version: "2019" }, { kind: "direct", workspaceCustomerIds: ["b1", "b2"] }],
      tags: { env: "prod", ünï: 'x"y' },
      cores: 4,
      ratio: 1.5,
      gone: null,
    };
    expect(fingerprintOf(m)).toBe("e94419ddff685976");
    expect(fingerprintOf(m, "id")).toBe("9850d32dc8dbae70");
    expect(fingerprintOf({ machine: "abc", under: [{ id: "/x/y", a: 1 }] })).toBe("7a9630ce4bb39105");
    expect(digestOf(m)).toBe("951903c252380c6175096b86");
    expect(fingerprintOf([3, "a", null, true, false, {}, []])).toBe("1e6b5cb9e9c15bac");
  });

  it("sorts each key list once and is not misled by lists alike in length, order or number (more than it remembers)", () => {
    const a = { b: 1, a: 2 };
    const b = { a: 2, b: 1 };
    expect(sortedKeysOf(a)).toEqual(["a", "b"]);
    expect(sortedKeysOf({ b: 0, a: 0 })).toBe(sortedKeysOf(a)); // one sorted list for the key list
    expect(sortedKeysOf(b)).toEqual(["a", "b"]);
    expect(sortedKeysOf({ c: 1, a: 2 })).toEqual(["a", "c"]);
    // Many shapes, each seen again after the others: every answer is still the object's own keys, sorted.
    const shapes = Array.from({ length: 100 }, (_, i) => ({ [`k${99 - i}`]: 1, [`j${i}`]: 2, z: 3 }));
    for (let round = 0; round < 2; round++) for (const o of shapes) expect(sortedKeysOf(o)).toEqual(Object.keys(o).sort());
    expect(fingerprintOf(a)).toBe(fingerprintOf(b));
    expect(canonical({ z: { y: 1, x: [{ b: 1, a: 1 }] }, a: null })).toBe('{"a":null,"z":{"x":[{"a":1,"b":1}],"y":1}}');
  });

  it("orders an array of objects as their fingerprints' text does, whatever order they come in", () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ kind: `k${i}`, version: String(i % 7) }));
    const shuffled = [...items].reverse();
    shuffled.push(shuffled.shift()!);
    expect(fingerprintOf({ items: shuffled })).toBe(fingerprintOf({ items }));
    expect(fingerprintOf({ items: items.slice(1) })).not.toBe(fingerprintOf({ items }));
  });
});

describe("the overall digest hashed without joining the machines' digests", () => {
  it("is the digest of the joined string, for escaped characters, surrogate pairs and more parts than one chunk", () => {
    const shared = { "/subscriptions/s/w": "abc", "/x\"y": "absent" };
    const parts = Array.from({ length: 9000 }, (_, i) => (i % 1000 === 7 ? `q"\\\u0001\ud83d\ude00${i}` : i % 1000 === 8 ? `lone\ud800` : `${i.toString(16).padStart(24, "0")}`));
    for (const n of [0, 1, 4095, 4096, 4097, 9000]) {
      const some = parts.slice(0, n);
      expect(digestOfJoined({ shared }, "machines", some, ",")).toBe(digestOf({ shared, machines: some.join(",") }));
    }
    expect(digestOfJoined({ a: 1, z: [2] }, "m", ["x", "y"], ";")).toBe(digestOf({ a: 1, z: [2], m: "x;y" }));
  });
});
