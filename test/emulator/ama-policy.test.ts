/**
 * Remediation of the Azure Monitor Agent policies (reference §2.11) through arm-policy,
 * arm-authorization and arm-policyinsights: the AMA extension with a system-assigned identity
 * (ca817e41 / a4034bc6, Virtual Machine Contributor) and the association with a rule
 * (244efd75 / 58e891b9, parameter dcrResourceId, Monitoring and Log Analytics Contributor).
 */
import { PolicyClient } from "@azure/arm-policy";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { PolicyInsightsClient } from "@azure/arm-policyinsights";
import { ComputeManagementClient } from "@azure/arm-compute";
import { MonitorClient } from "@azure/arm-monitor";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { ResourceManagementClient } from "@azure/arm-resources";
import { randomUUID } from "node:crypto";
import { errorOf, eventually, FAST_POLL, INSTANT_EVALUATION, withEmulator } from "./helpers";
import type { ExtensionPut, RunningEmulator } from "../../src/emulator";
import { AMA_POLICIES, ROLES } from "../../src/spec/policies";
import { AZURE_MONITOR_AGENT } from "../../src/spec/extensions";
import { declareAmaPolicy } from "../../src/capabilities/azure-monitor-agent";

const defId = (g: string) => `/providers/Microsoft.Authorization/policyDefinitions/${g}`;
const AMA_WINDOWS = AMA_POLICIES.amaWindowsVm.definitionName;
const AMA_LINUX = AMA_POLICIES.amaLinuxVm.definitionName;
const DCRA_WINDOWS = AMA_POLICIES.dcrAssociationWindowsVm.definitionName;
const DCRA_LINUX = AMA_POLICIES.dcrAssociationLinuxVm.definitionName;

let emu: RunningEmulator;
let sub: string;
let scope: string;
let policy: PolicyClient;
let auth: AuthorizationManagementClient;
let insights: PolicyInsightsClient;
let compute: ComputeManagementClient;
let monitor: MonitorClient;
let ruleId: string;

beforeAll(async () => {
  emu = await withEmulator({ policyEvaluationDelayMs: INSTANT_EVALUATION });
  sub = emu.subscriptionIds[2]!;
  scope = `/subscriptions/${sub}`;
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  policy = new PolicyClient(emu.credential(), sub, opts);
  auth = new AuthorizationManagementClient(emu.credential(), sub, opts);
  insights = new PolicyInsightsClient(emu.credential(), sub, opts);
  compute = new ComputeManagementClient(emu.credential(), sub, opts);
  monitor = new MonitorClient(emu.credential(), sub, opts);
  const rm = new ResourceManagementClient(emu.credential(), sub, opts);
  for (const rg of ["rg-win", "rg-lin", "rg-mon"]) await rm.resourceGroups.createOrUpdate(rg, { location: "eastus" });
  const ws = await new OperationalInsightsManagementClient(emu.credential(), sub, opts).workspaces.beginCreateOrUpdateAndWait("rg-mon", "law-ops", { location: "eastus" }, FAST_POLL);
  const rule = await monitor.dataCollectionRules.create("rg-mon", "dcr-ops", {
    body: { location: "eastus", destinations: { logAnalytics: [{ name: "ops", workspaceResourceId: ws.id }] }, dataSources: {}, dataFlows: [] },
  });
  ruleId = rule.id!;
});
afterAll(async () => emu?.stop());

async function vm(rg: string, name: string, os: "Windows" | "Linux", identity?: object) {
  const config = os === "Windows" ? { windowsConfiguration: { provisionVMAgent: true } } : { linuxConfiguration: { provisionVMAgent: true } };
  return compute.virtualMachines.beginCreateOrUpdateAndWait(rg, name, { location: "eastus", identity, storageProfile: { osDisk: { osType: os, createOption: "FromImage" } }, osProfile: { computerName: name, ...config } }, FAST_POLL);
}

