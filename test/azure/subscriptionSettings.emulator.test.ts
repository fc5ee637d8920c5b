/**
 * The subscription-settings steps against the emulator with the official Security client:
 * removing the custom workspace setting (the plan's `set-workspace-setting` with no workspace)
 * must work where WorkspaceSettings_Delete answers 204, as the spec and arm-security allow
 * (the emulator answered 200 with a body before, which the client refuses).
 */
import { SecurityCenter } from "@azure/arm-security";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { emulatorConnection } from "../../src/azure/connection";
import { AzureStepRunner } from "../../src/azure/runner";
import { ArmBudgets } from "../../src/azure/budget";
import type { Step } from "../../src/capabilities";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ fleet: 16, seed: 2 });
});
afterAll(async () => emu?.stop());

function settingStep(subscriptionId: string, workspaceId: string | null): Step {
  return {
    id: `ws-${workspaceId ? "set" : "clear"}`,
    action: "set-workspace-setting",
    target: `/subscriptions/${subscriptionId}/providers/Microsoft.Security/workspaceSettings/default`,
    dependsOn: [],
    details: { subscriptionId, workspaceId, scope: `/subscriptions/${subscriptionId}` },
  } as Step;
}

test("set-workspace-setting sets, then removes, the subscription's custom workspace", async () => {
  const sub = emu.subscriptionIds[1]!;
  const workspace = emu.fleet!.workspaces.find((w) => w.id.includes(`/subscriptions/${sub}/`))!;
  const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  const runner = new AzureStepRunner(conn, { budgets: new ArmBudgets(), pollIntervalMs: 10 });
  const ctx = { outputs: new Map() } as never;
  await runner.run(settingStep(sub, workspace.id), ctx);
  const security = new SecurityCenter(emu.credential(), sub, emu.clientOptions());
  expect((await security.workspaceSettings.get("default")).workspaceId?.toLowerCase()).toBe(workspace.id.toLowerCase());
  await runner.run(settingStep(sub, null), ctx);
  await expect(security.workspaceSettings.get("default")).rejects.toMatchObject({ statusCode: 404 });
  // Removing it again (nothing there) is not an error either.
  await runner.run(settingStep(sub, null), ctx);
});
