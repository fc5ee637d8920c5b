/**
 * Issue 15 item 6 at scale: more machines to leave out of a Dependency-agent assignment than its
 * notScopes hold. The subscription's assignment leaves out whole resource groups instead, each
 * such group gets an assignment of its own (its roles and remediation there) that leaves out its
 * own machines, and only groups that still exceed the limit, or the subscription's room for role
 * assignments, are installed machine by machine. No left-alone machine is ever reached.
 */
import { plan, simulate, stepsOf, type Plan } from "../../src/core";
import { NOT_SCOPES_LIMIT } from "../../src/capabilities/extension-policies";
import type { Inventory, InventoryMachine } from "../../src/inventory/schema";
import { SUB, inventory, machine, spec } from "../helpers/fixtures";

const ext = { dependencyAgent: { windows: true } };
const SETTINGS = spec({}, ext);
const group = (name: string) => `/subscriptions/${SUB}/resourceGroups/${name}`;
const SUB_ASSIGNMENT = `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/asc-dependency-agent-windows`;
const assignmentAt = (scope: string) => `${scope}/providers/Microsoft.Authorization/policyAssignments/asc-dependency-agent-windows`;

function vm(rg: string, name: string, extra: Partial<InventoryMachine> = {}): InventoryMachine {
  return { ...machine(name, extra), id: `${group(rg)}/providers/Microsoft.Compute/virtualMachines/${name}` };
}
const scom2012 = (rg: string, n: number) => Array.from({ length: n }, (_, i) => vm(rg, `${rg}-scom-${i}`, { agents: [{ kind: "scom", version: "2012" }] }));

/** Every machine a remediation or an install of this plan reaches. */
function reached(p: Plan): string[] {
  return [...stepsOf(p, "create-remediation").flatMap((s) => s.details.resourceIds), ...stepsOf(p, "install-extension").map((s) => s.details.machineId)];
}

/** The plan converges: simulated, the next plan has nothing to do, and no left-alone machine got the agent. */
function expectConverges(p: Plan, inv: Inventory, leftAlone: readonly InventoryMachine[]): void {
  const after = simulate(p, inv);
  expect(plan(SETTINGS, after).steps).toEqual([]);
  const ids = new Set(leftAlone.map((m) => m.id));
  for (const m of after.machines) if (ids.has(m.id)) expect(m.extensions?.some((e) => e.type === "DependencyAgentWindows") ?? false).toBe(false);
}

