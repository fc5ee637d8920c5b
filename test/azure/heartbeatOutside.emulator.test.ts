/**
 * User trial 19: agents reporting to a workspace outside the spec's subscriptions (the Landing
 * Zones hub's `law-hub`). The read asks the Heartbeat of every workspace the caller can see, so
 * they are seen; a workspace outside that cannot be queried is counted, not fatal. A Linux
 * machine's Log Analytics extension that failed because the machine is already connected elsewhere
 * carries the handler's status (exit code 10) from its instance view.
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import { LogsQueryClient, type LogsQueryResult } from "@azure/monitor-query-logs";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { ResourceManagementClient } from "@azure/arm-resources";
import { emulatorConnection, type AzureConnection } from "../../src/azure/connection";
import { readInventory } from "../../src/azure/inventory";
import { readScopeHeartbeats, splitWorkspaces } from "../../src/azure/read/heartbeatWorkspaces";
import { IncrementalInventory } from "../../src/azure/incremental";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import type { Inventory, InventoryMachine } from "../../src/inventory/schema";
import { parseSpec } from "../../src/spec/validate";

jest.setTimeout(120_000);

let emu: RunningEmulator;
let conn: AzureConnection;
let spoke = "";
let hubCustomerId = "";
const UNREADABLE = "0badc0de-0000-4000-8000-000000000001";

async function workspace(sub: string, group: string, name: string): Promise<{ id: string; customerId: string; key: string }> {
  await new ResourceManagementClient(emu.credential(), sub, emu.clientOptions()).resourceGroups.createOrUpdate(group, { location: "westeurope" });
  const oi = new OperationalInsightsManagementClient(emu.credential(), sub, emu.clientOptions());
  const ws = await oi.workspaces.beginCreateOrUpdateAndWait(group, name, { location: "westeurope", sku: { name: "PerGB2018" } });
  const keys = await oi.sharedKeys.getSharedKeys(group, name);
  return { id: ws.id!, customerId: ws.customerId!, key: keys.primarySharedKey! };
}

async function vm(name: string, osType: "Windows" | "Linux", guest: Record<string, unknown>, subscriptionId = spoke): Promise<string> {
  const made = await emu.admin<{ id: string }>("POST", "/admin/machines", { subscriptionId, resourceGroup: subscriptionId === spoke ? "rg-spoke" : "rg-other", name, location: "westeurope", osType, guest });
  return made.id;
}

const machineNamed = (inv: Inventory, name: string): InventoryMachine => inv.machines.find((m) => m.id.toLowerCase().endsWith(`/${name}`))!;

beforeAll(async () => {
  emu = await startEmulator({ fleet: 0, seed: 19, lroDelayMs: 1 });
  conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  spoke = emu.subscriptionIds[2]!.toLowerCase();
  const hub = await workspace(emu.subscriptionIds[1]!, "rg-management", "law-hub");
  hubCustomerId = hub.customerId.toLowerCase();
  await vm("vm-dirlnx-hub", "Linux", { directAgent: { workspaceCustomerIds: [hub.customerId] } });
  await vm("vm-scom12-hub", "Windows", { scom: { release: "2012", managementGroup: "CONTOSO-OLD", workspaceCustomerIds: [hub.customerId] } });
  // A machine of another subscription, outside the scope, reporting to the same hub.
  await vm("vm-dirlnx-other", "Linux", { directAgent: { workspaceCustomerIds: [hub.customerId] } }, emu.subscriptionIds[0]!.toLowerCase());
  // A Linux machine whose agent reports to a workspace nobody here can read; the extension this tool would install fails with exit code 10.
  const foreign = await vm("vm-dirlnx-foreign", "Linux", { directAgent: { workspaceCustomerIds: [UNREADABLE] } });
  const target = await workspace(spoke, "rg-spoke-ws", "law-spoke");
  const compute = new ComputeManagementClient(emu.credential(), spoke, emu.clientOptions());
  const put = compute.virtualMachineExtensions.beginCreateOrUpdateAndWait("rg-spoke", foreign.split("/").pop()!, "OMSAgentForLinux", {
    location: "westeurope",
    publisher: "Microsoft.EnterpriseCloud.Monitoring",
    typePropertiesType: "OmsAgentForLinux",
    typeHandlerVersion: "1.13",
    settings: { workspaceId: target.customerId, stopOnMultipleConnections: "true" },
    protectedSettings: { workspaceKey: target.key },
  });
  await expect(put).rejects.toThrow(/exit code 10/);
});

afterAll(() => emu?.stop());

describe("Heartbeat from workspaces outside the spec's subscriptions", () => {
  it("sees a hub workspace's direct and Operations Manager agents, and says how many workspaces it read", async () => {
    const inv = await readInventory(conn, [spoke]);
    expect(inv.workspaces.map((w) => w.customerId.toLowerCase())).not.toContain(hubCustomerId);
    expect(machineNamed(inv, "vm-dirlnx-hub").agents).toEqual([{ kind: "direct", workspaceCustomerIds: [hubCustomerId] }]);
    expect(machineNamed(inv, "vm-scom12-hub").agents).toEqual([expect.objectContaining({ kind: "scom", version: "2012 R2", workspaceCustomerIds: [hubCustomerId] })]);
    expect(inv.heartbeat).toEqual({ workspaces: 2, outside: 1, unread: 0, complete: true });
  });

  it("asks every workspace for the scope's machines only: a hub's rows of other subscriptions' machines are neither built nor returned", async () => {
    const answered: LogsQueryResult[] = [];
    const original = LogsQueryClient.prototype.queryWorkspace;
    const spy = jest.spyOn(LogsQueryClient.prototype, "queryWorkspace").mockImplementation(async function (this: LogsQueryClient, ...args: Parameters<LogsQueryClient["queryWorkspace"]>) {
      const result = await original.apply(this, args);
      answered.push(result);
      return result;
    });
    await emu.admin("POST", "/admin/counters/reset");
    try {
      const inv = await readInventory(conn, [spoke]);
      expect(machineNamed(inv, "vm-dirlnx-hub").agents).toEqual([{ kind: "direct", workspaceCustomerIds: [hubCustomerId] }]);
      const ids = answered.flatMap((r) => ("tables" in r ? r.tables : []).flatMap((t) => t.rows.map((row) => String(row[t.columnDescriptors.findIndex((c) => c.name === "_ResourceId")]))));
      expect(ids).toEqual(expect.arrayContaining([expect.stringMatching(/\/vm-dirlnx-hub$/), expect.stringMatching(/\/vm-scom12-hub$/)]));
      expect(ids.filter((id) => !id.startsWith(`/subscriptions/${spoke}/`))).toEqual([]);
      // As many queries as before: one for the inventory's workspace, one for the hub.
      expect(spy).toHaveBeenCalledTimes(2);
      const counters = await emu.admin<{ byClass: Record<string, number>; work: Record<string, number> }>("GET", "/admin/counters");
      expect(counters.byClass["query"]).toBe(2);
      // Built for the scope's three machines alone (the hub's two, and the one whose extension names law-spoke), not the other subscription's.
      expect(counters.work["heartbeatMachines"]).toBe(3);
    } finally {
      spy.mockRestore();
    }
  });

  it("a watch sees them at its full read and keeps them through its change rounds", async () => {
    const spec = parseSpec({ subscriptions: [spoke], logAnalyticsAgent: { autoProvision: true, agent: "mma" } });
    const watch = new IncrementalInventory(conn, spec, { fullEvery: 10 });
    const first = await watch.read();
    expect(machineNamed(first.inventory, "vm-dirlnx-hub").agents).toEqual([{ kind: "direct", workspaceCustomerIds: [hubCustomerId] }]);
    // Written to: its round reads its heartbeats again (narrowed to it), the hub's workspace among them.
    watch.noteWritten([machineNamed(first.inventory, "vm-dirlnx-hub").id]);
    const next = await watch.read();
    expect(next.mode).toBe("changes");
    expect(machineNamed(next.inventory, "vm-dirlnx-hub").agents).toEqual([{ kind: "direct", workspaceCustomerIds: [hubCustomerId] }]);
    expect(machineNamed(next.inventory, "vm-scom12-hub").agents).toEqual([expect.objectContaining({ kind: "scom", version: "2012 R2" })]);
  });

  it("asks for more subscriptions than a query takes in turns, each machine's rows once; an outside workspace unread in one turn is not asked again", async () => {
    const other = emu.subscriptionIds[0]!.toLowerCase();
    const ws = splitWorkspaces([], [hubCustomerId, UNREADABLE], true);
    await emu.admin("POST", "/admin/counters/reset");
    const { rows, unread } = await readScopeHeartbeats(conn, ws, [other, spoke], undefined, 1);
    const names = rows.map((r) => r.resourceId.split("/").pop()).sort();
    expect(names).toEqual(["vm-dirlnx-hub", "vm-dirlnx-other", "vm-scom12-hub"]);
    expect(unread).toEqual([UNREADABLE]);
    // First turn: the two together, then each alone (the unreadable one fails); second turn: the hub alone.
    const counters = await emu.admin<{ byOperation: Record<string, number> }>("GET", "/admin/counters");
    expect(Object.entries(counters.byOperation).filter(([op]) => /logs/.test(op)).reduce((n, [, c]) => n + c, 0)).toBe(4);
  });

  it("a workspace outside that cannot be queried is counted and left out, not fatal", async () => {
    await emu.admin("POST", "/admin/faults", { scripted: [{ class: "query", pathContains: `/workspaces/${hubCustomerId}/`, respond: { status: 403, body: '{"error":{"code":"InsufficientAccessError","message":"denied"}}' }, count: 20 }] });
    try {
      const inv = await readInventory(conn, [spoke]);
      expect(machineNamed(inv, "vm-dirlnx-hub").agents ?? []).toEqual([]);
      expect(inv.heartbeat).toEqual({ workspaces: 1, outside: 0, unread: 1, complete: true });
    } finally {
      await emu.admin("DELETE", "/admin/faults");
    }
  });

  it("reads why a Linux machine's Log Analytics extension failed: exit code 10 from its instance view", async () => {
    const inv = await readInventory(conn, [spoke]);
    const ext = machineNamed(inv, "vm-dirlnx-foreign").extensions![0]!;
    expect(ext).toMatchObject({ provisioningState: "Failed", failure: { code: "ProvisioningState/failed/10", message: expect.stringMatching(/already connected to another Log Analytics workspace/) } });
    expect(machineNamed(inv, "vm-dirlnx-foreign").agents ?? []).toEqual([]);
  });

  it("a watch's change round asks every outside workspace for the machines of a subscription that joined its scope", async () => {
    // Last: the workspace it creates would count in the others' reads.
    const other = emu.subscriptionIds[0]!.toLowerCase();
    await emu.admin("POST", "/admin/management-groups", { groups: [{ name: "mg-watch", subscriptions: [spoke] }] });
    // A hub that holds none of the scope's rows at the full read: the change rounds do not ask it for the fleet's machines.
    const quiet = await workspace(emu.subscriptionIds[1]!, "rg-management", "law-hub-quiet");
    const spec = parseSpec({ managementGroups: ["mg-watch"], logAnalyticsAgent: { autoProvision: true, agent: "mma" } });
    const watch = new IncrementalInventory(conn, spec, { fullEvery: 10 });
    expect((await watch.read()).mode).toBe("full");
    // Then a machine of another subscription reports to it, and that subscription joins the scope.
    await vm("vm-dirlnx-quiet", "Linux", { directAgent: { workspaceCustomerIds: [quiet.customerId] } }, other);
    await emu.admin("POST", "/admin/management-groups", { groups: [{ name: "mg-watch", subscriptions: [other] }] });
    const next = await watch.read();
    expect(next).toMatchObject({ mode: "changes", scope: { joined: [other] } });
    expect(machineNamed(next.inventory, "vm-dirlnx-quiet").agents).toEqual([{ kind: "direct", workspaceCustomerIds: [quiet.customerId.toLowerCase()] }]);
    expect(machineNamed(next.inventory, "vm-dirlnx-other").agents).toEqual([{ kind: "direct", workspaceCustomerIds: [hubCustomerId] }]);
  });
});
