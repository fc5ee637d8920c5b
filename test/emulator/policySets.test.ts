/**
 * What Azure Policy does with an initiative (policy set definition) once it is assigned, through
 * arm-policy and arm-policyinsights: deleting a set an assignment uses is refused (400
 * InvalidDeletePolicySetDefinitionRequest), and a remediation of the set's assignment names one
 * member (policyDefinitionReferenceId: 400 InvalidCreateRemediationRequest without it) and deploys
 * only that member, with the member's parameters resolved through the set's.
 */
import { randomUUID } from "node:crypto";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ComputeManagementClient } from "@azure/arm-compute";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { PolicyClient, type PolicySetDefinition } from "@azure/arm-policy";
import { PolicyInsightsClient } from "@azure/arm-policyinsights";
import { ResourceManagementClient } from "@azure/arm-resources";
import { errorOf, eventually, FAST_POLL, INSTANT_EVALUATION, withEmulator } from "./helpers";
import type { ExtensionPut, RunningEmulator } from "../../src/emulator";

const defId = (g: string) => `/providers/Microsoft.Authorization/policyDefinitions/${g}`;
const DA_WINDOWS = defId("1c210e94-a481-4beb-95fa-1571b434fb04");
const DA_LINUX = defId("4da21710-ce6f-4e06-8cdb-5cc4c93ffbee");
const MMA_WINDOWS = defId("0868462e-646c-4fe3-9ced-a733534b6a2c");
const AMA_WINDOWS = defId("ca817e41-e85a-4783-bc7f-dc532d36235e");
const LA_CONTRIBUTOR = "92aaf0da-9dab-42b6-94a3-d43ce8d16293";
const group = (name: string) => `/providers/Microsoft.Management/managementGroups/${name}`;

/** Four members: two Dependency agents, the MMA one whose workspace is the set's parameter, and AMA turned off. */
const SET: PolicySetDefinition = {
  displayName: "Agents",
  parameters: { workspace: { type: "String" }, daEffect: { type: "String", defaultValue: "DeployIfNotExists" } },
  policyDefinitions: [
    { policyDefinitionId: DA_WINDOWS, policyDefinitionReferenceId: "daWindows", parameters: { effect: { value: "[parameters('daEffect')]" } } },
    { policyDefinitionId: DA_LINUX, policyDefinitionReferenceId: "daLinux" },
    { policyDefinitionId: MMA_WINDOWS, policyDefinitionReferenceId: "mmaWindows", parameters: { effect: { value: "DeployIfNotExists" }, logAnalytics: { value: "[parameters('workspace')]" } } },
    { policyDefinitionId: AMA_WINDOWS, policyDefinitionReferenceId: "amaWindows", parameters: { effect: { value: "Disabled" } } },
  ],
};

let emu: RunningEmulator;
let sub: string;
let scope: string;
let policy: PolicyClient;
let insights: PolicyInsightsClient;
let workspaceId: string;
let customerId: string;

beforeAll(async () => {
  // Recorded for the API-contract check when CI asks (scripts/check-contract.mjs): SDK traffic only.
  emu = await withEmulator({ policyEvaluationDelayMs: INSTANT_EVALUATION, recordTraffic: process.env["ASC_CONTRACT_DIR"] || undefined });
  sub = emu.subscriptionIds[0]!;
  scope = `/subscriptions/${sub}`;
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  policy = new PolicyClient(emu.credential(), sub, opts);
  insights = new PolicyInsightsClient(emu.credential(), sub, opts);
  await new ResourceManagementClient(emu.credential(), sub, opts).resourceGroups.createOrUpdate("rg-set", { location: "eastus" });
  const compute = new ComputeManagementClient(emu.credential(), sub, opts);
  for (const [name, os] of [["win-0", "Windows"], ["win-1", "Windows"], ["lin-0", "Linux"]] as const) {
    const config = os === "Windows" ? { windowsConfiguration: { provisionVMAgent: true } } : { linuxConfiguration: { provisionVMAgent: true } };
    await compute.virtualMachines.beginCreateOrUpdateAndWait("rg-set", name, { location: "eastus", storageProfile: { osDisk: { osType: os, createOption: "FromImage" } }, osProfile: { computerName: name, ...config } }, FAST_POLL);
  }
  const ws = await new OperationalInsightsManagementClient(emu.credential(), sub, opts).workspaces.beginCreateOrUpdateAndWait("rg-set", "law-set", { location: "eastus" }, FAST_POLL);
  workspaceId = ws.id!;
  customerId = ws.customerId!;
});
afterAll(async () => emu?.stop());

