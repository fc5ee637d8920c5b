/** The fleet generator: deterministic for a seed, every case in every subscription, the seed's naming. */
import { ComputeManagementClient } from "@azure/arm-compute";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { MonitorClient } from "@azure/arm-monitor";
import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";
import { geographyOf } from "../../src/spec/geography";
import { defaultResourceGroupName, defaultWorkspaceName } from "../../src/spec/naming";
import { withEmulator } from "./helpers";
import { APPLIANCE_TAG, FLEET_CASES, FLEET_CASE_TAG, type RunningEmulator } from "../../src/emulator";

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Resource Graph rows

let emu: RunningEmulator;
let rows: Row[];
beforeAll(async () => {
  emu = await withEmulator({ fleet: 120, seed: 3 });
  const graph = new ResourceGraphClient(emu.credential(), emu.clientOptions());
  const page = await graph.resources({ query: "resources | project id, name, type, location, subscriptionId, resourceGroup, properties, tags, plan", subscriptions: emu.subscriptionIds, options: { top: 1000 } });
  rows = page.data as Row[];
  expect(page.skipToken).toBeUndefined();
});
afterAll(async () => emu?.stop());

test("the same seed gives the same fleet; another seed other subscriptions", async () => {
  const again = await withEmulator({ fleet: 120, seed: 3 });
  const other = await withEmulator({ fleet: 5, seed: 4 });
  try {
    expect(again.subscriptionIds).toEqual(emu.subscriptionIds);
    expect(again.fleet!.cases).toEqual(emu.fleet!.cases);
    expect(again.fleet!.workspaces).toEqual(emu.fleet!.workspaces);
    expect(other.subscriptionIds).not.toEqual(emu.subscriptionIds);
  } finally {
    await again.stop();
    await other.stop();
  }
});

test("every case is in every subscription (the legacy one included), tagged with its case", () => {
  const fleet = emu.fleet!;
  expect(fleet.machines).toBe(120);
  for (const c of FLEET_CASES) {
    const subs = new Set(fleet.cases[c]!.map((id) => id.split("/")[2]));
    expect([c, [...subs].sort()]).toEqual([c, [...emu.subscriptionIds].sort()]);
  }
  const machines = rows.filter((r) => ["microsoft.compute/virtualmachines", "microsoft.compute/virtualmachinescalesets", "microsoft.hybridcompute/machines"].includes(r.type));
  expect(machines).toHaveLength(120);
  expect(machines.every((m) => (FLEET_CASES as readonly string[]).includes(m.tags[FLEET_CASE_TAG]))).toBe(true);
  expect(new Set(machines.map((m) => m.type)).size).toBe(3);
  expect(machines.some((m) => m.location === "southafricanorth")).toBe(true);
  expect(new Set(machines.map((m) => geographyOf(m.location).key)).size).toBeGreaterThanOrEqual(8);
});

test("the first subscription was onboarded before 2019-03-17, the second has Defender on", () => {
  const [legacy, defender] = emu.fleet!.subscriptions;
  expect(legacy!.onboardedAt < "2019-03-17").toBe(true);
  expect(defender!.defender).toBe(true);
});

test("MMA to a default workspace: DefaultWorkspace-<sub>-<geo> in DefaultResourceGroup-<geo>, in the geography's location, with the Security Center solution", async () => {
  const oi = new OperationalInsightsManagementClient(emu.credential(), emu.subscriptionIds[0]!, emu.clientOptions());
  const compute = new ComputeManagementClient(emu.credential(), emu.subscriptionIds[0]!, emu.clientOptions());
  const vmId = emu.fleet!.cases["mma-default-workspace"]!.find((id) => id.split("/")[2] === emu.subscriptionIds[0] && id.includes("/virtualMachines/"))!;
  const [, , sub, , rg, , , , name] = vmId.split("/");
  const vm = await compute.virtualMachines.get(rg!, name!, { expand: "instanceView" });
  const ext = await compute.virtualMachineExtensions.get(rg!, name!, vm.storageProfile?.osDisk?.osType === "Windows" ? "MicrosoftMonitoringAgent" : "OMSAgentForLinux");
  const geo = geographyOf(vm.location);
  const ws = await oi.workspaces.get(defaultResourceGroupName(geo.code), defaultWorkspaceName(sub!, geo.code));
  expect(ext.settings.workspaceId).toBe(ws.customerId);
  expect(ws.location).toBe(geo.workspaceLocation);
  const solutions = rows.filter((r) => r.type === "microsoft.operationsmanagement/solutions" && r.properties.workspaceResourceId.toLowerCase() === ws.id!.toLowerCase());
  expect(solutions.map((s) => s.name)).toEqual([`SecurityCenterFree(${ws.name})`]);
});

test("user workspaces: with the Security solution, without it, and one whose security events Sentinel owns", async () => {
  const sub = emu.subscriptionIds[2]!;
  const solutionsOf = (wsName: string) => rows.filter((r) => r.type === "microsoft.operationsmanagement/solutions" && r.subscriptionId === sub && r.name.endsWith(`(${wsName})`)).map((r) => r.name.split("(")[0]);
  expect(solutionsOf("law-ops-s3")).toEqual(["Security"]);
  expect(solutionsOf("law-apps-s3")).toEqual([]);
  expect(solutionsOf("law-sentinel-s3")).toEqual(["SecurityInsights"]);
  const oi = new OperationalInsightsManagementClient(emu.credential(), sub, emu.clientOptions());
  const owners: string[] = [];
  for await (const d of oi.dataSources.listByWorkspace("rg-sentinel", "law-sentinel-s3", "kind eq 'SecurityInsightsSecurityEventCollectionConfiguration'")) owners.push(d.kind);
  expect(owners).toEqual(["SecurityInsightsSecurityEventCollectionConfiguration"]);
});

