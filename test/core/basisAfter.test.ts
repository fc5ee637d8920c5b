/**
 * A saved plan's after-digests (src/core/basis/after.ts): for each shared part its steps change,
 * the part's digest once they succeeded. `apply --plan` takes a part changed to exactly that as
 * done (its steps are not sent), a part changed to anything else as stale, as before.
 */
import { basisOf, checkBasis, joinPieces, parsePlan, plan, planPieces, PlanFileChangedError, simulate, type AnyPlanBasis, type PlanBasis } from "../../src/core";
import { sharedDigests } from "../../src/core/basis/state";
import type { Inventory, InventoryMachine } from "../../src/inventory";
import { defaultWorkspace, inventory, machine, spec, SUB, SUB2 } from "../helpers/fixtures";

/** Defender on and the default workspaces: a pricing step per subscription, and the machines' installs. */
const SPEC = spec({ agent: "mma", workspace: "default", defender: true }, { dependencyAgent: { windows: true, linux: true } }, [SUB, SUB2]);

function fleet(): Inventory {
  const machines: InventoryMachine[] = Array.from({ length: 12 }, (_, i) => machine(`vm-${String(i).padStart(3, "0")}`, { osType: i % 3 ? "Windows" : "Linux", location: "eastus" }, i % 2 ? SUB : SUB2));
  const inv = inventory({ machines, workspaces: [defaultWorkspace("EUS", "c-eus", "eastus"), defaultWorkspace("EUS", "c-eus2", "eastus", SUB2)] }, "2020-01-01", [SUB, SUB2]);
  // Defender for Servers off everywhere: the plan turns it on.
  for (const s of [SUB, SUB2]) inv.settings[s] = { ...inv.settings[s]!, pricingTier: "Free" };
  return inv;
}

/** The plan and its basis as `apply --plan` reads them back from the file. */
function saved(inv: Inventory) {
  const planned = plan(SPEC, inv);
  const read = parsePlan(joinPieces(planPieces(planned, "json", { meta: { basis: basisOf(SPEC, inv, planned) } })));
  return { planned, basis: read.meta.basis as PlanBasis, plan: read.plan };
}

const sub = (s: string) => `/subscriptions/${s}`.toLowerCase();
/** The live state once something else (a `pulumi up`) set a subscription's pricing. */
const withPricing = (inv: Inventory, s: string, pricingTier: "Standard" | "Free") => ({ ...inv, settings: { ...inv.settings, [s]: { ...inv.settings[s]!, pricingTier } } });

