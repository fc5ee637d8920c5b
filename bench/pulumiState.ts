/**
 * Pulumi state benchmark (issue 16 item 3, issue 15 item 7): the real CLI (scripts/pulumi-tools.sh,
 * local file backend) on the agent reconciliation. A benchmark, not a test: it prints figures.
 *
 * - `<N>:inventory` (the default, at 10,000 and 1,000,000 machines): `reconcile: {mode: report,
 *   inventory}` over a seeded fleet file (bench/fleet.ts), no Azure and no emulator (the emulator
 *   does not hold a million machines here: its Resource Graph reads 50k in ~30 s and it keeps the
 *   fleet in SQLite). `pulumi preview`, `up` and `refresh`, each with its wall time and the peak
 *   RSS of the language host (the program) and of the dynamic-provider process; the checkpoint's
 *   size; a grep of the checkpoint for secrets in plain text; and the provider's diff timed in this
 *   process (cold: reads the file and plans; warm: after check, as in an engine pass).
 * - `<N>:apply` / `<N>:report`: against `asc-autoprovision emulator start --fleet N`, the up
 *   applying (an hour of emulated installs at 10k) or reporting.
 *
 * The state holds, per AgentReconciliation, the spec, counts by action and severity, the plan's
 * digest, the plan file's name and at most MAX_MACHINES machines (one `changes` line and one
 * `machines` entry each) and MAX_FINDINGS findings, in the inputs and in the outputs: bounded
 * whatever the fleet. The full per-machine plan is the plan file the state names (planFile).
 *
 *   npm run bench -- pulumi-state                                10000:inventory,1000000:inventory
 *   ASC_BENCH_FLEETS=10000:apply,100000:report npm run bench -- pulumi-state
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { check, diff, type Props } from "../components/pulumi/reconcile/reconciler";
import { MAX_FINDINGS, MAX_MACHINES } from "../components/pulumi/reconcile/types";
import { EMULATOR_CLIENT_SECRET } from "../src/emulator/constants";
import { agentsProgram } from "../test/engine/agentsProgram";
import { projectWithEmulator } from "../test/engine/emulatorProcess";
import { setInventoryStack } from "../test/engine/inventoryStack";
import { ENGINE_SKIP_MESSAGE, findPulumi, PASSPHRASE, PulumiProject } from "../test/engine/pulumiCli";
import { writeFleetInventory } from "./fleet";
interface StateFigures {
  readonly fleet: number;
  readonly mode: Mode;
  readonly checkpointBytes: number;
  readonly exportBytes: number;
  readonly agentsBytes: number;
  readonly machineCount: number;
  readonly stepsApplied: number;
  readonly upSeconds: number;
}

type Mode = "apply" | "report";

async function measureEmulator(fleet: number, mode: Mode): Promise<StateFigures> {
  const cli = findPulumi();
  if (!cli) throw new Error(ENGINE_SKIP_MESSAGE);
  const { project, emu } = await projectWithEmulator(cli, fleet);
  try {
    await project.ok(["stack", "init", "bench", "--secrets-provider", "passphrase"]);
    for (const [i, sub] of emu.subscriptionIds.entries()) await project.ok(["config", "set", "--path", `asc-autoprovision:subscriptions[${i}]`, sub]);
    await project.ok(["config", "set", "--path", "asc-autoprovision:logAnalyticsAgent.autoProvision", "true"]);
    await project.ok(["config", "set", "--path", "asc-autoprovision:logAnalyticsAgent.securityEvents", "Common"]);
    await project.ok(["config", "set", "asc-autoprovision:reconcile", mode]);
    await project.ok(["config", "set", "asc-autoprovision:emulatorEndpoint", emu.endpoint.url]);
    const t0 = Date.now();
    await project.ok(["up", "--yes", "--skip-preview"], 3_600_000);
    const upSeconds = (Date.now() - t0) / 1000;
    const { stdout } = await project.ok(["stack", "export"]);
    const resources = (JSON.parse(stdout) as { deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] } }).deployment.resources;
    const agents = resources.find((r) => r.type.endsWith(":AgentReconciliation"))!;
    return {
      fleet,
      mode,
      checkpointBytes: statSync(project.checkpoint("bench")).size,
      exportBytes: Buffer.byteLength(stdout),
      agentsBytes: Buffer.byteLength(JSON.stringify(agents)),
      machineCount: Number(agents.outputs?.["machineCount"]),
      stepsApplied: Number(agents.outputs?.["stepsApplied"]),
      upSeconds,
    };
  } finally {
    await emu.stop();
    project.remove();
  }
}

// ---------------------------------------------------------------------------------------------
// Over an inventory file

/** Peak RSS (VmHWM, KiB) of a process and its descendants (the plugins have process groups of their own), by role, sampled until stopped. */
class RssSampler {
  readonly peaks = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  start(root: number): void {
    this.timer = setInterval(() => this.sample(root), 200);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(root: number): void {
    const parents = new Map<number, number>();
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        parents.set(Number(pid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])); // field 4: the parent
      } catch {
        // The process ended between the listing and the read.
      }
    }
    const descends = (pid: number): boolean => {
      for (let p: number | undefined = pid, depth = 0; p && p > 1 && depth < 16; p = parents.get(p), depth++) if (p === root) return true;
      return false;
    };
    for (const pid of parents.keys()) {
      if (!descends(pid)) continue;
      try {
        const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
        const role = roleOf(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0"));
        this.peaks.set(role, Math.max(this.peaks.get(role) ?? 0, hwm));
      } catch {
        // Ended meanwhile.
      }
    }
  }
}

