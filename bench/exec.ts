/**
 * Execution benchmarks (issue 15 item 8), whole CLI processes against the emulator, figures
 * printed, nothing asserted:
 *
 * - `pace`: `apply --yes` on a multi-subscription fleet whose emulator enforces ARM's default
 *   buckets, at the CLI's defaults (ARM's write bucket per subscription). Its wall time against
 *   the time ARM's budget allows for the same writes (target <= 1.2x), and the projection to 100k
 *   and 1M machines.
 * - `watch`: a 100k-machine fleet: a `reconcile --watch` round with no changes and with 10 new
 *   machines (Resource Graph requests per round; seconds from a new VM to its agent), and the
 *   staleness check of `apply --plan` at 100k.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { emulatorConnection } from "../src/azure/connection";
import { readInventory } from "../src/azure/inventory";
import { ARM_BUCKETS } from "../src/azure/budget";
import { basisChanges, basisOf, basisPartCount, plan } from "../src/core";
import { startEmulator, type RunningEmulator } from "../src/emulator";
import { parseInventory } from "../src/inventory/load";
import { parseSpec } from "../src/spec/validate";
import { BENCH_SUBSCRIPTIONS, writeFleetInventory } from "./fleet";
import { convergeFleet } from "./converge";

const CLI = join(__dirname, "../../bin/asc-autoprovision.js");

interface Counters {
  total: number;
  byClass: Record<string, number>;
  byStatus: Record<string, number>;
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { exit: Promise<number | null>; stdout: () => string; stderr: () => string; kill: (s: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, CI: "true", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  return { exit: new Promise((r) => child.on("exit", (c) => r(c))), stdout: () => out, stderr: () => err, kill: (s) => child.kill(s) };
}

function specFile(dir: string, subscriptions: readonly string[]): string {
  const path = join(dir, "spec.yaml");
  writeFileSync(path, stringify({ subscriptions, logAnalyticsAgent: { autoProvision: true, securityEvents: "Common" }, extensions: { kubernetesPolicyAddon: true, dependencyAgent: { windows: true, linux: true } } }));
  return path;
}

/** Seconds ARM's write bucket needs for `writes` per subscription, the subscriptions in parallel. */
function budgetSeconds(writesPerSubscription: readonly number[]): number {
  const { capacity, refillPerSecond } = ARM_BUCKETS.write;
  return Math.max(0, ...writesPerSubscription.map((w) => Math.max(0, w - capacity) / refillPerSecond));
}

/** Each step's journal events, by time: when it started, and when its write was answered. */
interface StepTimes {
  readonly step: string;
  start?: number;
  written?: number;
  end?: number;
}

/** The apply's step events from its journal files in `stateDir` (epoch ms). */
function journalTimes(stateDir: string): StepTimes[] {
  const dir = join(stateDir, "journal");
  const byStep = new Map<string, StepTimes>();
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      if (!line.trim()) continue;
      const e = JSON.parse(line) as { event: string; step?: string; at: string };
      if (!e.step) continue;
      const at = Date.parse(e.at);
      const t = byStep.get(e.step) ?? byStep.set(e.step, { step: e.step }).get(e.step)!;
      if (e.event === "start") t.start ??= at;
      // A long-running operation is "sent" once accepted; any other step's write is answered when it is "done".
      if (e.event === "sent" || e.event === "done") t.written ??= at;
      if (e.event === "done" || e.event === "failed") t.end = at;
    }
  }
  return [...byStep.values()];
}

/**
 * One subscription's bucket replayed over its writes (answer times, from the journal): the refill
 * lost while the bucket sat full with steps still to write, in seconds of refill. 0 when the
 * bucket was kept busy from the first write to the last.
 */
function idleBucketSeconds(writeTimes: readonly number[], capacity: number, refillPerSecond: number): number {
  const times = [...writeTimes].sort((a, b) => a - b);
  let tokens = capacity;
  let lost = 0;
  let last = times[0] ?? 0;
  for (const t of times) {
    const refill = ((t - last) / 1000) * refillPerSecond;
    lost += Math.max(0, tokens + refill - capacity);
    tokens = Math.max(0, Math.min(capacity, tokens + refill) - 1);
    last = t;
  }
  return lost / refillPerSecond;
}

