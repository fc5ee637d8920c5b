/**
 * A plan's machine steps are kept compact in memory (src/core/kernel/compact.ts): each holds its
 * machine's id and a shape shared by every machine planned alike, and still reads, serialises and
 * compares as the plain step of the contract.
 */
import { plan, renderPlan, type AnyStep } from "../../src/core";
import { compactRecordOf, PlanBuilder, ShapeSlots, type PlanOf } from "../../src/core/kernel";
import { inventory, machine, spec } from "../helpers/fixtures";

type AnyPlan = PlanOf<AnyStep, string>;

/** `n` machines without an agent (each gets its install steps), over two regions and both OSes. */
function fleetPlan(n: number, agent: "mma" | "ama" = "ama"): AnyPlan {
  const machines = Array.from({ length: n }, (_, i) =>
    machine(`vm-${String(i).padStart(5, "0")}`, { location: i % 2 ? "westeurope" : "eastus", osType: i % 3 ? "Windows" : "Linux" }),
  );
  return plan(spec({ workspace: "default", agent }), inventory({ machines })) as unknown as AnyPlan;
}

/** The step as a plain object, field by field (what the contract has). */
function plain(s: AnyStep): AnyStep {
  return JSON.parse(JSON.stringify({ id: s.id, action: s.action, target: s.target, dependsOn: s.dependsOn, details: s.details })) as AnyStep;
}

describe("compact machine steps", () => {
  it.each(["mma", "ama"] as const)("agent %s: every machine's step is compact and a thousand machines share a handful of shapes", (agent) => {
    const p = fleetPlan(1000, agent);
    const machineSteps = p.steps.filter((s) => typeof (s.details as { machineId?: unknown }).machineId === "string");
    expect(machineSteps.length).toBeGreaterThanOrEqual(1000);
    const shapes = new Set(machineSteps.map((s) => compactRecordOf(s)?.shape));
    expect(shapes.has(undefined)).toBe(false);
    expect(shapes.size).toBeLessThanOrEqual(12);
  });

  it("reads, serialises, spreads and compares as the plain step", () => {
    const p = fleetPlan(6);
    const s = p.steps.find((x) => compactRecordOf(x) !== undefined)!;
    const flat = plain(s);
    expect(Object.keys(s)).toEqual(["id", "action", "target", "dependsOn", "details"]);
    expect(JSON.stringify(s)).toBe(JSON.stringify(flat));
    expect(s).toEqual(flat);
    expect({ ...s }).toEqual(flat);
    expect(s.id).toBe(`${s.action}:${s.target}`);
    expect("details" in s && Object.prototype.hasOwnProperty.call(s, "target")).toBe(true);
    expect(String(s)).toBe("[object Object]");
  });

  it("is read-only", () => {
    const s = fleetPlan(3).steps.find((x) => compactRecordOf(x) !== undefined)!;
    expect(() => {
      (s as { target: string }).target = "elsewhere";
    }).toThrow(TypeError);
    (s.details as { name: string }).name = "changed"; // a copy: the shared shape is untouched
    expect((s.details as { name: string }).name).not.toBe("changed");
  });

  it("keeps a step plain when its details are nested or name no machine", () => {
    const b = new PlanBuilder<Record<string, unknown>>();
    b.addUnique("nested", "/m/1/x", { machineId: "/m/1", from: { tier: "Free" } });
    b.addUnique("no-machine", "/m/2/x", { name: "x" });
    b.addUnique("other-target", "/elsewhere", { machineId: "/m/3" });
    b.addUnique("flat", "/m/4/x", { machineId: "/m/4", tier: "Free" }, ["dep"]);
    const { steps } = b.build();
    expect(steps.map((s) => compactRecordOf(s) !== undefined)).toEqual([false, false, false, true]);
    expect(steps[3]).toEqual({ id: "flat:/m/4/x", action: "flat", target: "/m/4/x", dependsOn: ["dep"], details: { machineId: "/m/4", tier: "Free" } });
  });

  it.each(["json", "ndjson"] as const)("writes the same %s plan file as its plain steps would", (format) => {
    const p = fleetPlan(300);
    // A step whose dependsOn names its machine's own step, and one whose details name another machine.
    const [a, b] = [p.machines[0]!.id, p.machines[1]!.id];
    const builder = new PlanBuilder<Record<string, unknown>>();
    const first = builder.addUnique("enable-identity", a, { machineId: a, identityType: "SystemAssigned" });
    builder.addUnique("install-extension", `${a}/extensions/X`, { machineId: a, name: "X", peer: b }, [first]);
    builder.addUnique("install-extension", `${b}/extensions/X`, { machineId: b, name: "X", peer: b }, [first]);
    const odd = { ...p, steps: [...p.steps, ...builder.build().steps] } as AnyPlan;
    const plainPlan = { ...odd, steps: odd.steps.map(plain) };
    expect(odd.steps.some((s) => compactRecordOf(s) !== undefined)).toBe(true);
    expect(renderPlan(odd, format)).toBe(renderPlan(plainPlan, format));
  });

  it("gives steps added through a shape slot the slot's shape, found once, and refuses a slot that misses a value", () => {
    const b = new PlanBuilder<Record<string, unknown>>();
    const slots = new ShapeSlots(1);
    const west = slots.slot("westeurope");
    b.addUnique("install", "/m/1/x", { machineId: "/m/1", location: "westeurope" }, undefined, west);
    b.addUnique("install", "/m/2/x", { machineId: "/m/2", location: "westeurope" }, ["dep"], west);
    b.addUnique("install", "/m/3/x", { machineId: "/m/3", location: "eastus" }, undefined, slots.slot("eastus"));
    const { steps, actions } = b.build();
    expect(steps[1]).toEqual({ id: "install:/m/2/x", action: "install", target: "/m/2/x", dependsOn: ["dep"], details: { machineId: "/m/2", location: "westeurope" } });
    expect(compactRecordOf(steps[0]!)?.shape).toBe(compactRecordOf(steps[1]!)?.shape);
    expect(compactRecordOf(steps[2]!)?.shape).not.toBe(compactRecordOf(steps[1]!)?.shape);
    expect(Object.fromEntries(actions)).toEqual({ install: 3 });
    // A slot keyed by nothing, used for two regions: the second step's details are not the slot's.
    const careless = slots.slot("any");
    b.addUnique("install", "/m/4/x", { machineId: "/m/4", location: "westeurope" }, undefined, careless);
    expect(() => b.addUnique("install", "/m/5/x", { machineId: "/m/5", location: "eastus" }, undefined, careless)).toThrow(/slot's key misses a value/);
  });
});
