/**
 * The workspaces capability's steps on an emulator that soft-deletes workspaces as Azure does
 * (learn.microsoft.com "Delete and recover a Log Analytics workspace"): deleting an unused default
 * workspace soft-deletes it (the step is done: the workspace answers 404), creating it again later
 * recovers the same workspace id, and a create whose name a soft-deleted workspace holds in
 * another resource group fails loudly with Azure's reason.
 */
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { emulatorConnection } from "../../src/azure/connection";
import { AzureStepRunner } from "../../src/azure/runner";
import { ArmBudgets } from "../../src/azure/budget";
import type { Step } from "../../src/capabilities";

let emu: RunningEmulator;
let runner: AzureStepRunner;
let oi: OperationalInsightsManagementClient;
let sub: string;

beforeAll(async () => {
  emu = await startEmulator({ fleet: 0, seed: 4 });
  sub = emu.subscriptionIds[0]!;
  const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  runner = new AzureStepRunner(conn, { budgets: new ArmBudgets(), pollIntervalMs: 10 });
  oi = new OperationalInsightsManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
});
afterAll(async () => emu?.stop());

const run = (step: Step) => runner.run(step, { accepted: () => undefined } as never);

function step(action: string, target: string, details: object): Step {
  return { id: `${action}:${target}`, action, target, dependsOn: [], details } as unknown as Step;
}

function createDefault(rg: string, name: string, location: string): Step[] {
  const rgId = `/subscriptions/${sub}/resourceGroups/${rg}`;
  return [
    step("create-resource-group", rgId, { subscriptionId: sub, name: rg, location }),
    step("create-workspace", `${rgId}/providers/Microsoft.OperationalInsights/workspaces/${name}`, {
      subscriptionId: sub, resourceGroup: rg, name, location, sku: "PerGB2018", retentionInDays: 30, createdBySecurityCenter: true,
    }),
  ];
}

test("a deleted default workspace is soft-deleted, and creating it again recovers its workspace id", async () => {
  const name = `DefaultWorkspace-${sub}-WEU`;
  for (const s of createDefault("DefaultResourceGroup-WEU", name, "westeurope")) await run(s);
  const before = await oi.workspaces.get("DefaultResourceGroup-WEU", name);
  const del = step("delete-workspace", before.id!, { workspaceId: before.id });
  await run(del);
  expect(await runner.check(del, {} as never)).toBe("done");
  const deleted: string[] = [];
  for await (const w of oi.deletedWorkspaces.list()) deleted.push(w.name!);
  expect(deleted).toContain(name);

  for (const s of createDefault("DefaultResourceGroup-WEU", name, "westeurope")) await run(s);
  const again = await oi.workspaces.get("DefaultResourceGroup-WEU", name);
  expect(again.customerId).toBe(before.customerId);
});

test("a create whose name a soft-deleted workspace holds elsewhere fails with Azure's reason, not silently", async () => {
  const name = `DefaultWorkspace-${sub}-EUS`;
  for (const s of createDefault("DefaultResourceGroup-EUS", name, "eastus")) await run(s);
  const ws = await oi.workspaces.get("DefaultResourceGroup-EUS", name);
  await run(step("delete-workspace", ws.id!, { workspaceId: ws.id }));
  const [rg, create] = createDefault("rg-elsewhere", name, "eastus2");
  await run(rg!);
  await expect(run(create!)).rejects.toThrow(/recently deleted and is in soft-delete state/);
  expect(await runner.check(create!, {} as never)).toBe("absent");
});
