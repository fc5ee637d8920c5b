/**
 * Soft-deleted workspaces in the inventory (issue 17 item 3): the adapter reads `deletedWorkspaces`,
 * so a default workspace whose name a soft-deleted workspace holds is decided before any write:
 * recovered by the create when that one was in the same group and location, refused with an error
 * finding naming it and what to do when it was elsewhere (Azure would answer the create 409).
 */
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { ResourceManagementClient } from "@azure/arm-resources";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { emulatorConnection, type AzureConnection } from "../../src/azure/connection";
import { readInventory } from "../../src/azure/inventory";
import { plan } from "../../src/core";
import { parseSpec } from "../../src/spec/validate";

let emu: RunningEmulator;
let conn: AzureConnection;

beforeAll(async () => {
  emu = await startEmulator({ fleet: 0, seed: 6 });
  conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
});
afterAll(async () => emu?.stop());

/** A westeurope VM, and a workspace of the WEU default name created in `rg` (`location`) then deleted without force. */
async function setUp(sub: string, rg: string, location: string): Promise<{ name: string; customerId: string }> {
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  await emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: "rg-app", name: "vm-weu", location: "westeurope", osType: "Linux" });
  await new ResourceManagementClient(emu.credential(), sub, opts).resourceGroups.createOrUpdate(rg, { location });
  const oi = new OperationalInsightsManagementClient(emu.credential(), sub, opts);
  const name = `DefaultWorkspace-${sub}-WEU`;
  const ws = await oi.workspaces.beginCreateOrUpdateAndWait(rg, name, { location }, { updateIntervalInMs: 5 });
  await oi.workspaces.beginDeleteAndWait(rg, name, { updateIntervalInMs: 5 });
  return { name, customerId: ws.customerId! };
}

const specFor = (sub: string) => parseSpec({ subscriptions: [sub], logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: "default" } });

test("held elsewhere: an error finding names the workspace and what to do, and nothing is written for it", async () => {
  const sub = emu.subscriptionIds[0]!;
  const { name, customerId } = await setUp(sub, "rg-moved", "northeurope");
  const inventory = await readInventory(conn, [sub]);
  expect(inventory.deletedWorkspaces).toEqual([{ id: expect.stringMatching(new RegExp(`/resourceGroups/rg-moved/providers/Microsoft.OperationalInsights/workspaces/${name}$`, "i")), location: "northeurope", customerId }]);
  const p = plan(specFor(sub), inventory);
  const error = p.findings.find((f) => f.code === "default-workspace-name-soft-deleted");
  expect(error).toMatchObject({ severity: "error" });
  expect(error!.message).toContain(`${name} cannot be created in DefaultResourceGroup-WEU (westeurope)`);
  expect(error!.message).toContain("rg-moved (northeurope)");
  expect(error!.message).toContain(`az monitor log-analytics workspace recover -g rg-moved -n ${name}`);
  expect(p.steps.filter((s) => s.action === "create-workspace" || s.target.toLowerCase().includes(name.toLowerCase()))).toEqual([]);
  expect(p.steps.filter((s) => s.action === "install-extension")).toEqual([]);
  expect(p.machines[0]!.reason).toMatch(/Blocked until that workspace exists/);
});

test("held in its own group and location: the create recovers it, and the plan says so", async () => {
  const sub = emu.subscriptionIds[1]!;
  const { name, customerId } = await setUp(sub, "DefaultResourceGroup-WEU", "westeurope");
  const p = plan(specFor(sub), await readInventory(conn, [sub]));
  expect(p.steps.filter((s) => s.action === "create-workspace").map((s) => s.target.split("/").pop())).toEqual([name]);
  expect(p.findings.find((f) => f.code === "default-workspace-recovered")?.message).toBe(
    `${name} is soft-deleted in DefaultResourceGroup-WEU (westeurope): creating it there recovers it, with its workspace id (customerId ${customerId}), keys and data.`,
  );
  expect(p.findings.map((f) => f.code)).not.toContain("default-workspace-name-soft-deleted");
});
