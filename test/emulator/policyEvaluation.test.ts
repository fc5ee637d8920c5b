/**
 * Azure evaluates a new policy assignment only some time after it is written (the emulator's
 * default policyEvaluationDelayMs): a remediation in ExistingNonCompliant mode sent before that
 * finds nothing ("0 of 0"), one in ReEvaluateCompliance mode evaluates first and deploys, and once
 * the assignment has been evaluated ExistingNonCompliant finds the non-compliant machines too.
 */
import { PolicyClient } from "@azure/arm-policy";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { PolicyInsightsClient } from "@azure/arm-policyinsights";
import { ComputeManagementClient } from "@azure/arm-compute";
import { ResourceManagementClient } from "@azure/arm-resources";
import { randomUUID } from "node:crypto";
import { errorOf, eventually, FAST_POLL, withEmulator } from "./helpers";
import type { RunningEmulator } from "../../src/emulator";

const DA_WINDOWS = "1c210e94-a481-4beb-95fa-1571b434fb04";
const LA_CONTRIBUTOR = "92aaf0da-9dab-42b6-94a3-d43ce8d16293";
const DELAY_MS = 1500;

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await withEmulator({ policyEvaluationDelayMs: DELAY_MS });
});
afterAll(async () => emu?.stop());

test("ExistingNonCompliant finds nothing before the assignment's evaluation; ReEvaluateCompliance deploys", async () => {
  const sub = emu.subscriptionIds[0]!;
  const scope = `/subscriptions/${sub}`;
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  const policy = new PolicyClient(emu.credential(), sub, opts);
  const auth = new AuthorizationManagementClient(emu.credential(), sub, opts);
  const insights = new PolicyInsightsClient(emu.credential(), sub, opts);
  const compute = new ComputeManagementClient(emu.credential(), sub, opts);
  await new ResourceManagementClient(emu.credential(), sub, opts).resourceGroups.createOrUpdate("rg-eval", { location: "eastus" });
  for (const name of ["w1", "w2"]) {
    await compute.virtualMachines.beginCreateOrUpdateAndWait("rg-eval", name, { location: "eastus", storageProfile: { osDisk: { osType: "Windows", createOption: "FromImage" } }, osProfile: { computerName: name, windowsConfiguration: { provisionVMAgent: true } } }, FAST_POLL);
  }
  const finished = (name: string) => eventually(() => insights.remediations.getAtSubscription(name), (r) => ["Succeeded", "Failed", "Canceled"].includes(r.provisioningState ?? ""));
  const assign = async (name: string) => {
    const a = await policy.policyAssignments.create(scope, name, { location: "eastus", identity: { type: "SystemAssigned" }, policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${DA_WINDOWS}` });
    await auth.roleAssignments.create(scope, randomUUID(), { roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${LA_CONTRIBUTOR}`, principalId: a.identity!.principalId!, principalType: "ServicePrincipal" });
    return a;
  };

  const early = await assign("da-early");
  await insights.remediations.createOrUpdateAtSubscription("rem-early", { policyAssignmentId: early.id, resourceDiscoveryMode: "ExistingNonCompliant" });
  expect((await finished("rem-early")).deploymentStatus).toMatchObject({ totalDeployments: 0, successfulDeployments: 0 });

  const fresh = await assign("da-fresh");
  await insights.remediations.createOrUpdateAtSubscription("rem-fresh", { policyAssignmentId: fresh.id, resourceDiscoveryMode: "ReEvaluateCompliance" });
  const reEvaluated = await finished("rem-fresh");
  expect(reEvaluated.resourceDiscoveryMode).toBe("ReEvaluateCompliance");
  expect(reEvaluated.deploymentStatus?.successfulDeployments).toBeGreaterThanOrEqual(2);

  // An unknown mode is refused with the allowed values.
  const bad = await errorOf(insights.remediations.createOrUpdateAtSubscription("rem-bad", { policyAssignmentId: fresh.id, resourceDiscoveryMode: "Everything" }));
  expect(bad.statusCode).toBe(400);
  expect(bad.message).toMatch(/ExistingNonCompliant, ReEvaluateCompliance/);
});

test("after its evaluation, an assignment's non-compliant machines are found in ExistingNonCompliant mode", async () => {
  const sub = emu.subscriptionIds[1]!;
  const scope = `/subscriptions/${sub}`;
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  const compute = new ComputeManagementClient(emu.credential(), sub, opts);
  await new ResourceManagementClient(emu.credential(), sub, opts).resourceGroups.createOrUpdate("rg-later", { location: "eastus" });
  await compute.virtualMachines.beginCreateOrUpdateAndWait("rg-later", "w3", { location: "eastus", storageProfile: { osDisk: { osType: "Windows", createOption: "FromImage" } }, osProfile: { computerName: "w3", windowsConfiguration: { provisionVMAgent: true } } }, FAST_POLL);
  const policy = new PolicyClient(emu.credential(), sub, opts);
  const insights = new PolicyInsightsClient(emu.credential(), sub, opts);
  const a = await policy.policyAssignments.create(scope, "da-later", { location: "eastus", identity: { type: "SystemAssigned" }, policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${DA_WINDOWS}` });
  await new AuthorizationManagementClient(emu.credential(), sub, opts).roleAssignments.create(scope, randomUUID(), { roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${LA_CONTRIBUTOR}`, principalId: a.identity!.principalId!, principalType: "ServicePrincipal" });
  await new Promise((r) => setTimeout(r, DELAY_MS + 100));
  await insights.remediations.createOrUpdateAtSubscription("rem-later", { policyAssignmentId: a.id, resourceDiscoveryMode: "ExistingNonCompliant" });
  const done = await eventually(() => insights.remediations.getAtSubscription("rem-later"), (r) => ["Succeeded", "Failed", "Canceled"].includes(r.provisioningState ?? ""));
  expect(done.deploymentStatus?.totalDeployments).toBeGreaterThanOrEqual(1);
});