/** What a process under `pulumi` is: the CLI, the program (language host's node), the dynamic provider, or a launcher. */
function roleOf(argv: readonly string[]): string {
  const line = argv.join(" ");
  if (/dynamic-provider/.test(line)) return "provider";
  if (/cmd[/\\]run\b/.test(line)) return "program";
  return argv[0]?.split("/").pop() ?? "?";
}

interface Operation {
  readonly seconds: number;
  readonly programMiB: number;
  readonly providerMiB: number;
}

async function timed(project: PulumiProject, args: readonly string[]): Promise<Operation> {
  const rss = new RssSampler();
  const t0 = Date.now();
  try {
    await project.ok(args, 3_600_000, (pid) => rss.start(pid));
  } finally {
    rss.stop();
  }
  const mib = (role: string) => (rss.peaks.get(role) ?? 0) / 1024;
  return { seconds: (Date.now() - t0) / 1000, programMiB: mib("program"), providerMiB: mib("provider") };
}

/** What of the known secrets (and token-shaped strings) the checkpoint holds in plain text. */
function secretsIn(checkpoint: string): string[] {
  const text = readFileSync(checkpoint, "utf8");
  const found: string[] = [];
  if (text.includes(EMULATOR_CLIENT_SECRET)) found.push("the config's client secret");
  if (text.includes(PASSPHRASE)) found.push("the passphrase");
  if (/eyJ[\w-]{10,}\.[\w-]{10,}/.test(text)) found.push("a JWT");
  if (/workspaceKey|sharedKey|primaryKey/i.test(text)) found.push("a workspace key field");
  return found;
}

/** The provider's diff in this process on the stack's inputs: cold (reads the file, plans), then warm (after check, as in an engine pass). */
async function diffSeconds(project: PulumiProject, spec: unknown, inventory: string, olds: Props): Promise<{ cold: number; check: number; warm: number }> {
  const news: Props = { spec, mode: "report", inventory };
  const cwd = process.cwd();
  process.chdir(project.projectDir); // the provider's state directory is relative to the program's
  try {
    let t0 = Date.now();
    await diff("bench", olds, news);
    const cold = (Date.now() - t0) / 1000;
    t0 = Date.now();
    const checked = await check(olds, news);
    const checkSeconds = (Date.now() - t0) / 1000;
    t0 = Date.now();
    await diff("bench", olds, checked.inputs);
    return { cold, check: checkSeconds, warm: (Date.now() - t0) / 1000 };
  } finally {
    process.chdir(cwd);
  }
}

interface ExportedAgents {
  readonly inputs: Props;
  readonly outputs: Props;
}

async function exportedAgents(project: PulumiProject): Promise<{ bytes: number; agents: ExportedAgents }> {
  const { stdout } = await project.ok(["stack", "export"]);
  const resources = (JSON.parse(stdout) as { deployment: { resources: (ExportedAgents & { type: string })[] } }).deployment.resources;
  return { bytes: Buffer.byteLength(stdout), agents: resources.find((r) => r.type.endsWith(":AgentReconciliation"))! };
}