export async function benchPace(fleet = Number(process.env.BENCH_PACE_FLEET ?? 5000)): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-pace-"));
  // ARM's buckets, enforced by the emulator: an apply above them would meet 429s.
  const emu = await startEmulator({ statePath: join(dir, "emulator", "state.sqlite"), fleet, seed: 5, remediationDeploymentMs: 1, faults: { buckets: { enabled: true } } });
  try {
    // The emulator records emulator.json beside its state, where --emulator-dir points.
    const emuDir = join(dir, "emulator");
    const spec = specFile(dir, emu.subscriptionIds);
    const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
    const planned = plan(parseSpec(parse(readFileSync(spec, "utf8"))), await readInventory(conn, emu.subscriptionIds));
    await emu.admin("POST", "/admin/counters/reset");
    const t0 = Date.now();
    const run = cli(["apply", "--spec", spec, "--yes", "--state", join(dir, "state"), "--delegate-above", "0", "--format", "json", "--quiet", "--cloud", "local", "--emulator-dir", emuDir]);
    const code = await run.exit;
    const wall = (Date.now() - t0) / 1000;
    const counters = await emu.admin<Counters>("GET", "/admin/counters");
    const result = JSON.parse(run.stdout()) as { result: { counts: Record<string, number>; writes: number } };
    // Writes per subscription, from the plan's steps (each step is one write; extensions' PUTs dominate).
    const perSub = emu.subscriptionIds.map((s) => planned.steps.filter((x) => x.target.toLowerCase().startsWith(`/subscriptions/${s.toLowerCase()}`)).length);
    const allowed = budgetSeconds(perSub);
    const ratio = allowed > 0 ? wall / allowed : NaN;
    const against = allowed > 0 ? `${ratio.toFixed(2)}x (target <= 1.2)` : "every subscription's writes fit in its burst: no ratio (use a larger BENCH_PACE_FLEET)";
    console.log(
      `pace: ${fleet} machines, ${emu.subscriptionIds.length} subscriptions, ${planned.steps.length} steps (writes per subscription ${perSub.join(", ")}): apply exit ${code} in ${wall.toFixed(1)} s; ` +
        `ARM's budget (burst ${ARM_BUCKETS.write.capacity}, ${ARM_BUCKETS.write.refillPerSecond}/s per subscription) allows ${allowed.toFixed(1)} s: ${against}. ${result.result.writes} writes sent, ${counters.byStatus["429"] ?? 0} answered 429; requests by class ${JSON.stringify(counters.byClass)}; counts ${JSON.stringify(result.result.counts)}`,
    );
    // Where the time went, from the journal: before the first write (start-up, reading, planning),
    // each subscription's writes (first to last, and the refill its bucket lost sitting full), and
    // after the last write (operations and remediations still followed).
    const times = journalTimes(join(dir, "state"));
    const firstStart = Math.min(...times.map((t) => t.start ?? Infinity));
    const lastWrite = Math.max(...times.map((t) => t.written ?? -Infinity));
    const lastEnd = Math.max(...times.map((t) => t.end ?? -Infinity));
    const fromFirstWrite = (lastEnd - firstStart) / 1000;
    const writeRatio = allowed > 0 ? fromFirstWrite / allowed : NaN;
    const subOf = (step: string) => /\/subscriptions\/([^/]+)/i.exec(step)?.[1]?.toLowerCase() ?? "";
    const perSubTimeline = emu.subscriptionIds.map((sub) => {
      const own = times.filter((t) => subOf(t.step) === sub.toLowerCase() && t.written !== undefined).map((t) => t.written!);
      const first = (Math.min(...own) - firstStart) / 1000;
      const last = (Math.max(...own) - firstStart) / 1000;
      const idle = idleBucketSeconds(own, ARM_BUCKETS.write.capacity, ARM_BUCKETS.write.refillPerSecond);
      return `${sub.slice(0, 8)}: ${own.length} writes ${first.toFixed(1)}-${last.toFixed(1)} s, bucket idle ${idle.toFixed(1)} s`;
    });
    const tail = times.filter((t) => (t.end ?? 0) > lastWrite).sort((a, b) => b.end! - a.end!);
    const tailActions = [...new Set(tail.map((t) => t.step.split(":")[0]))].join(", ");
    console.log(
      `pace: where the time went: ${((firstStart - t0) / 1000).toFixed(1)} s before the first write (start-up, reading, planning); writes ${((lastWrite - firstStart) / 1000).toFixed(1)} s (${perSubTimeline.join("; ")}); ` +
        `${((lastEnd - lastWrite) / 1000).toFixed(1)} s after the last write answered${tail.length ? ` (${tail.length} steps still followed: ${tailActions})` : ""}. ` +
        `From the first write: ${fromFirstWrite.toFixed(1)} s = ${Number.isFinite(writeRatio) ? writeRatio.toFixed(2) : "n/a"}x ARM's budget; whole process ${Number.isFinite(ratio) ? ratio.toFixed(2) : "n/a"}x`,
    );
    const writesPerMachine = planned.steps.length / fleet;
    // Projected at the write phase's ratio (reading the inventory is measured by -- inventory);
    // without one (all within the burst), at ARM's budget itself.
    const factor = Number.isFinite(writeRatio) ? writeRatio : 1;
    for (const n of [100_000, 1_000_000]) {
      for (const subs of [3, 30]) {
        const seconds = budgetSeconds(Array(subs).fill((n * writesPerMachine) / subs)) * factor;
        console.log(`pace: projection ${n.toLocaleString("en")} machines over ${subs} subscriptions, step by step: ${(seconds / 60).toFixed(0)} min of writes (${writesPerMachine.toFixed(2)} writes per machine at ${factor.toFixed(2)}x ARM's budget, the write phase's ratio); above --delegate-above a remediation task per batch does the bulk instead`);
      }
    }
  } finally {
    await emu.stop();
  }
}