describe("deleting a policy set definition an assignment uses", () => {
  it("is refused with 400 InvalidDeletePolicySetDefinitionRequest naming the assignment, and allowed once the assignment is gone", async () => {
    await policy.policySetDefinitions.createOrUpdate("set-in-use", SET);
    const a = await policy.policyAssignments.create(scope, "uses-set", {
      location: "eastus",
      identity: { type: "SystemAssigned" },
      policyDefinitionId: `${scope}/providers/Microsoft.Authorization/policySetDefinitions/set-in-use`,
      parameters: { workspace: { value: workspaceId } },
    });
    const refused = await errorOf(policy.policySetDefinitions.delete("set-in-use"));
    expect([refused.statusCode, refused.code]).toEqual([400, "InvalidDeletePolicySetDefinitionRequest"]);
    expect(refused.message).toBe(`The policy set definition 'set-in-use' cannot be deleted. It is referenced by the policy assignment '${a.id}'. Please delete all policy assignments referencing the policy.`);
    expect((await policy.policySetDefinitions.get("set-in-use")).policyDefinitions).toHaveLength(4);
    await policy.policyAssignments.delete(scope, "uses-set");
    await policy.policySetDefinitions.delete("set-in-use");
    expect((await errorOf(policy.policySetDefinitions.get("set-in-use"))).statusCode).toBe(404);
  });

  it("a management group's set assigned in a subscription under it is refused the same way", async () => {
    const subs = [...emu.subscriptionIds].map((s) => s.toLowerCase()).sort();
    await emu.admin("POST", "/admin/management-groups", { groups: [{ name: "platform", subscriptions: [subs[1]] }] });
    await policy.policySetDefinitions.createOrUpdateAtManagementGroup("platform", "mg-set", SET);
    const below = new PolicyClient(emu.credential(), subs[1]!, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
    const a = await below.policyAssignments.create(`/subscriptions/${subs[1]}`, "uses-mg-set", {
      policyDefinitionId: `${group("platform")}/providers/Microsoft.Authorization/policySetDefinitions/mg-set`,
      parameters: { workspace: { value: workspaceId }, daEffect: { value: "Disabled" } },
      location: "eastus",
      identity: { type: "SystemAssigned" },
    });
    const refused = await errorOf(policy.policySetDefinitions.deleteAtManagementGroup("platform", "mg-set"));
    expect([refused.statusCode, refused.code]).toEqual([400, "InvalidDeletePolicySetDefinitionRequest"]);
    expect(refused.message).toContain(`It is referenced by the policy assignment '${a.id}'.`);
    await below.policyAssignments.delete(`/subscriptions/${subs[1]}`, "uses-mg-set");
    await policy.policySetDefinitions.deleteAtManagementGroup("platform", "mg-set");
  });
});

describe("remediating an initiative's assignment", () => {
  let assignmentId: string;
  const finished = (name: string) => eventually(() => insights.remediations.getAtSubscription(name), (r) => ["Succeeded", "Failed", "Canceled"].includes(r.provisioningState ?? ""));
  const deployed = async (name: string) => {
    const out: string[] = [];
    for await (const d of insights.remediations.listDeploymentsAtSubscription(name)) out.push(d.remediatedResourceId!.split("/").pop()!);
    return out.sort();
  };

  beforeAll(async () => {
    await policy.policySetDefinitions.createOrUpdate("agents", SET);
    const a = await policy.policyAssignments.create(scope, "agents", {
      location: "eastus",
      identity: { type: "SystemAssigned" },
      policyDefinitionId: `${scope}/providers/Microsoft.Authorization/policySetDefinitions/agents`,
      parameters: { workspace: { value: workspaceId } },
    });
    assignmentId = a.id!;
    await new AuthorizationManagementClient(emu.credential(), sub, emu.clientOptions()).roleAssignments.create(scope, randomUUID(), {
      roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${LA_CONTRIBUTOR}`,
      principalId: a.identity!.principalId!,
      principalType: "ServicePrincipal",
    });
  });

  it("without a policyDefinitionReferenceId is 400 InvalidCreateRemediationRequest", async () => {
    const e = await errorOf(insights.remediations.createOrUpdateAtSubscription("rem-set", { policyAssignmentId: assignmentId }));
    expect([e.statusCode, e.code]).toEqual([400, "InvalidCreateRemediationRequest"]);
    expect(e.message).toBe(
      `The request to create remediation 'rem-set' is invalid. The policy assignment '${assignmentId.toLowerCase()}' assigns a policy set definition. Remediations must specify a single policy definition reference ID within the policy set definition.`,
    );
  });

  it("deploys only the member it names, to that member's non-compliant resources", async () => {
    await emu.admin("DELETE", "/admin/extension-puts");
    const created = await insights.remediations.createOrUpdateAtSubscription("rem-da-windows", { policyAssignmentId: assignmentId, policyDefinitionReferenceId: "daWindows" });
    expect(created.policyDefinitionReferenceId).toBe("daWindows");
    const done = await finished("rem-da-windows");
    expect([done.provisioningState, done.deploymentStatus]).toEqual(["Succeeded", { totalDeployments: 2, successfulDeployments: 2, failedDeployments: 0 }]);
    expect(await deployed("rem-da-windows")).toEqual(["win-0", "win-1"]);
    const linux = await insights.remediations.createOrUpdateAtSubscription("rem-da-linux", { policyAssignmentId: assignmentId, policyDefinitionReferenceId: "daLinux" });
    expect((await finished(linux.name!)).deploymentStatus).toEqual({ totalDeployments: 1, successfulDeployments: 1, failedDeployments: 0 });
    expect(await deployed("rem-da-linux")).toEqual(["lin-0"]);
    const puts = await emu.admin<{ value: ExtensionPut[] }>("GET", "/admin/extension-puts");
    expect(puts.value.map((p) => `${p.machineId.split("/").pop()} ${p.type}`).sort()).toEqual(["lin-0 DependencyAgentLinux", "win-0 DependencyAgentWindows", "win-1 DependencyAgentWindows"]);
    // The Windows agents are in place now: that member has nothing left.
    const again = await insights.remediations.createOrUpdateAtSubscription("rem-da-windows-2", { policyAssignmentId: assignmentId, policyDefinitionReferenceId: "daWindows" });
    expect((await finished(again.name!)).deploymentStatus?.totalDeployments).toBe(0);
    // A task's settings are fixed: the same name for another member is refused.
    const other = await errorOf(insights.remediations.createOrUpdateAtSubscription("rem-da-windows", { policyAssignmentId: assignmentId, policyDefinitionReferenceId: "daLinux" }));
    expect([other.statusCode, other.code]).toEqual([400, "InvalidRemediationUpdate"]);
  });

  it("resolves the member's parameters through the set's: the MMA member deploys to the assignment's workspace", async () => {
    await emu.admin("DELETE", "/admin/extension-puts");
    await insights.remediations.createOrUpdateAtSubscription("rem-mma", { policyAssignmentId: assignmentId, policyDefinitionReferenceId: "mmaWindows" });
    expect((await finished("rem-mma")).deploymentStatus).toEqual({ totalDeployments: 2, successfulDeployments: 2, failedDeployments: 0 });
    const puts = await emu.admin<{ value: ExtensionPut[] }>("GET", "/admin/extension-puts");
    expect(puts.value.map((p) => [p.machineId.split("/").pop(), p.type, p.workspaceId]).sort()).toEqual([
      ["win-0", "MicrosoftMonitoringAgent", customerId],
      ["win-1", "MicrosoftMonitoringAgent", customerId],
    ]);
  });

  it("a member whose effect the set turns off cannot be remediated; an unknown reference finds nothing", async () => {
    const off = await errorOf(insights.remediations.createOrUpdateAtSubscription("rem-ama", { policyAssignmentId: assignmentId, policyDefinitionReferenceId: "amaWindows" }));
    expect([off.statusCode, off.code]).toEqual([400, "InvalidPolicyEffect"]);
    // Azure accepts a reference id the set lacks and finds nothing under it (Azure/azure-powershell#25588: "0 of 0").
    await insights.remediations.createOrUpdateAtSubscription("rem-unknown", { policyAssignmentId: assignmentId, policyDefinitionReferenceId: DA_WINDOWS });
    const done = await finished("rem-unknown");
    expect([done.provisioningState, done.deploymentStatus?.totalDeployments]).toEqual(["Succeeded", 0]);
  });
});
