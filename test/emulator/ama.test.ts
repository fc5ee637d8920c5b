/**
 * Azure Monitor Agent resources through the official clients: data collection rules and their
 * associations (arm-monitor 8), machines' managed identities and the AMA extension (arm-compute,
 * arm-hybridcompute), and what Resource Graph shows of them.
 */
import { MonitorClient, type DataCollectionRuleResource } from "@azure/arm-monitor";
import { ComputeManagementClient } from "@azure/arm-compute";
import { HybridComputeManagementClient } from "@azure/arm-hybridcompute";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { ResourceManagementClient } from "@azure/arm-resources";
import { armToken, errorOf, FAST_POLL, raw, withEmulator } from "./helpers";
import type { RunningEmulator } from "../../src/emulator";
import { dataCollectionRuleBody, SECURITY_EVENT_STREAM, xPathQueriesForTier } from "../../src/spec/dcr";
import { AZURE_MONITOR_AGENT } from "../../src/spec/extensions";

let emu: RunningEmulator;
let sub: string;
let monitor: MonitorClient;
let compute: ComputeManagementClient;
let wsOps: { id: string; customerId: string };
let wsApps: { id: string; customerId: string };
const RG = "rg-ama";

beforeAll(async () => {
  emu = await withEmulator();
  sub = emu.subscriptionIds[0]!;
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  monitor = new MonitorClient(emu.credential(), sub, opts);
  compute = new ComputeManagementClient(emu.credential(), sub, opts);
  await new ResourceManagementClient(emu.credential(), sub, opts).resourceGroups.createOrUpdate(RG, { location: "eastus" });
  const oi = new OperationalInsightsManagementClient(emu.credential(), sub, opts);
  const ws = async (name: string) => {
    const w = await oi.workspaces.beginCreateOrUpdateAndWait(RG, name, { location: "eastus" }, FAST_POLL);
    return { id: w.id!, customerId: w.customerId! };
  };
  wsOps = await ws("law-ops");
  wsApps = await ws("law-apps");
  for (const w of [wsOps, wsApps]) await securitySolution(w.id);
});

/** Security events land in the SecurityEvent table, which the Security solution gives a workspace (issue 14). */
async function securitySolution(workspaceId: string): Promise<void> {
  const name = `Security(${workspaceId.split("/").pop()})`;
  const r = await raw(emu, "PUT", `/subscriptions/${sub}/resourceGroups/${RG}/providers/Microsoft.OperationsManagement/solutions/${name}?api-version=2015-11-01-preview`, {
    token: await armToken(emu),
    body: { location: "eastus", plan: { name, product: "OMSGallery/Security", publisher: "Microsoft", promotionCode: "" }, properties: { workspaceResourceId: workspaceId } },
  });
  expect(r.status).toBeLessThan(300);
}
afterAll(async () => emu?.stop());

const windowsVm = (name: string, identity?: { type: "SystemAssigned" }) => ({
  location: "eastus",
  tags: { team: "ops" },
  identity,
  hardwareProfile: { vmSize: "Standard_D2s_v3" },
  storageProfile: { osDisk: { osType: "Windows" as const, createOption: "FromImage" as const } },
  osProfile: { computerName: name, adminUsername: "azureuser", windowsConfiguration: { provisionVMAgent: true } },
});

const amaWindows = { location: "eastus", publisher: AZURE_MONITOR_AGENT.Windows.publisher, typePropertiesType: AZURE_MONITOR_AGENT.Windows.type, typeHandlerVersion: AZURE_MONITOR_AGENT.Windows.version, enableAutomaticUpgrade: true };

/** The rule the planner PUTs (src/spec/dcr.ts). */
const plannerRule = (workspaceResourceId: string, tier: "None" | "Minimal" | "Common" | "All" = "Minimal") => dataCollectionRuleBody({ location: "eastus", workspaceResourceId, tier });

