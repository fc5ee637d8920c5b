/**
 * What Azure Policy does with an initiative (policy set definition) once it is assigned, through
 * arm-policy: deleting a set an assignment uses is refused (400 InvalidDeletePolicySetDefinitionRequest).
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { PolicyClient, type PolicySetDefinition } from "@azure/arm-policy";
import { ResourceManagementClient } from "@azure/arm-resources";
import { errorOf, FAST_POLL, INSTANT_EVALUATION, withEmulator } from "./helpers";
import type { RunningEmulator } from "../../src/emulator";

const defId = (g: string) => `/providers/Microsoft.Authorization/policyDefinitions/${g}`;
const DA_WINDOWS = defId("1c210e94-a481-4beb-95fa-1571b434fb04");
const DA_LINUX = defId("4da21710-ce6f-4e06-8cdb-5cc4c93ffbee");
const MMA_WINDOWS = defId("0868462e-646c-4fe3-9ced-a733534b6a2c");
const AMA_WINDOWS = defId("ca817e41-e85a-4783-bc7f-dc532d36235e");
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
let workspaceId: string;

beforeAll(async () => {
  // Recorded for the API-contract check when CI asks (scripts/check-contract.mjs): SDK traffic only.
  emu = await withEmulator({ policyEvaluationDelayMs: INSTANT_EVALUATION, recordTraffic: process.env["ASC_CONTRACT_DIR"] || undefined });
  sub = emu.subscriptionIds[0]!;
  scope = `/subscriptions/${sub}`;
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  policy = new PolicyClient(emu.credential(), sub, opts);
  await new ResourceManagementClient(emu.credential(), sub, opts).resourceGroups.createOrUpdate("rg-set", { location: "eastus" });
  const compute = new ComputeManagementClient(emu.credential(), sub, opts);
  for (const [name, os] of [["win-0", "Windows"], ["win-1", "Windows"], ["lin-0", "Linux"]] as const) {
    const config = os === "Windows" ? { windowsConfiguration: { provisionVMAgent: true } } : { linuxConfiguration: { provisionVMAgent: true } };
    await compute.virtualMachines.beginCreateOrUpdateAndWait("rg-set", name, { location: "eastus", storageProfile: { osDisk: { osType: os, createOption: "FromImage" } }, osProfile: { computerName: name, ...config } }, FAST_POLL);
  }
  const ws = await new OperationalInsightsManagementClient(emu.credential(), sub, opts).workspaces.beginCreateOrUpdateAndWait("rg-set", "law-set", { location: "eastus" }, FAST_POLL);
  workspaceId = ws.id!;
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
