/** End-to-end helpers: an emulator in this process, the real CLI (the build in dist/) in a child. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator";
import { emulatorConnection, type AzureConnection } from "../../src/azure/connection";

export const CLI = join(__dirname, "../../bin/asc-autoprovision.js");

export interface Lab {
  emu: RunningEmulator;
  dir: string;
  stateDir: string;
  conn: AzureConnection;
  specPath: string;
}

export async function startLab(fleet: number, spec: Record<string, unknown> = {}, seed = 3, emulator: Omit<EmulatorOptions, "statePath" | "fleet" | "seed"> = {}): Promise<Lab> {
  const dir = mkdtempSync(join(tmpdir(), "asc-e2e-"));
  // ASC_CONTRACT_DIR: record every exchange for the API-contract check (scripts/check-contract.mjs).
  const recordTraffic = process.env["ASC_CONTRACT_DIR"] || undefined;
  const emu = await startEmulator({ statePath: join(dir, "emulator", "state.sqlite"), fleet, seed, remediationDeploymentMs: 2, recordTraffic, ...emulator });
  const conn = emulatorConnection({ url: emu.url, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, caCert: emu.caCert });
  const specPath = join(dir, "spec.yaml");
  writeFileSync(
    specPath,
    stringify({
      subscriptions: emu.subscriptionIds,
      logAnalyticsAgent: { autoProvision: true, agent: "mma", workspace: "default", securityEvents: "Common", defender: true },
      extensions: { kubernetesPolicyAddon: true, dependencyAgent: { windows: true, linux: true } },
      ...spec,
    }),
  );
  return { emu, dir, stateDir: join(dir, "state"), conn, specPath };
}

/**
 * Stops the lab's emulator and starts it again on the same port and state (with `options`, e.g.
 * another long-running-operation delay) once `whileDown` resolves; resolves once it answers.
 */
export async function restartEmulator(lab: Lab, options: Partial<EmulatorOptions> = {}, whileDown: () => Promise<void> = async () => undefined): Promise<void> {
  const { port, statePath } = lab.emu;
  await lab.emu.stop();
  await whileDown();
  lab.emu = await startEmulator({ port, statePath, remediationDeploymentMs: 2, ...options });
  // A kept-alive socket to the stopped server may still be in this process's agent: the first
  // request can meet it closed.
  await until(async () => (await lab.emu.admin("GET", "/admin/health").catch(() => undefined)) !== undefined, "emulator up again");
}

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

export function runCli(lab: Lab, args: string[], options: { cwd?: string } = {}): CliRun {
  const child = spawn(process.execPath, [CLI, ...args, "--cloud", "local", "--emulator-dir", join(lab.dir, "emulator")], {
    env: { ...process.env, CI: "true" },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

export function applyArgs(lab: Lab): string[] {
  return ["apply", "--spec", lab.specPath, "--yes", "--state-dir", lab.stateDir, "--max-writes-per-second", "500", "--concurrency", "16"];
}

/** Runs `apply` with the lab's spec; throws with the tail of its output when it fails. */
export async function applyOrThrow(lab: Lab): Promise<void> {
  const run = runCli(lab, applyArgs(lab));
  const code = await run.exit;
  if (code !== 0) throw new Error(`apply failed:\n${run.stdout().slice(-2000)}\n${run.stderr().slice(-2000)}`);
}

export async function until(cond: () => boolean | Promise<boolean>, what: string, attempts = 1200, delayMs = 50): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, delayMs));
  }
  throw new Error(`never happened: ${what}`);
}

export interface ExtensionPut {
  machineId: string;
  name: string;
  type: string;
  workspaceId: string | null;
  source: string;
}

/** (machine, extension, workspace) sent more than once by us (remediation deployments are the policy's). */
export async function duplicatePuts(emu: RunningEmulator): Promise<string[]> {
  const log = await emu.admin<{ value: ExtensionPut[] }>("GET", "/admin/extension-puts");
  const seen = new Map<string, number>();
  for (const p of log.value.filter((e) => e.source === "arm")) {
    const key = `${p.machineId.toLowerCase()}|${p.name.toLowerCase()}|${p.workspaceId ?? ""}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

/** The JSON records of a line-per-record output (`--format json` rounds, a journal). */
export function jsonLines<T = Record<string, unknown>>(text: string): T[] {
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

/** The records of the one journal still open under `stateDir` (an interrupted run leaves it there). */
export function liveJournal(stateDir: string): Record<string, unknown>[] {
  const dir = join(stateDir, "journal");
  const live = readdirSync(dir).filter((f) => f.endsWith(".jsonl"));
  if (live.length !== 1) throw new Error(`expected one open journal in ${dir}, found ${live.length}: ${live.join(", ")}`);
  return jsonLines(readFileSync(join(dir, live[0]!), "utf8"));
}
