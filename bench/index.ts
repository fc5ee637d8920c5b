/** `npm run bench [-- plan|commands|inventory|emulator|reconcile]`: the benchmarks in turn; each prints its own figures. */
import { benchCommands } from "./commands";
import { benchEmulator } from "./emulator";
import { benchInventory } from "./inventory";
import { benchPlan } from "./plan";
import { benchReconcile } from "./reconcile";

const BENCHES: Record<string, () => Promise<void>> = { plan: benchPlan, commands: () => benchCommands(), inventory: () => benchInventory(), emulator: benchEmulator, reconcile: benchReconcile };

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only && !BENCHES[only]) throw new Error(`unknown benchmark "${only}": one of ${Object.keys(BENCHES).join(", ")}`);
  for (const [name, run] of Object.entries(BENCHES)) {
    if (!only || only === name) {
      console.log(`== ${name}`);
      await run();
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
