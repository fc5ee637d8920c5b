/**
 * A scale set with a Manual upgrade policy, end to end (issue 17 item 3): the tool installs the
 * Azure Monitor Agent in the model, which reaches the existing instances only once they are
 * upgraded. By default the plan says so (a finding, the `scaleSetInstances` component) and
 * upgrades nothing; with `upgradeManualScaleSets` the apply upgrades them (`manualUpgrade`) and the
 * next plan has nothing to do.
 */
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { ComputeManagementClient } from "@azure/arm-compute";
import { ResourceManagementClient } from "@azure/arm-resources";
import { readInventory } from "../../src/azure/inventory";
import { plan, type Plan } from "../../src/core";
import { loadSpecFile } from "../../src/spec/load";
import { applyArgs, runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(180_000);

const RG = "rg-manual-vmss";
const NAME = "vmss-manual";

function writeSpec(lab: Lab, upgradeManualScaleSets: boolean): void {
  writeFileSync(
    lab.specPath,
    stringify({
      subscriptions: [lab.emu.subscriptionIds[0]],
      logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: "default", securityEvents: "None", defender: true, upgradeManualScaleSets },
    }),
  );
}

/** The plan as the CLI makes it: the adapter reads the emulator (instance state too), the core plans. */
async function planNow(lab: Lab): Promise<Plan> {
  const spec = loadSpecFile(lab.specPath);
  return plan(spec, await readInventory(lab.conn, spec.subscriptions));
}

describe.each([false, true])("a Manual scale set (upgradeManualScaleSets: %s)", (optIn) => {
  let lab: Lab;
  let compute: ComputeManagementClient;
  let vmssId: string;

  beforeAll(async () => {
    lab = await startLab(4, {}, 31);
    writeSpec(lab, optIn);
    const sub = lab.emu.subscriptionIds[0]!;
    const opts = { ...lab.emu.clientOptions(), retryOptions: { maxRetries: 0 } };
    await new ResourceManagementClient(lab.emu.credential(), sub, opts).resourceGroups.createOrUpdate(RG, { location: "westeurope" });
    compute = new ComputeManagementClient(lab.emu.credential(), sub, opts);
    const vmss = await compute.virtualMachineScaleSets.beginCreateOrUpdateAndWait(
      RG,
      NAME,
      {
        location: "westeurope",
        sku: { name: "Standard_D2s_v3", capacity: 3 },
        upgradePolicy: { mode: "Manual" },
        virtualMachineProfile: {
          osProfile: { computerNamePrefix: "manual", adminUsername: "azureuser", linuxConfiguration: {} },
          storageProfile: { osDisk: { osType: "Linux", createOption: "FromImage" } },
        },
      },
      { updateIntervalInMs: 5 },
    );
    vmssId = vmss.id!;
  });
  afterAll(() => lab?.emu.stop());

  const latest = async (): Promise<boolean[]> => {
    const out: boolean[] = [];
    for await (const vm of compute.virtualMachineScaleSetVMs.list(RG, NAME)) out.push(vm.latestModelApplied === true);
    return out;
  };
  const scaleSetOf = (p: Plan) => p.machines.find((m) => m.id.toLowerCase() === vmssId.toLowerCase())!;

  it("plans AMA into the model and says what happens to the 3 instances", async () => {
    const p = await planNow(lab);
    const vmss = scaleSetOf(p);
    expect(vmss.decision).toBe("ama-install");
    expect(p.steps.some((s) => s.action === "install-extension" && s.target.toLowerCase().startsWith(vmssId.toLowerCase()))).toBe(true);
    expect(vmss.components?.["scaleSetInstances"]?.decision).toBe(optIn ? "instances-upgrade" : "instances-not-upgraded");
    expect(p.steps.filter((s) => s.action === "upgrade-instances").map((s) => s.target.toLowerCase())).toEqual(optIn ? [vmssId.toLowerCase()] : []);
  });

  it(optIn ? "the apply upgrades the instances, and the next plan has nothing to do" : "the apply leaves the instances behind the model, and the next plan names them", async () => {
    const run = runCli(lab, applyArgs(lab));
    expect(await run.exit).toBe(0);
    expect(await latest()).toEqual(optIn ? [true, true, true] : [false, false, false]);
    const p = await planNow(lab);
    const vmss = scaleSetOf(p);
    expect(vmss.decision).toBe("ama-compliant");
    expect(p.steps).toEqual([]);
    if (optIn) {
      expect(vmss.components?.["scaleSetInstances"]?.decision).toBe("instances-current");
    } else {
      expect(vmss.components?.["scaleSetInstances"]).toEqual({ decision: "instances-not-upgraded", reason: expect.stringContaining("installed in the model, but 3 of 3 instance(s) are not upgraded") });
      expect(p.findings.find((f) => f.code === "scale-set-instances-not-upgraded")?.target.toLowerCase()).toBe(vmssId.toLowerCase());
    }
  });
});
