/**
 * User trial 18b: a watch on a management group whose subscription moved to another group. The
 * change round after the move kept that subscription's rows (machines, clusters, workspaces,
 * Defender rows, rule associations, heartbeats) and failed (`invalid inventory: clusters[0].id: is
 * in subscription ..., which subscriptions does not list`); a subscription moved in was read only
 * as far as the change feed showed it. Each change round here must read what a full read of the
 * same scope reads, item for item.
 */
import { readInventoryFor } from "../../src/azure/inventory";
import { IncrementalInventory } from "../../src/azure/incremental";
import { queryGraph } from "../../src/azure/graph";
import { emulatorConnection, type AzureConnection } from "../../src/azure/connection";
import { plan } from "../../src/core";
import type { Inventory } from "../../src/inventory";
import { subscriptionOf } from "../../src/inventory/ids";
import { PRICINGS_API_VERSION } from "../../src/spec/defender";
import { parseSpec } from "../../src/spec";
import { startEmulator, type RunningEmulator } from "../../src/emulator";

jest.setTimeout(120_000);

let emu: RunningEmulator;
let conn: AzureConnection;
let subs: string[];

const comparable = (inv: Inventory) => ({ ...inv, generatedAt: "" });
const moveTo = (group: string, subscription: string) => emu.admin("POST", "/admin/management-groups", { groups: [{ name: group, subscriptions: [subscription] }] });
/** Every id the inventory holds, by the subscription it is in. */
const subscriptionsOfItems = (inv: Inventory) =>
  new Set(
    [...inv.machines, ...inv.clusters, ...inv.workspaces, ...(inv.dataCollectionRules ?? []), ...(inv.dataCollectionRuleAssociations ?? [])].map((x) => subscriptionOf(x.id)),
  );

beforeAll(async () => {
  emu = await startEmulator({ fleet: 120, seed: 18, defenderDelayMs: 86_400_000 });
  conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  subs = [...emu.subscriptionIds].map((s) => s.toLowerCase()).sort();
  await emu.admin("POST", "/admin/management-groups", { groups: [{ name: "contoso-prod", subscriptions: [subs[0], subs[1]] }, { name: "contoso-dev", subscriptions: [subs[2]] }] });
  // Defender rows and rule associations in every subscription: tables a change round keeps.
  const machines = Object.values(emu.fleet!.cases).flat();
  const [rule] = await queryGraph(conn, "resources\n| where type =~ 'microsoft.insights/datacollectionrules'\n| project id, type\n| order by id asc", subs);
  const requests = machines.flatMap((m) => [
    { method: "PUT", path: `${m}/providers/Microsoft.Security/pricings/VirtualMachines?api-version=${PRICINGS_API_VERSION}`, body: { properties: { pricingTier: "Standard", subPlan: "P1" } } },
    { method: "PUT", path: `${m}/providers/Microsoft.Insights/dataCollectionRuleAssociations/scope-test?api-version=2022-06-01`, body: { properties: { dataCollectionRuleId: rule!.id } } },
  ]);
  expect((await emu.admin<{ failed: number }>("POST", "/admin/replay", { requests })).failed).toBe(0);
  // Frozen: each round and the full read it is compared with answer at the same instant (heartbeats' freshness).
  await emu.admin("POST", "/admin/clock", { advanceSeconds: 120, freeze: true });
});

afterAll(async () => {
  await emu?.stop();
});

describe("a watch's change rounds when a subscription leaves or joins its management group", () => {
  it("drops everything of a subscription that left, reads one that joined in full, each as a full read does", async () => {
    const spec = parseSpec({ managementGroups: ["contoso-prod"], logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: "default" }, defender: { servers: { plan: "P2" } } });
    const reader = new IncrementalInventory(conn, spec, { fullEvery: 100 });
    const first = await reader.read();
    expect(first).toMatchObject({ mode: "full", scope: { left: [], joined: [] } });
    // The subscription that moves holds machines, clusters, associations and Defender rows to drop.
    const held = first.inventory.machines.filter((m) => subscriptionOf(m.id) === subs[1]);
    expect(held.length).toBeGreaterThan(10);
    expect(first.inventory.clusters.some((c) => subscriptionOf(c.id) === subs[1])).toBe(true);
    expect(held.some((m) => (m.agents ?? []).length > 0)).toBe(true);
    expect(held.every((m) => m.pricing?.pricingTier === "Standard")).toBe(true);
    expect(first.inventory.dataCollectionRuleAssociations!.some((a) => subscriptionOf(a.id) === subs[1])).toBe(true);

    await moveTo("contoso-dev", subs[1]!);
    const out = await reader.read();
    expect(out).toMatchObject({ mode: "changes", scope: { left: [subs[1]], joined: [] } });
    expect(out.inventory.subscriptions.map((s) => s.id)).toEqual([subs[0]]);
    expect([...subscriptionsOfItems(out.inventory)]).toEqual([subs[0]]);
    const fullOut = await readInventoryFor(conn, spec);
    expect(comparable(out.inventory)).toEqual(comparable(fullOut));
    expect(plan(spec, out.inventory)).toEqual(plan(spec, fullOut));

    // Moved back: the change feed has nothing of it since the cursor; it is read whole.
    await moveTo("contoso-prod", subs[1]!);
    const back = await reader.read();
    const fullBack = await readInventoryFor(conn, spec);
    expect(comparable(back.inventory)).toEqual(comparable(fullBack));
    expect(comparable(back.inventory)).toEqual(comparable(first.inventory));
    expect(back).toMatchObject({ mode: "changes", scope: { left: [], joined: [subs[1]] } });
    // Its machines built (and the others' agents added again: its workspaces are back among those read).
    expect(back.built).toBeGreaterThanOrEqual(held.length);

    // And the round after, with nothing changed, builds nothing and reads the same.
    const quiet = await reader.read();
    expect(quiet).toMatchObject({ mode: "changes", built: 0, scope: { left: [], joined: [] } });
    expect(comparable(quiet.inventory)).toEqual(comparable(fullBack));
  });
});