describe("the after-digests of a saved plan's shared parts", () => {
  const inv = fleet();
  const { planned, basis, plan: read } = saved(inv);
  const pricingSteps = read.steps.flatMap((s, i) => (s.action === "set-pricing" ? [i] : []));

  it("are kept for the parts the steps change, with those steps, and only there", () => {
    expect(pricingSteps).toHaveLength(2);
    const after = basis.sharedAfter!;
    expect(Object.keys(after)).toEqual(expect.arrayContaining([sub(SUB), sub(SUB2)]));
    expect(after[sub(SUB)]!.steps).toEqual([pricingSteps.find((i) => (read.steps[i]!.details as { subscriptionId: string }).subscriptionId === SUB)]);
    for (const [id, part] of Object.entries(after)) expect(part.digest).not.toBe(basis.shared[id]);
    // Every change has its steps, also where a step's target is not the part (a solution on its workspace).
    for (const [id, part] of Object.entries(after)) expect([id, part.steps.length > 0]).toEqual([id, true]);
    const solutions = read.steps.flatMap((s, i) => (s.action === "install-solution" ? [{ i, ws: (s.details as { workspaceId: string }).workspaceId.toLowerCase() }] : []));
    expect(solutions.length).toBeGreaterThan(0);
    for (const { i, ws } of solutions) expect(after[ws]?.steps).toContain(i);
    // The digests the whole plan's simulation gives those parts (machines' steps included): the same.
    const simulated = sharedDigests(simulate(planned, inv), new Set(Object.keys(basis.shared)));
    for (const id of Object.keys(basis.shared)) expect([id, after[id]?.digest ?? basis.shared[id]]).toEqual([id, simulated[id]]);
  });

  it("are covered by the plan file's digest: a file whose after-digest was edited is refused", () => {
    const text = joinPieces(planPieces(planned, "json", { meta: { basis: basisOf(SPEC, inv, planned) } }));
    const digest = basis.sharedAfter![sub(SUB)]!.digest;
    expect(text).toContain(digest);
    const edited = text.replace(digest, digest.replace(/^./, (c) => (c === "0" ? "1" : "0")));
    expect(() => parsePlan(edited, "p")).toThrow(PlanFileChangedError);
  });

  it("nothing changed: the plan holds, nothing is as planned", () => {
    expect(checkBasis(basis, inv, read)).toEqual({ changes: [], asPlanned: [], doneSteps: [] });
  });

  it("a subscription's pricing changed to what the plan sets: as planned, its pricing step done, the rest sent", () => {
    const check = checkBasis(basis, withPricing(inv, SUB, "Standard"), read);
    expect(check.changes).toEqual([]);
    expect(check.asPlanned).toEqual([sub(SUB)]);
    expect(check.doneSteps).toEqual(basis.sharedAfter![sub(SUB)]!.steps);
    expect(check.doneSteps).toHaveLength(1);
    expect(read.steps[check.doneSteps[0]!]!.action).toBe("set-pricing");
  });

  it("changed to anything else: stale, as before", () => {
    const other = withPricing(inv, SUB, "Standard");
    other.settings[SUB] = { ...other.settings[SUB]!, workspaceId: "/subscriptions/x/resourceGroups/r/providers/Microsoft.OperationalInsights/workspaces/w" };
    expect(checkBasis(basis, other, read)).toEqual({ changes: [{ id: sub(SUB), change: "changed" }], asPlanned: [], doneSteps: [] });
  });

  it("a basis written before (no after-digests) takes the same change as stale", () => {
    const { sharedAfter: _, ...before } = basis;
    const old: AnyPlanBasis = before;
    expect(checkBasis(old, withPricing(inv, SUB, "Standard"), read)).toEqual({ changes: [{ id: sub(SUB), change: "changed" }], asPlanned: [], doneSteps: [] });
  });

  it("a step that changes a part as planned and one that is not is not done", () => {
    const i = pricingSteps[0]!;
    const [a, b] = [sub(SUB), sub(SUB2)];
    const shared = { ...basis.sharedAfter!, [a]: { ...basis.sharedAfter![a]!, steps: [i] }, [b]: { ...basis.sharedAfter![b]!, steps: [i] } };
    const check = checkBasis({ ...basis, sharedAfter: shared }, withPricing(inv, SUB, "Standard"), read);
    expect(check.asPlanned).toEqual([a]);
    expect(check.doneSteps).toEqual([]);
  });

  it("are of shared parts only, changed by steps on no one machine: a machine's steps are not simulated", () => {
    const machineIds = new Set(planned.machines.map((m) => m.id.toLowerCase()));
    const listed = new Set(Object.values(basis.sharedAfter!).flatMap((p) => p.steps));
    for (const id of Object.keys(basis.sharedAfter!)) expect([id, Object.hasOwn(basis.shared, id), machineIds.has(id)]).toEqual([id, true, false]);
    for (const i of listed) expect(read.steps[i]!.details).not.toHaveProperty("machineId");
    expect(read.steps.some((s, i) => !listed.has(i) && (s.details as { machineId?: string }).machineId)).toBe(true);
  });

  it("no step on a shared part, no after-digest: the basis is as before", () => {
    const on = fleet();
    for (const s of [SUB, SUB2]) on.settings[s] = { ...on.settings[s]!, pricingTier: "Standard" };
    const machinesOnly = spec({ agent: "mma", workspace: "default", defender: true }, {}, [SUB, SUB2]);
    on.workspaces = on.workspaces.map((w) => ({ ...w, solutions: ["SecurityCenterFree", "Security"] }));
    const p = plan(machinesOnly, on);
    expect(p.steps.length).toBeGreaterThan(0);
    expect(p.steps.every((s) => (s.details as { machineId?: string }).machineId)).toBe(true);
    expect(basisOf(machinesOnly, on, p).sharedAfter).toBeUndefined();
  });
});
