/**
 * The adapter against the emulator over HTTPS with the official SDK clients: the inventory it
 * reads tells every pre-existing-agent case of the seed apart.
 */
import { emulatorConnection } from "../../src/azure/connection";
import { readInventory } from "../../src/azure/inventory";
import { FLEET_CASE_TAG, startEmulator, type RunningEmulator } from "../../src/emulator";
import { queryGraph } from "../../src/azure/graph";
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
    for (const m of ofCase("scom-2016")) expect(m.agents).toContainEqual({ kind: "scom", version: "2016" });
    for (const m of ofCase("appliance")) expect(m.appliance).toBe(true);
    for (const m of ofCase("no-vm-agent")) expect(m.vmAgent).toBe(false);
    for (const m of ofCase("deallocated")) expect(m.powerState).toBe("deallocated");
    // Defender's states (issue 14) go on some of them: MDE or Guest Configuration, never a monitoring agent.
    const defenderStated = new Set(Object.values(emu.fleet!.defender!.states).flat().map((id) => id.toLowerCase()));
    for (const m of ofCase("no-agent")) expect(m.agents).toEqual([]);
    for (const m of ofCase("no-agent").filter((x) => !defenderStated.has(x.id.toLowerCase()))) expect(m.extensions).toEqual([]);
  });

  it("reads workspaces with their solutions and who owns their security events", () => {
    const sentinel = inv.workspaces.filter((w) => w.securityEvents?.owner === "sentinel");
    expect(sentinel.length).toBeGreaterThan(0);
    expect(inv.workspaces.some((w) => w.createdBySecurityCenter && w.solutions.length > 0)).toBe(true);
  });
});
