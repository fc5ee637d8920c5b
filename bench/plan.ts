/**
 * Planner benchmark (issue "Core", item 7): for 10k, 100k and 1M machines, the JSON.parse time
 * of the inventory file, its validation, the plan time and the peak RSS. Each size runs in its
 * own process so peak RSS is that size's alone. Targets (printed, not asserted): 1M planned in at
 * most 2x the parse time and under 2 GiB peak RSS; 100k planned under 1 s.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseInventory } from "../src/inventory/load";
import { plan } from "../src/core";
import { parseSpec } from "../src/spec/validate";
import { BENCH_SUBSCRIPTIONS, writeFleetInventory } from "./fleet";

interface Figures {
  machines: number;
  order: string;
  fileMiB: number;
  parseMs: number;
  validateMs: number;
  planMs: number;
  steps: number;
  peakRssMiB: number;
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** One inventory file, in this process (a child of benchPlan, so peak RSS is this size's alone). */
export function measure(file: string, machines: number, order: string): Figures {
  const fileMiB = statSync(file).size / 2 ** 20;
  const spec = parseSpec({
    subscriptions: BENCH_SUBSCRIPTIONS,
    logAnalyticsAgent: { autoProvision: true, workspace: "default", securityEvents: "Common", reconfigureExisting: false },
    extensions: { dependencyAgent: { windows: true, linux: true } },
  });
  let text: string | undefined = readFileSync(file, "utf8");
  let t0 = process.hrtime.bigint();
  const raw: unknown = JSON.parse(text);
  const parseMs = ms(t0);
  text = undefined;
  t0 = process.hrtime.bigint();
  const inventory = parseInventory(raw);
  const validateMs = ms(t0);
  t0 = process.hrtime.bigint();
  const result = plan(spec, inventory);
  const planMs = ms(t0);
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  return { machines, order, fileMiB, parseMs, validateMs, planMs, steps: result.steps.length, peakRssMiB };
}

export async function benchPlan(sizes = [10_000, 100_000, 1_000_000]): Promise<void> {
  console.log("planner: machines | order     | inventory MiB | JSON.parse ms | validate ms | plan ms | plan/parse | steps | peak RSS MiB");
  const dir = mkdtempSync(join(tmpdir(), "asc-bench-"));
  try {
    for (const n of sizes) {
      for (const order of ["id", "generated"] as const) {
        const file = join(dir, `inventory-${n}-${order}.json`);
        await writeFleetInventory(file, n, 42, order);
        const out = execFileSync(process.execPath, ["--max-old-space-size=6144", __filename, "--child", file, String(n), order], { encoding: "utf8", maxBuffer: 1 << 20 });
        rmSync(file);
        const f = JSON.parse(out) as Figures;
        console.log(
          `planner: ${String(f.machines).padStart(8)} | ${f.order.padEnd(9)} | ${f.fileMiB.toFixed(1).padStart(7)} | ${f.parseMs.toFixed(0).padStart(7)} | ` +
            `${f.validateMs.toFixed(0).padStart(7)} | ${f.planMs.toFixed(0).padStart(7)} | ${(f.planMs / f.parseMs).toFixed(2).padStart(5)}x | ` +
            `${String(f.steps).padStart(7)} | ${f.peakRssMiB.toFixed(0).padStart(6)}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log("planner: order id = machines sorted by id, as `inventory` writes them; generated = unsorted, so the plan sorts them first");
  console.log("planner targets: 1M plan <= 2x JSON.parse and peak RSS < 2048 MiB; 100k plan < 1000 ms");
}

if (require.main === module) {
  const i = process.argv.indexOf("--child");
  if (i > 0) {
    const [file, n, order] = process.argv.slice(i + 1);
    process.stdout.write(JSON.stringify(measure(file!, Number(n), order!)));
  } else {
    benchPlan().catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
  }
}
