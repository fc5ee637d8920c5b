/**
 * Least privilege (issue "Reliability and security"): after an apply, every role assignment this
 * tool made is for a role the policy definition of its assignment lists, at that assignment's
 * scope, for that assignment's identity. Any other role, principal or wider scope fails the test.
 * (The emulator's refusal of requests without a token or with another tenant's token is tested in
 * test/emulator/auth.test.ts.)
 */
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { PolicyClient } from "@azure/arm-policy";
import { LEGACY_AGENT_POLICIES } from "../../src/spec/legacyPolicies";
import { SEED_POLICIES, SEED_POLICY_KEYS } from "../../src/spec/policies";
import { applyArgs, runCli, startLab, type Lab } from "../e2e/helpers";

jest.setTimeout(180_000);

let lab: Lab;
beforeAll(async () => {
  lab = await startLab(200, {}, 71);
});
afterAll(() => lab?.emu.stop());

/** Roles each built-in definition lists (its policyRule.then.details.roleDefinitionIds), by definition GUID. */
const ROLES_BY_DEFINITION = new Map<string, string[]>([
  ...SEED_POLICY_KEYS.map((k) => [SEED_POLICIES[k].definitionName, SEED_POLICIES[k].roles.map((r) => r.id)] as [string, string[]]),
  ...Object.values(LEGACY_AGENT_POLICIES).map((p) => [p.definitionName, p.roles.map((r) => r.id)] as [string, string[]]),
]);

it("grants only the roles the definitions list, at the assignment's scope, to its identity", async () => {
  // Delegation on, so the Log Analytics agent's own policy is assigned (and removed) too.
  const run = runCli(lab, [...applyArgs(lab), "--delegate-above", "2"]);
  expect(await run.exit).toBe(0);
  let checked = 0;
  for (const sub of lab.emu.subscriptionIds) {
    const auth = new AuthorizationManagementClient(lab.emu.credential(), sub, lab.emu.clientOptions());
    const policy = new PolicyClient(lab.emu.credential(), sub, lab.emu.clientOptions());
    const assignments = new Map<string, { scope: string; definition: string }>();
    for await (const a of policy.policyAssignments.list()) {
      if (a.identity?.principalId) assignments.set(a.identity.principalId, { scope: a.scope!, definition: a.policyDefinitionId!.split("/").pop()! });
    }
    // Ours are the assignments' identities; the emulator's dev principal makes no role assignments of its own.
    for await (const ra of auth.roleAssignments.listForSubscription()) {
      const owner = assignments.get(ra.principalId!);
      // Every role assignment belongs to a live assignment's identity: the delegation's assignments
      // were removed with their roles, so none is orphaned.
      expect(owner).toBeDefined();
      if (!owner) continue;
      expect(ROLES_BY_DEFINITION.get(owner.definition)).toContain(ra.roleDefinitionId!.split("/").pop());
      expect(ra.scope!.toLowerCase()).toBe(owner.scope.toLowerCase());
      expect(ra.roleDefinitionId!.toLowerCase().startsWith(`/subscriptions/${sub}/providers/microsoft.authorization/roledefinitions/`)).toBe(true);
      checked++;
    }
  }
  console.log(`least privilege: ${checked} role assignments checked`);
  // Three seed policies (2 + 1 + 1 roles) per subscription at least.
  expect(checked).toBeGreaterThanOrEqual(4 * lab.emu.subscriptionIds.length);
});
