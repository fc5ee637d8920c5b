/**
 * Policy: built-in definitions, assignments with managed identity, role assignments, and
 * remediations that really deploy, through arm-policy, arm-authorization and arm-policyinsights.
 */
import { PolicyClient } from "@azure/arm-policy";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { PolicyInsightsClient } from "@azure/arm-policyinsights";
import { ComputeManagementClient } from "@azure/arm-compute";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ResourceManagementClient } from "@azure/arm-resources";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { randomUUID } from "node:crypto";
import { errorOf, eventually, FAST_POLL, INSTANT_EVALUATION, withEmulator } from "./helpers";
import type { ExtensionPut, RunningEmulator } from "../../src/emulator";

const DA_WINDOWS = "1c210e94-a481-4beb-95fa-1571b434fb04";
const DA_LINUX = "4da21710-ce6f-4e06-8cdb-5cc4c93ffbee";
const AKS_ADDON = "a8eff44f-8c92-45c3-a3fb-9880802d67a7";
const MMA_WINDOWS = "0868462e-646c-4fe3-9ced-a733534b6a2c";
const LA_CONTRIBUTOR = "92aaf0da-9dab-42b6-94a3-d43ce8d16293";
const AKS_ROLES = ["ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8", "18ed5180-3e48-46fd-8541-4ea054d57064"];
const defId = (g: string) => `/providers/Microsoft.Authorization/policyDefinitions/${g}`;

let emu: RunningEmulator;
let sub: string;
let scope: string;
let policy: PolicyClient;
let auth: AuthorizationManagementClient;
let insights: PolicyInsightsClient;
let compute: ComputeManagementClient;

beforeAll(async () => {
  emu = await withEmulator({ policyEvaluationDelayMs: INSTANT_EVALUATION });
  sub = emu.subscriptionIds[0]!;
  scope = `/subscriptions/${sub}`;
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  policy = new PolicyClient(emu.credential(), sub, opts);
  auth = new AuthorizationManagementClient(emu.credential(), sub, opts);
  insights = new PolicyInsightsClient(emu.credential(), sub, opts);
  compute = new ComputeManagementClient(emu.credential(), sub, opts);
  const rm = new ResourceManagementClient(emu.credential(), sub, opts);
  for (const rg of ["rg-win", "rg-lin-a", "rg-lin-b", "rg-aks", "rg-la"]) await rm.resourceGroups.createOrUpdate(rg, { location: "eastus" });
});
afterAll(async () => emu?.stop());

async function vm(rg: string, name: string, os: "Windows" | "Linux", vmAgent = true) {
  const config = os === "Windows" ? { windowsConfiguration: { provisionVMAgent: vmAgent } } : { linuxConfiguration: { provisionVMAgent: vmAgent } };
  return compute.virtualMachines.beginCreateOrUpdateAndWait(rg, name, { location: "eastus", storageProfile: { osDisk: { osType: os, createOption: "FromImage" } }, osProfile: { computerName: name, ...config } }, FAST_POLL);
}

async function assign(name: string, definition: string, parameters: Record<string, { value: unknown }> = {}) {
  return policy.policyAssignments.create(scope, name, { location: "eastus", identity: { type: "SystemAssigned" }, policyDefinitionId: defId(definition), parameters });
}

