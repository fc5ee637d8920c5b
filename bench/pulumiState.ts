/**
 * Pulumi state benchmark (issue 16, item 3): the size of the checkpoint `pulumi up` writes for the
 * agent reconciliation at 10,000 and 100,000 machines, with the real CLI (scripts/pulumi-tools.sh)
 * against `asc-autoprovision emulator start --fleet N`. A benchmark, not a test: it prints sizes.
 * At 10,000 machines the up applies (`reconcile: apply`); at 100,000 it reports (`reconcile:
 * report`: the same outputs, capped the same way, without the hour of emulated installs).
 *
 * The state holds, per AgentReconciliation, the spec, counts by action and severity, the plan's
 * digest and at most MAX_MACHINES machines (one `changes` line and one `machines` entry each) and
 * MAX_FINDINGS findings, in the inputs and in the outputs: bounded whatever the fleet. The full
 * per-machine plan is `asc-autoprovision plan --spec <the same spec> --format json|markdown`.
 *
 *   npm run bench -- pulumi-state                                10000:apply,100000:report
 *   ASC_BENCH_FLEETS=1000:apply,5000:report npm run bench -- pulumi-state
 */
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { MAX_FINDINGS, MAX_MACHINES } from "../components/pulumi/reconcile/types";
import { agentsProgram } from "../test/engine/agentsProgram";
import { startEmulatorProcess } from "../test/engine/emulatorProcess";
import { ENGINE_SKIP_MESSAGE, findPulumi, PulumiProject } from "../test/engine/pulumiCli";

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

/** The stack's checkpoint file in a file backend: `.pulumi/stacks/<project>/<stack>.json`. */
function checkpointSize(backend: string): number {
  const dir = join(backend, ".pulumi", "stacks", "asc-autoprovision");
  const file = readdirSync(dir).find((f) => f === "bench.json");
  if (!file) throw new Error(`no checkpoint in ${dir}: ${readdirSync(dir).join(", ")}`);
  return statSync(join(dir, file)).size;
}

type Mode = "apply" | "report";

async function measure(fleet: number, mode: Mode): Promise<StateFigures> {
  const cli = findPulumi();
  if (!cli) throw new Error(ENGINE_SKIP_MESSAGE);
  const project = new PulumiProject(cli, agentsProgram());
  mkdirSync(join(project.dir, "emulator"));
  const emu = await startEmulatorProcess(join(project.dir, "emulator"), fleet);
  try {
    project.setEnv("ASC_EMULATOR_CONFIG", emu.configPath);
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
      checkpointBytes: checkpointSize(join(project.dir, "backend")),
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

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

export async function benchPulumiState(): Promise<void> {
  for (const item of (process.env.ASC_BENCH_FLEETS ?? "10000:apply,100000:report").split(",")) {
    const [size, mode = "apply"] = item.split(":");
    if (!/^\d+$/.test(size ?? "") || (mode !== "apply" && mode !== "report")) throw new Error(`ASC_BENCH_FLEETS: "${item}" is not <machines>[:apply|:report]`);
    const r = await measure(Number(size), mode);
    const what = r.mode === "apply" ? `applied ${r.stepsApplied} steps for` : "reported";
    console.log(
      `pulumi-state: fleet ${r.fleet}, reconcile ${r.mode}: pulumi up ${what} ${r.machineCount} changed machines in ${r.upSeconds.toFixed(0)} s; ` +
        `checkpoint ${kib(r.checkpointBytes)} (stack export ${kib(r.exportBytes)}; the AgentReconciliation ${kib(r.agentsBytes)}, ` +
        `at most ${MAX_MACHINES} machines and ${MAX_FINDINGS} findings kept)`,
    );
  }
}