describe("left-alone machines over the notScopes limit: assignments by resource group", () => {
  it("leaves the largest group out whole and gives it its own assignment, roles and remediation at the group; no per-machine install", () => {
    const legacy = scom2012("rg-legacy", 300);
    const big = scom2012("rg-big", 150);
    const needing = [vm("rg-legacy", "legacy-plain-1"), vm("rg-legacy", "legacy-plain-2"), vm("rg-big", "big-plain"), machine("prod-plain")];
    const inv = inventory({ machines: [...legacy, ...big, ...needing] });
    const p = plan(SETTINGS, inv);
    const assigns = stepsOf(p, "assign-policy");
    expect(assigns.map((s) => s.target).sort()).toEqual([assignmentAt(group("rg-legacy")), SUB_ASSIGNMENT].sort());
    const [atSub] = assigns.filter((s) => s.target === SUB_ASSIGNMENT);
    expect(atSub!.details.notScopes).toEqual([...big.map((m) => m.id), group("rg-legacy")].sort());
    expect(atSub!.details.notScopes!.length).toBeLessThanOrEqual(NOT_SCOPES_LIMIT);
    const [atGroup] = assigns.filter((s) => s.target !== SUB_ASSIGNMENT);
    expect(atGroup!.details).toMatchObject({ scope: group("rg-legacy"), notScopes: legacy.map((m) => m.id).sort() });
    // Its role at the group, to its identity; its remediation at the group, after the role.
    const roles = stepsOf(p, "grant-role");
    const groupRole = roles.find((r) => r.details.policyAssignmentId === atGroup!.target)!;
    expect(groupRole.details.scope).toBe(group("rg-legacy"));
    expect(groupRole.dependsOn).toEqual([atGroup!.id]);
    const remediations = stepsOf(p, "create-remediation");
    const groupTask = remediations.find((r) => r.details.policyAssignmentId === atGroup!.target)!;
    expect(groupTask.details.scope).toBe(group("rg-legacy"));
    expect(groupTask.target.startsWith(`${group("rg-legacy")}/providers/Microsoft.PolicyInsights/remediations/`)).toBe(true);
    expect(groupTask.details.resourceIds).toEqual([needing[0]!.id, needing[1]!.id]);
    expect(groupTask.dependsOn).toEqual(expect.arrayContaining([atGroup!.id, groupRole.id]));
    const subTask = remediations.find((r) => r.details.policyAssignmentId === SUB_ASSIGNMENT)!;
    expect(subTask.details.resourceIds).toEqual([needing[2]!.id, needing[3]!.id]);
    expect(stepsOf(p, "install-extension").filter((s) => s.details.type === "DependencyAgentWindows")).toEqual([]);
    expect(p.findings).toContainEqual(expect.objectContaining({ severity: "info", code: "policy-by-resource-group", target: SUB_ASSIGNMENT }));
    expect(reached(p).filter((id) => [...legacy, ...big].some((m) => m.id === id))).toEqual([]);
    expectConverges(p, inv, [...legacy, ...big]);
  });

  it("a group with more left-alone machines than an assignment holds is left out whole and installed machine by machine, with a warning", () => {
    const huge = scom2012("rg-huge", NOT_SCOPES_LIMIT + 1);
    const needing = [vm("rg-huge", "huge-plain"), machine("prod-plain")];
    const inv = inventory({ machines: [...huge, ...needing] });
    const p = plan(SETTINGS, inv);
    expect(stepsOf(p, "assign-policy").map((s) => [s.target, s.details.notScopes])).toEqual([[SUB_ASSIGNMENT, [group("rg-huge")]]]);
    expect(stepsOf(p, "install-extension").filter((s) => s.details.type === "DependencyAgentWindows").map((s) => s.details.machineId)).toEqual([needing[0]!.id]);
    expect(stepsOf(p, "create-remediation").flatMap((s) => s.details.resourceIds)).toEqual([needing[1]!.id]);
    const finding = p.findings.find((f) => f.code === "policy-by-resource-group")!;
    expect(finding.severity).toBe("warning");
    expect(finding.message).toContain(`1 with more than ${NOT_SCOPES_LIMIT} machines to leave out: ${group("rg-huge")}`);
    expect(reached(p).filter((id) => huge.some((m) => m.id === id))).toEqual([]);
    expectConverges(p, inv, huge);
  });

  it("no more group assignments than the subscription's 4,000 role assignments leave room for: the rest are installed machine by machine", () => {
    const legacy = scom2012("rg-legacy", 300);
    const big = scom2012("rg-big", 150);
    const needing = [vm("rg-legacy", "legacy-plain"), vm("rg-big", "big-plain")];
    // Someone else's role assignments fill the subscription but for the one its own assignment
    // needs (at 4,000 that one is refused too since limits11: test/reconcile/limits.rules.test.ts).
    const others = Array.from({ length: 3999 }, (_, i) => ({
      id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/other-${i}`,
      principalId: `0000${String(i).padStart(4, "0")}-0000-4000-8000-000000000000`,
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
      scope: `/subscriptions/${SUB}`,
    }));
    const inv = inventory({ machines: [...legacy, ...big, ...needing], roleAssignments: others });
    const p = plan(SETTINGS, inv);
    expect(stepsOf(p, "assign-policy").map((s) => s.target)).toEqual([SUB_ASSIGNMENT]);
    expect(stepsOf(p, "install-extension").filter((s) => s.details.type === "DependencyAgentWindows").map((s) => s.details.machineId)).toEqual([needing[0]!.id]);
    expect(p.findings.find((f) => f.code === "policy-by-resource-group")!.message).toContain("1 beyond the subscription's room for role assignments, 4000 at most");
  });

  it("when the room binds, the groups that have an assignment keep it: the layout converges and stays", () => {
    const [a, b, c] = [scom2012("rg-a", 200), scom2012("rg-b", 200), scom2012("rg-c", 200)];
    // rg-a and rg-b are left out whole; room for one group assignment (3,998 others, the subscription's own grant).
    const needing = [vm("rg-a", "a-plain"), vm("rg-b", "b-plain-1"), vm("rg-b", "b-plain-2")];
    const others = Array.from({ length: 3998 }, (_, i) => ({
      id: `/subscriptions/${SUB}/resourceGroups/rg-apps/providers/Microsoft.Authorization/roleAssignments/other-${i}`,
      principalId: `0000${String(i).padStart(4, "0")}-0000-4000-8000-000000000000`,
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
      scope: `/subscriptions/${SUB}/resourceGroups/rg-apps`,
    }));
    const inv = inventory({ machines: [...a, ...b, ...c, ...needing], roleAssignments: others });
    const p = plan(SETTINGS, inv);
    // rg-b needs more: it gets the assignment, rg-a is installed machine by machine.
    expect(stepsOf(p, "assign-policy").map((s) => s.target).sort()).toEqual([assignmentAt(group("rg-b")), SUB_ASSIGNMENT].sort());
    expect(stepsOf(p, "install-extension").filter((s) => s.details.type === "DependencyAgentWindows").map((s) => s.details.machineId)).toEqual([needing[0]!.id]);
    expectConverges(p, inv, [...a, ...b, ...c]);
  });

  it("back under the limit, the group's assignment goes and the subscription's lists the machines again", () => {
    const legacy = scom2012("rg-legacy", 300);
    const big = scom2012("rg-big", 150);
    const inv = inventory({ machines: [...legacy, ...big, vm("rg-legacy", "legacy-plain")] });
    const converged = simulate(plan(SETTINGS, inv), inv);
    expect(converged.policyAssignments.map((a) => a.id).sort()).toEqual([assignmentAt(group("rg-legacy")), SUB_ASSIGNMENT].sort());
    // rg-big's machines get a newer Operations Manager: 300 left alone, which one assignment holds.
    const fewer = { ...converged, machines: converged.machines.map((m) => (m.id.includes("/rg-big/") ? { ...m, agents: [{ kind: "scom" as const, version: "2019" }] } : m)) };
    const p = plan(SETTINGS, fewer);
    expect(stepsOf(p, "unassign-policy").map((s) => s.target)).toEqual([assignmentAt(group("rg-legacy"))]);
    expect(stepsOf(p, "set-policy-not-scopes")[0]!.details).toMatchObject({ notScopes: legacy.map((m) => m.id).sort(), removed: [group("rg-legacy"), ...big.map((m) => m.id)].sort() });
  });
});
