/** Resource Graph through @azure/arm-resourcegraph, over a generated fleet of 1,000 machines. */
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { errorOf, EXACT_PAGING, withEmulator } from "./helpers";
import type { RunningEmulator } from "../../src/emulator";
import { FLEET_QUERY } from "../../src/azure/graph";

/** The exact query the Azure adapter sends. */
const ADAPTER_QUERY = FLEET_QUERY;

type GraphRow = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rows are inspected ad hoc

let emu: RunningEmulator;
let graph: ResourceGraphClient;
beforeAll(async () => {
  emu = await withEmulator({ fleet: 1000, seed: 42, ...EXACT_PAGING });
  graph = new ResourceGraphClient(emu.credential(), { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
});
afterAll(async () => emu?.stop());

async function all(query: string, subscriptions = emu.subscriptionIds): Promise<{ rows: GraphRow[]; pages: number }> {
  const rows: GraphRow[] = [];
  let skipToken: string | undefined;
  let pages = 0;
  do {
    const page = await graph.resources({ query, subscriptions, options: { top: 1000, skipToken, resultFormat: "objectArray" } });
    pages++;
    expect(page.count).toBe((page.data as GraphRow[]).length);
    expect(page.count).toBeLessThanOrEqual(1000);
    rows.push(...(page.data as GraphRow[]));
    skipToken = page.skipToken;
  } while (skipToken);
  return { rows, pages };
}

test("the adapter's query pages at 1,000 rows with $skipToken, each page one request, ordered by id", async () => {
  await emu.admin("POST", "/admin/counters/reset");
  const first = await graph.resources({ query: ADAPTER_QUERY, subscriptions: emu.subscriptionIds, options: { top: 1000 } });
  expect(first.count).toBe(1000);
  expect(first.totalRecords).toBeGreaterThan(1000);
  expect(first.resultTruncated).toBe("false");
  expect(first.skipToken).toBeDefined();
  const { rows, pages } = await all(ADAPTER_QUERY);
  expect(rows).toHaveLength(first.totalRecords);
  expect(pages).toBe(Math.ceil(first.totalRecords / 1000));
  const ids = rows.map((r) => String(r.id).toLowerCase());
  expect(ids).toEqual([...ids].sort());
  expect(new Set(ids).size).toBe(ids.length);
  const counters = await emu.admin<{ byClass: Record<string, number> }>("GET", "/admin/counters");
  expect(counters.byClass.graph).toBe(1 + pages);
  expect(Object.keys(rows[0]!)).toEqual(["id", "name", "type", "location", "subscriptionId", "resourceGroup", "properties", "tags", "plan", "identity"]);
  const machines = rows.filter((r) => ["microsoft.compute/virtualmachines", "microsoft.compute/virtualmachinescalesets", "microsoft.hybridcompute/machines"].includes(r.type));
  expect(machines).toHaveLength(1000);
});

test("rows look like Resource Graph's: power state, OS, VM agent flag, extension settings without protectedSettings", async () => {
  const { rows } = await all(ADAPTER_QUERY);
  const vms = rows.filter((r) => r.type === "microsoft.compute/virtualmachines");
  expect(vms.every((r) => /^PowerState\/(running|stopped|deallocated)$/.test(r.properties.extended.instanceView.powerState.code))).toBe(true);
  expect(vms.every((r) => ["Windows", "Linux"].includes(r.properties.storageProfile.osDisk.osType))).toBe(true);
  expect(vms.some((r) => r.properties.osProfile.windowsConfiguration?.provisionVMAgent === false || r.properties.osProfile.linuxConfiguration?.provisionVMAgent === false)).toBe(true);
  expect(vms.every((r) => r.resourceGroup === r.resourceGroup.toLowerCase())).toBe(true);
  const mma = rows.filter((r) => r.type === "microsoft.compute/virtualmachines/extensions" && r.properties.publisher === "Microsoft.EnterpriseCloud.Monitoring");
  expect(mma.length).toBeGreaterThan(0);
  for (const e of mma) {
    expect(e.properties).toMatchObject({ type: expect.stringMatching(/^(MicrosoftMonitoringAgent|OmsAgentForLinux)$/), typeHandlerVersion: expect.any(String), settings: { workspaceId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    expect(e.properties.protectedSettings).toBeUndefined();
  }
  const arc = rows.find((r) => r.type === "microsoft.hybridcompute/machines");
  expect(arc!.properties).toMatchObject({ status: expect.stringMatching(/^(Connected|Disconnected)$/), osType: expect.stringMatching(/^(windows|linux)$/) });
  const vmss = rows.find((r) => r.type === "microsoft.compute/virtualmachinescalesets");
  expect(Array.isArray(vmss!.properties.virtualMachineProfile.extensionProfile.extensions)).toBe(true);
  expect(JSON.stringify(rows)).not.toMatch(/workspaceKey|protectedSettings/);
});

test("subscriptions narrow the scope, by the request's array or by a where clause", async () => {
  const [s0, s1] = emu.subscriptionIds;
  const { rows: one } = await all("resources | where type =~ 'microsoft.compute/virtualmachines' | project id, subscriptionId", [s0!]);
  expect(one.length).toBeGreaterThan(0);
  expect(one.every((r) => r.subscriptionId === s0)).toBe(true);
  const { rows: where } = await all(`resources | where subscriptionId in~ ('${s1!.toUpperCase()}') and type =~ 'microsoft.compute/virtualmachines' | project id, subscriptionId`);
  expect(where.every((r) => r.subscriptionId === s1)).toBe(true);
});

test("extend, mv-expand and dotted projections", async () => {
  const q = "resources | where type =~ 'microsoft.compute/virtualmachinescalesets' | extend os = properties.virtualMachineProfile.storageProfile.osDisk.osType | mv-expand ext = properties.virtualMachineProfile.extensionProfile.extensions | project id, os, extType = ext.properties.type, properties.uniqueId";
  const { rows } = await all(q);
  expect(rows.length).toBeGreaterThan(0);
  expect(Object.keys(rows[0]!)).toEqual(["id", "os", "extType", "properties_uniqueId"]);
  expect(rows.some((r) => typeof r.extType === "string")).toBe(true);
});

test("policyresources, authorizationresources, resourcecontainers and securityresources tables", async () => {
  const subs = await all("resourcecontainers | where type =~ 'microsoft.resources/subscriptions' | project id, name, tags");
  expect(subs.rows.map((r) => r.tags.ascOnboardedAt).sort()).toEqual(["2018-06-01", "2019-09-15", "2021-02-01"]);
  const pricings = await all("securityresources | where type =~ 'microsoft.security/pricings' and name == 'VirtualMachines' | project id, tier = properties.pricingTier");
  // The subscriptions' own pricings; the fleet's resource-level ones (issue 14) sit under their machines.
  const subscriptionLevel = (id: string) => /^\/subscriptions\/[^/]+\/providers\/microsoft\.security\/pricings\//i.test(id);
  expect(pricings.rows.filter((r) => subscriptionLevel(r.id)).map((r) => r.tier).sort()).toEqual(["Free", "Free", "Standard"]);
  expect(pricings.rows.filter((r) => !subscriptionLevel(r.id)).every((r) => /\/providers\/microsoft\.(compute|hybridcompute)\//i.test(r.id))).toBe(true);
  expect((await all("policyresources | project id")).rows).toEqual([]);
  expect((await all("authorizationresources | where type =~ 'microsoft.authorization/roleassignments' | project id")).rows).toEqual([]);
});

test("results without id cannot be paged: resultTruncated and no $skipToken", async () => {
  const page = await graph.resources({ query: "resources | project name", subscriptions: emu.subscriptionIds, options: { top: 10 } });
  expect(page.count).toBe(10);
  expect(page.resultTruncated).toBe("true");
  expect(page.skipToken).toBeUndefined();
  const count = await graph.resources({ query: "resources | where type =~ 'microsoft.compute/virtualmachines' | summarize count() by tostring(properties.storageProfile.osDisk.osType)", subscriptions: emu.subscriptionIds, options: { resultFormat: "table" } });
  expect((count.data as { columns: { name: string }[] }).columns.map((c) => c.name)).toEqual(["Column1", "count_"]);
});

test("queries outside the subset get 400 BadRequest naming what is supported", async () => {
  const err = await errorOf(graph.resources({ query: "resources | join kind=inner (resources) on id", subscriptions: emu.subscriptionIds }));
  expect(err.statusCode).toBe(400);
  expect(err.code).toBe("BadRequest");
  expect(err.message).toMatch(/Operator 'join' is not supported.*Supported operators: where, project/);
  const table = await errorOf(graph.resources({ query: "advisorresources | take 1", subscriptions: emu.subscriptionIds }));
  expect(table.message).toMatch(/supported tables are resources, insightsresources, resourcecontainers, policyresources, authorizationresources, securityresources/);
  const token = await errorOf(graph.resources({ query: "resources | project id", subscriptions: emu.subscriptionIds, options: { skipToken: "garbage" } }));
  expect(token.statusCode).toBe(400);
});
