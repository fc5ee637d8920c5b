/**
 * A simulated apply is the apply on the emulator: a spec that turns a Deploy-if-not-exists toggle
 * off removes the policy assignment and, as the unassign-policy handler does against ARM, the role
 * assignments of its identity. The simulation kept them, so the plan that followed it counted
 * role assignments ARM no longer had (here: a subscription at Azure's 4,000 limit looked full).
 */
import { applyPlan } from "../../src/azure";
import { readInventoryFor } from "../../src/azure/inventory";
import { plan, simulate, stepsOf } from "../../src/core";
import { ROLE_ASSIGNMENTS_PER_SUBSCRIPTION } from "../../src/capabilities/extension-policies/limits";
import { subscriptionOf } from "../../src/inventory/ids";
import type { Inventory, InventoryRoleAssignment } from "../../src/inventory/schema";
import { loadSpecFile } from "../../src/spec/load";
import { parseSpec } from "../../src/spec/validate";
import { startLab, type Lab } from "./helpers";

jest.setTimeout(240_000);

const WINDOWS_ASSIGNMENT = "asc-dependency-agent-windows";

/** The role assignments as (principal, role, scope), lower case and sorted: ids and order aside. */
const roles = (inv: Inventory) => inv.roleAssignments.map((r) => `${r.principalId}|${r.roleDefinitionId}|${r.scope}`.toLowerCase()).sort();

/** Someone else's Reader role assignments at the subscription's groups. */
const othersRoles = (sub: string, n: number): InventoryRoleAssignment[] =>
  Array.from({ length: n }, (_, i) => {
    const scope = `/subscriptions/${sub}/resourceGroups/rg-others-${i % 50}`;
    return { id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${String(i).padStart(8, "0")}-0000-4000-8000-000000000000`, principalId: `user-${i}`, roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7", scope };
  });

describe("unassign-policy: the simulation does what the apply does", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(12, { extensions: { kubernetesPolicyAddon: false, dependencyAgent: { windows: true, linux: true } } }, 7);
  });
  afterAll(() => lab?.emu.stop());

  it("a toggle turned off: simulate-then-plan is apply-then-plan, the identity's roles gone in both", async () => {
    const on = loadSpecFile(lab.specPath);
    const sub = on.subscriptions[0]!;
    const first = await applyPlan(lab.conn, plan(on, await readInventoryFor(lab.conn, on)), { concurrency: 8, pollIntervalMs: 10 });
    expect(first.counts.failed).toBe(0);

    const off = parseSpec({ ...structuredClone(on), extensions: { ...on.extensions, dependencyAgent: { windows: false, linux: true } } });
    const before = await readInventoryFor(lab.conn, off);
    const windows = before.policyAssignments.find((a) => a.name === WINDOWS_ASSIGNMENT && a.scope === `/subscriptions/${sub}`)!;
    const itsRoles = before.roleAssignments.filter((r) => r.principalId === windows.identityPrincipalId);
    expect(itsRoles.length).toBeGreaterThan(0);
    const removal = plan(off, before);
    expect(stepsOf(removal, "unassign-policy").map((s) => s.target)).toEqual(before.policyAssignments.filter((a) => a.name === WINDOWS_ASSIGNMENT).map((a) => a.id));

    const simulated = simulate(removal, before);
    const applied = await applyPlan(lab.conn, removal, { concurrency: 8, pollIntervalMs: 10 });
    expect(applied.counts.failed).toBe(0);
    const real = await readInventoryFor(lab.conn, off);

    expect(real.roleAssignments.filter((r) => r.principalId === windows.identityPrincipalId)).toEqual([]);
    expect(roles(simulated)).toEqual(roles(real));
    expect(plan(off, simulated).steps).toEqual(plan(off, real).steps);

    // Others fill the subscription to Azure's limit less one, as the emulator counts it: turning
    // Windows on again fits (one role), from the simulation as from the emulator.
    const fill = (inv: Inventory): Inventory => ({ ...inv, roleAssignments: [...inv.roleAssignments, ...othersRoles(sub, ROLE_ASSIGNMENTS_PER_SUBSCRIPTION - 1 - real.roleAssignments.filter((r) => subscriptionOf(r.scope) === sub.toLowerCase()).length)] });
    const fromReal = plan(on, fill(real));
    const fromSimulated = plan(on, fill(simulated));
    expect(fromReal.findings.filter((f) => f.code.endsWith("-over-limit"))).toEqual([]);
    expect(stepsOf(fromReal, "assign-policy").filter((s) => s.details.subscriptionId === sub).map((s) => s.details.name)).toEqual([WINDOWS_ASSIGNMENT]);
    expect(fromSimulated.findings).toEqual(fromReal.findings);
    expect(fromSimulated.steps).toEqual(fromReal.steps);
  });
});