async function measureInventory(fleet: number): Promise<void> {
  const cli = findPulumi();
  if (!cli) throw new Error(ENGINE_SKIP_MESSAGE);
  const project = new PulumiProject(cli, agentsProgram());
  try {
    const inventory = join(project.dir, "fleet.json");
    await writeFleetInventory(inventory, fleet, 42, "generated");
    await setInventoryStack(project, "bench", inventory);
    await project.ok(["config", "set", "--secret", "azure-native:clientSecret", EMULATOR_CLIENT_SECRET]);
    // `pulumi refresh` does not run the program.
    const mib = (n: number) => (n ? `${n.toFixed(0)} MiB` : "not run");
    const line = (what: string, op: Operation) => `${what} ${op.seconds.toFixed(0)} s (peak RSS: program ${mib(op.programMiB)}, provider ${mib(op.providerMiB)})`;
    const preview = await timed(project, ["preview"]);
    const up = await timed(project, ["up", "--yes", "--skip-preview"]);
    const afterUp = statSync(project.checkpoint("bench")).size;
    const refresh = await timed(project, ["refresh", "--yes", "--skip-preview"]);
    const afterRefresh = statSync(project.checkpoint("bench")).size;
    const { bytes, agents } = await exportedAgents(project);
    const secrets = secretsIn(project.checkpoint("bench"));
    const d = await diffSeconds(project, agents.inputs["spec"], inventory, agents.outputs);
    const o = agents.outputs;
    console.log(
      `pulumi-state: fleet ${fleet} (inventory file ${(statSync(inventory).size / 2 ** 20).toFixed(0)} MiB, reconcile report): ${o["machineCount"]} changed machines, ${o["remainingSteps"]} steps; ` +
        `${line("preview", preview)}; ${line("up", up)}; ${line("refresh", refresh)}`,
    );
    console.log(
      `pulumi-state: fleet ${fleet}: checkpoint ${kib(afterUp)} after up, ${kib(afterRefresh)} after refresh (stack export ${kib(bytes)}; the AgentReconciliation ${kib(Buffer.byteLength(JSON.stringify(agents)))}, ` +
        `at most ${MAX_MACHINES} machines and ${MAX_FINDINGS} findings kept); whole plan: ${o["planFile"]} (${(statSync(join(project.projectDir, String(o["planFile"]))).size / 2 ** 20).toFixed(0)} MiB); ` +
        `secrets in plain text in the checkpoint: ${secrets.length ? secrets.join(", ") : "none"}`,
    );
    console.log(`pulumi-state: fleet ${fleet}: the provider's diff in-process: cold ${d.cold.toFixed(1)} s (reads the file, plans, digests), check ${d.check.toFixed(1)} s, diff after check ${d.warm.toFixed(2)} s`);
  } finally {
    project.remove();
  }
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

export async function benchPulumiState(): Promise<void> {
  console.log(`pulumi-state: load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  for (const item of (process.env.ASC_BENCH_FLEETS ?? "10000:inventory,1000000:inventory").split(",")) {
    const [size, mode = "inventory"] = item.split(":");
    if (!/^\d+$/.test(size ?? "") || (mode !== "apply" && mode !== "report" && mode !== "inventory")) {
      throw new Error(`ASC_BENCH_FLEETS: "${item}" is not <machines>[:inventory|:apply|:report]`);
    }
    if (mode === "inventory") {
      await measureInventory(Number(size));
      continue;
    }
    const r = await measureEmulator(Number(size), mode);
    const what = r.mode === "apply" ? `applied ${r.stepsApplied} steps for` : "reported";
    console.log(
      `pulumi-state: fleet ${r.fleet}, reconcile ${r.mode}: pulumi up ${what} ${r.machineCount} changed machines in ${r.upSeconds.toFixed(0)} s; ` +
        `checkpoint ${kib(r.checkpointBytes)} (stack export ${kib(r.exportBytes)}; the AgentReconciliation ${kib(r.agentsBytes)}, ` +
        `at most ${MAX_MACHINES} machines and ${MAX_FINDINGS} findings kept)`,
    );
  }
}
