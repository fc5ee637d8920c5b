/**
 * User trial 20, item 13: the reader keeps a policy assignment's parameters (Resource Graph's
 * `properties.parameters`, `{ name: { value } }`), so the plan can say which of ALZ's Defender
 * initiative's parameters differ from the spec.
 */
import { PolicyClient } from "@azure/arm-policy";
import { emulatorConnection } from "../../src/azure/connection";
import { readInventory } from "../../src/azure";
import { plan } from "../../src/core";
import { parseSpec } from "../../src/spec/validate";
import { startEmulator, type RunningEmulator } from "../../src/emulator";

const AKS_ADDON = "/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7";

let emu: RunningEmulator;
let sub: string;

beforeAll(async () => {
  emu = await startEmulator({ fleet: 1, seed: 20 });
  sub = [...emu.subscriptionIds][0]!.toLowerCase();
  const policy = new PolicyClient(emu.credential(), sub, emu.clientOptions());
  // ALZ's initiative, reduced to two of its parameters and one member the emulator's catalog has.
  await policy.policySetDefinitions.createOrUpdate("Deploy-MDFC-Config_20240319", {
    displayName: "Deploy Microsoft Defender for Cloud configuration",
    parameters: {
      enableAscForContainers: { type: "String", allowedValues: ["DeployIfNotExists", "Disabled"], defaultValue: "DeployIfNotExists" },
      ascForServersSubPlan: { type: "String", allowedValues: ["P1", "P2"], defaultValue: "P2" },
    },
    policyDefinitions: [{ policyDefinitionId: AKS_ADDON, policyDefinitionReferenceId: "azurePolicyForKubernetes", parameters: { effect: { value: "[parameters('enableAscForContainers')]" } } }],
  });
  await policy.policyAssignments.create(`/subscriptions/${sub}`, "Deploy-MDFC-Config-H224", {
    policyDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/policySetDefinitions/Deploy-MDFC-Config_20240319`,
    parameters: { enableAscForContainers: { value: "Disabled" }, ascForServersSubPlan: { value: "P1" } },
  });
});

afterAll(async () => {
  await emu?.stop();
});

describe("an assignment's parameters, read from the emulator", () => {
  it("are in the inventory as { name: value }, and the plan names those that differ from the spec", async () => {
    const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
    const inv = await readInventory(conn, [sub]);
    const alz = inv.policyAssignments.find((a) => a.name === "Deploy-MDFC-Config-H224");
    expect(alz?.parameters).toEqual({ enableAscForContainers: "Disabled", ascForServersSubPlan: "P1" });

    const spec = parseSpec({ subscriptions: [sub], logAnalyticsAgent: { autoProvision: false }, defender: { servers: { plan: "P2" }, containers: { enabled: true } } });
    const finding = plan(spec, inv).findings.find((f) => f.code === "coexisting-plans-assignment");
    expect(finding?.message).toContain(
      "Its parameters that differ from this spec: ascForServersSubPlan: P1, spec: defender.servers.plan P2; enableAscForContainers: Disabled, spec: defender.containers.enabled true.",
    );
  });
});
