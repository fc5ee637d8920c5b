/**
 * The adapter against the emulator over HTTPS with the official SDK clients: the inventory it
 * reads tells every pre-existing-agent case of the seed apart.
 */
import { emulatorConnection } from "../../src/azure/connection";
import { HEARTBEAT_WORKSPACES_PER_QUERY, readInventory } from "../../src/azure/inventory";
import { FLEET_CASE_TAG, startEmulator, type RunningEmulator } from "../../src/emulator";
import { queryGraph } from "../../src/azure/graph";
import { ComputeManagementClient } from "@azure/arm-compute";
import { PolicyClient } from "@azure/arm-policy";
import { PolicyInsightsClient } from "@azure/arm-policyinsights";
import type { Inventory, InventoryMachine } from "../../src/inventory/schema";

let emu: RunningEmulator;
let inv: Inventory;
let tagOf: Map<string, string>;

beforeAll(async () => {
  emu = await startEmulator({ fleet: 120, seed: 7 });
  const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  inv = await readInventory(conn, emu.subscriptionIds);
  // The fleet generator tags each machine with its case (emulator metadata the adapter ignores).
  const rows = await queryGraph(conn, "resources | where type in~ ('microsoft.compute/virtualmachines', 'microsoft.compute/virtualmachinescalesets', 'microsoft.hybridcompute/machines') | project id, type, tags", emu.subscriptionIds);
  tagOf = new Map(rows.map((r) => [r.id.toLowerCase(), r.tags?.[FLEET_CASE_TAG] ?? ""]));
});

afterAll(() => emu?.stop());

const ofCase = (c: string): InventoryMachine[] => inv.machines.filter((m) => tagOf.get(m.id.toLowerCase()) === c);

