/**
 * User trial 20, item 4: a fleet on the legacy agent drops it without installing another agent
 * (`agent: none`, `removeLegacyAgent: true`). One apply removes the extension wherever nothing
 * on the machine needs it; the next plan has nothing left, and what keeps the agent says why.
 */
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { readInventory } from "../../src/azure/inventory";
import type { Inventory } from "../../src/inventory/schema";
import { plan } from "../../src/core";
import { AZURE_MONITOR_AGENT, LOG_ANALYTICS_AGENT, isSameExtension } from "../../src/spec/extensions";
import { loadSpecFile } from "../../src/spec/load";
import { applyOrThrow, startLab, type Lab } from "./helpers";

jest.setTimeout(240_000);

let lab: Lab;
beforeAll(async () => {
  lab = await startLab(40, { extensions: {} }, 20);
});
afterAll(() => lab?.emu.stop());

const withAgent = (inv: Inventory, kinds: typeof LOG_ANALYTICS_AGENT) => inv.machines.filter((m) => m.extensions?.some((e) => isSameExtension(kinds[m.osType], e))).map((m) => m.id);

const apply = () => applyOrThrow(lab);

it("removes the legacy agent in one apply with no agent after it, and the next plan is empty", async () => {
  // The fleet on the legacy agent first.
  await apply();
  const subscriptions = loadSpecFile(lab.specPath).subscriptions;
  const before = await readInventory(lab.conn, subscriptions);
  const legacy = withAgent(before, LOG_ANALYTICS_AGENT);
  expect(legacy.length).toBeGreaterThan(10);

  writeFileSync(lab.specPath, stringify({ subscriptions, logAnalyticsAgent: { agent: "none", removeLegacyAgent: true } }));
  const none = loadSpecFile(lab.specPath);
  const planned = plan(none, before);
  const removed = planned.machines.filter((m) => m.decision === "remove-legacy").map((m) => m.id);
  expect(removed.length).toBeGreaterThan(5);
  expect(new Set(planned.steps.map((s) => s.action))).toEqual(new Set(["remove-extension"]));

  await apply();
  await lab.emu.admin("POST", "/admin/clock", { advanceSeconds: 120 });
  const after = await readInventory(lab.conn, subscriptions);
  const left = new Set(withAgent(after, LOG_ANALYTICS_AGENT));
  expect(removed.filter((id) => left.has(id))).toEqual([]);
  // Nothing was installed in its place.
  expect(withAgent(after, AZURE_MONITOR_AGENT)).toEqual(withAgent(before, AZURE_MONITOR_AGENT));

  const again = plan(none, after);
  expect(again.steps).toEqual([]);
  // What still runs the legacy agent keeps it on purpose (a direct or Operations Manager agent, the Dependency agent), or cannot take the write.
  for (const id of left) expect(again.machines.find((m) => m.id === id)?.decision).toMatch(/^(keep-legacy|skip-not-eligible)$/);
});