/** The SDK's flattened rule from a location and ARM `properties` (mutable copies of the planner's readonly arrays). */
const sdkRule = (location: string, properties: object, extra: object = {}): DataCollectionRuleResource =>
  JSON.parse(JSON.stringify({ location, ...properties, ...extra })) as DataCollectionRuleResource;

interface ErrorBody {
  error: { code: string; message: string; details?: { code: string; message: string; target: string }[] };
}

test("a data collection rule round-trips: the planner's body, immutableId, workspaceId, lists, PATCH of tags", async () => {
  const body = plannerRule(wsOps.id);
  const created = await monitor.dataCollectionRules.create(RG, "asc-law-ops", { body: sdkRule(body.location, body.properties, { tags: body.tags }) });
  expect(created).toMatchObject({ name: "asc-law-ops", type: "Microsoft.Insights/dataCollectionRules", location: "eastus", provisioningState: "Succeeded" });
  expect(created.immutableId).toMatch(/^dcr-[0-9a-f]{32}$/);
  expect(created.dataSources?.windowsEventLogs?.[0]?.xPathQueries).toEqual([...xPathQueriesForTier("Minimal")]);
  expect(created.destinations?.logAnalytics?.[0]).toMatchObject({ workspaceResourceId: wsOps.id, workspaceId: wsOps.customerId, name: "workspace" });
  const updated = await monitor.dataCollectionRules.create(RG, "asc-law-ops", { body: sdkRule("eastus", plannerRule(wsOps.id, "Common").properties) });
  expect(updated.immutableId).toBe(created.immutableId);
  expect(updated.dataSources?.windowsEventLogs?.[0]?.xPathQueries).toEqual([...xPathQueriesForTier("Common")]);
  const patched = await monitor.dataCollectionRules.update(RG, "asc-law-ops", { body: { tags: { owner: "secops" } } });
  expect(patched.tags).toEqual({ owner: "secops" });
  expect(patched.dataSources?.windowsEventLogs?.[0]?.streams).toEqual([SECURITY_EVENT_STREAM]);
  // Tier None: only a destination, no data source or flow.
  await monitor.dataCollectionRules.create(RG, "asc-law-apps", { body: sdkRule("eastus", plannerRule(wsApps.id, "None").properties) });
  const inRg: string[] = [];
  for await (const r of monitor.dataCollectionRules.listByResourceGroup(RG)) inRg.push(r.name!);
  expect(inRg.sort()).toEqual(["asc-law-apps", "asc-law-ops"]);
  const inSub: string[] = [];
  for await (const r of monitor.dataCollectionRules.listBySubscription()) inSub.push(r.name!);
  expect(inSub).toEqual(expect.arrayContaining(["asc-law-apps", "asc-law-ops"]));
  expect((await monitor.dataCollectionRules.get(RG, "asc-law-ops")).kind).toBeUndefined();
});

test("older api-versions work; unknown ones get InvalidApiVersionParameter", async () => {
  const token = await armToken(emu);
  const path = `/subscriptions/${sub}/resourceGroups/${RG}/providers/Microsoft.Insights/dataCollectionRules/dcr-versions`;
  for (const v of ["2021-04-01", "2022-06-01", "2023-03-11"]) {
    const put = await raw(emu, "PUT", `${path}?api-version=${v}`, { token, body: { location: "eastus", kind: "Windows", properties: plannerRule(wsOps.id).properties } });
    expect([put.status, put.body.kind]).toEqual([v === "2021-04-01" ? 201 : 200, "Windows"]);
  }
  const bad = await raw(emu, "GET", `${path}?api-version=2020-01-01`, { token });
  expect([bad.status, bad.body.error.code]).toEqual([400, "InvalidApiVersionParameter"]);
});