/** 1-, 5- and 15-minute load averages: wall times on a shared machine are read beside them. */
function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
}

/**
 * `apply --plan`'s staleness check as a user meets it: `plan --out` of the whole fleet (a process),
 * one machine stopped, then `apply --plan` (a process), which must refuse the plan naming that
 * machine. The refusal's message is printed, so an early error (exit 1 too) is not taken for it.
 */
async function benchSavedPlanStaleness(fleet: number, emu: RunningEmulator, specPath: string, dir: string, common: readonly string[]): Promise<void> {
  const planFile = join(dir, "plan.json");
  let t0 = Date.now();
  const planned = cli(["plan", "--spec", specPath, "--out", planFile, "--format", "markdown", ...common]);
  const planCode = await planned.exit;
  const planSeconds = (Date.now() - t0) / 1000;
  if (planCode !== 2) throw new Error(`watch: plan --out exited ${planCode} (2 expected: changes pending): ${planned.stderr().trim().slice(0, 500)}`);
  // The plan file (src/core/planfile/format.ts): a machine's steps are shapes shared by machines planned alike.
  const saved = JSON.parse(readFileSync(planFile, "utf8")) as { stepCount: number; shapes: { action: string }[]; machines: { id: string; steps: { shape: number }[] }[] };
  const machineId = saved.machines.find((m) => m.steps.some((x) => saved.shapes[x.shape]?.action === "install-extension"))?.id;
  if (!machineId) throw new Error("watch: the saved plan installs no extension: nothing to make stale");
  await emu.admin("PATCH", `/admin/guest?id=${encodeURIComponent(machineId)}`, { powerState: "stopped" });
  t0 = Date.now();
  const stale = cli(["apply", "--plan", planFile, "--yes", "--state", join(dir, "state"), ...common]);
  const staleCode = await stale.exit;
  const staleSeconds = (Date.now() - t0) / 1000;
  const message = stale.stderr().trim();
  const refused = staleCode === 1 && message.includes("The plan is stale") && message.toLowerCase().includes(machineId.toLowerCase());
  console.log(
    `watch: apply --plan staleness check at ${fleet} machines (${saved.stepCount} steps; load average ${loadAverage()}): plan --out ${planSeconds.toFixed(1)} s (whole process), ` +
      `apply --plan ${staleSeconds.toFixed(1)} s (whole process), exit ${staleCode}, ${refused ? "refused as intended (one machine stopped)" : "NOT the intended refusal"}: ${message.split("\n").slice(0, 3).join(" / ").slice(0, 600)}`,
  );
  if (!refused) throw new Error(`watch: apply --plan did not refuse the stale plan (exit ${staleCode})`);
  await emu.admin("PATCH", `/admin/guest?id=${encodeURIComponent(machineId)}`, { powerState: "running" });
}

