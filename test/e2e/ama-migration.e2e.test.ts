/**
 * Issue "Azure Monitor Agent", done-when: an MMA fleet on the emulator migrates to AMA in at most
 * two apply rounds, and no machine is ever without a reporting agent (checked after each round).
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
  lab = await startLab(60, {}, 81);
});
afterAll(() => lab?.emu.stop());

/** Machines with an agent that reports: the legacy extension, or AMA with an association. */
function reporting(inv: Inventory): Set<string> {
  const associated = new Set((inv.dataCollectionRuleAssociations ?? []).filter((a) => a.dataCollectionRuleId).map((a) => a.machineId.toLowerCase()));
  return new Set(
    inv.machines
      .filter(
        (m) =>
          m.extensions?.some((e) => isSameExtension(LOG_ANALYTICS_AGENT[m.osType], e)) ||
          (m.extensions?.some((e) => isSameExtension(AZURE_MONITOR_AGENT[m.osType], e)) && associated.has(m.id.toLowerCase())),
      )
      .map((m) => m.id.toLowerCase()),
  );
}

const apply = () => applyOrThrow(lab);

it("migrates an MMA fleet to AMA in two rounds, never leaving a machine without a reporting agent", async () => {
  // The fleet on the legacy agent first.
  await apply();
  const spec = loadSpecFile(lab.specPath);
  let inv = await readInventory(lab.conn, spec.subscriptions);
  const before = reporting(inv);
  expect(before.size).toBeGreaterThan(20);

  writeFileSync(
    lab.specPath,
    stringify({
      subscriptions: spec.subscriptions,
      logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: "default", securityEvents: "Common", defender: true, removeLegacyAgent: true },
    }),
  );
  const ama = loadSpecFile(lab.specPath);
  const rounds: number[] = [];
  for (let round = 1; round <= 2; round++) {
    await apply();
    // Agents heartbeat once a minute: let the emulator's clock move on.
    await lab.emu.admin("POST", "/admin/clock", { advanceSeconds: 120 });
    inv = await readInventory(lab.conn, ama.subscriptions);
    const now = reporting(inv);
    expect([...before].filter((id) => !now.has(id))).toEqual([]);
    rounds.push(plan(ama, inv).steps.length);
  }
  console.log(`AMA migration: steps left after round 1 and 2: ${rounds.join(", ")}`);
  expect(rounds[1]).toBe(0);
  const legacyLeft = inv.machines.filter((m) => m.extensions?.some((e) => isSameExtension(LOG_ANALYTICS_AGENT[m.osType], e)));
  const decisions = plan(ama, inv).machines;
  // What still runs the legacy agent is kept on purpose (beside Operations Manager, a direct agent, ...).
  for (const m of legacyLeft) expect(decisions.find((d) => d.id === m.id)?.decision).toMatch(/^(ama-keep-legacy|skip-not-eligible|keep-user-workspace|out-of-scope)$/);
});
