/**
 * Heartbeat timing on the emulator's (frozen) clock, through LogsQueryClient: the Azure Monitor
 * Agent heartbeats once a minute into its rules' workspaces from a minute after it learned of
 * them; removing an agent (MMA extension on a VM, a scale set or an Arc machine; an association)
 * stops its heartbeats, and its last one ages out of the query window as the clock moves on.
 */
import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";
import { MonitorClient } from "@azure/arm-monitor";
import { ComputeManagementClient } from "@azure/arm-compute";
import { HybridComputeManagementClient } from "@azure/arm-hybridcompute";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { ResourceManagementClient } from "@azure/arm-resources";
import { armToken, errorOf, FAST_POLL, raw, withEmulator } from "./helpers";
import type { RunningEmulator } from "../../src/emulator";
import { AZURE_MONITOR_AGENT, LOG_ANALYTICS_AGENT } from "../../src/spec/extensions";

// By TenantId too: AMA rows have no ManagementGroupName to tell their workspaces apart.
const HEARTBEAT_QUERY =
  "Heartbeat | summarize arg_max(TimeGenerated, *) by _ResourceId, Computer, Category, TenantId " +
  "| project _ResourceId, Computer, Category, TenantId, TimeGenerated";

interface Beat {
  _ResourceId: string;
  Computer: string;
  Category: string;
  TenantId: string;
  TimeGenerated: Date;
}

let emu: RunningEmulator;
let sub: string;
let monitor: MonitorClient;
let compute: ComputeManagementClient;
let hc: HybridComputeManagementClient;
const ws: Record<string, { id: string; customerId: string; key: string }> = {};
const RG = "rg-beats";

beforeAll(async () => {
  // Long-lived tokens: the tests move the clock by hours.
  emu = await withEmulator({ tokenLifetimeSeconds: 7 * 86400 });
  await emu.admin("POST", "/admin/clock", { freeze: true });
  sub = emu.subscriptionIds[1]!;
  const opts = { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } };
  monitor = new MonitorClient(emu.credential(), sub, opts);
  compute = new ComputeManagementClient(emu.credential(), sub, opts);
  hc = new HybridComputeManagementClient(emu.credential(), sub, opts);
  await new ResourceManagementClient(emu.credential(), sub, opts).resourceGroups.createOrUpdate(RG, { location: "eastus" });
  const oi = new OperationalInsightsManagementClient(emu.credential(), sub, opts);
  for (const name of ["law-a", "law-b", "law-c", "law-mma"]) {
    const w = await oi.workspaces.beginCreateOrUpdateAndWait(RG, name, { location: "eastus" }, FAST_POLL);
    ws[name] = { id: w.id!, customerId: w.customerId!, key: (await oi.sharedKeys.getSharedKeys(RG, name)).primarySharedKey! };
  }
});
afterAll(async () => emu?.stop());

async function now(): Promise<number> {
  return Date.parse((await emu.admin<{ now: string }>("GET", "/admin/clock")).now);
}

async function advance(seconds: number): Promise<void> {
  await emu.admin("POST", "/admin/clock", { advanceSeconds: seconds });
}

async function beats(timespan: string | { startTime: Date; endTime: Date } = "P1D"): Promise<Beat[]> {
  const logs = new LogsQueryClient(emu.credential(), emu.logsClientOptions());
  const [first, ...others] = Object.values(ws).map((w) => w.customerId);
  const result = await logs.queryWorkspace(first!, HEARTBEAT_QUERY, typeof timespan === "string" ? { duration: timespan } : timespan, { additionalWorkspaces: others });
  if (result.status !== LogsQueryResultStatus.Success) throw new Error("partial result");
  const t = result.tables[0]!;
  return t.rows.map((r) => Object.fromEntries(t.columnDescriptors.map((c, i) => [c.name!, r[i]])) as unknown as Beat);
}

const of = (list: Beat[], machineId: string, category: string) => list.filter((b) => b._ResourceId === machineId.toLowerCase() && b.Category === category);
const wsOf = (customerId: string) => Object.entries(ws).find(([, w]) => w.customerId === customerId)?.[0];