test("an invalid rule is refused with InvalidPayload and one detail per problem", async () => {
  const token = await armToken(emu);
  const put = (name: string, body: object) => raw(emu, "PUT", `/subscriptions/${sub}/resourceGroups/${RG}/providers/Microsoft.Insights/dataCollectionRules/${name}?api-version=2022-06-01`, { token, body });
  const props = plannerRule(wsOps.id).properties;
  const missingWs = await put("bad-ws", { location: "eastus", properties: { ...props, destinations: { logAnalytics: [{ name: "workspace", workspaceResourceId: `${wsOps.id}-gone` }] } } });
  expect(missingWs.status).toBe(400);
  expect((missingWs.body as ErrorBody).error).toMatchObject({ code: "InvalidPayload", message: "Data collection rule is invalid", details: [{ code: "InvalidDestination", target: "properties.destinations.logAnalytics[0].workspaceResourceId" }] });
  const noQueries = await put("bad-xpath", { location: "eastus", properties: { ...props, dataSources: { windowsEventLogs: [{ name: "ev", streams: [SECURITY_EVENT_STREAM], xPathQueries: [] }] } } });
  expect((noQueries.body as ErrorBody).error.details?.map((d) => [d.code, d.message])).toEqual([
    ["InvalidDataSource", "'X Path Queries' must not be empty."],
    ["InvalidDataSource", "'X Path Queries' item count should be 1 or more. Specified list has 0 items."],
  ]);
  const flow = await put("bad-flow", { location: "eastus", properties: { ...props, dataFlows: [{ streams: [SECURITY_EVENT_STREAM], destinations: ["elsewhere"] }] } });
  expect((flow.body as ErrorBody).error.details).toEqual([{ code: "InvalidDataFlow", message: "'DataFlows' destination name is unknown: elsewhere.", target: "properties.dataFlows[0]" }]);
  const linux = await put("bad-kind", { location: "eastus", kind: "Linux", properties: props });
  expect((linux.body as ErrorBody).error.details?.[0]?.code).toBe("InvalidDataSource");
  const kind = await put("bad-kind2", { location: "eastus", kind: "Direct", properties: props });
  expect([kind.status, (kind.body as ErrorBody).error.code]).toEqual([400, "InvalidPayload"]);
  const noLocation = await errorOf(monitor.dataCollectionRules.create(RG, "no-location", { body: sdkRule("", props, { location: undefined }) }));
  expect([noLocation.statusCode, noLocation.code]).toEqual([400, "LocationRequired"]);
  const sdk = await errorOf(monitor.dataCollectionRules.create(RG, "bad-ws", { body: sdkRule("eastus", props, { destinations: { logAnalytics: [{ name: "w", workspaceResourceId: "/subscriptions/x" }] } }) }));
  expect([sdk.statusCode, sdk.code]).toEqual([400, "InvalidPayload"]);
});

test("associations are extension resources of a machine: PUT, GET, list by machine and by rule, DELETE", async () => {
  const vm = await compute.virtualMachines.beginCreateOrUpdateAndWait(RG, "vm-assoc", windowsVm("vm-assoc", { type: "SystemAssigned" }), FAST_POLL);
  const rule = await monitor.dataCollectionRules.get(RG, "asc-law-ops");
  const a = await monitor.dataCollectionRuleAssociations.create(vm.id!, "asc-autoprovision", { body: { dataCollectionRuleId: rule.id, description: "ours" } });
  expect(a).toMatchObject({
    id: `${vm.id}/providers/Microsoft.Insights/dataCollectionRuleAssociations/asc-autoprovision`,
    name: "asc-autoprovision",
    type: "Microsoft.Insights/dataCollectionRuleAssociations",
    dataCollectionRuleId: rule.id,
    provisioningState: "Succeeded",
  });
  expect((await monitor.dataCollectionRuleAssociations.get(vm.id!, "asc-autoprovision")).description).toBe("ours");
  const other = await monitor.dataCollectionRules.get(RG, "asc-law-apps");
  await monitor.dataCollectionRuleAssociations.create(vm.id!, "theirs", { body: { dataCollectionRuleId: other.id } });
  const onVm: string[] = [];
  for await (const x of monitor.dataCollectionRuleAssociations.listByResource(vm.id!)) onVm.push(x.name!);
  expect(onVm.sort()).toEqual(["asc-autoprovision", "theirs"]);
  const byRule: string[] = [];
  for await (const x of monitor.dataCollectionRuleAssociations.listByRule(RG, "asc-law-ops")) byRule.push(x.id!);
  expect(byRule).toEqual([a.id]);
  await monitor.dataCollectionRuleAssociations.delete(vm.id!, "theirs");
  expect((await errorOf(monitor.dataCollectionRuleAssociations.get(vm.id!, "theirs"))).statusCode).toBe(404);
  await monitor.dataCollectionRuleAssociations.delete(vm.id!, "theirs"); // absent: 204
});

