/**
 * The throwaway capability registered (one line, here by mocking the registry's list) reaches both
 * front ends with no change to them: its unit is no component's, so the Pulumi AutoProvisioning
 * and the CDKTF AutoProvisioning render it as it is, beside everything they rendered before.
 */
import { Testing, TerraformStack } from "cdktf";
import { AutoProvisioning as CdktfAutoProvisioning } from "../../components/cdktf";
import { AutoProvisioning } from "../../components/pulumi/autoProvisioning";
import { startMocks } from "../pulumi/harness";

// The registration line: src/capabilities/index.ts's list and the fixture.
jest.mock("../../src/capabilities", () => {
  const registry = jest.requireActual<typeof import("../../src/capabilities")>("../../src/capabilities");
  const { subscriptionTag } = jest.requireActual<typeof import("../fixtures/capabilities/subscription-tag")>("../fixtures/capabilities/subscription-tag");
  return { ...registry, CAPABILITIES: [...registry.CAPABILITIES, subscriptionTag] };
});

const SUB = "11111111-1111-1111-1111-111111111111";
const spec = { subscriptions: [SUB], logAnalyticsAgent: { autoProvision: true, agent: "mma" as const } };

test("Pulumi: the unit's resources are the component's children, named after the unit and its roles", async () => {
  const run = await startMocks();
  const ap = new AutoProvisioning("ap", { subscriptionId: SUB, logAnalyticsAgent: spec.logAnalyticsAgent, machineRegions: ["westeurope"] });
  expect((await run.settle()).map((e) => e.message)).toEqual([]);
  expect(ap.declarations.others.map((u) => u.key)).toEqual([`${SUB}/subscription-tag`]);
  const names = ["assignment", "role-4a9ae827-6dc8-4573-8ac7-8239d42aa03f", "remediation"].map((role) => `ap-subscription-tag-${role}`);
  expect(names.map((n) => run.parentOf(run.named(n))?.name)).toEqual(["ap", "ap", "ap"]);
  expect(ap.others).toHaveLength(3);
  // Everything the component declared before is still there: the workspace, its tier, the pricing.
  expect(ap.defaultWorkspaces).toHaveLength(1);
  expect(ap.pricingTier).toBe("Standard");
});

test("CDKTF: the unit's resources, in a scope of their own", () => {
  const stack = new TerraformStack(Testing.app(), "tag");
  const ap = new CdktfAutoProvisioning(stack, "ap", { spec, subscriptionId: SUB, machineRegions: ["westeurope"] });
  expect(ap.others).toHaveLength(3);
  const resources = (JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, unknown>> }).resource;
  expect(Object.keys(resources["azurerm_subscription_policy_assignment"] ?? {})).toEqual([expect.stringContaining("subscription-tag")]);
  expect(Object.keys(resources["azurerm_log_analytics_workspace"] ?? {})).toHaveLength(1);
});