describe("readInventory against the emulator", () => {
  it("reads every machine of the fleet, sorted by id, and the subscriptions' onboarding dates", () => {
    expect(inv.machines).toHaveLength(120);
    const ids = inv.machines.map((m) => m.id);
    expect([...ids].sort()).toEqual(ids);
    expect(inv.subscriptions.map((s) => s.onboardedAt).sort()).toEqual(["2018-06-01", "2019-09-15", "2021-02-01"]);
  });

  it("tells the agent cases apart", () => {
    for (const c of ["mma-default-workspace", "direct-agent-windows", "direct-agent-linux", "scom-2012", "scom-2016", "appliance", "no-vm-agent", "deallocated", "no-agent"]) {
      expect([c, ofCase(c).length > 0]).toEqual([c, true]);
    }
    for (const m of ofCase("mma-default-workspace")) {
      expect(m.extensions?.some((e) => /MicrosoftMonitoringAgent|OmsAgentForLinux/i.test(e.type) && e.workspaceCustomerId)).toBe(true);
      expect(m.agents?.some((a) => a.kind === "direct")).toBe(false); // the extension's own heartbeat is not a direct agent
    }
    for (const m of [...ofCase("direct-agent-windows"), ...ofCase("direct-agent-linux")]) {
      expect(m.agents).toContainEqual(expect.objectContaining({ kind: "direct" }));
    }
    expect(ofCase("scom-2012").flatMap((m) => m.agents ?? []).map((a) => a.version)).toEqual(expect.arrayContaining([expect.stringMatching(/^2012/)]));
    // With the workspace its heartbeats go to (issue 18: an Operations Manager agent keeps a workspace in use).
    for (const m of ofCase("scom-2016")) expect(m.agents).toContainEqual({ kind: "scom", version: "2016", workspaceCustomerIds: [expect.any(String)] });
    for (const m of ofCase("appliance")) expect(m.appliance).toBe(true);
    for (const m of ofCase("no-vm-agent")) expect(m.vmAgent).toBe(false);
    for (const m of ofCase("deallocated")) expect(m.powerState).toBe("deallocated");
    // Defender's states (issue 14) go on some of them: MDE or Guest Configuration, never a monitoring agent.
    const defenderStated = new Set(Object.values(emu.fleet!.defender!.states).flat().map((id) => id.toLowerCase()));
    for (const m of ofCase("no-agent")) expect(m.agents).toEqual([]);
    for (const m of ofCase("no-agent").filter((x) => !defenderStated.has(x.id.toLowerCase()))) expect(m.extensions).toEqual([]);
  });

  it("queries Heartbeat in requests of at most 10 workspaces (the query API's limit, which the emulator enforces)", async () => {
    expect(inv.workspaces.length).toBeGreaterThan(HEARTBEAT_WORKSPACES_PER_QUERY);
    const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
    await emu.admin("POST", "/admin/counters/reset");
    await readInventory(conn, emu.subscriptionIds);
    const counters = await emu.admin<{ byClass: Record<string, number> }>("GET", "/admin/counters");
    expect(counters.byClass["query"]).toBe(Math.ceil(inv.workspaces.length / HEARTBEAT_WORKSPACES_PER_QUERY));
  });

  it("reads remediation tasks with the PolicyInsights API (Resource Graph has no table of them)", async () => {
    const sub = emu.subscriptionIds[2]!;
    const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
    const policy = new PolicyClient(emu.credential(), sub, emu.clientOptions());
    const assignment = await policy.policyAssignments.create(`/subscriptions/${sub}`, "inv-ama", {
      policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/ca817e41-e85a-4783-bc7f-dc532d36235e",
      identity: { type: "SystemAssigned" },
      location: "eastus",
    });
    const insights = new PolicyInsightsClient(emu.credential(), sub, emu.clientOptions());
    const task = await insights.remediations.createOrUpdateAtSubscription("inv-ama-task", { policyAssignmentId: assignment.id! });
    const graph = await queryGraph(conn, "policyresources | where type =~ 'microsoft.policyinsights/remediations' | project id", [sub]);
    expect(graph).toEqual([]);
    const again = await readInventory(conn, emu.subscriptionIds);
    expect(again.remediations.map((r) => [r.id.toLowerCase(), r.policyAssignmentId.toLowerCase()])).toContainEqual([task.id!.toLowerCase(), assignment.id!.toLowerCase()]);
  });

  it("reads workspaces with their solutions and who owns their security events", () => {
    const sentinel = inv.workspaces.filter((w) => w.securityEvents?.owner === "sentinel");
    expect(sentinel.length).toBeGreaterThan(0);
    expect(inv.workspaces.some((w) => w.createdBySecurityCenter && w.solutions.length > 0)).toBe(true);
  });

  it("reads the spec's central workspace wherever it is, with its solutions (issue 18)", async () => {
    const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
    const [first, ...others] = [...emu.subscriptionIds].sort();
    const elsewhere = inv.workspaces.find((w) => others.includes(w.id.split("/")[2]!.toLowerCase()) && w.solutions.length > 0)!;
    expect(elsewhere).toBeDefined();
    const one = await readInventory(conn, [first!], { workspaces: [elsewhere.id.toUpperCase()] });
    expect(one.subscriptions.map((s) => s.id)).toEqual([first]);
    expect(one.workspaces).toContainEqual(expect.objectContaining({ id: elsewhere.id, customerId: elsewhere.customerId, solutions: elsewhere.solutions }));
  });

  it("says what a named workspace the fleet's read did not show is: outside the subscriptions, or in one of them and not found (user trial 19)", async () => {
    const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
    const [first, ...others] = [...emu.subscriptionIds].sort();
    const elsewhere = inv.workspaces.find((w) => others.includes(w.id.split("/")[2]!.toLowerCase()))!;
    const missing = `/subscriptions/${first}/resourceGroups/rg-mine/providers/Microsoft.OperationalInsights/workspaces/law-typo`;
    const lines: string[] = [];
    const said = async (workspaces: string[]) => {
      lines.length = 0;
      const read = await readInventory(conn, [first!], { workspaces, onProgress: (l) => lines.push(l) });
      return { read, line: lines.find((l) => l.startsWith("looking up by id")) };
    };
    const one = await said([missing]);
    expect(one.line).toBe("looking up by id 1 workspace(s) the spec names in the subscriptions that their read did not find (it may not exist), with their solutions and the data collection rules beside them");
    expect(one.read.workspaces.some((w) => w.id.toLowerCase() === missing.toLowerCase())).toBe(false);
    expect((await said([missing, elsewhere.id])).line).toBe(
      "looking up by id 1 workspace(s) outside the subscriptions and 1 workspace(s) the spec names in the subscriptions that their read did not find (it may not exist), with their solutions and the data collection rules beside them",
    );
  });

  // Runs last: it removes an extension and moves the emulator's clock.
  it("a removed extension's last heartbeats are not a directly installed agent (issue 18)", async () => {
    const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
    const m = ofCase("mma-default-workspace").find((x) => x.kind === "vm")!;
    const ext = m.extensions!.find((e) => /MicrosoftMonitoringAgent|OmsAgentForLinux/i.test(e.type))!;
    const [, , sub, , rg, , , , vm] = m.id.split("/");
    const compute = new ComputeManagementClient(emu.credential(), sub!, emu.clientOptions());
    await compute.virtualMachineExtensions.beginDeleteAndWait(rg!, vm!, ext.name!, { updateIntervalInMs: 10 });
    await emu.admin("POST", "/admin/clock", { advanceSeconds: 15 * 60 });
    const after = await readInventory(conn, emu.subscriptionIds);
    const again = after.machines.find((x) => x.id === m.id)!;
    expect(again.extensions!.some((e) => e.name === ext.name)).toBe(false);
    expect(again.agents ?? []).toEqual([]);
  });
});