function rule(...names: string[]) {
  return {
    location: "eastus",
    dataSources: { windowsEventLogs: [{ name: "ev", streams: ["Microsoft-Event"], xPathQueries: ["System!*[System[(Level=1)]]"] }] },
    destinations: { logAnalytics: names.map((n) => ({ name: n.replace(/-/g, ""), workspaceResourceId: ws[n]!.id })) },
    dataFlows: [{ streams: ["Microsoft-Event"], destinations: names.map((n) => n.replace(/-/g, "")) }],
  };
}

const windowsVm = (name: string) => ({
  location: "eastus",
  identity: { type: "SystemAssigned" as const },
  storageProfile: { osDisk: { osType: "Windows" as const, createOption: "FromImage" as const } },
  osProfile: { computerName: name, windowsConfiguration: { provisionVMAgent: true } },
});

test("AMA heartbeats into each workspace of its rules a minute after provisioning, then every minute, never after now", async () => {
  const vm = await compute.virtualMachines.beginCreateOrUpdateAndWait(RG, "vm-ama", windowsVm("vm-ama"), FAST_POLL);
  await monitor.dataCollectionRules.create(RG, "dcr-ab", { body: rule("law-a", "law-b") });
  const dcr = await monitor.dataCollectionRules.get(RG, "dcr-ab");
  await monitor.dataCollectionRuleAssociations.create(vm.id!, "asc-autoprovision", { body: { dataCollectionRuleId: dcr.id } });
  const t0 = await now();
  const a = AZURE_MONITOR_AGENT.Windows;
  await compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(RG, "vm-ama", a.name, { location: "eastus", publisher: a.publisher, typePropertiesType: a.type, typeHandlerVersion: a.version }, FAST_POLL);
  expect(of(await beats(), vm.id!, "Azure Monitor Agent")).toEqual([]);
  await advance(59);
  expect(of(await beats(), vm.id!, "Azure Monitor Agent")).toEqual([]);
  await advance(1);
  const first = of(await beats(), vm.id!, "Azure Monitor Agent");
  expect(first.map((b) => [wsOf(b.TenantId), b.TimeGenerated.getTime()]).sort()).toEqual([
    ["law-a", t0 + 60_000],
    ["law-b", t0 + 60_000],
  ]);
  await advance(150);
  const later = of(await beats(), vm.id!, "Azure Monitor Agent");
  expect(later.map((b) => b.TimeGenerated.getTime())).toEqual([t0 + 180_000, t0 + 180_000]);
  const current = await now();
  expect((await beats()).every((b) => b.TimeGenerated.getTime() <= current)).toBe(true);
});

test("a window that ends between two heartbeats answers the latest one before its end, not nothing", async () => {
  // What a query meets when the clock moves on while the emulator builds its answer (a loaded
  // machine): the window ends at the instant the query came in, and a beat sent after it must not
  // hide the one before it (a full read then missed a running agent now and then).
  const vm = await compute.virtualMachines.get(RG, "vm-ama");
  const latest = of(await beats(), vm.id!, "Azure Monitor Agent").map((b) => b.TimeGenerated.getTime());
  expect(latest.length).toBe(2);
  const end = latest[0]! - 1;
  const before = of(await beats({ startTime: new Date(end - 3_600_000), endTime: new Date(end) }), vm.id!, "Azure Monitor Agent");
  expect(before.map((b) => [wsOf(b.TenantId), b.TimeGenerated.getTime()]).sort()).toEqual([
    ["law-a", latest[0]! - 60_000],
    ["law-b", latest[0]! - 60_000],
  ]);
});

