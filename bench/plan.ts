/**
 * Planner benchmark (issue "Core", item 7): for 10k, 100k and 1M machines, the JSON.parse time
 * of the inventory file, its validation, the plan time and the peak RSS. Each size runs in its
 * own process so peak RSS is that size's alone. Targets (printed, not asserted): 1M planned in at
 * most 2x the parse time and under 2 GiB peak RSS; 100k planned under 1 s. Three specs: the
 * seed's (agent mma), AMA alone, and today's with Defender's components (issue 14).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseInventory } from "../src/inventory/load";
import { plan } from "../src/core";
import { parseSpec } from "../src/spec/validate";
import { BENCH_SUBSCRIPTIONS, writeFleetInventory } from "./fleet";

/** The seed's spec (agent mma), and today's (AMA with Defender for Servers P2 and its components, issue 14). */
const SPECS = {
  seed: {
    subscriptions: BENCH_SUBSCRIPTIONS,
    logAnalyticsAgent: { autoProvision: true, agent: "mma", workspace: "default", securityEvents: "Common", reconfigureExisting: false },
    extensions: { dependencyAgent: { windows: true, linux: true } },
  },
  ama: {
    subscriptions: BENCH_SUBSCRIPTIONS,
    logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: "default", securityEvents: "Common" },
    extensions: { dependencyAgent: { windows: true, linux: true } },
  },
  defender: {
    subscriptions: BENCH_SUBSCRIPTIONS,
    logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: "default", securityEvents: "Common" },
    extensions: { dependencyAgent: { windows: true, linux: true } },
    defender: {
      servers: { plan: "P2", guestConfiguration: true, overrides: [{ tag: { defenderPlan: "free" }, plan: "Free" }] },
      containers: { enabled: true },
    },
  },
} as const;
type SpecName = keyof typeof SPECS;

interface Figures {
  machines: number;
  spec: SpecName;
  order: string;
  fileMiB: number;
  parseMs: number;
  validateMs: number;
  planMs: number;
  /** CPU time (all threads: the GC's helpers too) of JSON.parse and of planning: less distorted by other processes than wall time. */
  parseCpuMs: number;
  planCpuMs: number;
  steps: number;
  peakRssMiB: number;
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const cpuMs = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

/** One inventory file, in this process (a child of benchPlan, so peak RSS is this size's alone). */
export function measure(file: string, machines: number, order: string, specName: SpecName = "seed"): Figures {
  const fileMiB = statSync(file).size / 2 ** 20;
  const spec = parseSpec(SPECS[specName]);
  let text: string | undefined = readFileSync(file, "utf8");
  let c0 = process.cpuUsage();
  let t0 = process.hrtime.bigint();
  const raw: unknown = JSON.parse(text);
  const parseMs = ms(t0);
  const parseCpuMs = cpuMs(c0);
  text = undefined;
  t0 = process.hrtime.bigint();
  const inventory = parseInventory(raw);
  const validateMs = ms(t0);
  c0 = process.cpuUsage();
  t0 = process.hrtime.bigint();
  const result = plan(spec, inventory);
  const planMs = ms(t0);
  const planCpuMs = cpuMs(c0);
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  return { machines, spec: specName, order, fileMiB, parseMs, validateMs, planMs, parseCpuMs, planCpuMs, steps: result.steps.length, peakRssMiB };
}

export async function benchPlan(sizes = [10_000, 100_000, 1_000_000]): Promise<void> {
  console.log(`planner: load average ${loadavg().map((l) => l.toFixed(2)).join(", ")} on ${availableParallelism()} cores (wall times stretch under load; CPU times less)`);
  console.log("planner: machines | spec     | order     | inventory MiB | JSON.parse ms | validate ms | plan ms | plan/parse | CPU plan/parse | steps | peak RSS MiB");
  const dir = mkdtempSync(join(tmpdir(), "asc-bench-"));
  // The seed's spec in both orders; AMA alone and today's (Defender's components on) on the id-ordered inventory.
  const runs: readonly [SpecName, "id" | "generated"][] = [["seed", "id"], ["seed", "generated"], ["ama", "id"], ["defender", "id"]];
  try {
    for (const n of sizes) {
      for (const [specName, order] of runs) {
        const file = join(dir, `inventory-${n}-${order}.json`);
        await writeFleetInventory(file, n, 42, order);
        const out = execFileSync(process.execPath, ["--max-old-space-size=6144", __filename, "--child", file, String(n), order, specName], { encoding: "utf8", maxBuffer: 1 << 20 });
        rmSync(file);
        const f = JSON.parse(out) as Figures;
        console.log(
          `planner: ${String(f.machines).padStart(8)} | ${f.spec.padEnd(8)} | ${f.order.padEnd(9)} | ${f.fileMiB.toFixed(1).padStart(7)} | ${f.parseMs.toFixed(0).padStart(7)} | ` +
            `${f.validateMs.toFixed(0).padStart(7)} | ${f.planMs.toFixed(0).padStart(7)} | ${(f.planMs / f.parseMs).toFixed(2).padStart(5)}x | ${(f.planCpuMs / f.parseCpuMs).toFixed(2).padStart(5)}x | ` +
            `${String(f.steps).padStart(7)} | ${f.peakRssMiB.toFixed(0).padStart(6)}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log("planner: order id = machines sorted by id, as `inventory` writes them; generated = unsorted, so the plan sorts them first");
  console.log("planner: spec seed = agent mma as the seed; ama = agent ama; defender = ama with Defender for Servers P2, Guest Configuration, a Free override by tag, Defender for Containers");
  console.log("planner targets: 1M plan <= 2x JSON.parse and peak RSS < 2048 MiB; 100k plan < 1000 ms");
}

if (require.main === module) {
  const i = process.argv.indexOf("--child");
  if (i > 0) {
    const [file, n, order, specName] = process.argv.slice(i + 1);
    process.stdout.write(JSON.stringify(measure(file!, Number(n), order!, (specName ?? "seed") as SpecName)));
  } else {
    benchPlan().catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
  }
}