test("an association needs an existing rule and a machine (or other supported resource) to hang on", async () => {
  const vm = await compute.virtualMachines.get(RG, "vm-assoc");
  const missing = await errorOf(monitor.dataCollectionRuleAssociations.create(vm.id!, "x", { body: { dataCollectionRuleId: `/subscriptions/${sub}/resourceGroups/${RG}/providers/Microsoft.Insights/dataCollectionRules/nope` } }));
  expect([missing.statusCode, missing.code]).toEqual([400, "InvalidPayload"]);
  expect(missing.message).toBe("Data collection rule association is invalid");
  const empty = await errorOf(monitor.dataCollectionRuleAssociations.create(vm.id!, "x", { body: {} }));
  expect(empty.statusCode).toBe(400);
  const onWorkspace = await errorOf(monitor.dataCollectionRuleAssociations.create(wsOps.id, "x", { body: { dataCollectionRuleId: (await monitor.dataCollectionRules.get(RG, "asc-law-ops")).id } }));
  expect([onWorkspace.statusCode, onWorkspace.code]).toEqual([400, "UnsupportedResourceType"]);
  expect(onWorkspace.message).toMatch(/^Association cannot be created for resource of type 'Microsoft.OperationalInsights\/workspaces'. Supported types are: .*Microsoft.Compute\/virtualMachines/);
  const noMachine = await errorOf(monitor.dataCollectionRuleAssociations.create(`/subscriptions/${sub}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/ghost`, "x", { body: { dataCollectionRuleId: "y" } }));
  expect(noMachine.statusCode).toBe(404);
});

test("a rule with associations is not deleted (409) unless deleteAssociations=true, which deletes them too", async () => {
  const vm = await compute.virtualMachines.get(RG, "vm-assoc");
  const refused = await errorOf(monitor.dataCollectionRules.delete(RG, "asc-law-ops"));
  expect([refused.statusCode, refused.code]).toEqual([409, "Conflict"]);
  expect(refused.message).toMatch(/1 resource\(s\) are associated with it, e.g. '.*vm-assoc'.*deleteAssociations=true/);
  await monitor.dataCollectionRules.create(RG, "dcr-temp", { body: sdkRule("eastus", plannerRule(wsOps.id).properties) });
  const temp = await monitor.dataCollectionRules.get(RG, "dcr-temp");
  await monitor.dataCollectionRuleAssociations.create(vm.id!, "temp", { body: { dataCollectionRuleId: temp.id } });
  await monitor.dataCollectionRules.delete(RG, "dcr-temp", { deleteAssociations: true });
  expect((await errorOf(monitor.dataCollectionRules.get(RG, "dcr-temp"))).statusCode).toBe(404);
  expect((await errorOf(monitor.dataCollectionRuleAssociations.get(vm.id!, "temp"))).statusCode).toBe(404);
  await monitor.dataCollectionRules.delete(RG, "dcr-temp"); // absent: 204
});