test("a new association's workspace starts a minute after it; a removed one's last heartbeat stays until the window passes it", async () => {
  const vm = await compute.virtualMachines.get(RG, "vm-ama");
  await monitor.dataCollectionRules.create(RG, "dcr-c", { body: rule("law-c") });
  const dcr = await monitor.dataCollectionRules.get(RG, "dcr-c");
  const t1 = await now();
  await monitor.dataCollectionRuleAssociations.create(vm.id!, "other-team", { body: { dataCollectionRuleId: dcr.id } });
  await advance(30);
  expect(of(await beats(), vm.id!, "Azure Monitor Agent").map((b) => wsOf(b.TenantId)).sort()).toEqual(["law-a", "law-b"]);
  await advance(30);
  expect(of(await beats(), vm.id!, "Azure Monitor Agent").find((b) => wsOf(b.TenantId) === "law-c")?.TimeGenerated.getTime()).toBe(t1 + 60_000);
  await advance(120);
  await monitor.dataCollectionRuleAssociations.delete(vm.id!, "other-team");
  await advance(600);
  const day = of(await beats(), vm.id!, "Azure Monitor Agent");
  const c = day.find((b) => wsOf(b.TenantId) === "law-c")!;
  expect(c.TimeGenerated.getTime()).toBe(t1 + 180_000); // the last one before the association went
  expect(day.find((b) => wsOf(b.TenantId) === "law-a")!.TimeGenerated.getTime()).toBeGreaterThan(c.TimeGenerated.getTime() + 500_000);
  expect(of(await beats("PT5M"), vm.id!, "Azure Monitor Agent").map((b) => wsOf(b.TenantId)).sort()).toEqual(["law-a", "law-b"]);
});

test("a rule update that drops a destination ends that workspace's heartbeats; deleting the AMA extension ends all", async () => {
  const vm = await compute.virtualMachines.get(RG, "vm-ama");
  await monitor.dataCollectionRules.create(RG, "dcr-ab", { body: rule("law-a") });
  await advance(300);
  const after = of(await beats("PT2M"), vm.id!, "Azure Monitor Agent");
  expect(after.map((b) => wsOf(b.TenantId))).toEqual(["law-a"]);
  await compute.virtualMachineExtensions.beginDeleteAndWait(RG, "vm-ama", AZURE_MONITOR_AGENT.Windows.name, FAST_POLL);
  await advance(300);
  expect(of(await beats("PT2M"), vm.id!, "Azure Monitor Agent")).toEqual([]);
  expect(of(await beats("P1D"), vm.id!, "Azure Monitor Agent").map((b) => wsOf(b.TenantId)).sort()).toEqual(["law-a", "law-b", "law-c"]);
});

