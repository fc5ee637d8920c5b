/**
 * Commands as users run them (issue 15 item 8): whole processes, Node's default heap, the
 * inventory unsorted as Azure returns it. For 10k, 100k and 1M machines: `plan` in every format to
 * a file, against a bare `JSON.parse` process of the same inventory (target <= 3x), with each
 * process's peak RSS (target <= 1.5 GiB at 1M) and the markdown's length (target <= 65,536), and
 * the workflow's `--format markdown --out plan.json` (both written; output MiB is both files); and
 * the CLI's start-up (`--version`, `plan --help`) against bare node. Peak RSS and CPU seconds
 * (user + system: less distorted than wall time on a shared machine) come from /usr/bin/time (GNU
 * time's %M %U %S); without it only wall times are printed. BENCH_CLI names another build's
 * bin/asc-autoprovision.js, to measure before and after back to back.
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_SUBSCRIPTIONS, writeFleetInventory } from "./fleet";

const CLI = process.env.BENCH_CLI ?? join(__dirname, "..", "..", "bin", "asc-autoprovision.js");
const TIME = "/usr/bin/time";
const FORMATS = ["json", "ndjson", "text", "markdown"] as const;

interface Run {
  readonly seconds: number;
  readonly peakRssMiB: number | undefined;
  /** User + system CPU seconds. */
  readonly cpuSeconds: number | undefined;
  readonly status: number | null;
}

/** Runs node with `args`, stdout to `out` (a file), and measures wall time and peak RSS. */
function runNode(args: readonly string[], out: string): Run {
  const fd = openSync(out, "w");
  const withTime = existsSync(TIME);
  const t0 = process.hrtime.bigint();
  const r = withTime
    ? spawnSync(TIME, ["-f", "%M %U %S", process.execPath, ...args], { stdio: ["ignore", fd, "pipe"], encoding: "utf8" })
    : spawnSync(process.execPath, args, { stdio: ["ignore", fd, "pipe"], encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  closeSync(fd);
  const [kib, user, system] = (withTime ? ((r.stderr ?? "").trim().split("\n").pop() ?? "") : "").split(" ").map(Number);
  const cpu = (user ?? NaN) + (system ?? NaN);
  return { seconds, peakRssMiB: Number.isFinite(kib) ? kib! / 1024 : undefined, cpuSeconds: Number.isFinite(cpu) ? cpu : undefined, status: r.status };
}

const rss = (r: Run) => (r.peakRssMiB === undefined ? "    ?" : r.peakRssMiB.toFixed(0).padStart(5));
const cpu = (r: Run, base?: Run) =>
  r.cpuSeconds === undefined ? "     ?" : `${r.cpuSeconds.toFixed(2).padStart(6)}${base?.cpuSeconds ? ` ${(r.cpuSeconds / base.cpuSeconds).toFixed(2).padStart(5)}x` : ""}`;

export async function benchCommands(sizes = [10_000, 100_000, 1_000_000]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "asc-bench-cmd-"));
  try {
    const spec = join(dir, "spec.json");
    writeFileSync(
      spec,
      JSON.stringify({
        subscriptions: BENCH_SUBSCRIPTIONS,
        logAnalyticsAgent: { autoProvision: true, workspace: "default", securityEvents: "Common" },
        extensions: { dependencyAgent: { windows: true, linux: true } },
      }),
    );
    const out = join(dir, "out");
    const planFile = join(dir, "plan.json");
    const version = runNode([CLI, "--version"], out);
    const help = runNode([CLI, "plan", "--help"], out);
    const bare = runNode(["-e", ""], out);
    console.log(`start-up: bare node ${bare.seconds.toFixed(2)} s, --version ${version.seconds.toFixed(2)} s, plan --help ${help.seconds.toFixed(2)} s`);

    console.log(`commands: load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    console.log("commands: machines | format   | seconds | x JSON.parse process | peak RSS MiB | output MiB | exit | CPU s, x JSON.parse's");
    for (const n of sizes) {
      const inventory = join(dir, `inventory-${n}.json`);
      await writeFleetInventory(inventory, n, 42, "generated");
      const parse = runNode(["-e", `JSON.parse(require("node:fs").readFileSync(${JSON.stringify(inventory)}, "utf8"))`], out);
      console.log(`commands: ${String(n).padStart(8)} | JSON.parse | ${parse.seconds.toFixed(2).padStart(6)} |   1.00x | ${rss(parse)} | (inventory ${(statSync(inventory).size / 2 ** 20).toFixed(0)} MiB) | ${cpu(parse)} | load ${loadavg()[0]!.toFixed(2)}`);
      for (const format of [...FORMATS, "markdown --out"] as const) {
        // The workflow's way: the comment on stdout and the saved plan (JSON) in a file.
        const withOut = format === "markdown --out" ? ["--format", "markdown", "--out", planFile] : ["--format", format];
        const r = runNode([CLI, "plan", "--spec", spec, "--inventory", inventory, ...withOut, "--quiet"], out);
        const size = statSync(out).size + (format === "markdown --out" ? statSync(planFile).size : 0);
        const extra = format.startsWith("markdown") ? ` | ${readFileSync(out, "utf8").length} chars (limit 65,536)` : "";
        console.log(
          `commands: ${String(n).padStart(8)} | ${format.padEnd(8)} | ${r.seconds.toFixed(2).padStart(6)} | ${(r.seconds / parse.seconds).toFixed(2).padStart(5)}x | ${rss(r)} | ${(size / 2 ** 20).toFixed(1).padStart(6)} | ${r.status} | ${cpu(r, parse)}${extra}`,
        );
        rmSync(planFile, { force: true });
      }
      rmSync(inventory);
    }
    console.log("commands: targets: every format <= 3x the JSON.parse process; peak RSS <= 1536 MiB at 1M; markdown <= 65,536 chars; exit 2 = changes pending");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  benchCommands(sizes.length ? sizes : undefined).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
