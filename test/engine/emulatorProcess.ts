/**
 * `asc-autoprovision emulator start` as a user runs it (the built CLI, in its own process), for
 * the engine tests: started on a free port with a generated fleet, stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { emulatorConnection, emulatorEndpointFromDir, type AzureConnection, type EmulatorEndpoint } from "../../src/azure/connection";
import { adminRequest, readAdminToken } from "../../src/emulator/admin/client";
import { agentsProgram } from "./agentsProgram";
import { PulumiProject, ROOT, type PulumiCli } from "./pulumiCli";

export interface EmulatorProcess {
  readonly dir: string;
  /** emulator.json, as ASC_EMULATOR_CONFIG names it. */
  readonly configPath: string;
  readonly endpoint: EmulatorEndpoint;
  /** The subscriptions it serves, as emulator.json lists them (the fleet's first was onboarded before 2019-03-17). */
  readonly subscriptionIds: readonly string[];
  /** SDK clients' credential and options, for changes made behind the stack's back. */
  readonly connection: AzureConnection;
  /** Calls the emulator's admin API (`/admin/...`) with this start's token; throws on an error status. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Everything it printed. */
  output(): string;
  stop(): Promise<void>;
}

export function startEmulatorProcess(dir: string, fleet: number, seed = 1): Promise<EmulatorProcess> {
  const proc: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, "bin/asc-autoprovision.js"), "emulator", "start", "--port", "0", "--state", join(dir, "state.sqlite"), "--fleet", String(fleet), "--seed", String(seed)],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  return new Promise((resolveStart, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the emulator exited early (${code}):\n${out}`));
    proc.on("exit", onExit);
    proc.stderr!.on("data", (c: Buffer) => (out += c.toString("utf8")));
    proc.stdout!.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      if (!out.includes("Press Ctrl+C")) return;
      proc.off("exit", onExit);
      const endpoint = emulatorEndpointFromDir(dir);
      resolveStart({
        dir,
        configPath: join(dir, "emulator.json"),
        endpoint,
        subscriptionIds: (JSON.parse(readFileSync(join(dir, "emulator.json"), "utf8")) as { subscriptionIds: string[] }).subscriptionIds,
        connection: emulatorConnection(endpoint),
        admin: async <T>(method: string, path: string, body?: unknown) => {
          const r = await adminRequest<T>(endpoint.url, endpoint.caCert, method, path, body, readAdminToken(dir));
          if (r.status >= 400) throw new Error(`admin ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
          return r.body;
        },
        output: () => out,
        stop: () =>
          new Promise<void>((done) => {
            if (proc.exitCode !== null) return done();
            proc.once("exit", () => done());
            proc.kill("SIGTERM");
          }),
      });
    });
  });
}

/**
 * The engine tests' project (agentsProgram) with an emulator of `fleet` machines started in its
 * directory; the dynamic-provider host (started by the engine) finds it as the CLI's users do,
 * through ASC_EMULATOR_CONFIG.
 */
export async function projectWithEmulator(cli: PulumiCli, fleet: number): Promise<{ project: PulumiProject; emu: EmulatorProcess }> {
  const project = new PulumiProject(cli, agentsProgram());
  mkdirSync(join(project.dir, "emulator"));
  const emu = await startEmulatorProcess(join(project.dir, "emulator"), fleet);
  project.setEnv("ASC_EMULATOR_CONFIG", emu.configPath);
  return { project, emu };
}
