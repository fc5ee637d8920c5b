/**
 * `inventory` on large emulator fleets (issue 15 item 8): 20k and 50k machines, ARM and Resource
 * Graph requests per 1,000 machines and wall time, as `asc-autoprovision inventory` reads them
 * (the token cache warmed first: sign-in is not what is counted).
 */
import { emulatorConnection } from "../src/azure/connection";
import { readInventory } from "../src/azure/inventory";
import { startEmulator } from "../src/emulator";

interface Counters {
  total: number;
  byClass: Record<string, number>;
}

export async function benchInventory(sizes = [20_000, 50_000]): Promise<void> {
  for (const fleet of sizes) {
    const t0 = Date.now();
    const emu = await startEmulator({ fleet, seed: 1 });
    const startMs = Date.now() - t0;
    try {
      const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
      await readInventory(conn, emu.subscriptionIds.slice(0, 1), {}); // warm the token cache
      await emu.admin("POST", "/admin/counters/reset");
      const t1 = Date.now();
      const inventory = await readInventory(conn, emu.subscriptionIds);
      const ms = Date.now() - t1;
      const c = await emu.admin<Counters>("GET", "/admin/counters");
      console.log(
        `inventory: fleet ${fleet} (emulator start ${(startMs / 1000).toFixed(0)} s): ${inventory.machines.length} machines read in ${(ms / 1000).toFixed(1)} s, ` +
          `${c.total} requests (${((c.total * 1000) / fleet).toFixed(1)} per 1,000 machines) ${JSON.stringify(c.byClass)}`,
      );
    } finally {
      await emu.stop();
    }
  }
}

if (require.main === module) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  benchInventory(sizes.length ? sizes : undefined).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
