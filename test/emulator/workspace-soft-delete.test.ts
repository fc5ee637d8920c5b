/**
 * Log Analytics workspace soft delete, as Azure documents it ("Delete and recover a Log Analytics
 * workspace"): a DELETE without force keeps the workspace 14 days (out of GET/list, its name
 * reserved, listed by deletedWorkspaces), a PUT in the same group and location recovers it, a PUT
 * elsewhere is refused, force=true purges at once, and the emulator's clock ends the 14 days.
 */
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { ResourceManagementClient } from "@azure/arm-resources";
import { errorOf, FAST_POLL, withEmulator } from "./helpers";
import type { RunningEmulator } from "../../src/emulator";

let emu: RunningEmulator;
let oi: OperationalInsightsManagementClient;
let sub: string;

/** A new client (a new token: days on the emulator's clock expire the old one). */
const client = () => new OperationalInsightsManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
const RG = "rg-softdel";
const OTHER_RG = "rg-softdel-other";

beforeAll(async () => {
  emu = await withEmulator();
  sub = emu.subscriptionIds[2]!;
  oi = client();
  const rm = new ResourceManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  await rm.resourceGroups.createOrUpdate(RG, { location: "westeurope" });
  await rm.resourceGroups.createOrUpdate(OTHER_RG, { location: "westeurope" });
});
afterAll(async () => emu?.stop());

const create = (rg: string, name: string, location = "westeurope") =>
  oi.workspaces.beginCreateOrUpdateAndWait(rg, name, { location, sku: { name: "PerGB2018" } }, FAST_POLL);

async function names(it: AsyncIterable<{ name?: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const w of it) out.push(w.name!);
  return out;
}

test("a DELETE soft-deletes: 404 and out of lists, listed as deleted, recovered by a PUT in the same group and location with its customerId and keys", async () => {
  const ws = await create(RG, "law-soft");
  const keys = await oi.sharedKeys.getSharedKeys(RG, "law-soft");
  await oi.workspaces.beginDeleteAndWait(RG, "law-soft", FAST_POLL);

  expect((await errorOf(oi.workspaces.get(RG, "law-soft"))).statusCode).toBe(404);
  expect(await names(oi.workspaces.listByResourceGroup(RG))).not.toContain("law-soft");
  expect(await names(oi.deletedWorkspaces.list())).toContain("law-soft");
  expect(await names(oi.deletedWorkspaces.listByResourceGroup(RG))).toEqual(["law-soft"]);
  expect(await names(oi.deletedWorkspaces.listByResourceGroup(OTHER_RG))).toEqual([]);

  const elsewhere = await errorOf(create(OTHER_RG, "law-soft"));
  expect(elsewhere.statusCode).toBe(409);
  expect(elsewhere.message).toMatch(/recently deleted.*soft-delete/);
  const otherRegion = await errorOf(create(RG, "law-soft", "northeurope"));
  expect(otherRegion.statusCode).toBe(409);

  const recovered = await create(RG, "law-soft");
  expect(recovered.customerId).toBe(ws.customerId);
  expect(recovered.createdDate).toEqual(ws.createdDate);
  expect((await oi.sharedKeys.getSharedKeys(RG, "law-soft")).primarySharedKey).toBe(keys.primarySharedKey);
  expect(await names(oi.deletedWorkspaces.list())).not.toContain("law-soft");
});

test("force=true deletes permanently: the name is free at once, a new workspace gets a new customerId", async () => {
  const ws = await create(RG, "law-forced");
  await oi.workspaces.beginDeleteAndWait(RG, "law-forced", { ...FAST_POLL, force: true });
  expect(await names(oi.deletedWorkspaces.list())).not.toContain("law-forced");
  const again = await create(OTHER_RG, "law-forced");
  expect(again.customerId).not.toBe(ws.customerId);
});

test("after 14 days on the emulator's clock the soft-deleted workspace is gone for good", async () => {
  const ws = await create(RG, "law-expiring");
  await oi.workspaces.beginDeleteAndWait(RG, "law-expiring", FAST_POLL);
  await emu.admin("POST", "/admin/clock", { advanceSeconds: 13 * 86400 });
  oi = client();
  expect(await names(oi.deletedWorkspaces.list())).toContain("law-expiring");
  await emu.admin("POST", "/admin/clock", { advanceSeconds: 86400 + 60 });
  oi = client();
  expect(await names(oi.deletedWorkspaces.list())).not.toContain("law-expiring");
  const fresh = await create(OTHER_RG, "law-expiring");
  expect(fresh.customerId).not.toBe(ws.customerId);
});

test("deleting the resource group soft-deletes its workspace; recreating the group and the workspace recovers it", async () => {
  const rm = new ResourceManagementClient(emu.credential(), sub, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
  await rm.resourceGroups.createOrUpdate("rg-softdel-group", { location: "westeurope" });
  const ws = await create("rg-softdel-group", "law-in-group");
  await rm.resourceGroups.beginDeleteAndWait("rg-softdel-group", FAST_POLL);
  expect(await names(oi.deletedWorkspaces.list())).toContain("law-in-group");
  await rm.resourceGroups.createOrUpdate("rg-softdel-group", { location: "westeurope" });
  expect((await create("rg-softdel-group", "law-in-group")).customerId).toBe(ws.customerId);
});
