/**
 * The subscription's VirtualMachines pricing reports resourcesCoverageStatus: how many of its
 * machines a plan covers once machines with a pricing of their own are counted. The emulator counts
 * the machines from its index and reads only the machine-level pricings, not every machine (a watch
 * round read it for each subscription: 1.2 s of the emulator's time per round at 100k machines).
 */
import type { RunningEmulator } from "../../src/emulator";
import { ResourceStore } from "../../src/emulator/store/resources";
import { armToken, raw, withEmulator } from "./helpers";

let emu: RunningEmulator;
let sub: string;
let token: string;
const RG = "rg-coverage";
const vm = (name: string) => `/subscriptions/${sub}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/${name}`;
const pricing = (scope: string) => `${scope}/providers/Microsoft.Security/pricings/VirtualMachines?api-version=2024-01-01`;

beforeAll(async () => {
  emu = await withEmulator({});
  sub = emu.subscriptionIds[0]!;
  token = await armToken(emu);
  for (const name of ["vm-a", "vm-b"]) await emu.admin("POST", "/admin/machines", { subscriptionId: sub, resourceGroup: RG, name, location: "westeurope", osType: "Linux" });
});
afterAll(async () => emu?.stop());

const put = async (scope: string, properties: object) => expect((await raw(emu, "PUT", pricing(scope), { token, body: { properties } })).status).toBe(200);
/** Machines listed (every machine's document read) while answering the reads. */
let listed = 0;
const coverage = async () => {
  const spy = jest.spyOn(ResourceStore.prototype, "listTypes");
  try {
    return (await raw(emu, "GET", pricing(`/subscriptions/${sub}`), { token })).body.properties.resourcesCoverageStatus as string;
  } finally {
    listed += spy.mock.calls.length;
    spy.mockRestore();
  }
};

test("counts the machines a resource-level pricing takes out of, or adds to, the subscription's plan", async () => {
  await put(`/subscriptions/${sub}`, { pricingTier: "Free" });
  expect(await coverage()).toBe("NotCovered");
  await put(`/subscriptions/${sub}`, { pricingTier: "Standard", subPlan: "P1", enforce: "False" });
  expect(await coverage()).toBe("FullyCovered");
  await put(vm("vm-a"), { pricingTier: "Free" });
  expect(await coverage()).toBe("PartiallyCovered");
  // Enforced, the subscription's plan is every machine's.
  await put(`/subscriptions/${sub}`, { pricingTier: "Standard", subPlan: "P1", enforce: "True" });
  expect(await coverage()).toBe("FullyCovered");
  await put(`/subscriptions/${sub}`, { pricingTier: "Free" });
  expect(await coverage()).toBe("NotCovered");
  // No machine was listed to answer these reads.
  expect(listed).toBe(0);
});