/**
 * `BENCH_WATCH_STATE=<dir>`: the watch rounds only, on the emulator state an earlier run left in
 * `<dir>` (its temporary directory), without generating or checking staleness; the state is
 * converged again first if a full read plans any step (printed by action and machine decision).
 */
export async function benchWatch(fleet = Number(process.env.BENCH_WATCH_FLEET ?? 100_000), reuse = process.env.BENCH_WATCH_STATE): Promise<void> {
  const dir = reuse ?? mkdtempSync(join(tmpdir(), "bench-watch-"));
  let t0 = Date.now();
  const emu = await startEmulator({ statePath: join(dir, "emulator", "state.sqlite"), fleet, seed: 6, remediationDeploymentMs: 1 });
  console.log(`watch: ${emu.fleet?.machines ?? fleet} machines ${reuse ? `reused from ${reuse}` : "generated"} in ${((Date.now() - t0) / 1000).toFixed(1)} s (load average ${loadAverage()})`);
  try {
    // The emulator records emulator.json beside its state, where --emulator-dir points.
    const emuDir = join(dir, "emulator");
    const specPath = specFile(dir, emu.subscriptionIds);
    const spec = parseSpec(parse(readFileSync(specPath, "utf8")));
    const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
    const common = ["--cloud", "local", "--emulator-dir", emuDir, "--quiet"];

    if (!reuse) {
      await benchSavedPlanStaleness(fleet, emu, specPath, dir, common);
      // Converge first, so the watch's rounds have nothing but what we add (bench/converge.ts: the
      // state apply leaves, in minutes; it throws unless a fresh plan then has 0 steps but remediation tasks).
      t0 = Date.now();
      const converged = await convergeFleet(conn, emu.admin, spec);
      const s = converged.seconds;
      console.log(
        `watch: converged ${fleet} machines in ${((Date.now() - t0) / 1000).toFixed(1)} s (load average ${loadAverage()}): ${converged.steps} steps, ${converged.appliedSteps} shared ones applied, ${converged.replayedWrites} per-machine writes recorded and replayed; ` +
          `read and plan ${s.read.toFixed(1)} s, apply ${s.apply.toFixed(1)} s, record ${s.record.toFixed(1)} s, replay ${s.replay.toFixed(1)} s, read and plan again ${s.check.toFixed(1)} s: ${converged.stepsAfter} steps left ${JSON.stringify(converged.leftover)} ` +
          "(remediation tasks for machines their deployments cannot reach: deallocated, no VM agent)",
      );
    } else {
      // A saved state is converged for the planner of the run that made it. A later planner (or
      // work an earlier run left) can find steps in it that the watch's first round would do and
      // its figures include (a 100k state reused across commits had 637, of a cause not found
      // then): converged again first, and what it had left is said.
      t0 = Date.now();
      const converged = await convergeFleet(conn, emu.admin, spec);
      console.log(
        `watch: the saved state ${converged.steps === 0 ? "is converged: a full read plans 0 steps" : `had ${converged.steps} steps left, converged again`} (${((Date.now() - t0) / 1000).toFixed(1)} s, load average ${loadAverage()})` +
          (converged.steps === 0 ? "" : `: ${JSON.stringify(converged.found)}; ${converged.stepsAfter} steps left after ${JSON.stringify(converged.leftover)}`),
      );
    }
    const interval = 30;
    // The bench's own GETs, polled for minutes on a loaded machine: a kept-alive socket the server
    // closed as a GET was sent (ECONNRESET) is asked again, not the end of the run.
    const get = async <T>(path: string): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await emu.admin<T>("GET", path);
        } catch (err) {
          if (attempt >= 3 || (err as { code?: string }).code !== "ECONNRESET") throw err;
        }
      }
    };
    await emu.admin("POST", "/admin/counters/reset");
    const watch = cli(["reconcile", "--spec", specPath, "--watch", "--interval", String(interval), "--state", join(dir, "state"), "--format", "json", "--max-writes-per-second", "2000", ...common]);
    const rounds = () =>
      watch
        .stdout()
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { round: number; startedAt: string; seconds?: number; read?: { mode: string; changed: number; built?: number; planned?: boolean }; plan?: { steps: number }; error?: string });
    // Resource Graph requests counted when each round's line appears (a round prints once it is done),
    // and Log Analytics queries with the machines the emulator built Heartbeat rows for.
    const graphAt: number[] = [0];
    const logsAt: { queries: number; machines: number }[] = [{ queries: 0, machines: 0 }];
    let sampling = true;
    let samplerFailed: unknown;
    const sampler = (async () => {
      while (sampling) {
        const n = rounds().length;
        if (graphAt[n] === undefined) {
          const c = await get<Counters & { work?: Record<string, number> }>("/admin/counters");
          logsAt[n] = { queries: c.byClass.query ?? 0, machines: c.work?.heartbeatMachines ?? 0 };
          graphAt[n] = c.byClass.graph ?? 0;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })().catch((err: unknown) => {
      samplerFailed = err ?? new Error("the request sampler failed");
    });
    const waitRound = async (n: number) => {
      while (graphAt[n] === undefined) {
        if (samplerFailed) throw samplerFailed;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await waitRound(2);
    // Work the converge left running (remediation deployments, Defender's own) shows as changes in
    // the first rounds: wait (at most 3 rounds) for a round with none, the quiet round measured.
    for (let n = 2; n < 5 && (rounds()[n - 1]?.read?.changed ?? 0) > 0; n++) await waitRound(n + 1);
    // 10 new VMs at each of three moments of the schedule (rounds start every `interval` seconds):
    // right after a quiet round ended (the longest wait), mid-interval, and 3 s before the next
    // round starts. A VM appears at any moment: its wait for the next round is between 0 and one
    // interval, the round's time until its PUTs comes on top.
    const run = Date.now().toString(36);
    const lastStart = () => Date.parse(rounds().filter((r) => !r.error).pop()!.startedAt);
    const batches: { label: string; created: number; agentAt: number }[] = [];
    const newVms = async (label: string, at: () => number) => {
      // Only the PUTs sent from here on are polled for: the log holds the whole converge's (read before the moment, which it would delay).
      const before = await get<{ value: { seq: number }[] }>("/admin/extension-puts");
      const fromSeq = before.value.reduce((m, p) => Math.max(m, p.seq), 0);
      await new Promise((r) => setTimeout(r, Math.max(0, at() - Date.now())));
      // Named for this run: on a reused state (BENCH_WATCH_STATE) an earlier run's new VMs are there, with their agents.
      const names = Array.from({ length: 10 }, (_, i) => `vm-bench-new-${run}-${batches.length}-${i}`);
      // Created at once, and timed from the first request: each VM exists by the time its request returns.
      const created = Date.now();
      await Promise.all(names.map((name, i) => emu.admin("POST", "/admin/machines", { subscriptionId: emu.subscriptionIds[i % 3], resourceGroup: "rg-bench", name, location: "westeurope", osType: "Windows" })));
      let agentAt = NaN;
      // Given up after ten intervals: the figure is then "not within ..." rather than a hang.
      while (Date.now() < created + 10 * interval * 1000) {
        const puts = await get<{ value: { machineId: string }[] }>(`/admin/extension-puts?since=${fromSeq}`);
        if (names.every((n) => puts.value.some((p) => p.machineId.toLowerCase().endsWith(`/${n}`)))) {
          agentAt = Date.now();
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      batches.push({ label, created, agentAt });
      // Wait for the round after the installing one to end before the next batch: each batch meets a quiet schedule.
      await waitRound(rounds().length + 2);
    };
    await newVms("right after a quiet round ended", () => Date.now());
    await newVms("mid-interval", () => lastStart() + (interval / 2) * 1000);
    await newVms("3 s before the next round starts", () => lastStart() + (interval - 3) * 1000);
    sampling = false;
    await sampler;
    watch.kill("SIGINT");
    await watch.exit;
    const all = rounds();
    const per = all.map((r, i) => {
      const what = r.error ? `failed: ${r.error.split("\n")[0]}` : `${r.read?.mode ?? "?"}, ${r.read?.changed ?? 0} changed, ${r.read?.built ?? "?"} machines built, ${r.read?.planned === false ? "plan kept" : "planned"}, ${r.plan?.steps ?? 0} steps`;
      const requests = graphAt[i + 1] !== undefined && graphAt[i] !== undefined ? String(graphAt[i + 1]! - graphAt[i]!) : "?";
      const [a, b] = [logsAt[i], logsAt[i + 1]];
      const logs = a && b ? `${b.queries - a.queries} Log Analytics queries (Heartbeat rows of ${b.machines - a.machines} machines built)` : "? Log Analytics queries";
      return `round ${r.round} (${what}, ${r.startedAt}, ${r.seconds ?? "?"} s): ${requests} Resource Graph requests, ${logs}`;
    });
    console.log(`watch: ${fleet} machines, --interval ${interval} (load average ${loadAverage()}): ${per.join("; ")}`);
    for (const b of batches) {
      const seconds = (b.agentAt - b.created) / 1000;
      // The round that installed them: the last one started before their agents were sent.
      const installer = all.filter((r) => Date.parse(r.startedAt) >= b.created && Date.parse(r.startedAt) <= b.agentAt).pop();
      const waited = installer ? (Date.parse(installer.startedAt) - b.created) / 1000 : NaN;
      console.log(
        `watch: 10 new VMs created ${b.label} had their agent ${seconds.toFixed(1)} s after they were created (${seconds <= interval ? "within" : "NOT within"} one interval, ${interval} s): ` +
          `${waited.toFixed(1)} s until round ${installer?.round ?? "?"} started, ${(seconds - waited).toFixed(1)} s in that round until the PUTs were sent`,
      );
    }
  } finally {
    await emu.stop();
  }
}

/**
 * The staleness check of `apply --plan` at fleet sizes the emulator cannot serve in a benchmark's
 * time: a generated inventory in this process (default heap), the basis digested at plan time and
 * compared with the same inventory with one machine changed. The live read that precedes the check
 * in the command is `inventory`'s cost (measured by `-- watch` and `-- reconcile`).
 */
export async function benchStaleness(sizes = [10_000, 100_000]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-stale-"));
  const spec = parseSpec({ subscriptions: BENCH_SUBSCRIPTIONS, logAnalyticsAgent: { autoProvision: true, workspace: "default", securityEvents: "Common" }, extensions: { dependencyAgent: { windows: true, linux: true } } });
  for (const n of sizes) {
    const file = join(dir, `inventory-${n}.json`);
    await writeFleetInventory(file, n, 42);
    const inventory = parseInventory(JSON.parse(readFileSync(file, "utf8")));
    const planned = plan(spec, inventory);
    let t0 = Date.now();
    const basis = basisOf(spec, inventory, planned);
    const basisSeconds = (Date.now() - t0) / 1000;
    const bytes = Buffer.byteLength(JSON.stringify(basis));
    const target = planned.steps.find((x) => x.action === "install-extension")!.details as { machineId: string };
    const live = { ...inventory, machines: inventory.machines.map((m) => (m.id === target.machineId ? { ...m, powerState: "stopped" as const } : m)) };
    t0 = Date.now();
    const changes = basisChanges(basis, live, planned);
    const checkSeconds = (Date.now() - t0) / 1000;
    console.log(
      `staleness: ${n.toLocaleString("en")} machines, ${planned.steps.length} steps, ${basisPartCount(basis)} state parts (${(bytes / 2 ** 20).toFixed(1)} MiB in the plan): ` +
        `digests at plan time ${basisSeconds.toFixed(2)} s, check against the live state ${checkSeconds.toFixed(2)} s (${changes.length} change found)`,
    );
  }
}

if (require.main === module) {
  const which = process.argv[2];
  (which === "watch" ? benchWatch() : benchPace()).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