async function assign(name: string, definition: string, parameters: Record<string, { value: unknown }> = {}) {
  return policy.policyAssignments.create(scope, name, { location: "eastus", identity: { type: "SystemAssigned" }, policyDefinitionId: defId(definition), parameters });
}

async function grant(roleGuid: string, principalId: string) {
  return auth.roleAssignments.create(scope, randomUUID(), { roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`, principalId, principalType: "ServicePrincipal" });
}

async function remediate(rg: string, name: string, assignmentId: string, extra: { resourceCount?: number; parallelDeployments?: number } = {}) {
  await insights.remediations.createOrUpdateAtResourceGroup(rg, name, { policyAssignmentId: assignmentId, ...extra });
  return eventually(() => insights.remediations.getAtResourceGroup(rg, name), (r) => ["Succeeded", "Failed", "Canceled"].includes(r.provisioningState ?? ""));
}

async function deploymentsOf(rg: string, name: string) {
  const out: { vm: string; status: string; code?: string }[] = [];
  for await (const d of insights.remediations.listDeploymentsAtResourceGroup(rg, name)) out.push({ vm: d.remediatedResourceId!.split("/").pop()!, status: d.status!, code: d.error?.code });
  return out.sort((a, b) => (a.vm < b.vm ? -1 : 1));
}

async function peak(name: string): Promise<number> {
  const list = await emu.admin<{ value: { id: string; peakParallelDeployments: number }[] }>("GET", "/admin/remediations");
  return list.value.find((r) => r.id.endsWith(`/${name}`))!.peakParallelDeployments;
}

test("the AMA definitions list their roles, and the association ones want a dcrResourceId", async () => {
  const roles = async (g: string) => {
    const d = await policy.policyDefinitions.getBuiltIn(g);
    const details = (d.policyRule as { then: { details: { type: string; roleDefinitionIds: string[] } } }).then.details;
    return { type: details.type, roles: details.roleDefinitionIds.map((i) => i.split("/").pop()), parameters: Object.keys(d.parameters ?? {}) };
  };
  for (const g of [AMA_WINDOWS, AMA_LINUX]) expect(await roles(g)).toMatchObject({ type: "Microsoft.Compute/virtualMachines/extensions", roles: [ROLES.virtualMachineContributor.id] });
  for (const g of [DCRA_WINDOWS, DCRA_LINUX]) {
    expect(await roles(g)).toMatchObject({
      type: "Microsoft.Insights/dataCollectionRuleAssociations",
      roles: [ROLES.monitoringContributor.id, ROLES.logAnalyticsContributor.id],
      parameters: expect.arrayContaining(["effect", "dcrResourceId", "resourceType"]),
    });
  }
  const missing = await errorOf(assign("dcra-no-rule", DCRA_LINUX));
  expect([missing.statusCode, missing.code]).toEqual([400, "MissingPolicyParameter"]);
});

test("AMA remediation: the extension and a system-assigned identity (user-assigned ones kept) on the non-compliant Windows VMs", async () => {
  const uai = `/subscriptions/${sub}/resourceGroups/rg-win/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app`;
  await vm("rg-win", "win-plain", "Windows");
  await vm("rg-win", "win-uai", "Windows", { type: "UserAssigned", userAssignedIdentities: { [uai]: {} } });
  await vm("rg-win", "win-done", "Windows", { type: "SystemAssigned" });
  const a = AZURE_MONITOR_AGENT.Windows;
  await compute.virtualMachineExtensions.beginCreateOrUpdateAndWait("rg-win", "win-done", a.name, { location: "eastus", publisher: a.publisher, typePropertiesType: a.type, typeHandlerVersion: a.version }, FAST_POLL);
  await vm("rg-win", "lin-other", "Linux");
  await emu.admin("DELETE", "/admin/extension-puts");
  const assignment = await assign("ama-windows", AMA_WINDOWS);
  // Without Virtual Machine Contributor every deployment is refused.
  const denied = await remediate("rg-win", "rem-ama-denied", assignment.id!);
  expect(denied.provisioningState).toBe("Failed");
  expect(denied.deploymentStatus).toEqual({ totalDeployments: 2, successfulDeployments: 0, failedDeployments: 2 });
  expect((await deploymentsOf("rg-win", "rem-ama-denied")).map((d) => d.code)).toEqual(["AuthorizationFailed", "AuthorizationFailed"]);
  await grant(ROLES.virtualMachineContributor.id, assignment.identity!.principalId!);
  const done = await remediate("rg-win", "rem-ama", assignment.id!, { parallelDeployments: 1 });
  expect(done.provisioningState).toBe("Succeeded");
  expect(done.deploymentStatus).toEqual({ totalDeployments: 2, successfulDeployments: 2, failedDeployments: 0 });
  expect((await deploymentsOf("rg-win", "rem-ama")).map((d) => d.vm)).toEqual(["win-plain", "win-uai"]);
  expect(await peak("rem-ama")).toBe(1);
  const plain = await compute.virtualMachines.get("rg-win", "win-plain");
  expect(plain.identity).toMatchObject({ type: "SystemAssigned", principalId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  const withUai = await compute.virtualMachines.get("rg-win", "win-uai");
  expect(withUai.identity?.type).toBe("SystemAssigned, UserAssigned");
  expect(Object.keys(withUai.identity?.userAssignedIdentities ?? {})).toEqual([uai]);
  expect(await compute.virtualMachineExtensions.get("rg-win", "win-plain", a.name)).toMatchObject({ provisioningState: "Succeeded", publisher: a.publisher, typePropertiesType: a.type, enableAutomaticUpgrade: true });
  const puts = await emu.admin<{ value: ExtensionPut[] }>("GET", "/admin/extension-puts");
  expect(puts.value.map((p) => [p.machineId.split("/").pop(), p.type, p.source]).sort()).toEqual([
    ["win-plain", a.type, "remediation"],
    ["win-uai", a.type, "remediation"],
  ]);
  expect((await compute.virtualMachineExtensions.list("rg-win", "lin-other")).value ?? []).toEqual([]);
});

test("association remediation: assoc-<uniqueString> on the non-compliant Linux VMs, resourceCount and parallelDeployments honoured, both roles needed", async () => {
  for (let i = 0; i < 5; i++) await vm("rg-lin", `lin-${i}`, "Linux");
  const already = await compute.virtualMachines.get("rg-lin", "lin-0");
  await monitor.dataCollectionRuleAssociations.create(already.id!, "hand-made", { body: { dataCollectionRuleId: ruleId } });
  const assignment = await assign("dcra-linux", DCRA_LINUX, { dcrResourceId: { value: ruleId } });
  await grant(ROLES.monitoringContributor.id, assignment.identity!.principalId!);
  const half = await remediate("rg-lin", "rem-dcra-half", assignment.id!);
  expect(half.provisioningState).toBe("Failed");
  expect((await deploymentsOf("rg-lin", "rem-dcra-half")).every((d) => d.code === "AuthorizationFailed")).toBe(true);
  await grant(ROLES.logAnalyticsContributor.id, assignment.identity!.principalId!);
  const first = await remediate("rg-lin", "rem-dcra-1", assignment.id!, { resourceCount: 3, parallelDeployments: 2 });
  expect(first.provisioningState).toBe("Succeeded");
  expect(first.deploymentStatus).toEqual({ totalDeployments: 3, successfulDeployments: 3, failedDeployments: 0 });
  expect(await peak("rem-dcra-1")).toBeLessThanOrEqual(2);
  const second = await remediate("rg-lin", "rem-dcra-2", assignment.id!);
  expect(second.deploymentStatus).toEqual({ totalDeployments: 1, successfulDeployments: 1, failedDeployments: 0 });
  for (let i = 1; i < 5; i++) {
    const m = await compute.virtualMachines.get("rg-lin", `lin-${i}`);
    const names: string[] = [];
    for await (const x of monitor.dataCollectionRuleAssociations.listByResource(m.id!)) {
      names.push(x.name!);
      expect(x.dataCollectionRuleId).toBe(ruleId);
    }
    expect(names).toEqual([expect.stringMatching(/^assoc-[a-z2-7]{13}$/)]);
  }
  const onVm0: string[] = [];
  for await (const x of monitor.dataCollectionRuleAssociations.listByResource(already.id!)) onVm0.push(x.name!);
  expect(onVm0).toEqual(["hand-made"]);
  const byRule: string[] = [];
  for await (const x of monitor.dataCollectionRuleAssociations.listByRule("rg-mon", "dcr-ops")) byRule.push(x.name!);
  expect(byRule).toHaveLength(5);
});

test("an association remediation whose rule does not exist fails every deployment", async () => {
  await vm("rg-win", "win-dcra", "Windows");
  const assignment = await assign("dcra-missing", DCRA_WINDOWS, { dcrResourceId: { value: `${ruleId}-gone` } });
  await grant(ROLES.monitoringContributor.id, assignment.identity!.principalId!);
  await grant(ROLES.logAnalyticsContributor.id, assignment.identity!.principalId!);
  const r = await remediate("rg-win", "rem-dcra-missing", assignment.id!);
  expect(r.provisioningState).toBe("Failed");
  const ds = await deploymentsOf("rg-win", "rem-dcra-missing");
  expect(ds.length).toBeGreaterThan(0);
  expect(ds.every((d) => d.status === "Failed" && d.code === "InvalidPayload")).toBe(true);
});

test("resource selectors: an association assignment limited to one geography's regions links only the machines there", async () => {
  const rm = new ResourceManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  await rm.resourceGroups.createOrUpdate("rg-geo", { location: "westeurope" });
  const inRegion = async (name: string, location: string) =>
    compute.virtualMachines.beginCreateOrUpdateAndWait(
      "rg-geo",
      name,
      { location, storageProfile: { osDisk: { osType: "Linux", createOption: "FromImage" } }, osProfile: { computerName: name, linuxConfiguration: { provisionVMAgent: true } } },
      FAST_POLL,
    );
  for (const [name, location] of [["geo-weu", "westeurope"], ["geo-neu", "North Europe"], ["geo-jpe", "japaneast"]] as const) await inRegion(name, location);
  const assignment = await policy.policyAssignments.create(scope, "dcra-europe", {
    location: "eastus",
    identity: { type: "SystemAssigned" },
    policyDefinitionId: defId(DCRA_LINUX),
    parameters: { dcrResourceId: { value: ruleId } },
    resourceSelectors: [{ name: "geography", selectors: [{ kind: "resourceLocation", in: ["westeurope", "northeurope"] }] }],
  });
  expect(assignment.resourceSelectors).toEqual([{ name: "geography", selectors: [{ kind: "resourceLocation", in: ["westeurope", "northeurope"] }] }]);
  await grant(ROLES.monitoringContributor.id, assignment.identity!.principalId!);
  await grant(ROLES.logAnalyticsContributor.id, assignment.identity!.principalId!);
  const done = await remediate("rg-geo", "rem-dcra-europe", assignment.id!);
  expect(done.provisioningState).toBe("Succeeded");
  expect((await deploymentsOf("rg-geo", "rem-dcra-europe")).map((d) => d.vm)).toEqual(["geo-neu", "geo-weu"]);

  const bad = await errorOf(
    policy.policyAssignments.create(scope, "dcra-bad-selector", {
      location: "eastus",
      identity: { type: "SystemAssigned" },
      policyDefinitionId: defId(DCRA_LINUX),
      parameters: { dcrResourceId: { value: ruleId } },
      resourceSelectors: [{ name: "x", selectors: [{ kind: "resourceLocation", in: ["westeurope"], notIn: ["japaneast"] }] }],
    }),
  );
  expect([bad.statusCode, bad.code]).toEqual([400, "InvalidResourceSelectors"]);
});

test("a rule in another subscription (a hub's): with the roles at the machines' subscription alone every deployment fails LinkedAuthorizationFailed; with the grants the components declare at the rule, it links", async () => {
  const hub = emu.subscriptionIds[0]!;
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  await new ResourceManagementClient(emu.credential(), hub, opts).resourceGroups.createOrUpdate("rg-hub", { location: "eastus" });
  await new ResourceManagementClient(emu.credential(), sub, opts).resourceGroups.createOrUpdate("rg-spoke", { location: "eastus" });
  const ws = await new OperationalInsightsManagementClient(emu.credential(), hub, opts).workspaces.beginCreateOrUpdateAndWait("rg-hub", "law-hub", { location: "eastus" }, FAST_POLL);
  const hubRule = (
    await new MonitorClient(emu.credential(), hub, opts).dataCollectionRules.create("rg-hub", "dcr-hub", {
      body: { location: "eastus", destinations: { logAnalytics: [{ name: "hub", workspaceResourceId: ws.id }] }, dataSources: {}, dataFlows: [] },
    })
  ).id!;
  for (const name of ["spoke-1", "spoke-2"]) await vm("rg-spoke", name, "Linux");
  // What the components declare for this assignment: its roles at the subscription, and again at the hub's rule.
  const unit = declareAmaPolicy("spoke/ama/dcra-hub", { subscriptionId: sub, policy: "dcrAssociationLinuxVm", assignmentName: "dcra-hub", dataCollectionRuleId: hubRule, identityLocation: "eastus" });
  const grants = unit.resources.flatMap((d) => (d.kind === "role-assignment" ? [{ linked: d.role.startsWith("linked-"), ...(d.props as { scope: string; name: string; roleDefinitionId: string }) }] : []));
  expect(grants.map((g) => [g.linked, g.scope])).toEqual([
    [false, scope],
    [false, scope],
    [true, hubRule],
    [true, hubRule],
  ]);
  const assignment = await assign("dcra-hub", DCRA_LINUX, { dcrResourceId: { value: hubRule } });
  const make = (g: (typeof grants)[number]) => auth.roleAssignments.create(g.scope, g.name, { roleDefinitionId: g.roleDefinitionId, principalId: assignment.identity!.principalId!, principalType: "ServicePrincipal" });
  for (const g of grants.filter((x) => !x.linked)) await make(g);
  const refused = await remediate("rg-spoke", "rem-dcra-hub-1", assignment.id!);
  expect(refused.provisioningState).toBe("Failed");
  const first = [];
  for await (const d of insights.remediations.listDeploymentsAtResourceGroup("rg-spoke", "rem-dcra-hub-1")) first.push(d);
  expect(first.map((d) => d.error?.code)).toEqual(["LinkedAuthorizationFailed", "LinkedAuthorizationFailed"]);
  expect(first[0]!.error?.message).toContain(`'Microsoft.Insights/dataCollectionRules/read' on the linked scope(s) '${hubRule}'`);

  for (const g of grants.filter((x) => x.linked)) await make(g);
  const linked = await remediate("rg-spoke", "rem-dcra-hub-2", assignment.id!);
  expect(linked.provisioningState).toBe("Succeeded");
  expect(await deploymentsOf("rg-spoke", "rem-dcra-hub-2")).toEqual([
    { vm: "spoke-1", status: "Succeeded", code: undefined },
    { vm: "spoke-2", status: "Succeeded", code: undefined },
  ]);
  const byRule: string[] = [];
  for await (const x of new MonitorClient(emu.credential(), hub, opts).dataCollectionRuleAssociations.listByRule("rg-hub", "dcr-hub")) byRule.push(x.name!);
  expect(byRule).toHaveLength(2);
});
