/**
 * The emulator refuses what ARM refuses at Azure's limits: the 4,001st role assignment of a
 * subscription (RoleAssignmentLimitExceeded, "Troubleshoot Azure RBAC limits") and the 201st policy
 * assignment at one scope (PolicyAssignmentQuotaExceeded, "Azure Policy limits"). The limits are
 * filled straight in the store (thousands of PUTs through the router would only be slower), the
 * last requests go through the router as any ARM write does.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import type { EmulatorCore } from "../../src/emulator/core";
import { coreIn } from "./helpers";
import { EMULATOR_PRINCIPAL_ID } from "../../src/emulator/constants";
import { POLICY_ASSIGNMENTS_PER_SCOPE, ROLE_ASSIGNMENTS_PER_SUBSCRIPTION } from "../../src/emulator/providers/authorization";
import { POLICY_ASSIGNMENT_TYPE, ROLE_ASSIGNMENT_TYPE } from "../../src/emulator/model/resourceTypes";

const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const AUTH_API = "api-version=2022-04-01";
const POLICY_API = "api-version=2023-04-01";

let dir: string;
let core: EmulatorCore;
let sub: string;
let other: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "assignment-limits-"));
  core = coreIn(dir);
  [sub, other] = core.subscriptionIds as [string, string];
});
afterAll(() => {
  core?.close();
  rmSync(dir, { recursive: true, force: true });
});

const roleAssignmentPut = (scope: string, role = READER) => ({
  method: "PUT" as const,
  path: `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?${AUTH_API}`,
  body: { properties: { roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId: EMULATOR_PRINCIPAL_ID, principalType: "ServicePrincipal" } },
});
const policyAssignmentPut = (scope: string, name: string) => ({
  method: "PUT" as const,
  path: `${scope}/providers/Microsoft.Authorization/policyAssignments/${name}?${POLICY_API}`,
  body: { properties: { policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/1c210e94-a481-4beb-95fa-1571b434fb04" }, identity: { type: "SystemAssigned" }, location: "eastus" },
});
const codeOf = (error: string) => (JSON.parse(error) as { error: { code: string; message: string } }).error;

test(`the ${ROLE_ASSIGNMENTS_PER_SUBSCRIPTION.toLocaleString("en-US")}th role assignment of a subscription is made, the next refused; another subscription is not affected`, () => {
  // Someone else's, at the subscription's resource groups: they count toward the subscription's limit.
  core.tx(() => {
    for (let i = 0; i < ROLE_ASSIGNMENTS_PER_SUBSCRIPTION - 1; i++) {
      const scope = `/subscriptions/${sub}/resourceGroups/rg-${i}`;
      const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`;
      core.store.put({ id, type: ROLE_ASSIGNMENT_TYPE, secret: null, doc: { id, type: ROLE_ASSIGNMENT_TYPE, properties: { scope, principalId: `user-${i}`, roleDefinitionId: READER } } });
    }
  });
  expect(core.replay([roleAssignmentPut(`/subscriptions/${sub}`)])).toEqual([]);
  const [refused] = core.replay([roleAssignmentPut(`/subscriptions/${sub}`, "b24988ac-6180-42a0-ab88-20f7382dd24c")]);
  expect(refused!.status).toBe(400);
  expect(codeOf(refused!.error)).toEqual({ code: "RoleAssignmentLimitExceeded", message: "No more role assignments can be created." });
  expect(core.store.count([ROLE_ASSIGNMENT_TYPE], sub)).toBe(ROLE_ASSIGNMENTS_PER_SUBSCRIPTION);
  expect(core.replay([roleAssignmentPut(`/subscriptions/${other}`)])).toEqual([]);
});

test(`a scope with ${POLICY_ASSIGNMENTS_PER_SCOPE} policy assignments refuses a new one, but updates one of them; its parent and siblings are other scopes`, () => {
  const group = `/subscriptions/${other}/resourceGroups/rg-full`;
  expect(core.replay([{ method: "PUT", path: `/subscriptions/${other}/resourcegroups/rg-full?api-version=2021-04-01`, body: { location: "eastus" } }])).toEqual([]);
  core.tx(() => {
    for (let i = 0; i < POLICY_ASSIGNMENTS_PER_SCOPE - 1; i++) {
      const id = `${group}/providers/Microsoft.Authorization/policyAssignments/other-${i}`;
      core.store.put({ id, type: POLICY_ASSIGNMENT_TYPE, secret: null, doc: { id, name: `other-${i}`, type: POLICY_ASSIGNMENT_TYPE, properties: { scope: group, policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/custom" } } });
    }
  });
  expect(core.replay([policyAssignmentPut(group, "asc-200th")])).toEqual([]);
  const [refused] = core.replay([policyAssignmentPut(group, "asc-201st")]);
  expect(refused!.status).toBe(400);
  expect(codeOf(refused!.error)).toEqual({
    code: "PolicyAssignmentQuotaExceeded",
    message: `The policy assignment quota for scope '${group}' has been exceeded: at most 200 policy or initiative assignments can be created at one scope.`,
  });
  expect(core.replay([policyAssignmentPut(group, "asc-200th"), policyAssignmentPut(`/subscriptions/${other}`, "asc-at-subscription")])).toEqual([]);
});
