/**
 * examples/pulumi/Pulumi.central-workspace.yaml through the root program, under setMocks: one
 * central workspace for every subscription (reconfigure Yes), a workspace setting per
 * subscription, the workspace's solution and Minimal tier declared once, the Dependency agent on
 * both OSes, and the same resources as the planner on a fresh fleet with that workspace.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { declareStack, type StackDeclaration } from "../../components/pulumi/program/program";
import { configFromStackFile, LOOKED_UP_LOCATION, startMocks, valueOf, type MockRun, type Props } from "./harness";
import { T, declaredFacts, expectComponentTree, expectNoWorkspaceKeys, freshInventory, owningSubscription, plannedFacts } from "./graph";

const SUB1 = "11111111-1111-1111-1111-111111111111";
const SUB2 = "22222222-2222-2222-2222-222222222222";
const CENTRAL = `/subscriptions/${SUB1}/resourceGroups/rg-monitoring/providers/Microsoft.OperationalInsights/workspaces/ops-central`;

let run: MockRun;
let stack: StackDeclaration;
let outputs: Props;

beforeAll(async () => {
  const doc = parse(readFileSync("examples/pulumi/Pulumi.central-workspace.yaml", "utf8"));
  run = await startMocks({ config: configFromStackFile(doc) });
  stack = declareStack();
  outputs = await valueOf(pulumi.output(stack.outputs));
  expect(await run.settle()).toEqual([]);
});

test("the spec reads reconfigure Yes and the central workspace", () => {
  expect(stack.settings.spec.logAnalyticsAgent).toMatchObject({ reconfigureExisting: true, workspace: { id: CENTRAL }, securityEvents: "Minimal", defender: true });
});

test("no default workspace or resource group is created", () => {
  expect(run.ofType(T.workspace)).toEqual([]);
  expect(run.ofType(T.resourceGroup)).toEqual([]);
});

test("each subscription's workspace setting 'default' sends its machines to the central workspace", () => {
  expect(run.ofType(T.workspaceSetting).map((w) => [w.subscription, w.inputs["workspaceSettingName"], w.inputs["scope"], w.inputs["workspaceId"]]).sort()).toEqual([
    [SUB1, "default", `/subscriptions/${SUB1}`, CENTRAL],
    [SUB2, "default", `/subscriptions/${SUB2}`, CENTRAL],
  ]);
});

test("the central workspace's solution and tier are declared once, in its own subscription, at its looked-up location", () => {
  const [solution, ...more] = run.ofType(T.solution);
  expect(more).toEqual([]);
  expect(solution!.subscription).toBe(SUB1);
  expect(solution!.inputs).toEqual({
    resourceGroupName: "rg-monitoring",
    solutionName: "Security(ops-central)",
    location: LOOKED_UP_LOCATION,
    plan: { name: "Security(ops-central)", product: "OMSGallery/Security", publisher: "Microsoft", promotionCode: "" },
    properties: { workspaceResourceId: CENTRAL },
  });
  expect(run.invocations).toEqual([{ token: "azure-native:operationalinsights:getWorkspace", inputs: { resourceGroupName: "rg-monitoring", workspaceName: "ops-central" } }]);
  const [source, ...others] = run.ofType(T.dataSource);
  expect(others).toEqual([]);
  expect(source!.subscription).toBe(SUB1);
  expect(source!.inputs).toEqual({
    resourceGroupName: "rg-monitoring",
    workspaceName: "ops-central",
    dataSourceName: "SecurityEventCollectionConfiguration",
    kind: "SecurityEventCollectionConfiguration",
    properties: { Tier: "Minimal", TierSetMethod: "Custom" },
  });
  expect(owningSubscription(run, source!)).toBe(SUB1);
});

test("the Dependency agent on Windows and Linux: one Log Analytics Contributor role each, identities in westeurope", () => {
  const assignments = run.ofType(T.policyAssignment);
  expect(assignments.map((a) => `${a.inputs["scope"]} ${a.inputs["policyAssignmentName"]} ${a.inputs["location"]}`).sort()).toEqual([
    `/subscriptions/${SUB1} asc-dependency-agent-linux westeurope`,
    `/subscriptions/${SUB1} asc-dependency-agent-windows westeurope`,
    `/subscriptions/${SUB2} asc-dependency-agent-linux westeurope`,
    `/subscriptions/${SUB2} asc-dependency-agent-windows westeurope`,
  ]);
  expect(assignments.map((a) => a.inputs["policyDefinitionId"].split("/").pop()).sort()).toEqual([
    "1c210e94-a481-4beb-95fa-1571b434fb04",
    "1c210e94-a481-4beb-95fa-1571b434fb04",
    "4da21710-ce6f-4e06-8cdb-5cc4c93ffbee",
    "4da21710-ce6f-4e06-8cdb-5cc4c93ffbee",
  ]);
  const roles = run.ofType(T.roleAssignment);
  expect(roles).toHaveLength(4);
  for (const r of roles) {
    const sub = owningSubscription(run, r);
    expect(r.inputs["roleDefinitionId"]).toBe(`/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/92aaf0da-9dab-42b6-94a3-d43ce8d16293`);
    expect(r.inputs["scope"]).toBe(`/subscriptions/${sub}`);
  }
  expect(run.resources.filter((r) => r.inputs["policyAssignmentName"] === "asc-k8s-policy-addon")).toEqual([]);
});

test("parents, one provider per subscription, no workspace key", () => {
  expectComponentTree(run);
  expect(run.ofType(T.provider).map((p) => p.inputs["subscriptionId"]).sort()).toEqual([SUB1, SUB2]);
  expectNoWorkspaceKeys(run, outputs);
});

test("outputs: every geography of each subscription reports to the central workspace", () => {
  expect(outputs.subscriptions[SUB2]).toEqual({
    pricingTier: "Standard",
    workspaceSettingId: `/subscriptions/${SUB2}/providers/Microsoft.Security/workspaceSettings/default`,
    workspaces: { WEU: CENTRAL, EUS: CENTRAL },
    policyAssignments: {
      dependencyAgentWindows: `/subscriptions/${SUB2}/providers/Microsoft.Authorization/policyAssignments/asc-dependency-agent-windows`,
      dependencyAgentLinux: `/subscriptions/${SUB2}/providers/Microsoft.Authorization/policyAssignments/asc-dependency-agent-linux`,
    },
    amaPolicyAssignments: {}, // agent mma
  });
});

test("the same Azure resources as the planner creates when the central workspace exists without a solution or tier", () => {
  const { spec, machineRegions } = stack.settings;
  const existing = { id: CENTRAL, customerId: "c0000000-0000-0000-0000-000000000001", location: LOOKED_UP_LOCATION, createdBySecurityCenter: false, solutions: [] };
  expect(declaredFacts(run)).toEqual(plannedFacts(spec, freshInventory(spec, machineRegions, [existing])));
});
