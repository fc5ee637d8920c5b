/**
 * Role assignments at a management group, through arm-authorization (its api-version): PUT/GET/
 * list/DELETE at the group's scope, lists at groups and subscriptions below that inherit it, an
 * unknown group's 404, Resource Graph's authorizationresources under authorizationScopeFilter, and
 * the role a group's Deploy-if-not-exists assignment needs, granted at that group, letting its
 * remediation deploy in a subscription under it.
 */
import { randomUUID } from "node:crypto";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ComputeManagementClient } from "@azure/arm-compute";
import { PolicyClient } from "@azure/arm-policy";
import { PolicyInsightsClient } from "@azure/arm-policyinsights";
import { ResourceGraphClient, type AuthorizationScopeFilter } from "@azure/arm-resourcegraph";
import { ResourceManagementClient } from "@azure/arm-resources";
import { errorOf, eventually, FAST_POLL, INSTANT_EVALUATION, withEmulator } from "./helpers";
import type { RunningEmulator } from "../../src/emulator";

const DA_WINDOWS = "/providers/Microsoft.Authorization/policyDefinitions/1c210e94-a481-4beb-95fa-1571b434fb04";
const LA_CONTRIBUTOR = "92aaf0da-9dab-42b6-94a3-d43ce8d16293";
const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const role = (guid: string) => `/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const group = (name: string) => `/providers/Microsoft.Management/managementGroups/${name}`;

let emu: RunningEmulator;
let subs: string[];
let auth: AuthorizationManagementClient;
let policy: PolicyClient;
let graph: ResourceGraphClient;
let principal: string;

beforeAll(async () => {
  // Recorded for the API-contract check when CI asks (scripts/check-contract.mjs): SDK traffic only.
  emu = await withEmulator({ policyEvaluationDelayMs: INSTANT_EVALUATION, recordTraffic: process.env["ASC_CONTRACT_DIR"] || undefined });
  subs = [...emu.subscriptionIds].map((s) => s.toLowerCase()).sort();
  // root → alz → landingzones → subs[0]; subs[2] under sandbox.
  await emu.admin("POST", "/admin/management-groups", {
    groups: [{ name: "alz" }, { name: "landingzones", parent: "alz", subscriptions: [subs[0]] }, { name: "sandbox", subscriptions: [subs[2]] }],
  });
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  auth = new AuthorizationManagementClient(emu.credential(), subs[0]!, opts);
  policy = new PolicyClient(emu.credential(), subs[0]!, opts);
  graph = new ResourceGraphClient(emu.credential(), opts);
  // Azure Landing Zones' pattern: a Deploy-if-not-exists assignment at the group, its identity granted the definition's role there.
  const assignment = await policy.policyAssignments.create(group("alz"), "Deploy-DA-Windows", { location: "eastus", identity: { type: "SystemAssigned" }, policyDefinitionId: DA_WINDOWS });
  principal = assignment.identity!.principalId!;
});
afterAll(async () => emu?.stop());

async function names(it: AsyncIterable<{ name?: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const x of it) out.push(x.name!);
  return out.sort();
}

describe("role assignments at a management group", () => {
  let atAlz: string;

  it("PUT/GET at the group, with the tenant-level role id; a second identical one is RoleAssignmentExists", async () => {
    atAlz = randomUUID();
    const created = await auth.roleAssignments.create(group("alz"), atAlz, { roleDefinitionId: role(LA_CONTRIBUTOR), principalId: principal, principalType: "ServicePrincipal" });
    expect(created).toMatchObject({
      id: `${group("alz")}/providers/Microsoft.Authorization/roleAssignments/${atAlz}`,
      name: atAlz,
      scope: group("alz"),
      roleDefinitionId: role(LA_CONTRIBUTOR),
      principalId: principal,
    });
    expect((await auth.roleAssignments.get(group("alz"), atAlz)).principalId).toBe(principal);
    const again = await errorOf(auth.roleAssignments.create(group("alz"), randomUUID(), { roleDefinitionId: role(LA_CONTRIBUTOR), principalId: principal }));
    expect([again.statusCode, again.code]).toEqual([409, "RoleAssignmentExists"]);
    // The role definitions are read at a group as at the tenant (what `az role assignment create --scope <group>` asks first).
    expect((await auth.roleDefinitions.get(group("alz"), READER)).roleName).toBe("Reader");
  });

  it("an unknown group is a 404 for PUT, GET and the list", async () => {
    for (const p of [
      auth.roleAssignments.create(group("nowhere"), randomUUID(), { roleDefinitionId: role(READER), principalId: principal }),
      auth.roleAssignments.get(group("nowhere"), randomUUID()),
      names(auth.roleAssignments.listForScope(group("nowhere"), { filter: "atScope()" })),
    ]) {
      expect((await errorOf(p)).statusCode).toBe(404);
    }
  });

  it("lists: atScope() at the group and below it, atExactScope() at it only; a subscription under it inherits it, one elsewhere does not", async () => {
    const atSandbox = randomUUID();
    await auth.roleAssignments.create(group("sandbox"), atSandbox, { roleDefinitionId: role(READER), principalId: principal });
    expect(await names(auth.roleAssignments.listForScope(group("alz"), { filter: "atScope()" }))).toEqual([atAlz]);
    expect(await names(auth.roleAssignments.listForScope(group("landingzones"), { filter: "atScope()" }))).toEqual([atAlz]);
    expect(await names(auth.roleAssignments.listForScope(group("landingzones"), { filter: "atExactScope()" }))).toEqual([]);
    expect(await names(auth.roleAssignments.listForScope(group("sandbox"), { filter: "atScope()" }))).toEqual([atSandbox]);
    // At the subscription under landingzones: the group's assignment is above it (ARM: "at or above the scope").
    const own = randomUUID();
    await auth.roleAssignments.create(`/subscriptions/${subs[0]}`, own, { roleDefinitionId: role(READER), principalId: principal });
    expect(await names(auth.roleAssignments.listForSubscription({ filter: "atScope()" }))).toEqual([atAlz, own].sort());
    expect(await names(auth.roleAssignments.listForSubscription({ filter: `principalId eq '${principal}'` }))).toEqual([atAlz, own].sort());
    expect(await names(auth.roleAssignments.listForScope(`/subscriptions/${subs[0]}`, { filter: "atExactScope()" }))).toEqual([own]);
    const third = new AuthorizationManagementClient(emu.credential(), subs[2]!, emu.clientOptions());
    expect(await names(third.roleAssignments.listForSubscription({ filter: "atScope()" }))).toEqual([atSandbox]);
  });

  it("Resource Graph's authorizationresources returns them by authorizationScopeFilter, as policyresources does", async () => {
    const QUERY = "authorizationresources | where type =~ 'microsoft.authorization/roleassignments' | project id, name, properties | order by id asc";
    const query = async (scope: { subscriptions: string[] } | { managementGroups: string[] }, filter?: AuthorizationScopeFilter) => {
      const page = await graph.resources({ query: QUERY, ...scope, options: { resultFormat: "objectArray", ...(filter ? { authorizationScopeFilter: filter } : {}) } });
      return (page.data as { id: string; properties: { scope: string } }[]).filter((r) => r.id.startsWith("/providers/")).map((r) => r.properties.scope);
    };
    // A subscriptions query: the groups above only when asked.
    expect(await query({ subscriptions: [subs[0]!] })).toEqual([]);
    expect(await query({ subscriptions: [subs[0]!] }, "AtScopeAndAbove")).toEqual([group("alz")]);
    expect(await query({ subscriptions: [subs[2]!] }, "AtScopeAboveAndBelow")).toEqual([group("sandbox")]);
    // A groups query: at the group (AtScopeExact), and the group above it (AtScopeAndAbove).
    expect(await query({ managementGroups: ["alz"] }, "AtScopeExact")).toEqual([group("alz")]);
    expect(await query({ managementGroups: ["landingzones"] }, "AtScopeExact")).toEqual([]);
    expect(await query({ managementGroups: ["landingzones"] }, "AtScopeAndAbove")).toEqual([group("alz")]);
  });

  it("a group's Deploy-if-not-exists assignment remediates a subscription under it with the role granted at the group", async () => {
    const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
    await new ResourceManagementClient(emu.credential(), subs[0]!, opts).resourceGroups.createOrUpdate("rg-mg", { location: "eastus" });
    await new ComputeManagementClient(emu.credential(), subs[0]!, opts).virtualMachines.beginCreateOrUpdateAndWait(
      "rg-mg",
      "win-mg",
      { location: "eastus", storageProfile: { osDisk: { osType: "Windows", createOption: "FromImage" } }, osProfile: { computerName: "win-mg", windowsConfiguration: { provisionVMAgent: true } } },
      FAST_POLL,
    );
    const insights = new PolicyInsightsClient(emu.credential(), subs[0]!, opts);
    const assignmentId = `${group("alz")}/providers/Microsoft.Authorization/policyAssignments/Deploy-DA-Windows`;
    await insights.remediations.createOrUpdateAtSubscription("rem-mg", { policyAssignmentId: assignmentId });
    const done = await eventually(() => insights.remediations.getAtSubscription("rem-mg"), (r) => ["Succeeded", "Failed"].includes(r.provisioningState ?? ""));
    expect([done.provisioningState, done.deploymentStatus]).toEqual(["Succeeded", { totalDeployments: 1, successfulDeployments: 1, failedDeployments: 0 }]);
    // A subscription outside the group is outside the assignment's scope.
    const outside = await errorOf(new PolicyInsightsClient(emu.credential(), subs[2]!, opts).remediations.createOrUpdateAtSubscription("rem-out", { policyAssignmentId: assignmentId }));
    expect(outside.statusCode).toBe(400);
  });

  it("DELETE at the group answers the assignment, then it is gone", async () => {
    expect((await auth.roleAssignments.delete(group("alz"), atAlz)).name).toBe(atAlz);
    expect((await errorOf(auth.roleAssignments.get(group("alz"), atAlz))).statusCode).toBe(404);
    expect(await names(auth.roleAssignments.listForScope(group("landingzones"), { filter: "atScope()" }))).toEqual([]);
  });
});