async function grant(roleGuid: string, principalId: string, at: string) {
  return auth.roleAssignments.create(at, randomUUID(), { roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`, principalId, principalType: "ServicePrincipal" });
}

async function finished(name: string) {
  return eventually(() => insights.remediations.getAtSubscription(name), (r) => ["Succeeded", "Failed", "Canceled"].includes(r.provisioningState ?? ""));
}

test("built-in definitions list the roles their deployments need", async () => {
  for (const [guid, roles] of [[DA_WINDOWS, [LA_CONTRIBUTOR]], [DA_LINUX, [LA_CONTRIBUTOR]], [AKS_ADDON, AKS_ROLES], [MMA_WINDOWS, [LA_CONTRIBUTOR]]] as const) {
    const d = await policy.policyDefinitions.getBuiltIn(guid);
    expect(d.policyType).toBe("BuiltIn");
    const ids = (d.policyRule as { then: { details: { roleDefinitionIds: string[] } } }).then.details.roleDefinitionIds;
    expect(ids.map((i) => i.split("/").pop())).toEqual(roles);
  }
  for (const guid of ["053d3325-282c-4e5c-b944-24faffd30d77", "ca817e41-e85a-4783-bc7f-dc532d36235e", "a4034bc6-ae50-406d-bf76-50f4ee5a7811"]) {
    expect((await policy.policyDefinitions.getBuiltIn(guid)).name).toBe(guid);
  }
  expect((await errorOf(policy.policyDefinitions.getBuiltIn("00000000-0000-0000-0000-000000000000"))).statusCode).toBe(404);
});

test("a Deploy-if-not-exists assignment needs an identity, and an identity needs a location", async () => {
  const noIdentity = await errorOf(policy.policyAssignments.create(scope, "no-identity", { policyDefinitionId: defId(DA_WINDOWS) }));
  expect(noIdentity.statusCode).toBe(400);
  expect(noIdentity.message).toBe("Policy assignments must include a resource identity when assigning 'DeployIfNotExists' policy definitions.");
  const noLocation = await errorOf(policy.policyAssignments.create(scope, "no-location", { identity: { type: "SystemAssigned" }, policyDefinitionId: defId(DA_WINDOWS) }));
  expect(noLocation.statusCode).toBe(400);
  expect(noLocation.message).toMatch(/location/);
  const a = await assign("asc-da-windows", DA_WINDOWS);
  expect(a.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
  const again = await assign("asc-da-windows", DA_WINDOWS);
  expect(again.identity?.principalId).toBe(a.identity?.principalId);
  // The deprecated MMA definitions default to Disabled: no identity needed then, but nothing to remediate either.
  const disabled = await policy.policyAssignments.create(scope, "mma-disabled", { policyDefinitionId: defId(MMA_WINDOWS), parameters: { logAnalytics: { value: "/x" } } });
  expect(disabled.identity?.type ?? "None").toBe("None");
  const missing = await errorOf(assign("mma-missing", MMA_WINDOWS, { effect: { value: "DeployIfNotExists" } }));
  expect(missing.code).toBe("MissingPolicyParameter");
  const rem = await errorOf(insights.remediations.createOrUpdateAtSubscription("rem-disabled", { policyAssignmentId: disabled.id }));
  expect(rem.statusCode).toBe(400);
  const listed: string[] = [];
  for await (const p of policy.policyAssignments.list()) listed.push(p.name!);
  expect(listed).toEqual(expect.arrayContaining(["asc-da-windows", "mma-disabled"]));
});

test("role assignments: GUID names, known roles and principals, no duplicates", async () => {
  const a = await policy.policyAssignments.get(scope, "asc-da-windows");
  const principal = a.identity!.principalId!;
  const ra = await grant(LA_CONTRIBUTOR, principal, scope);
  expect(ra).toMatchObject({ principalId: principal, scope, roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${LA_CONTRIBUTOR}` });
  expect((await errorOf(grant(LA_CONTRIBUTOR, principal, scope))).code).toBe("RoleAssignmentExists");
  expect((await errorOf(grant("00000000-0000-0000-0000-000000000001", principal, scope))).code).toBe("RoleDefinitionDoesNotExist");
  expect((await errorOf(grant(LA_CONTRIBUTOR, randomUUID(), scope))).code).toBe("PrincipalNotFound");
  expect((await errorOf(auth.roleAssignments.create(scope, "not-a-guid", { roleDefinitionId: LA_CONTRIBUTOR, principalId: principal }))).code).toBe("InvalidRoleAssignmentId");
  const mine: string[] = [];
  for await (const r of auth.roleAssignments.listForSubscription({ filter: `principalId eq '${principal}'` })) mine.push(r.name!);
  expect(mine).toEqual([ra.name]);
  const got = await auth.roleAssignments.get(scope, ra.name!);
  expect(got.principalId).toBe(principal);
  const role = await auth.roleDefinitions.get(scope, LA_CONTRIBUTOR);
  expect(role).toMatchObject({ roleName: "Log Analytics Contributor", roleType: "BuiltInRole" });
  // Delete answers with the deleted assignment; the same role can then be granted again.
  const extra = await grant("acdd72a7-3385-48ef-bd42-f606fba81ae7", principal, `${scope}/resourceGroups/rg-win`);
  expect((await auth.roleAssignments.delete(`${scope}/resourceGroups/rg-win`, extra.name!)).name).toBe(extra.name);
  expect((await errorOf(auth.roleAssignments.get(`${scope}/resourceGroups/rg-win`, extra.name!))).statusCode).toBe(404);
  const tmp = await policy.policyAssignments.create(scope, "to-delete", { policyDefinitionId: defId(MMA_WINDOWS), parameters: { logAnalytics: { value: "/x" } } });
  expect((await policy.policyAssignments.delete(scope, "to-delete")).name).toBe(tmp.name);
  expect((await errorOf(policy.policyAssignments.get(scope, "to-delete"))).statusCode).toBe(404);
});

