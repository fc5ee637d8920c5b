/**
 * examples/pulumi/program/index.ts (the components used directly) under setMocks: a hub with a
 * central workspace created in the same program (its id an Output), spokes pointing at it, a lab
 * on default workspaces with Defender off, and a standalone ExtensionPolicy.
 */
import * as pulumi from "@pulumi/pulumi";
import { startMocks, valueOf, type MockRun, type Props } from "./harness";
import { T, expectComponentTree, expectNoWorkspaceKeys, owningSubscription } from "./graph";

const HUB = "33333333-3333-3333-3333-333333333333";
const SPOKE1 = "44444444-4444-4444-4444-444444444444";
const SPOKE2 = "55555555-5555-5555-5555-555555555555";
const LAB = "66666666-6666-6666-6666-666666666666";
const SANDBOX = "77777777-7777-7777-7777-777777777777";
const CENTRAL = `/subscriptions/${HUB}/resourceGroups/rg-central-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-central`;

let run: MockRun;
let outputs: Props;

beforeAll(async () => {
  run = await startMocks();
  const program = await import("../../examples/pulumi/program/index");
  outputs = await valueOf(pulumi.output({ ...program }));
  expect(await run.settle()).toEqual([]);
});

test("the hub uses the provider it was given; the spokes and the lab make their own", () => {
  expect(run.ofType(T.provider).map((p) => `${p.name} ${p.inputs["subscriptionId"]}`).sort()).toEqual([
    `hub ${HUB}`,
    `lab-provider ${LAB}`,
    `sandbox ${SANDBOX}`,
    `spoke-44444444-provider ${SPOKE1}`,
    `spoke-55555555-provider ${SPOKE2}`,
  ]);
  for (const r of run.resources.filter((x) => x.custom && x.type !== T.provider && owningSubscription(run, x))) {
    expect({ name: r.name, subscription: r.subscription }).toEqual({ name: r.name, subscription: owningSubscription(run, r) });
  }
});

test("the central workspace (an Output id) gets one solution and the Common tier, from the hub; every spoke a workspace setting", () => {
  const solutions = run.ofType(T.solution).filter((s) => s.inputs["properties"].workspaceResourceId === CENTRAL);
  expect(solutions.map((s) => [run.parentOf(run.parentOf(s)!)!.name, s.inputs["solutionName"], s.inputs["location"], s.inputs["plan"].product])).toEqual([
    ["hub", "Security(law-central)", "westeurope", "OMSGallery/Security"],
  ]);
  // The location was given: nothing was looked up.
  expect(run.invocations).toEqual([]);
  const tiers = run.ofType(T.dataSource).filter((d) => d.inputs["workspaceName"] === "law-central");
  expect(tiers.map((d) => [d.subscription, d.inputs["properties"]])).toEqual([[HUB, { Tier: "Recommended", TierSetMethod: "Custom" }]]);
  expect(run.ofType(T.workspaceSetting).map((w) => [w.subscription, w.inputs["workspaceId"]]).sort()).toEqual([
    [HUB, CENTRAL],
    [SPOKE1, CENTRAL],
    [SPOKE2, CENTRAL],
  ]);
  expect(outputs.spokeWorkspaceSettings).toEqual([
    `/subscriptions/${SPOKE1}/providers/Microsoft.Security/workspaceSettings/default`,
    `/subscriptions/${SPOKE2}/providers/Microsoft.Security/workspaceSettings/default`,
  ]);
});

test("the lab: Defender off gives pricing Free and SecurityCenterFree solutions, one workspace per geography", () => {
  const lab = run.resources.filter((r) => owningSubscription(run, r) === LAB);
  expect(lab.filter((r) => r.type === T.pricing).map((p) => p.inputs["pricingTier"])).toEqual(["Free"]);
  expect(lab.filter((r) => r.type === T.workspace).map((w) => `${w.inputs["workspaceName"]} ${w.inputs["location"]}`).sort()).toEqual([
    `DefaultWorkspace-${LAB}-JNB southafricanorth`,
    `DefaultWorkspace-${LAB}-WEU westeurope`,
  ]);
  for (const s of lab.filter((r) => r.type === T.solution)) {
    expect(s.inputs["solutionName"]).toMatch(/^SecurityCenterFree\(DefaultWorkspace-/);
    expect(s.inputs["plan"].product).toBe("OMSGallery/SecurityCenterFree");
  }
  // Tier None: no data source.
  expect(lab.filter((r) => r.type === T.dataSource)).toEqual([]);
  expect(outputs.labWorkspaces).toEqual({
    WEU: `/subscriptions/${LAB}/resourceGroups/DefaultResourceGroup-WEU/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-${LAB}-WEU`,
    JNB: `/subscriptions/${LAB}/resourceGroups/DefaultResourceGroup-JNB/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-${LAB}-JNB`,
  });
});

test("the standalone ExtensionPolicy: the add-on's two roles in its subscription, remediation through its provider", () => {
  const sandbox = run.resources.filter((r) => r.name.startsWith("sandbox-k8s"));
  expect(sandbox.map((r) => r.type).sort()).toEqual([T.extensionPolicy, T.policyAssignment, T.remediation, T.roleAssignment, T.roleAssignment].sort());
  const roles = sandbox.filter((r) => r.type === T.roleAssignment).map((r) => r.inputs["roleDefinitionId"].split("/").pop()).sort();
  expect(roles).toEqual(["18ed5180-3e48-46fd-8541-4ea054d57064", "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8"]);
  expect(sandbox.find((r) => r.type === T.remediation)!.subscription).toBe(SANDBOX);
  expect(sandbox.find((r) => r.type === T.policyAssignment)!.inputs["location"]).toBe("northeurope");
  expect(outputs.sandboxAssignment).toBe(`/subscriptions/${SANDBOX}/providers/Microsoft.Authorization/policyAssignments/asc-k8s-policy-addon`);
});

test("parents and no workspace key", () => {
  expectComponentTree(run, ["hub", "monitoring", "central", "sandbox"]);
  expectNoWorkspaceKeys(run, outputs);
});
