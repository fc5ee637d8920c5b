/**
 * The Log Analytics query API through @azure/monitor-query-logs' LogsQueryClient: the Heartbeat
 * query the adapter sends, answered from the fleet's guest state and extensions.
 */
import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";
import { errorOf, withEmulator } from "./helpers";
import { SCOM_AGENT_VERSIONS, type FleetSummary, type RunningEmulator } from "../../src/emulator";
import { HEARTBEAT_WORKSPACES_PER_QUERY } from "../../src/azure/inventory";

const HEARTBEAT_QUERY =
  "Heartbeat | summarize arg_max(TimeGenerated, *) by _ResourceId, Category, ManagementGroupName " +
  "| project _ResourceId, Computer, Category, Version, OSType, SCAgentChannel, ManagementGroupName, TenantId";

interface Beat {
  _ResourceId: string;
  Computer: string;
  Category: string;
  Version: string;
  OSType: string;
  SCAgentChannel: string;
  ManagementGroupName: string;
  TenantId: string;
}

let emu: RunningEmulator;
let logs: LogsQueryClient;
let fleet: FleetSummary;
let beats: Beat[];

/** The fleet's heartbeats, asked as the adapter asks: at most HEARTBEAT_WORKSPACES_PER_QUERY workspaces a query. */
async function heartbeats(duration = "P7D"): Promise<Beat[]> {
  const all = fleet.workspaces.map((w) => w.customerId);
  const out: Beat[] = [];
  for (let i = 0; i < all.length; i += HEARTBEAT_WORKSPACES_PER_QUERY) {
    const [first, ...others] = all.slice(i, i + HEARTBEAT_WORKSPACES_PER_QUERY);
    const result = await logs.queryWorkspace(first!, HEARTBEAT_QUERY, { duration }, { additionalWorkspaces: others });
    if (result.status !== LogsQueryResultStatus.Success) throw new Error("partial result");
    const table = result.tables[0]!;
    expect(table.columnDescriptors.map((c) => c.name)).toEqual(["_ResourceId", "Computer", "Category", "Version", "OSType", "SCAgentChannel", "ManagementGroupName", "TenantId"]);
    out.push(...table.rows.map((r) => Object.fromEntries(table.columnDescriptors.map((c, i) => [c.name!, r[i]])) as unknown as Beat));
  }
  return out;
}

const beatsOf = (machineId: string) => beats.filter((b) => b._ResourceId === machineId.toLowerCase());
const customerIdOf = (role: string, sub: string) => fleet.workspaces.find((w) => w.role === role && w.id.includes(sub))!.customerId;

beforeAll(async () => {
  emu = await withEmulator({ fleet: 200, seed: 7 });
  fleet = emu.fleet!;
  logs = new LogsQueryClient(emu.credential(), emu.logsClientOptions());
  beats = await heartbeats();
});
afterAll(async () => emu?.stop());

test("an MMA extension heartbeats 'Direct Agent' into its workspace", () => {
  const id = fleet.cases["mma-default-workspace"]!.find((m) => m.includes("/virtualMachines/"))!;
  const b = beatsOf(id);
  expect(b).toHaveLength(1);
  expect(b[0]).toMatchObject({ Category: "Direct Agent", SCAgentChannel: "Direct", Version: expect.stringMatching(/^(10\.20\.18|1\.14)/) });
  expect(fleet.workspaces.find((w) => w.customerId === b[0]!.TenantId)?.role).toBe("default");
  const old = beatsOf(fleet.cases["mma-old-version"]![0]!);
  expect(old[0]?.Version).toBe("1.12.15-0");
});

test("a direct agent heartbeats 'Direct Agent' into the workspace it is connected to", () => {
  const id = fleet.cases["direct-agent-windows"]![0]!;
  const sub = id.split("/")[2]!;
  expect(beatsOf(id)).toEqual([expect.objectContaining({ Category: "Direct Agent", SCAgentChannel: "Direct", OSType: "Windows", TenantId: customerIdOf("ops", sub) })]);
  const lin = fleet.cases["direct-agent-linux"]![0]!;
  expect(beatsOf(lin)).toEqual([expect.objectContaining({ Category: "Direct Agent", OSType: "Linux", TenantId: customerIdOf("apps", lin.split("/")[2]!) })]);
});

test("Operations Manager agents heartbeat 'SCOM Agent' with their release's version and management group", () => {
  for (const release of ["2012", "2016", "2019"] as const) {
    const id = fleet.cases[`scom-${release}`]![0]!;
    expect(beatsOf(id)).toEqual([
      expect.objectContaining({ Category: "SCOM Agent", SCAgentChannel: "SCManagementServer", Version: SCOM_AGENT_VERSIONS[release], ManagementGroupName: "CONTOSO-OPS" }),
    ]);
  }
});