test("a system-assigned identity is minted on PUT and PATCH; PATCH of the identity keeps everything else", async () => {
  const created = await compute.virtualMachines.beginCreateOrUpdateAndWait(RG, "vm-mi", windowsVm("vm-mi"), FAST_POLL);
  expect(created.identity).toBeUndefined();
  await compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(RG, "vm-mi", "DependencyAgentWindows", { location: "eastus", publisher: "Microsoft.Azure.Monitoring.DependencyAgent", typePropertiesType: "DependencyAgentWindows", typeHandlerVersion: "9.10" }, FAST_POLL);
  const before = await compute.virtualMachines.get(RG, "vm-mi");
  const patched = await compute.virtualMachines.beginUpdateAndWait(RG, "vm-mi", { identity: { type: "SystemAssigned" } }, FAST_POLL);
  expect(patched.identity).toEqual({ type: "SystemAssigned", principalId: expect.stringMatching(/^[0-9a-f-]{36}$/), tenantId: emu.tenantId });
  const after = await compute.virtualMachines.get(RG, "vm-mi");
  const strip = (v: typeof after) => ({ ...v, identity: undefined, provisioningState: undefined });
  expect(strip(after)).toEqual(strip(before));
  expect(after.tags).toEqual({ team: "ops" });
  expect(after.resources?.map((r) => r.name)).toEqual(["DependencyAgentWindows"]);
  // The principal stays while the identity does: a second PATCH or a PUT without identity keeps it.
  const again = await compute.virtualMachines.beginUpdateAndWait(RG, "vm-mi", { identity: { type: "SystemAssigned" } }, FAST_POLL);
  expect(again.identity?.principalId).toBe(patched.identity?.principalId);
  const put = await compute.virtualMachines.beginCreateOrUpdateAndWait(RG, "vm-mi", windowsVm("vm-mi"), FAST_POLL);
  expect(put.identity?.principalId).toBe(patched.identity?.principalId);
  const uai = `/subscriptions/${sub}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-ops`;
  const both = await compute.virtualMachines.beginUpdateAndWait(RG, "vm-mi", { identity: { type: "SystemAssigned, UserAssigned", userAssignedIdentities: { [uai]: {} } } }, FAST_POLL);
  expect(both.identity?.principalId).toBe(patched.identity?.principalId);
  expect(both.identity?.userAssignedIdentities?.[uai]?.principalId).toMatch(/^[0-9a-f-]{36}$/);
  const none = await compute.virtualMachines.beginUpdateAndWait(RG, "vm-mi", { identity: { type: "None" } }, FAST_POLL);
  expect(none.identity).toBeUndefined();
  const bad = await errorOf(compute.virtualMachines.beginUpdateAndWait(RG, "vm-mi", { identity: { type: "UserAssigned" } }, FAST_POLL));
  expect(bad.statusCode).toBe(400);
});

