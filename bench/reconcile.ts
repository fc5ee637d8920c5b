/**
 * Reconcile benchmark (issue "Reconcile for real"): ARM requests for `inventory` and for `apply`
 * on emulator fleets of 1,000 and 5,000 machines, per 1,000 machines (target for inventory: at
 * most 5; the fixed part — per subscription and per workspace — is printed separately), and the
 * demo's wall time (target: under 30 s). Counts come from the emulator's request counters.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { applyPlan } from "../src/azure/apply";
import { emulatorConnection } from "../src/azure/connection";
import { readInventory } from "../src/azure/inventory";
import { startEmulator } from "../src/emulator";
import { plan } from "../src/core";
import { parseSpec } from "../src/spec/validate";

interface Counters {
  total: number;
  byClass: Record<string, number>;
}

async function measure(fleet: number): Promise<{ fleet: number; inventory: Counters; apply: Counters; steps: number; inventoryMs: number; applyMs: number; workspaces: number }> {
  const emu = await startEmulator({ fleet, seed: 1, remediationDeploymentMs: 1 });
  try {
    const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
    const spec = parseSpec({
      subscriptions: emu.subscriptionIds,
      logAnalyticsAgent: { autoProvision: true, agent: "mma", securityEvents: "Common" },
      extensions: { kubernetesPolicyAddon: true, dependencyAgent: { windows: true, linux: true } },
    });
    await readInventory(conn, spec.subscriptions); // warm the token cache: auth is not what we count
    await emu.admin("POST", "/admin/counters/reset");
    let t0 = Date.now();
    const inventory = await readInventory(conn, spec.subscriptions);
    const inventoryMs = Date.now() - t0;
    const invCounters = await emu.admin<Counters>("GET", "/admin/counters");
    const thePlan = plan(spec, inventory);
    await emu.admin("POST", "/admin/counters/reset");
    t0 = Date.now();
    const result = await applyPlan(conn, thePlan, { concurrency: 16, writes: { capacity: 1000, refillPerSecond: 1000 }, pollIntervalMs: 10 });
    const applyMs = Date.now() - t0;
    if (result.counts.failed || result.counts.skipped) {
      const failed = result.results.filter((r) => r.status === "failed").slice(0, 3).map((r) => `${r.step.id}: ${r.error}`);
      throw new Error(`apply on the ${fleet}-machine fleet did not succeed: ${JSON.stringify(result.counts)}\n${failed.join("\n")}`);
    }
    const applyCounters = await emu.admin<Counters>("GET", "/admin/counters");
    return { fleet, inventory: invCounters, apply: applyCounters, steps: thePlan.steps.length, inventoryMs, applyMs, workspaces: inventory.workspaces.length };
  } finally {
    await emu.stop();
  }
}

export async function benchReconcile(): Promise<void> {
  const small = await measure(1000);
  const large = await measure(5000);
  for (const r of [small, large]) {
    console.log(
      `reconcile: fleet ${r.fleet}: inventory ${r.inventory.total} requests in ${r.inventoryMs} ms (${JSON.stringify(r.inventory.byClass)}), ` +
        `${r.workspaces} workspaces; apply of ${r.steps} steps: ${r.apply.total} requests in ${r.applyMs} ms (${JSON.stringify(r.apply.byClass)})`,
    );
  }
  const perThousand = (a: number, b: number) => ((b - a) / ((large.fleet - small.fleet) / 1000)).toFixed(1);
  console.log(`reconcile: inventory requests per 1,000 machines (slope 1k->5k): ${perThousand(small.inventory.total, large.inventory.total)} (target <= 5)`);
  console.log(`reconcile: inventory requests for the 1,000-machine fleet in total: ${small.inventory.total} (fixed part: per subscription and per workspace reads)`);
  console.log(`reconcile: apply requests per 1,000 machines (slope 1k->5k): ${perThousand(small.apply.total, large.apply.total)}`);
  const t0 = Date.now();
  execFileSync(process.execPath, [join(__dirname, "../../bin/asc-autoprovision.js"), "demo", "--quiet"], { stdio: "ignore" });
  console.log(`reconcile: demo wall time ${((Date.now() - t0) / 1000).toFixed(1)} s (target < 30 s)`);
}

if (require.main === module) {
  benchReconcile().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