test("a remediation deploys the Dependency agent to the non-compliant Windows VMs, honouring parallelDeployments, and reports counts", async () => {
  for (let i = 0; i < 6; i++) await vm("rg-win", `win-${i}`, "Windows");
  await vm("rg-win", "win-noagent", "Windows", false);
  await vm("rg-win", "win-stopped", "Windows");
  await compute.virtualMachines.beginDeallocateAndWait("rg-win", "win-stopped", FAST_POLL);
  await vm("rg-win", "lin-0", "Linux");
  await emu.admin("DELETE", "/admin/extension-puts");
  const a = await policy.policyAssignments.get(scope, "asc-da-windows");
  const created = await insights.remediations.createOrUpdateAtSubscription("rem-da-windows", { policyAssignmentId: a.id, parallelDeployments: 2 });
  expect(created.provisioningState).toBe("Accepted");
  const done = await finished("rem-da-windows");
  // 2 of 8 failed: below the default failure threshold (100%), so the task succeeded.
  expect(done.provisioningState).toBe("Succeeded");
  expect(done.deploymentStatus).toEqual({ totalDeployments: 8, successfulDeployments: 6, failedDeployments: 2 });
  const deployments: { id: string; status: string; code?: string }[] = [];
  for await (const d of insights.remediations.listDeploymentsAtSubscription("rem-da-windows")) {
    deployments.push({ id: d.remediatedResourceId!.split("/").pop()!, status: d.status!, code: d.error?.code });
  }
  expect(deployments.filter((d) => d.status === "Failed").map((d) => [d.id, d.code]).sort()).toEqual([
    ["win-noagent", "VMAgentStatusCommunicationError"],
    ["win-stopped", "OperationNotAllowed"],
  ]);
  const ext = await compute.virtualMachineExtensions.get("rg-win", "win-3", "DependencyAgentWindows");
  expect(ext).toMatchObject({ provisioningState: "Succeeded", typeHandlerVersion: "9.10" });
  expect((await compute.virtualMachineExtensions.list("rg-win", "lin-0")).value ?? []).toEqual([]);
  const remediations = await emu.admin<{ value: { id: string; peakParallelDeployments: number }[] }>("GET", "/admin/remediations");
  const peak = remediations.value.find((r) => r.id.endsWith("/rem-da-windows"))!.peakParallelDeployments;
  expect(peak).toBeGreaterThanOrEqual(1);
  expect(peak).toBeLessThanOrEqual(2);
  const puts = await emu.admin<{ value: ExtensionPut[] }>("GET", "/admin/extension-puts");
  expect(puts.value.filter((p) => p.source === "remediation")).toHaveLength(6);
  // Settings are fixed once a task exists; an identical PUT answers with the task as it is.
  const same = await insights.remediations.createOrUpdateAtSubscription("rem-da-windows", { policyAssignmentId: a.id });
  expect(same.deploymentStatus?.totalDeployments).toBe(8);
});

