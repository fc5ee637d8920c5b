/**
 * A user deletes this tool's policy assignment by hand (the portal, az): Azure keeps its role
 * grants, orphaned ("Identity not found"). The assignment the next apply creates has a new
 * identity, and the grant's name (a GUID of the assignment id and the role) is the orphan's: a PUT
 * of it with the new principal is RoleAssignmentUpdateNotPermitted. The plan replaces the orphan,
 * so the apply converges and the plan after it is empty.
 */
import { join } from "node:path";
import { PolicyClient } from "@azure/arm-policy";
import { applyPlan } from "../../src/azure";
import { readInventoryFor } from "../../src/azure/inventory";
import { plan, stepsOf } from "../../src/core";
import { loadSpecFile } from "../../src/spec/load";
import { runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(240_000);

const WINDOWS_ASSIGNMENT = "asc-dependency-agent-windows";

describe("a policy assignment deleted by hand", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(8, { extensions: { kubernetesPolicyAddon: false, dependencyAgent: { windows: true, linux: false } } }, 7);
  });
  afterAll(() => lab?.emu.stop());

  it("is created again with its role grants (the orphans replaced) and the next plan is empty", async () => {
    const spec = loadSpecFile(lab.specPath);
    const sub = spec.subscriptions[0]!;
    const first = await applyPlan(lab.conn, plan(spec, await readInventoryFor(lab.conn, spec)), { concurrency: 8, pollIntervalMs: 10 });
    expect(first.counts.failed).toBe(0);

    const before = await readInventoryFor(lab.conn, spec);
    const old = before.policyAssignments.find((a) => a.name === WINDOWS_ASSIGNMENT && a.scope === `/subscriptions/${sub}`)!;
    const oldGrants = before.roleAssignments.filter((r) => r.principalId === old.identityPrincipalId);
    expect(oldGrants.length).toBeGreaterThan(0);

    // As a user in the portal: the assignment only; its grants stay behind.
    await new PolicyClient(lab.emu.credential(), sub, lab.emu.clientOptions()).policyAssignments.delete(old.scope, WINDOWS_ASSIGNMENT);
    const orphaned = await readInventoryFor(lab.conn, spec);
    expect(orphaned.policyAssignments.some((a) => a.id === old.id)).toBe(false);
    expect(orphaned.roleAssignments.filter((r) => r.principalId === old.identityPrincipalId).map((r) => r.id).sort()).toEqual(oldGrants.map((r) => r.id).sort());

    // The plan says what happens: the assignment again, and each grant replacing the orphan of its name.
    const again = plan(spec, orphaned);
    const grants = stepsOf(again, "grant-role").filter((s) => s.details.policyAssignmentId === old.id);
    expect(grants.map((s) => s.target).sort()).toEqual(oldGrants.map((r) => r.id).sort());
    for (const g of grants) expect(g.details.replacesPrincipalId).toBe(old.identityPrincipalId);

    const applied = await applyPlan(lab.conn, again, { concurrency: 8, pollIntervalMs: 10 });
    expect(applied.counts.failed).toBe(0);

    const after = await readInventoryFor(lab.conn, spec);
    const recreated = after.policyAssignments.find((a) => a.id === old.id)!;
    expect(recreated.identityPrincipalId).not.toBe(old.identityPrincipalId);
    expect(after.roleAssignments.filter((r) => r.principalId === old.identityPrincipalId)).toEqual([]);
    expect(after.roleAssignments.filter((r) => r.principalId === recreated.identityPrincipalId).map((r) => r.id).sort()).toEqual(oldGrants.map((r) => r.id).sort());
    expect(plan(spec, after).steps).toEqual([]);
  });

  it("deleted again: the CLI's plan shows the replacement, one round of reconcile converges, and its next plan is 0 steps", async () => {
    const spec = loadSpecFile(lab.specPath);
    const sub = spec.subscriptions[0]!;
    const before = await readInventoryFor(lab.conn, spec);
    const old = before.policyAssignments.find((a) => a.name === WINDOWS_ASSIGNMENT && a.scope === `/subscriptions/${sub}`)!;
    await new PolicyClient(lab.emu.credential(), sub, lab.emu.clientOptions()).policyAssignments.delete(old.scope, WINDOWS_ASSIGNMENT);

    const shown = runCli(lab, ["plan", "--spec", lab.specPath]);
    expect(await shown.exit).toBe(2); // changes pending
    expect(shown.stdout()).toContain(`(replaces its grant to the deleted identity ${old.identityPrincipalId})`);

    const round = runCli(lab, ["reconcile", "--spec", lab.specPath, "--state", join(lab.dir, "state-reconcile"), "--max-writes-per-second", "500"]);
    expect(await round.exit).toBe(0);
    // The assignment and its grant; the ARM writes: the assignment, the orphan's delete, the grant.
    expect(round.stdout()).toContain("Apply: 2 applied. ARM write requests: 3.");

    const after = await readInventoryFor(lab.conn, spec);
    expect(after.roleAssignments.filter((r) => r.principalId === old.identityPrincipalId)).toEqual([]);
    const again = runCli(lab, ["plan", "--spec", lab.specPath, "--format", "json"]);
    expect(await again.exit).toBe(0);
    expect(JSON.parse(again.stdout()).steps).toEqual([]);
  });
});
