/**
 * examples/pulumi/Pulumi.default-workspace.yaml through the root program, under setMocks: the
 * default workspaces per geography with the naming convention, their solution and tier, the
 * pricing, the extension policies with exactly their roles, parents and providers, no workspace
 * key, and the same resources the planner creates on a fresh fleet.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { declareStack, type StackDeclaration } from "../../components/pulumi/program/program";
import { SEED_POLICIES, policyDefinitionId } from "../../src/spec/policies";
import { configFromStackFile, startMocks, valueOf, type MockRun } from "./harness";
import { T, declaredFacts, expectComponentTree, expectNoWorkspaceKeys, freshInventory, owningSubscription, plannedFacts } from "./graph";

const SUB1 = "11111111-1111-1111-1111-111111111111";
const SUB2 = "22222222-2222-2222-2222-222222222222";

let run: MockRun;
let stack: StackDeclaration;
let outputs: unknown;

beforeAll(async () => {
  const doc = parse(readFileSync("examples/pulumi/Pulumi.default-workspace.yaml", "utf8"));
  run = await startMocks({ config: configFromStackFile(doc) });
  stack = declareStack();
  outputs = await valueOf(pulumi.output(stack.outputs));
  expect(await run.settle()).toEqual([]);
});

test("one default workspace per geography of each subscription, named by the convention", () => {
  const workspaces = run.ofType(T.workspace).map((r) => [r.subscription, r.inputs["resourceGroupName"], r.inputs["workspaceName"], r.inputs["location"]]);
  // SUB1: westeurope + northeurope (Europe, WEU), eastus (US, EUS), uksouth (UK, SUK); SUB2: japaneast (EJP), eastus2 (US, EUS).
  expect(workspaces.sort()).toEqual(
    [
      [SUB1, "DefaultResourceGroup-EUS", `DefaultWorkspace-${SUB1}-EUS`, "eastus"],
      [SUB1, "DefaultResourceGroup-SUK", `DefaultWorkspace-${SUB1}-SUK`, "uksouth"],
      [SUB1, "DefaultResourceGroup-WEU", `DefaultWorkspace-${SUB1}-WEU`, "westeurope"],
      [SUB2, "DefaultResourceGroup-EJP", `DefaultWorkspace-${SUB2}-EJP`, "japaneast"],
      [SUB2, "DefaultResourceGroup-EUS", `DefaultWorkspace-${SUB2}-EUS`, "eastus"],
    ].sort(),
  );
  for (const ws of run.ofType(T.workspace)) {
    expect(ws.inputs["retentionInDays"]).toBe(30);
    expect(ws.inputs["sku"]).toEqual({ name: "PerGB2018" });
  }
  const groups = run.ofType(T.resourceGroup).map((r) => `${r.subscription} ${r.inputs["resourceGroupName"]} ${r.inputs["location"]}`);
  expect(groups.sort()).toEqual(
    [`${SUB1} DefaultResourceGroup-EUS eastus`, `${SUB1} DefaultResourceGroup-SUK uksouth`, `${SUB1} DefaultResourceGroup-WEU westeurope`, `${SUB2} DefaultResourceGroup-EJP japaneast`, `${SUB2} DefaultResourceGroup-EUS eastus`].sort(),
  );
});

test("each workspace gets the Security solution (Defender on) and the Common tier in API words", () => {
  const solutions = run.ofType(T.solution);
  expect(solutions).toHaveLength(5);
  for (const s of solutions) {
    const ws = s.inputs["properties"].workspaceResourceId as string;
    const wsName = ws.split("/").pop();
    expect(s.inputs["solutionName"]).toBe(`Security(${wsName})`);
    expect(s.inputs["plan"]).toEqual({ name: `Security(${wsName})`, product: "OMSGallery/Security", publisher: "Microsoft", promotionCode: "" });
    expect(ws).toMatch(/^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/DefaultResourceGroup-[A-Z0-9]+\/providers\/Microsoft.OperationalInsights\/workspaces\/DefaultWorkspace-/);
    expect(s.inputs["resourceGroupName"]).toBe(ws.split("/")[4]);
  }
  const sources = run.ofType(T.dataSource);
  expect(sources).toHaveLength(5);
  for (const d of sources) {
    expect(d.inputs["kind"]).toBe("SecurityEventCollectionConfiguration");
    expect(d.inputs["dataSourceName"]).toBe("SecurityEventCollectionConfiguration");
    expect(d.inputs["properties"]).toEqual({ Tier: "Recommended", TierSetMethod: "Custom" });
  }
});

test("Defender for Servers pricing Standard per subscription, and no workspace setting", () => {
  expect(run.ofType(T.pricing).map((p) => [p.subscription, p.inputs["scopeId"], p.inputs["pricingName"], p.inputs["pricingTier"]]).sort()).toEqual([
    [SUB1, `/subscriptions/${SUB1}`, "VirtualMachines", "Standard"],
    [SUB2, `/subscriptions/${SUB2}`, "VirtualMachines", "Standard"],
  ]);
  expect(run.ofType(T.workspaceSetting)).toEqual([]);
});

test("the Kubernetes add-on and Windows Dependency agent policies, with exactly the roles their definitions list", () => {
  const assignments = run.ofType(T.policyAssignment);
  expect(assignments.map((a) => [a.inputs["scope"], a.inputs["policyAssignmentName"], a.inputs["policyDefinitionId"]]).sort()).toEqual(
    [
      [`/subscriptions/${SUB1}`, "asc-dependency-agent-windows", policyDefinitionId(SEED_POLICIES.dependencyAgentWindows)],
      [`/subscriptions/${SUB1}`, "asc-k8s-policy-addon", "/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7"],
      [`/subscriptions/${SUB2}`, "asc-dependency-agent-windows", "/providers/Microsoft.Authorization/policyDefinitions/1c210e94-a481-4beb-95fa-1571b434fb04"],
      [`/subscriptions/${SUB2}`, "asc-k8s-policy-addon", policyDefinitionId(SEED_POLICIES.kubernetesPolicyAddon)],
    ].sort(),
  );
  for (const a of assignments) {
    expect(a.inputs["identity"]).toEqual({ type: "SystemAssigned" });
    expect(a.inputs["location"]).toBe("eastus");
  }
  for (const component of run.ofType(T.extensionPolicy)) {
    const children = run.resources.filter((r) => r.parent === component.urn);
    const assignment = children.find((c) => c.type === T.policyAssignment)!;
    const sub = owningSubscription(run, component)!;
    const roles = children.filter((c) => c.type === T.roleAssignment);
    const definition = Object.values(SEED_POLICIES).find((p) => p.shortName === assignment.inputs["policyAssignmentName"])!;
    // Exactly the definition's roles, at the subscription, to the assignment's identity.
    expect(roles.map((r) => r.inputs["roleDefinitionId"]).sort()).toEqual(definition.roles.map((role) => `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`).sort());
    for (const r of roles) {
      expect(r.inputs["scope"]).toBe(`/subscriptions/${sub}`);
      expect(r.inputs["principalType"]).toBe("ServicePrincipal");
      expect(r.inputs["principalId"]).toBe(assignment.state["identity"].principalId);
      expect(r.inputs["roleAssignmentName"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    const remediation = children.find((c) => c.type === T.remediation);
    // The Dependency agent's remediation is the reconciler's (README, "Who owns what").
    if (definition.osType) {
      expect(remediation).toBeUndefined();
      continue;
    }
    expect(remediation!.inputs).toMatchObject({ policyAssignmentId: assignment.id, resourceDiscoveryMode: "ReEvaluateCompliance", remediationName: definition.shortName });
    expect(remediation!.subscription).toBe(sub);
  }
  expect(run.ofType(T.roleAssignment)).toHaveLength(2 * (2 + 1)); // k8s: 2 roles, dependency agent: 1 role, in two subscriptions
  expect(run.ofType(T.remediation)).toHaveLength(2); // the k8s add-on's in two subscriptions; the Dependency agent's is the reconciler's
});

test("every child is parented to its component; everything lands in its own subscription through its provider", () => {
  expectComponentTree(run);
  expect(run.ofType(T.provider).map((p) => p.inputs["subscriptionId"]).sort()).toEqual([SUB1, SUB2]);
  for (const r of run.resources.filter((x) => x.custom && x.type !== T.provider)) {
    expect({ name: r.name, subscription: r.subscription }).toEqual({ name: r.name, subscription: owningSubscription(run, r) });
  }
});

test("no workspace key in any input, state or output", () => {
  expectNoWorkspaceKeys(run, outputs);
});

test("the stack outputs name the workspaces by geography and the assignments by toggle", () => {
  expect(outputs).toEqual({
    endpoint: "azure",
    subscriptions: {
      [SUB1]: {
        pricingTier: "Standard",
        workspaceSettingId: null,
        workspaces: {
          WEU: `/subscriptions/${SUB1}/resourceGroups/DefaultResourceGroup-WEU/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-${SUB1}-WEU`,
          EUS: `/subscriptions/${SUB1}/resourceGroups/DefaultResourceGroup-EUS/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-${SUB1}-EUS`,
          SUK: `/subscriptions/${SUB1}/resourceGroups/DefaultResourceGroup-SUK/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-${SUB1}-SUK`,
        },
        policyAssignments: {
          kubernetesPolicyAddon: `/subscriptions/${SUB1}/providers/Microsoft.Authorization/policyAssignments/asc-k8s-policy-addon`,
          dependencyAgentWindows: `/subscriptions/${SUB1}/providers/Microsoft.Authorization/policyAssignments/asc-dependency-agent-windows`,
        },
        amaPolicyAssignments: {}, // agent mma
      },
      [SUB2]: expect.objectContaining({
        workspaces: {
          EJP: `/subscriptions/${SUB2}/resourceGroups/DefaultResourceGroup-EJP/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-${SUB2}-EJP`,
          EUS: `/subscriptions/${SUB2}/resourceGroups/DefaultResourceGroup-EUS/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-${SUB2}-EUS`,
        },
      }),
    },
  });
});

test("the same Azure resources, names and properties as the planner creates on a fresh fleet", () => {
  const { spec, machineRegions } = stack.settings;
  expect(declaredFacts(run)).toEqual(plannedFacts(spec, freshInventory(spec, machineRegions)));
});
