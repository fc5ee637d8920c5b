/**
 * A remediation created right after its assignment, on an emulator that (as Azure) evaluates a new
 * assignment only after a delay: the project's steps deploy anyway (ReEvaluateCompliance), and a
 * task that finds nothing while the plan handed it machines fails the step instead of counting
 * "0 of 0 deployed" as success.
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import { ResourceManagementClient } from "@azure/arm-resources";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { emulatorConnection } from "../../src/azure/connection";
import { AzureStepRunner } from "../../src/azure/runner";
import { ArmBudgets } from "../../src/azure/budget";
import { deployIfNotExists, grantRoleStep, remediationStep } from "../../src/capabilities/extension-policies";
import type { Step } from "../../src/capabilities";

const DA_WINDOWS = "1c210e94-a481-4beb-95fa-1571b434fb04";
const LA_CONTRIBUTOR = { id: "92aaf0da-9dab-42b6-94a3-d43ce8d16293", name: "Log Analytics Contributor" };

let emu: RunningEmulator;

beforeAll(async () => {
  // The emulator's defaults: a new assignment is evaluated only after policyEvaluationDelayMs.
  emu = await startEmulator({ remediationDeploymentMs: 5 });
});
afterAll(async () => emu?.stop());

async function windowsVms(sub: string, rg: string, names: string[]): Promise<string[]> {
  const opts = emu.clientOptions();
  await new ResourceManagementClient(emu.credential(), sub, opts).resourceGroups.createOrUpdate(rg, { location: "eastus" });
  const compute = new ComputeManagementClient(emu.credential(), sub, opts);
  const ids: string[] = [];
  for (const name of names) {
    const vm = await compute.virtualMachines.beginCreateOrUpdateAndWait(rg, name, { location: "eastus", storageProfile: { osDisk: { osType: "Windows", createOption: "FromImage" } }, osProfile: { computerName: name, windowsConfiguration: { provisionVMAgent: true } } }, { updateIntervalInMs: 10 });
    ids.push(vm.id!);
  }
  return ids;
}

/** The assign-policy, grant-role and create-remediation steps the planner sends for a bundle. */
function bundleSteps(sub: string, assignmentName: string, resources: string[]): Step[] {
  const bundle = deployIfNotExists({ subscriptionId: sub, assignmentName, policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${DA_WINDOWS}`, displayName: assignmentName, identityLocation: "eastus", roles: [LA_CONTRIBUTOR] });
  const grant = grantRoleStep(bundle, bundle.grants[0]!, null);
  const remediation = remediationStep(bundle, assignmentName, resources, 500);
  return [
    { id: "assign", action: "assign-policy", target: bundle.assignmentId, dependsOn: [], details: bundle.assignment },
    { id: "grant", action: "grant-role", target: grant.target, dependsOn: ["assign"], details: grant.details },
    { id: "remediate", action: "create-remediation", target: remediation.target, dependsOn: ["grant"], details: remediation.details },
  ] as Step[];
}

async function runAll(steps: Step[]): Promise<Record<string, string>> {
  const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  const runner = new AzureStepRunner(conn, { budgets: new ArmBudgets(), pollIntervalMs: 10 });
  const outputs = new Map<string, Record<string, string>>();
  const ctx = { outputs, accepted: () => undefined } as never;
  let last: Record<string, string> = {};
  for (const step of steps) {
    last = ((await runner.run(step, ctx)) ?? {}) as Record<string, string>;
    outputs.set(step.id, last);
  }
  return last;
}

test("the planner's remediation, sent right after its assignment, deploys to the machines it names", async () => {
  const sub = emu.subscriptionIds[0]!;
  const vms = await windowsVms(sub, "rg-remediate-now", ["rn1", "rn2", "rn3"]);
  const outputs = await runAll(bundleSteps(sub, "asc-da-now", vms));
  expect(outputs["deployments"]).toBe("3 succeeded, 0 failed of 3");
});

test("a remediation that finds nothing while the plan expected installs fails its step", async () => {
  const sub = emu.subscriptionIds[1]!;
  const vms = await windowsVms(sub, "rg-remediate-none", ["nn1"]);
  const steps = bundleSteps(sub, "asc-da-none", vms);
  // Discovery of already-evaluated resources only, right after the assignment: Azure finds none.
  const remediate = steps[2]!;
  steps[2] = { ...remediate, details: { ...remediate.details, resourceDiscoveryMode: "ExistingNonCompliant" } } as unknown as Step;
  await expect(runAll(steps)).rejects.toThrow(/found nothing to remediate, though the plan expected 1 install/);
});
