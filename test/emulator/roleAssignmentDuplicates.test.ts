/**
 * A role assignment is unique by (scope, principal, role): another name for the same three is
 * refused as Azure refuses it (409 RoleAssignmentExists, naming the one there), also when
 * creates race; a different principal, role or scope is not a duplicate. The check reads the role
 * assignments at the scope only (a range of the store's key), not every one of the subscription,
 * and finds the principal with one lookup in the store's principal index.
 */
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { PolicyClient } from "@azure/arm-policy";
import { ResourceManagementClient } from "@azure/arm-resources";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningEmulator } from "../../src/emulator";
import { EMULATOR_PRINCIPAL_ID } from "../../src/emulator/constants";
import { ROLE_ASSIGNMENT_TYPE } from "../../src/emulator/model/resourceTypes";
import { coreIn, errorOf, withEmulator } from "./helpers";

const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const LA_CONTRIBUTOR = "92aaf0da-9dab-42b6-94a3-d43ce8d16293";

describe("through ARM", () => {
  let emu: RunningEmulator;
  let sub: string;
  let auth: AuthorizationManagementClient;
  let other: string;
  const roleId = (role: string) => `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
  const grant = (scope: string, principalId: string, role = READER, name: string = randomUUID()) => auth.roleAssignments.create(scope, name, { roleDefinitionId: roleId(role), principalId, principalType: "ServicePrincipal" });

  beforeAll(async () => {
    emu = await withEmulator();
    sub = emu.subscriptionIds[0]!;
    const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
    auth = new AuthorizationManagementClient(emu.credential(), sub, opts);
    await new ResourceManagementClient(emu.credential(), sub, opts).resourceGroups.createOrUpdate("rg-a", { location: "eastus" });
    // A second principal: a Deploy-if-not-exists assignment's identity.
    const made = await new PolicyClient(emu.credential(), sub, opts).policyAssignments.create(`/subscriptions/${sub}`, "dup-test", {
      location: "eastus",
      identity: { type: "SystemAssigned" },
      policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/1c210e94-a481-4beb-95fa-1571b434fb04",
    });
    other = made.identity!.principalId!;
  });
  afterAll(() => emu?.stop());

  it("refuses the same scope, principal and role under another name (any casing of the scope), with Azure's error", async () => {
    const first = await grant(`/subscriptions/${sub}/resourceGroups/rg-a`, EMULATOR_PRINCIPAL_ID);
    const again = await errorOf(grant(`/subscriptions/${sub}/resourceGroups/rg-a`, EMULATOR_PRINCIPAL_ID));
    expect([again.statusCode, again.code]).toEqual([409, "RoleAssignmentExists"]);
    expect(again.message).toContain(first.name!);
    const otherCase = await errorOf(grant(`/subscriptions/${sub}/resourceGroups/RG-A`, EMULATOR_PRINCIPAL_ID.toUpperCase()));
    expect([otherCase.statusCode, otherCase.code]).toEqual([409, "RoleAssignmentExists"]);
    // The same name again is the same assignment: an idempotent PUT.
    expect((await grant(`/subscriptions/${sub}/resourceGroups/rg-a`, EMULATOR_PRINCIPAL_ID, READER, first.name!)).name).toBe(first.name);
  });

  it("a different principal, role or scope (above or below) is not a duplicate", async () => {
    const group = `/subscriptions/${sub}/resourceGroups/rg-a`;
    await grant(group, EMULATOR_PRINCIPAL_ID, LA_CONTRIBUTOR);
    await grant(group, other);
    await grant(`/subscriptions/${sub}`, EMULATOR_PRINCIPAL_ID);
    // The principal must exist (a managed identity's, in any casing); one that does not is refused.
    await grant(`/subscriptions/${sub}`, other.toUpperCase());
    expect((await errorOf(grant(`/subscriptions/${sub}`, randomUUID()))).code).toBe("PrincipalNotFound");
    const mine: string[] = [];
    for await (const r of auth.roleAssignments.listForSubscription({ filter: `principalId eq '${EMULATOR_PRINCIPAL_ID}'` })) mine.push(`${r.scope}|${r.roleDefinitionId!.split("/").pop()}`);
    expect(mine.sort()).toEqual([`${group}|${LA_CONTRIBUTOR}`, `${group}|${READER}`, `/subscriptions/${sub}|${READER}`].sort());
  });

  it("creates that race for the same three: one is made, the others refused", async () => {
    const scope = `/subscriptions/${sub}/resourceGroups/rg-a`;
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => grant(scope, other, LA_CONTRIBUTOR)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as { code?: string }).code] : []));
    expect(refused).toEqual(Array(7).fill("RoleAssignmentExists"));
  });
});

describe("in the store", () => {
  it("a create reads the role assignments at its scope, not the subscription's, and no list to find its principal", () => {
    const dir = mkdtempSync(join(tmpdir(), "role-duplicates-"));
    const core = coreIn(dir);
    try {
      const sub = core.subscriptionIds[0]!;
      const put = (scope: string, name: string) => ({
        method: "PUT" as const,
        path: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`,
        body: { properties: { roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${READER}`, principalId: EMULATOR_PRINCIPAL_ID, principalType: "ServicePrincipal" } },
      });
      const list = jest.spyOn(core.store, "list");
      const ranges = jest.spyOn(core.store, "getByPrefixes");
      const byTypes = jest.spyOn(core.store, "listTypes");
      expect(core.replay([put(`/subscriptions/${sub}`, randomUUID())])).toEqual([]);
      expect(list.mock.calls.filter(([type]) => type.toLowerCase() === ROLE_ASSIGNMENT_TYPE.toLowerCase())).toEqual([]);
      // Nor every policy assignment, cluster and Arc machine, to know whether the principal exists.
      expect(byTypes).not.toHaveBeenCalled();
      expect(ranges.mock.calls.map(([prefixes]) => [...prefixes])).toEqual([[`/subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments/`]]);
    } finally {
      core.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