test("a deployment fails when the assignment's identity lacks a listed role at a scope covering the resource", async () => {
  await vm("rg-lin-a", "lin-a", "Linux");
  await vm("rg-lin-b", "lin-b", "Linux");
  const a = await assign("asc-da-linux", DA_LINUX);
  const principal = a.identity!.principalId!;
  // Least privilege: the role only on rg-lin-a.
  await grant(LA_CONTRIBUTOR, principal, `${scope}/resourceGroups/rg-lin-a`);
  await insights.remediations.createOrUpdateAtSubscription("rem-da-linux", { policyAssignmentId: a.id, failureThreshold: { percentage: 0.5 } });
  const done = await finished("rem-da-linux");
  expect(done.provisioningState).toBe("Failed");
  // lin-0 (rg-win) and lin-b lack the role; lin-a is covered.
  expect(done.deploymentStatus).toEqual({ totalDeployments: 3, successfulDeployments: 1, failedDeployments: 2 });
  const codes: Record<string, string | undefined> = {};
  for await (const d of insights.remediations.listDeploymentsAtSubscription("rem-da-linux")) codes[d.remediatedResourceId!.split("/").pop()!] = d.error?.code;
  expect(codes).toEqual({ "lin-0": "AuthorizationFailed", "lin-a": undefined, "lin-b": "AuthorizationFailed" });
  expect((await compute.virtualMachineExtensions.get("rg-lin-a", "lin-a", "DependencyAgentLinux")).provisioningState).toBe("Succeeded");
});

test("the AKS add-on remediation honours resourceCount and needs both listed roles", async () => {
  const aks = new ContainerServiceClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  for (let i = 0; i < 3; i++) await aks.managedClusters.beginCreateOrUpdateAndWait("rg-aks", `aks-${i}`, { location: "eastus", dnsPrefix: `aks${i}` }, FAST_POLL);
  const a = await assign("asc-aks-addon", AKS_ADDON);
  await grant(AKS_ROLES[0]!, a.identity!.principalId!, scope);
  await insights.remediations.createOrUpdateAtSubscription("rem-aks-1", { policyAssignmentId: a.id, resourceCount: 2 });
  const first = await finished("rem-aks-1");
  expect(first).toMatchObject({ provisioningState: "Failed", deploymentStatus: { totalDeployments: 2, successfulDeployments: 0, failedDeployments: 2 } });
  await grant(AKS_ROLES[1]!, a.identity!.principalId!, scope);
  await insights.remediations.createOrUpdateAtSubscription("rem-aks-2", { policyAssignmentId: a.id, resourceCount: 2 });
  const second = await finished("rem-aks-2");
  expect(second).toMatchObject({ provisioningState: "Succeeded", deploymentStatus: { totalDeployments: 2, successfulDeployments: 2, failedDeployments: 0 } });
  const enabled = [];
  for await (const c of aks.managedClusters.list()) enabled.push(c.addonProfiles?.["azurepolicy"]?.enabled === true);
  expect(enabled.filter(Boolean)).toHaveLength(2);
});

test("the MMA remediation connects the extension to the workspace its parameter names", async () => {
  const oi = new OperationalInsightsManagementClient(emu.credential(), sub, emu.clientOptions());
  const ws = await oi.workspaces.beginCreateOrUpdateAndWait("rg-la", "law-mma", { location: "eastus" }, FAST_POLL);
  await vm("rg-la", "win-la", "Windows");
  const a = await assign("asc-mma-windows", MMA_WINDOWS, { effect: { value: "DeployIfNotExists" }, logAnalytics: { value: ws.id } });
  await grant(LA_CONTRIBUTOR, a.identity!.principalId!, `${scope}/resourceGroups/rg-la`);
  await insights.remediations.createOrUpdateAtResourceGroup("rg-la", "rem-mma", { policyAssignmentId: a.id });
  const done = await eventually(() => insights.remediations.getAtResourceGroup("rg-la", "rem-mma"), (r) => ["Succeeded", "Failed"].includes(r.provisioningState ?? ""));
  expect(done.deploymentStatus).toEqual({ totalDeployments: 1, successfulDeployments: 1, failedDeployments: 0 });
  const ext = await compute.virtualMachineExtensions.get("rg-la", "win-la", "MicrosoftMonitoringAgent");
  expect(ext.settings).toEqual({ workspaceId: ws.customerId, stopOnMultipleConnections: "true" });
  expect(ext.protectedSettings).toBeUndefined();
});

