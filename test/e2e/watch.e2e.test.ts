/**
 * Issue "Reconcile for real", done-when: while `reconcile --watch --interval 2` runs, a VM created
 * through the SDK gets the Log Analytics agent extension within two intervals (counted in rounds
 * of the loop, not in wall time), and SIGTERM stops the loop cleanly.
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import { ResourceManagementClient } from "@azure/arm-resources";
import { runCli, startLab, until, type Lab } from "./helpers";

jest.setTimeout(120_000);

let lab: Lab;
beforeAll(async () => {
  lab = await startLab(40, {}, 5);
});
afterAll(() => lab?.emu.stop());

// Each round line starts with its UTC time.
const rounds = (out: string) => [...out.matchAll(/^\S+Z round (\d+):/gm)].map((m) => Number(m[1]));

it("a VM created while the loop runs gets its agent within two rounds", async () => {
  const sub = lab.emu.subscriptionIds[1]!;
  const watch = runCli(lab, ["reconcile", "--spec", lab.specPath, "--watch", "--interval", "2", "--state-dir", lab.stateDir, "--max-writes-per-second", "500"]);
  try {
    // Let the loop bring the fleet in line first.
    await until(() => /no changes/.test(watch.stdout()), "a round with no changes");
    const opts = { ...lab.emu.clientOptions(), retryOptions: { maxRetries: 0 } };
    await new ResourceManagementClient(lab.emu.credential(), sub, opts).resourceGroups.createOrUpdate("rg-new", { location: "westeurope" });
    const compute = new ComputeManagementClient(lab.emu.credential(), sub, opts);
    await compute.virtualMachines.beginCreateOrUpdateAndWait(
      "rg-new",
      "vm-created-during-watch",
      {
        location: "westeurope",
        hardwareProfile: { vmSize: "Standard_D2s_v3" },
        storageProfile: { osDisk: { osType: "Linux", createOption: "FromImage" } },
        osProfile: { computerName: "vm-created-during-watch", adminUsername: "azureuser", linuxConfiguration: { provisionVMAgent: true } },
      },
      { updateIntervalInMs: 10 },
    );
    const createdDuring = Math.max(0, ...rounds(watch.stdout()));
    let seenIn = 0;
    await until(async () => {
      const list = await compute.virtualMachineExtensions.list("rg-new", "vm-created-during-watch");
      if ((list.value ?? []).some((e) => e.typePropertiesType === "OmsAgentForLinux" && e.provisioningState === "Succeeded")) {
        seenIn = Math.max(0, ...rounds(watch.stdout()));
        return true;
      }
      return false;
    }, "the extension on the new VM");
    // Created during round k (or between k and k+1): the agent must be there by the end of round k+2.
    expect(seenIn - createdDuring).toBeLessThanOrEqual(2);
    // Stop between rounds: a watch whose last apply was cut short exits 1 (the new VM's round may
    // still be applying its other steps when its agent shows).
    await until(() => new RegExp(`^\\S+Z round ${seenIn}: Apply:`, "m").test(watch.stdout()), "the end of that round's apply");
    // The round says what it did, machine by machine (an operator reads which machine got what).
    expect(watch.stdout()).toMatch(/^ {2}install-extension: .*vm-created-during-watch/m);
  } finally {
    watch.child.kill("SIGTERM");
  }
  expect(await watch.exit).toBe(0);
  expect(watch.stderr()).not.toMatch(/\n\s+at /); // no stack trace
});