test("AMA heartbeats 'Azure Monitor Agent'; machines without agents are silent", () => {
  expect(beatsOf(fleet.cases["ama"]![0]!)).toEqual([expect.objectContaining({ Category: "Azure Monitor Agent" })]);
  for (const c of ["no-agent", "appliance", "no-vm-agent"]) for (const id of fleet.cases[c]!) expect(beatsOf(id)).toEqual([]);
});

test("drift through the admin API shows up in the next answer (direct agent added, SCOM upgraded)", async () => {
  const id = fleet.cases["no-agent"]!.find((m) => m.includes("/virtualMachines/"))!;
  const sub = id.split("/")[2]!;
  await emu.admin("PATCH", `/admin/guest?id=${encodeURIComponent(id)}`, { directAgent: { workspaceCustomerIds: [customerIdOf("apps", sub)] } });
  const scom = fleet.cases["scom-2012"]![0]!;
  await emu.admin("PATCH", `/admin/guest?id=${encodeURIComponent(scom)}`, { scom: { release: "2022", managementGroup: "CONTOSO-OPS", workspaceCustomerIds: [customerIdOf("ops", scom.split("/")[2]!)] } });
  const after = await heartbeats();
  expect(after.filter((b) => b._ResourceId === id.toLowerCase())).toEqual([expect.objectContaining({ Category: "Direct Agent", TenantId: customerIdOf("apps", sub) })]);
  expect(after.filter((b) => b._ResourceId === scom.toLowerCase())[0]?.Version).toBe(SCOM_AGENT_VERSIONS["2022"]);
  const bad = await errorOf(emu.admin("PATCH", `/admin/guest?id=${encodeURIComponent(id)}`, { scom: { release: "2007" } }));
  expect(bad.message).toMatch(/InvalidGuestState/);
});

test("only the queried workspaces answer; unknown workspaces and tables are errors", async () => {
  const ops = fleet.workspaces.find((w) => w.role === "ops")!;
  const only = await logs.queryWorkspace(ops.customerId, HEARTBEAT_QUERY, { duration: "P7D" });
  if (only.status !== LogsQueryResultStatus.Success) throw new Error("partial");
  const tenantIdx = only.tables[0]!.columnDescriptors.findIndex((c) => c.name === "TenantId");
  expect(only.tables[0]!.rows.length).toBeGreaterThan(0);
  expect(only.tables[0]!.rows.every((r) => r[tenantIdx] === ops.customerId)).toBe(true);
  const missing = await errorOf(logs.queryWorkspace("00000000-0000-4000-8000-000000000000", HEARTBEAT_QUERY, { duration: "P1D" }));
  expect(missing.statusCode).toBe(404);
  const table = await errorOf(logs.queryWorkspace(ops.customerId, "SecurityEvent | take 1", { duration: "P1D" }));
  expect(table.statusCode).toBe(400);
  expect(table.message).toMatch(/supported tables: Heartbeat/);
});

test("the query API wants a Log Analytics token, not an ARM one", async () => {
  const ops = fleet.workspaces.find((w) => w.role === "ops")!;
  const wrong = new LogsQueryClient(emu.credential(), { ...emu.logsClientOptions(), credentials: { scopes: ["https://management.azure.com/.default"] } } as ConstructorParameters<typeof LogsQueryClient>[1]);
  const err = await errorOf(wrong.queryWorkspace(ops.customerId, HEARTBEAT_QUERY, { duration: "P1D" }));
  expect(err.statusCode).toBe(401);
});

test("a stopped machine's last heartbeat is from when it stopped: in a one-day window, not in the last hour", async () => {
  const running = fleet.cases["mma-default-workspace"]!.filter((m) => m.includes("/virtualMachines/"));
  const [stopped, still] = running;
  await emu.admin("PATCH", `/admin/guest?id=${encodeURIComponent(stopped!)}`, { powerState: "stopped" });
  await emu.admin("POST", "/admin/clock", { advanceSeconds: 2 * 3600 });
  // Tokens expire with the clock: a fresh credential, as a client would get after an hour.
  logs = new LogsQueryClient(emu.credential(), emu.logsClientOptions());
  const lastHour = await heartbeats("PT1H");
  const lastDay = await heartbeats("P1D");
  const seen = (list: Beat[], id: string) => list.some((b) => b._ResourceId === id.toLowerCase());
  expect(seen(lastHour, stopped!)).toBe(false);
  expect(seen(lastDay, stopped!)).toBe(true);
  expect(seen(lastHour, still!)).toBe(true);
});