test("a running remediation can be canceled", async () => {
  // Deployments take long enough (6 × 0.5 s, one at a time) that the cancel lands while it runs.
  const slow = await withEmulator({ policyEvaluationDelayMs: INSTANT_EVALUATION, remediationDeploymentMs: 500 });
  try {
    const s = slow.subscriptionIds[0]!;
    const opts = { ...slow.clientOptions(), retryOptions: { maxRetries: 0 } };
    const c = new ComputeManagementClient(slow.credential(), s, opts);
    await new ResourceManagementClient(slow.credential(), s, opts).resourceGroups.createOrUpdate("rg", { location: "eastus" });
    for (let i = 0; i < 6; i++) {
      await c.virtualMachines.beginCreateOrUpdateAndWait("rg", `w${i}`, { location: "eastus", storageProfile: { osDisk: { osType: "Windows", createOption: "FromImage" } } }, FAST_POLL);
    }
    const p = new PolicyClient(slow.credential(), s, opts);
    const a = await p.policyAssignments.create(`/subscriptions/${s}`, "da", { location: "eastus", identity: { type: "SystemAssigned" }, policyDefinitionId: defId(DA_WINDOWS) });
    const pi = new PolicyInsightsClient(slow.credential(), s, opts);
    await pi.remediations.createOrUpdateAtSubscription("rem", { policyAssignmentId: a.id, parallelDeployments: 1 });
    await eventually(() => pi.remediations.getAtSubscription("rem"), (r) => r.provisioningState === "Running");
    await pi.remediations.cancelAtSubscription("rem");
    const done = await eventually(() => pi.remediations.getAtSubscription("rem"), (r) => ["Canceled", "Failed", "Succeeded"].includes(r.provisioningState ?? ""));
    expect(done.provisioningState).not.toBe("Succeeded");
    expect(done.deploymentStatus!.successfulDeployments! + done.deploymentStatus!.failedDeployments!).toBeLessThan(6);
  } finally {
    await slow.stop();
  }
});

test("a remediation running when the emulator stops resumes on restart and finishes", async () => {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "asc-emulator-resume-"));
  const statePath = join(dir, "state.sqlite");
  try {
    const first = await withEmulator({ statePath, policyEvaluationDelayMs: INSTANT_EVALUATION, remediationDeploymentMs: 150 });
    const s = first.subscriptionIds[0]!;
    const opts = { ...first.clientOptions(), retryOptions: { maxRetries: 0 } };
    const c = new ComputeManagementClient(first.credential(), s, opts);
    await new ResourceManagementClient(first.credential(), s, opts).resourceGroups.createOrUpdate("rg", { location: "eastus" });
    for (let i = 0; i < 4; i++) await c.virtualMachines.beginCreateOrUpdateAndWait("rg", `w${i}`, { location: "eastus", storageProfile: { osDisk: { osType: "Windows", createOption: "FromImage" } } }, FAST_POLL);
    const a = await new PolicyClient(first.credential(), s, opts).policyAssignments.create(`/subscriptions/${s}`, "da", { location: "eastus", identity: { type: "SystemAssigned" }, policyDefinitionId: defId(DA_WINDOWS) });
    await new AuthorizationManagementClient(first.credential(), s, opts).roleAssignments.create(`/subscriptions/${s}`, randomUUID(), {
      roleDefinitionId: `/subscriptions/${s}/providers/Microsoft.Authorization/roleDefinitions/${LA_CONTRIBUTOR}`,
      principalId: a.identity!.principalId!,
    });
    const pi = new PolicyInsightsClient(first.credential(), s, opts);
    await pi.remediations.createOrUpdateAtSubscription("rem", { policyAssignmentId: a.id, parallelDeployments: 1 });
    await eventually(() => pi.remediations.getAtSubscription("rem"), (r) => (r.deploymentStatus?.successfulDeployments ?? 0) >= 1);
    await first.stop();

    const second = await withEmulator({ statePath, policyEvaluationDelayMs: INSTANT_EVALUATION, remediationDeploymentMs: 5 });
    try {
      const pi2 = new PolicyInsightsClient(second.credential(), s, { ...second.clientOptions(), retryOptions: { maxRetries: 0 } });
      const done = await eventually(() => pi2.remediations.getAtSubscription("rem"), (r) => ["Succeeded", "Failed"].includes(r.provisioningState ?? ""));
      expect(done).toMatchObject({ provisioningState: "Succeeded", deploymentStatus: { totalDeployments: 4, successfulDeployments: 4, failedDeployments: 0 } });
      const puts = await second.admin<{ value: ExtensionPut[] }>("GET", "/admin/extension-puts");
      const perMachine = new Map<string, number>();
      for (const p of puts.value) perMachine.set(p.machineId, (perMachine.get(p.machineId) ?? 0) + 1);
      expect([...perMachine.values()]).toEqual([1, 1, 1, 1]);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
