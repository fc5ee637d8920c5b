/**
 * An agent's usual extension name held by another handler, end to end on the emulator with the
 * real CLI: Windows VMs whose `AzureMonitorWindowsAgent`, and `DependencyAgentWindows`, are
 * someone's Custom Script Extensions. Azure (and the emulator) refuse a PUT of that name with the
 * agent's handler (409 PropertyChangeNotAllowed), so the plan installs the agent under a free name
 * (the Dependency agent's machine left out of the toggle's assignment, whose deployment uses the
 * usual name), which the apply carries out; the next plan has nothing to do for the machines, and
 * the other extensions are untouched.
 */
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { ComputeManagementClient } from "@azure/arm-compute";
import { ResourceManagementClient } from "@azure/arm-resources";
import { parsePlan } from "../../src/core";
import { applyArgs, runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(180_000);

const RG = "rg-name-taken";
const VM = "vm-name-taken";
const DEP_VM = "vm-dep-name-taken";
const FAST_POLL = { updateIntervalInMs: 5 };

let lab: Lab;
let compute: ComputeManagementClient;
let vmId: string;
let depVmId: string;

/** A running Windows VM with someone's Custom Script Extension named `extensionName`. */
async function vmWithScript(name: string, extensionName: string): Promise<string> {
  const vm = await compute.virtualMachines.beginCreateOrUpdateAndWait(
    RG,
    name,
    { location: "westeurope", storageProfile: { osDisk: { osType: "Windows", createOption: "FromImage" } }, osProfile: { computerName: name, windowsConfiguration: { provisionVMAgent: true } } },
    FAST_POLL,
  );
  await compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
    RG,
    name,
    extensionName,
    { location: "westeurope", publisher: "Microsoft.Compute", typePropertiesType: "CustomScriptExtension", typeHandlerVersion: "1.10", settings: { commandToExecute: "echo hi" } },
    FAST_POLL,
  );
  return vm.id!;
}

beforeAll(async () => {
  lab = await startLab(2, {}, 41);
  const sub = lab.emu.subscriptionIds[0]!;
  writeFileSync(lab.specPath, stringify({ subscriptions: [sub], logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: "default", securityEvents: "None", defender: true }, extensions: { dependencyAgent: { windows: true } } }));
  const opts = { ...lab.emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  await new ResourceManagementClient(lab.emu.credential(), sub, opts).resourceGroups.createOrUpdate(RG, { location: "westeurope" });
  compute = new ComputeManagementClient(lab.emu.credential(), sub, opts);
  vmId = await vmWithScript(VM, "AzureMonitorWindowsAgent");
  depVmId = await vmWithScript(DEP_VM, "DependencyAgentWindows");
});
afterAll(() => lab?.emu.stop());

async function cliPlan(): Promise<{ code: number | null; plan: ReturnType<typeof parsePlan>["plan"] }> {
  const run = runCli(lab, ["plan", "--spec", lab.specPath, "--format", "json", "--quiet"]);
  const code = await run.exit;
  if (code !== 0 && code !== 2) throw new Error(`plan: exit ${code}:\n${run.stderr().slice(-3000)}`);
  return { code, plan: parsePlan(run.stdout()).plan };
}

const onVm = (p: { steps: readonly { target: string; details: unknown }[] }, id = vmId) => p.steps.filter((s) => (s.details as { machineId?: string }).machineId?.toLowerCase() === id.toLowerCase());
const extensionsOf = async (name: string) =>
  ((await compute.virtualMachineExtensions.list(RG, name)).value ?? []).map((e) => [e.name, e.publisher, e.typePropertiesType, e.provisioningState]).sort();

it("plans the agents under free names, the apply installs them, and the next plan has nothing to do for the machines", async () => {
  const first = await cliPlan();
  expect(first.code).toBe(2);

  // Before this planner chose the name, this apply failed: 409 PropertyChangeNotAllowed.
  const run = runCli(lab, applyArgs(lab));
  const code = await run.exit;
  if (code !== 0) throw new Error(`apply: exit ${code}:\n${run.stdout().slice(-3000)}\n${run.stderr().slice(-3000)}`);

  // The Dependency agent under its usual name: the toggle's remediation deployed it there.
  expect(await extensionsOf(VM)).toEqual([
    ["AzureMonitorWindowsAgent", "Microsoft.Compute", "CustomScriptExtension", "Succeeded"],
    ["AzureMonitorWindowsAgent-1", "Microsoft.Azure.Monitor", "AzureMonitorWindowsAgent", "Succeeded"],
    ["DependencyAgentWindows", "Microsoft.Azure.Monitoring.DependencyAgent", "DependencyAgentWindows", "Succeeded"],
  ]);
  expect(await extensionsOf(DEP_VM)).toEqual([
    ["AzureMonitorWindowsAgent", "Microsoft.Azure.Monitor", "AzureMonitorWindowsAgent", "Succeeded"],
    ["DependencyAgentWindows", "Microsoft.Compute", "CustomScriptExtension", "Succeeded"],
    ["DependencyAgentWindows-1", "Microsoft.Azure.Monitoring.DependencyAgent", "DependencyAgentWindows", "Succeeded"],
  ]);

  const second = await cliPlan();
  expect(onVm(second.plan)).toEqual([]);
  expect(onVm(second.plan, depVmId)).toEqual([]);
  expect(second.plan.steps.filter((s) => (s as { action?: string }).action === "set-policy-not-scopes")).toEqual([]);
  expect(second.plan.machines.find((m) => m.id.toLowerCase() === vmId.toLowerCase())!.decision).toBe("ama-compliant");
  expect(second.plan.findings.map((f) => f.code)).not.toContain("extension-name-taken");

  // What the first plan said it would do.
  const install = onVm(first.plan).find((s) => (s as { action?: string }).action === "install-extension")!;
  expect(install.target.toLowerCase()).toBe(`${vmId}/extensions/AzureMonitorWindowsAgent-1`.toLowerCase());
  expect(first.plan.findings.filter((f) => f.code === "extension-name-taken").map((f) => [f.severity, f.target.toLowerCase()]).sort()).toEqual([
    ["info", `${depVmId}/extensions/DependencyAgentWindows`.toLowerCase()],
    ["info", `${vmId}/extensions/AzureMonitorWindowsAgent`.toLowerCase()],
  ]);
  const assign = first.plan.steps.find((s) => (s as { action?: string }).action === "assign-policy" && /Dependency agent/.test((s.details as { displayName: string }).displayName))!;
  expect((assign.details as { notScopes?: string[] }).notScopes?.map((n) => n.toLowerCase())).toEqual([depVmId.toLowerCase()]);
});