test("eligibility cases: appliances, no VM agent, stopped and deallocated", async () => {
  const byId = new Map(rows.map((r) => [r.id.toLowerCase(), r]));
  for (const id of emu.fleet!.cases["appliance"]!) {
    const r = byId.get(id.toLowerCase())!;
    expect(["paloaltonetworks", "barracudanetworks"]).toContain(r.plan.publisher);
    expect(["NGFW", "WAF"]).toContain(r.tags[APPLIANCE_TAG]);
  }
  for (const id of emu.fleet!.cases["no-vm-agent"]!) {
    const p = byId.get(id.toLowerCase())!.properties.osProfile;
    expect((p.windowsConfiguration ?? p.linuxConfiguration).provisionVMAgent).toBe(false);
  }
  for (const c of ["stopped", "deallocated"]) {
    for (const id of emu.fleet!.cases[c]!) expect(byId.get(id.toLowerCase())!.properties.extended.instanceView.powerState.code).toBe(`PowerState/${c}`);
  }
  const guest = await emu.admin<{ scom: { release: string } }>("GET", `/admin/guest?id=${encodeURIComponent(emu.fleet!.cases["scom-2012"]![0]!)}`);
  expect(guest.scom.release).toBe("2012");
});

test("AMA machines: a managed identity, the operations team's rule and association, heartbeats through them", async () => {
  const byId = new Map(rows.map((r) => [r.id.toLowerCase(), r]));
  const graph = new ResourceGraphClient(emu.credential(), emu.clientOptions());
  const identities = await graph.resources({ query: "resources | where type in~ ('microsoft.compute/virtualmachines', 'microsoft.hybridcompute/machines') | project id, identity", subscriptions: emu.subscriptionIds, options: { top: 1000 } });
  const identityOf = new Map((identities.data as Row[]).map((r) => [r.id.toLowerCase(), r.identity]));
  for (const id of emu.fleet!.cases["ama"]!) {
    const sub = id.split("/")[2]!;
    expect(identityOf.get(id.toLowerCase())?.type).toBe("SystemAssigned");
    const monitor = new MonitorClient(emu.credential(), sub, emu.clientOptions());
    const assocs: { name?: string; dataCollectionRuleId?: string }[] = [];
    for await (const a of monitor.dataCollectionRuleAssociations.listByResource(id)) assocs.push(a);
    expect(assocs.map((a) => a.name)).toEqual(["contoso-ops"]);
    const rule = byId.get(assocs[0]!.dataCollectionRuleId!.toLowerCase())!;
    expect(rule).toMatchObject({ name: "dcr-contoso-ops", type: "microsoft.insights/datacollectionrules" });
    const ops = emu.fleet!.workspaces.find((w) => w.role === "ops" && w.id.split("/")[2] === sub)!;
    expect(rule.properties.destinations.logAnalytics[0].workspaceResourceId).toBe(ops.id);
  }
  // Every Arc machine has the identity its onboarding gave it.
  for (const r of rows.filter((x) => x.type === "microsoft.hybridcompute/machines")) expect(identityOf.get(r.id.toLowerCase())?.type).toBe("SystemAssigned");
  const logs = new LogsQueryClient(emu.credential(), emu.logsClientOptions());
  const [first, ...others] = emu.fleet!.workspaces.filter((w) => w.role === "ops").map((w) => w.customerId);
  const result = await logs.queryWorkspace(first!, "Heartbeat | where Category == 'Azure Monitor Agent' | distinct _ResourceId, TenantId", { duration: "PT5M" }, { additionalWorkspaces: others });
  if (result.status !== LogsQueryResultStatus.Success) throw new Error("partial result");
  const seen = new Set(result.tables[0]!.rows.map((r) => String(r[0])));
  expect(emu.fleet!.cases["ama"]!.every((id) => seen.has(id.toLowerCase()))).toBe(true);
});

test("AKS clusters with and without the Azure Policy add-on", () => {
  const clusters = rows.filter((r) => r.type === "microsoft.containerservice/managedclusters");
  expect(clusters.length).toBeGreaterThanOrEqual(2);
  const enabled = clusters.map((c) => c.properties.addonProfiles?.azurepolicy?.enabled === true);
  expect(enabled).toContain(true);
  expect(enabled).toContain(false);
});

test("a 1,000-machine fleet is generated in one go", async () => {
  const big = await withEmulator({ fleet: 1000, seed: 11 });
  try {
    expect(big.fleet!.machines).toBe(1000);
    expect(Object.values(big.fleet!.cases).reduce((n, ids) => n + ids.length, 0)).toBe(1000);
    const log = await big.admin<{ count: number }>("GET", "/admin/extension-puts");
    expect(log.count).toBe(0);
  } finally {
    await big.stop();
  }
});
