/**
 * Raw REST writes that the spec marks long-running are followed to their end: the
 * `install-solution` step (Solutions_CreateOrUpdate, x-ms-long-running-operation) returns only
 * once the solution is provisioned. The emulator, as Azure, answers 201 "Creating" with an
 * Azure-AsyncOperation and settles later (lroDelayMs).
 */
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { emulatorConnection } from "../../src/azure/connection";
import { AzureStepRunner } from "../../src/azure/runner";
import { ArmBudgets } from "../../src/azure/budget";
import type { Step } from "../../src/capabilities";
import { ArmRest } from "../../src/azure/rest";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ fleet: 16, seed: 4, lroDelayMs: 400 });
});
afterAll(async () => emu?.stop());

test("install-solution waits until the solution is provisioned", async () => {
  const workspace = emu.fleet!.workspaces[0]!;
  const sub = workspace.id.split("/")[2]!;
  const wsName = workspace.id.split("/").pop()!;
  // A product the fleet never installs, so the PUT creates it.
  const name = `Updates(${wsName})`;
  const step = {
    id: "solution",
    action: "install-solution",
    target: `${workspace.id}/solutions/${name}`,
    dependsOn: [],
    details: { workspaceId: workspace.id, solution: "Updates", name, location: "eastus", plan: { name, publisher: "Microsoft", product: "OMSGallery/Updates", promotionCode: "" } },
  } as unknown as Step;
  const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  const runner = new AzureStepRunner(conn, { budgets: new ArmBudgets(), pollIntervalMs: 20 });
  await runner.run(step, { accepted: () => undefined } as never);
  const rg = workspace.id.split("/")[4];

  const live = (await new ArmRest(conn).get(`/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.OperationsManagement/solutions/${name}`, "2015-11-01-preview")) as { properties: { provisioningState: string } };
  expect(live.properties.provisioningState).toBe("Succeeded");
});