test("removing the Log Analytics extension (long-running DELETE) from a VM, a scale set and an Arc machine stops their Direct Agent heartbeats", async () => {
  const mma = (os: "Windows" | "Linux") => ({ publisher: LOG_ANALYTICS_AGENT[os].publisher, type: LOG_ANALYTICS_AGENT[os].type, typeHandlerVersion: LOG_ANALYTICS_AGENT[os].version, settings: { workspaceId: ws["law-mma"]!.customerId }, protectedSettings: { workspaceKey: ws["law-mma"]!.key } });
  const vm = await compute.virtualMachines.beginCreateOrUpdateAndWait(RG, "vm-mma", { ...windowsVm("vm-mma"), identity: undefined }, FAST_POLL);
  const keep = await compute.virtualMachines.beginCreateOrUpdateAndWait(RG, "vm-keep", { ...windowsVm("vm-keep"), identity: undefined }, FAST_POLL);
  const m = mma("Windows");
  for (const name of ["vm-mma", "vm-keep"]) {
    await compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(RG, name, LOG_ANALYTICS_AGENT.Windows.name, { location: "eastus", publisher: m.publisher, typePropertiesType: m.type, typeHandlerVersion: m.typeHandlerVersion, settings: m.settings, protectedSettings: m.protectedSettings }, FAST_POLL);
  }
  const vmss = await compute.virtualMachineScaleSets.beginCreateOrUpdateAndWait(
    RG,
    "vmss-mma",
    { location: "eastus", sku: { name: "Standard_D2s_v3", capacity: 2 }, virtualMachineProfile: { osProfile: { computerNamePrefix: "vmssmma", linuxConfiguration: {} }, storageProfile: { osDisk: { osType: "Linux", createOption: "FromImage" } } } },
    FAST_POLL,
  );
  const l = mma("Linux");
  await compute.virtualMachineScaleSetExtensions.beginCreateOrUpdateAndWait(RG, "vmss-mma", LOG_ANALYTICS_AGENT.Linux.name, { publisher: l.publisher, typePropertiesType: l.type, typeHandlerVersion: l.typeHandlerVersion, settings: l.settings, protectedSettings: l.protectedSettings }, FAST_POLL);
  await emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: RG, name: "arc-mma", location: "eastus", osType: "Windows", kind: "arc" });
  const arc = await hc.machines.get(RG, "arc-mma");
  await hc.machineExtensions.beginCreateOrUpdateAndWait(RG, "arc-mma", LOG_ANALYTICS_AGENT.Windows.name, { location: "eastus", properties: { ...m } }, FAST_POLL);
  const ids = [vm.id!, vmss.id!, arc.id!];
  const before = await beats();
  expect(ids.map((id) => of(before, id, "Direct Agent").length)).toEqual([1, 2, 1]); // a scale set heartbeats per instance
  const removedAt = await now();
  await compute.virtualMachineExtensions.beginDeleteAndWait(RG, "vm-mma", LOG_ANALYTICS_AGENT.Windows.name, FAST_POLL);
  // The DELETE is long-running: 202 with both polling headers, the extension Deleting until it settles.
  const token = await armToken(emu);
  const del = await raw(emu, "DELETE", `${vmss.id}/extensions/${LOG_ANALYTICS_AGENT.Linux.name}?api-version=2024-07-01`, { token });
  expect([del.status, typeof del.headers["azure-asyncoperation"], typeof del.headers["location"]]).toEqual([202, "string", "string"]);
  await compute.virtualMachineScaleSetExtensions.beginDeleteAndWait(RG, "vmss-mma", LOG_ANALYTICS_AGENT.Linux.name, FAST_POLL);
  expect((await compute.virtualMachineScaleSets.get(RG, "vmss-mma")).virtualMachineProfile?.extensionProfile?.extensions).toEqual([]);
  await hc.machineExtensions.beginDeleteAndWait(RG, "arc-mma", LOG_ANALYTICS_AGENT.Windows.name, FAST_POLL);
  expect((await errorOf(compute.virtualMachineExtensions.get(RG, "vm-mma", LOG_ANALYTICS_AGENT.Windows.name))).statusCode).toBe(404);
  expect((await errorOf(hc.machineExtensions.get(RG, "arc-mma", LOG_ANALYTICS_AGENT.Windows.name))).statusCode).toBe(404);
  // Right after: the last heartbeat (30 s before the removal) is still the latest row.
  const right = await beats();
  const lastBefore = [[removedAt - 30_000], [removedAt - 30_000, removedAt - 30_000], [removedAt - 30_000]];
  expect(ids.map((id) => of(right, id, "Direct Agent").map((b) => b.TimeGenerated.getTime()))).toEqual(lastBefore);
  await advance(3600);
  const hour = await beats("PT30M");
  for (const id of ids) expect(of(hour, id, "Direct Agent")).toEqual([]);
  expect(of(hour, keep.id!, "Direct Agent")[0]!.TimeGenerated.getTime()).toBe((await now()) - 30_000);
  const day = await beats("P1D");
  expect(ids.map((id) => of(day, id, "Direct Agent").map((b) => b.TimeGenerated.getTime()))).toEqual(lastBefore);
  await advance(2 * 86400);
  const later = await beats("P1D");
  for (const id of ids) expect(of(later, id, "Direct Agent")).toEqual([]);
});

test("a deleted machine takes its kept heartbeats with it", async () => {
  const vm = await compute.virtualMachines.get(RG, "vm-ama");
  await compute.virtualMachines.beginDeleteAndWait(RG, "vm-ama", FAST_POLL);
  expect(of(await beats("P7D"), vm.id!, "Azure Monitor Agent")).toEqual([]);
});
