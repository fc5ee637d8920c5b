/** `npm run bench [-- plan|commands|inventory|emulator|reconcile|pulumi-state|pace|watch|staleness]`: the benchmarks in turn; each prints its own figures. */
import { benchCommands } from "./commands";
import { benchEmulator } from "./emulator";
import { benchPace, benchStaleness, benchWatch } from "./exec";
import { benchInventory } from "./inventory";
import { benchPlan } from "./plan";
import { benchPulumiState } from "./pulumiState";
import { benchReconcile } from "./reconcile";

const BENCHES: Record<string, () => Promise<void>> = {
  plan: benchPlan,
  commands: () => benchCommands(),
  inventory: () => benchInventory(),
  emulator: benchEmulator,
  reconcile: benchReconcile,
  "pulumi-state": benchPulumiState,
  pace: () => benchPace(),
  watch: () => benchWatch(),
  staleness: () => benchStaleness(),
};

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