test("scale sets and Arc machines carry identities too (Arc: system-assigned only, given at onboarding)", async () => {
  const vmss = await compute.virtualMachineScaleSets.beginCreateOrUpdateAndWait(
    RG,
    "vmss-mi",
    {
      location: "eastus",
      identity: { type: "SystemAssigned" },
      sku: { name: "Standard_D2s_v3", capacity: 2 },
      virtualMachineProfile: { osProfile: { computerNamePrefix: "vmssmi", linuxConfiguration: {} }, storageProfile: { osDisk: { osType: "Linux", createOption: "FromImage" } } },
    },
    FAST_POLL,
  );
  expect(vmss.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
  // PATCH of a scale set's identity keeps its model extensions.
  await compute.virtualMachineScaleSetExtensions.beginCreateOrUpdateAndWait(RG, "vmss-mi", "DependencyAgentLinux", { publisher: "Microsoft.Azure.Monitoring.DependencyAgent", typePropertiesType: "DependencyAgentLinux", typeHandlerVersion: "9.10" }, FAST_POLL);
  const patched = await compute.virtualMachineScaleSets.beginUpdateAndWait(RG, "vmss-mi", { identity: { type: "None" } }, FAST_POLL);
  expect(patched.identity).toBeUndefined();
  expect(patched.virtualMachineProfile?.extensionProfile?.extensions?.map((e) => e.name)).toEqual(["DependencyAgentLinux"]);
  expect((await compute.virtualMachineScaleSets.beginUpdateAndWait(RG, "vmss-mi", { identity: { type: "SystemAssigned" } }, FAST_POLL)).identity?.type).toBe("SystemAssigned");
  await emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: RG, name: "arc-mi", location: "eastus", osType: "Linux", kind: "arc" });
  const hc = new HybridComputeManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  const arc = await hc.machines.get(RG, "arc-mi");
  expect(arc.identity).toMatchObject({ type: "SystemAssigned", principalId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  const token = await armToken(emu);
  const uai = await raw(emu, "PATCH", `${arc.id}?api-version=2021-05-20`, { token, body: { identity: { type: "UserAssigned", userAssignedIdentities: { x: {} } } } });
  expect(uai.status).toBe(400);
});

test("the AMA extension fails to provision on a machine without a managed identity, and works once it has one", async () => {
  await compute.virtualMachines.beginCreateOrUpdateAndWait(RG, "vm-noid", windowsVm("vm-noid"), FAST_POLL);
  const err = await errorOf(compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(RG, "vm-noid", AZURE_MONITOR_AGENT.Windows.name, amaWindows, FAST_POLL));
  // core-lro reports a failed operation as an Error naming the operation's error code.
  expect(err.message).toMatch(/VMExtensionProvisioningError.*AzureMonitorWindowsAgent.*managed identity/s);
  const failedExt = await compute.virtualMachineExtensions.get(RG, "vm-noid", AZURE_MONITOR_AGENT.Windows.name);
  expect(failedExt.provisioningState).toBe("Failed");
  await compute.virtualMachines.beginUpdateAndWait(RG, "vm-noid", { identity: { type: "SystemAssigned" } }, FAST_POLL);
  const ok = await compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(RG, "vm-noid", AZURE_MONITOR_AGENT.Windows.name, amaWindows, FAST_POLL);
  expect(ok.provisioningState).toBe("Succeeded");
  // One user-assigned identity is enough (IMDS uses it); settings may name one the machine lacks.
  const uai = `/subscriptions/${sub}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a`;
  await compute.virtualMachines.beginCreateOrUpdateAndWait(RG, "vm-uai", { ...windowsVm("vm-uai"), identity: { type: "UserAssigned", userAssignedIdentities: { [uai]: {} } } }, FAST_POLL);
  const wrong = { ...amaWindows, settings: { authentication: { managedIdentity: { "identifier-name": "mi_res_id", "identifier-value": `${uai}-other` } } } };
  expect((await errorOf(compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(RG, "vm-uai", AZURE_MONITOR_AGENT.Windows.name, wrong, FAST_POLL))).message).toContain("VMExtensionProvisioningError");
  const named = { ...amaWindows, settings: { authentication: { managedIdentity: { "identifier-name": "mi_res_id", "identifier-value": uai } } } };
  expect((await compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(RG, "vm-uai", AZURE_MONITOR_AGENT.Windows.name, named, FAST_POLL)).provisioningState).toBe("Succeeded");
});

test("Resource Graph: rules in resources, associations in insightsresources, machines with their identity column", async () => {
  const graph = new ResourceGraphClient(emu.credential(), { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  const types = ["microsoft.compute/virtualmachines", "microsoft.compute/virtualmachinescalesets", "microsoft.hybridcompute/machines", "microsoft.insights/datacollectionrules"];
  // What the adapter sends.
  const query = [
    "resources",
    `| where type in~ (${types.map((t) => `'${t}'`).join(", ")})`,
    "| project id, name, type, location, subscriptionId, resourceGroup, properties, tags, plan, identity",
    "| order by id asc",
  ].join("\n");
  const res = await graph.resources({ query, subscriptions: [sub], options: { resultFormat: "objectArray" } });
  const rows = res.data as { id: string; name: string; type: string; properties: Record<string, unknown>; identity: { type?: string; principalId?: string; tenantId?: string } | null }[];
  expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort());
  const rule = rows.find((r) => r.name === "asc-law-ops")!;
  expect(rule.type).toBe("microsoft.insights/datacollectionrules");
  expect(rule.properties).toMatchObject({ immutableId: expect.stringMatching(/^dcr-/), destinations: { logAnalytics: [{ workspaceResourceId: wsOps.id }] } });
  const vm = rows.find((r) => r.name === "vm-assoc")!;
  expect(vm.identity).toEqual({ type: "SystemAssigned", principalId: expect.stringMatching(/^[0-9a-f-]{36}$/), tenantId: emu.tenantId });
  expect(rows.find((r) => r.name === "vm-mi")!.identity).toBeNull();
  expect(rows.find((r) => r.name === "arc-mi")!.identity?.type).toBe("SystemAssigned");
  const assoc = await graph.resources({
    query: "insightsresources | where type =~ 'microsoft.insights/datacollectionruleassociations' | project id, name, type, properties | order by id asc",
    subscriptions: [sub],
    options: { resultFormat: "objectArray" },
  });
  const a = (assoc.data as { id: string; type: string; properties: { dataCollectionRuleId: string } }[]).find((x) => x.id.endsWith("/vm-assoc/providers/Microsoft.Insights/dataCollectionRuleAssociations/asc-autoprovision"))!;
  expect(a).toMatchObject({ type: "microsoft.insights/datacollectionruleassociations", properties: { dataCollectionRuleId: rule.id } });
  const none = await graph.resources({ query: "resources | where type =~ 'microsoft.insights/datacollectionruleassociations' | count", subscriptions: [sub] });
  expect(none.data).toEqual([{ Count: 0 }]);
});

test("a workspace that Azure Monitor Agents report to (through their rules) is deleted as Azure deletes it: soft, its rule and association stay", async () => {
  const oi = new OperationalInsightsManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  await oi.workspaces.beginCreateOrUpdateAndWait(RG, "law-doomed", { location: "eastus" }, FAST_POLL);
  const ws = await oi.workspaces.get(RG, "law-doomed");
  await securitySolution(ws.id!);
  await monitor.dataCollectionRules.create(RG, "dcr-doomed", { body: sdkRule("eastus", plannerRule(ws.id!).properties) });
  const rule = await monitor.dataCollectionRules.get(RG, "dcr-doomed");
  const vm = await compute.virtualMachines.get(RG, "vm-noid"); // AMA installed, identity on
  await monitor.dataCollectionRuleAssociations.create(vm.id!, "doomed", { body: { dataCollectionRuleId: rule.id } });
  // Learn, "Delete and recover a Log Analytics workspace": connected agents are warned about, not a refusal.
  await oi.workspaces.beginDeleteAndWait(RG, "law-doomed", FAST_POLL);
  expect((await errorOf(oi.workspaces.get(RG, "law-doomed"))).statusCode).toBe(404);
  expect((await monitor.dataCollectionRuleAssociations.get(vm.id!, "doomed")).dataCollectionRuleId).toBe(rule.id);
  await monitor.dataCollectionRules.delete(RG, "dcr-doomed", { deleteAssociations: true });
});

test("issue 14: a rule sending security events to a workspace without the SecurityEvent table is refused (InvalidOutputTable)", async () => {
  const oi = new OperationalInsightsManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  const bare = await oi.workspaces.beginCreateOrUpdateAndWait(RG, "law-bare", { location: "eastus" }, FAST_POLL);
  const body = plannerRule(bare.id!, "Common");
  const e = await errorOf(monitor.dataCollectionRules.create(RG, "dcr-bare", { body: sdkRule(body.location, body.properties) }));
  expect(e.statusCode).toBe(400);
  expect(e.code).toBe("InvalidOutputTable");
  // Without a security-event stream the same workspace takes a rule.
  const none = plannerRule(bare.id!, "None");
  await expect(monitor.dataCollectionRules.create(RG, "dcr-bare-none", { body: sdkRule(none.location, none.properties) })).resolves.toBeDefined();
});
