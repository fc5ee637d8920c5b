/**
 * The real Pulumi CLI for the engine tests: where it is, and a throwaway project to run it in
 * (local file backend, passphrase secrets provider, its own PULUMI_HOME: nothing of the user's).
 *
 * Where the CLI is found, in order: ASC_PULUMI_BIN (a directory holding `pulumi`, e.g. the one of
 * a user's own installation); the cache `scripts/pulumi-tools.sh` builds into; `pulumi` on PATH.
 * Without one the engine tests are skipped with ENGINE_SKIP_MESSAGE, or fail when
 * ASC_REQUIRE_PULUMI=1 (CI sets it after building the CLI).
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";

/** The repository: the first directory up from here with Pulumi.yaml (this module also runs built, from dist/test/engine). */
function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "Pulumi.yaml")) && existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${from}`);
  }
}

export const ROOT = repositoryRoot(__dirname);

export const ENGINE_SKIP_MESSAGE =
  "engine tests skipped: no Pulumi CLI. Build one with `scripts/pulumi-tools.sh` (needs Go; it caches pulumi 3.248.0 in " +
  "~/.cache/asc-autoprovision), or set ASC_PULUMI_BIN to the directory of your own `pulumi` (see README, Pulumi).";

export interface PulumiCli {
  /** The directory of `pulumi` (and of the language host and dynamic-provider launcher next to it). */
  readonly dir: string;
  readonly source: string;
}

function executable(path: string): boolean {
  return existsSync(path) && spawnSync(path, ["version"], { encoding: "utf8" }).status === 0;
}

/** The CLI the engine tests run, or undefined. */
export function findPulumi(env: NodeJS.ProcessEnv = process.env): PulumiCli | undefined {
  const fromEnv = env.ASC_PULUMI_BIN?.trim();
  if (fromEnv) {
    if (!executable(join(fromEnv, "pulumi"))) throw new Error(`ASC_PULUMI_BIN=${fromEnv} holds no working \`pulumi\``);
    return { dir: fromEnv, source: "ASC_PULUMI_BIN" };
  }
  const cached = spawnSync("bash", [join(ROOT, "scripts/pulumi-tools.sh"), "--check"], { encoding: "utf8" });
  if (cached.status === 0 && cached.stdout.trim()) return { dir: cached.stdout.trim(), source: "scripts/pulumi-tools.sh" };
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir && executable(join(dir, "pulumi"))) return { dir: dirname(realpathSync(join(dir, "pulumi"))), source: "PATH" };
  }
  return undefined;
}

/** The CLI, or undefined after saying why the tests skip; throws when ASC_REQUIRE_PULUMI=1. */
export function pulumiOrSkip(): PulumiCli | undefined {
  const cli = findPulumi();
  if (cli) return cli;
  if (process.env.ASC_REQUIRE_PULUMI === "1") throw new Error(`ASC_REQUIRE_PULUMI=1 but ${ENGINE_SKIP_MESSAGE}`);
  console.warn(ENGINE_SKIP_MESSAGE);
  return undefined;
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr as the user's terminal shows them (stdout first). */
  readonly output: string;
}

export const PASSPHRASE = "engine-test-passphrase";

/**
 * The CLI's environment for a throwaway project under `dir`: its own PULUMI_HOME, a file backend
 * (dir/backend), the passphrase secrets provider, no plugin download. Nothing of the user's Pulumi
 * setup (tokens, backend, home) reaches the CLI.
 */
export function cliEnv(cli: PulumiCli, dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_") && k !== "NODE_OPTIONS"));
  return {
    ...base,
    PATH: `${cli.dir}${delimiter}${process.env.PATH ?? ""}`,
    PULUMI_HOME: join(dir, "home"),
    PULUMI_BACKEND_URL: `file://${join(dir, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    NO_COLOR: "1",
    ...extra,
  };
}

/**
 * `pulumi <args>` in `cwd` with `env`; never throws on a non-zero exit. It runs in a process group
 * of its own: past `timeoutMs` the whole group is killed, the plugins the CLI started included
 * (killed alone, the CLI leaves its language host and providers running).
 */
export function runPulumi(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 240_000, onSpawn?: (pid: number) => void): Promise<CliResult> {
  return new Promise((resolveRun) => {
    const child = spawn("pulumi", [...args, "--non-interactive", "--color", "never"], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    onSpawn?.(child.pid!);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      process.kill(-child.pid!, "SIGKILL");
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      // ASC_ENGINE_TRANSCRIPT=<file>: every run and what the CLI printed, for README's examples.
      const transcript = process.env.ASC_ENGINE_TRANSCRIPT;
      if (transcript) appendFileSync(transcript, `$ pulumi ${args.join(" ")}   # exit ${code}\n${stdout}${stderr}\n`);
      resolveRun({ code: code ?? 1, stdout, stderr, output: stdout + stderr });
    });
  });
}

/** The project name of Pulumi.yaml, under which the file backend keeps its stacks. */
const PROJECT_NAME = /^name: *(\S+)/m.exec(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8"))?.[1] ?? "asc-autoprovision";

/**
 * A Pulumi project in a temporary directory whose Pulumi.yaml is the repository's (name, runtime,
 * config schema) with `main` pointing at `program`, a JavaScript module written next to it as
 * index.js (`withMain: false`: no `main:`, the layout of `pulumi new typescript`, so node loads
 * the directory's index.js). node_modules is a link to the repository's, so there is one @pulumi/pulumi.
 */
export class PulumiProject {
  readonly dir: string;
  readonly projectDir: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    cli: PulumiCli,
    program: string,
    extraEnv: Record<string, string> = {},
    { withMain = true }: { withMain?: boolean } = {},
  ) {
    this.dir = mkdtempSync(join(tmpdir(), "asc-engine-"));
    this.projectDir = join(this.dir, "project");
    mkdirSync(this.projectDir);
    mkdirSync(join(this.dir, "backend"));
    const pulumiYaml = readFileSync(join(ROOT, "Pulumi.yaml"), "utf8").replace(/^main: .*\n/m, withMain ? "main: index.js\n" : "");
    writeFileSync(join(this.projectDir, "Pulumi.yaml"), pulumiYaml);
    writeFileSync(join(this.projectDir, "package.json"), JSON.stringify({ name: "asc-engine-test", private: true }) + "\n");
    writeFileSync(join(this.projectDir, "index.js"), program);
    symlinkSync(join(ROOT, "node_modules"), join(this.projectDir, "node_modules"), "dir");
    this.env = cliEnv(cli, this.dir, extraEnv);
  }

  /** An environment variable of every later `pulumi` run (and of the plugins it starts). */
  setEnv(name: string, value: string): void {
    this.env[name] = value;
  }

  /** `pulumi <args>` in the project; never throws on a non-zero exit. `onSpawn` gets the CLI's process id. */
  run(args: readonly string[], timeoutMs = 240_000, onSpawn?: (pid: number) => void): Promise<CliResult> {
    return runPulumi(args, this.projectDir, this.env, timeoutMs, onSpawn);
  }

  /** `pulumi <args>`, failing the test with the CLI's output unless it exits 0. */
  async ok(args: readonly string[], timeoutMs?: number, onSpawn?: (pid: number) => void): Promise<CliResult> {
    const result = await this.run(args, timeoutMs, onSpawn);
    if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.output}`);
    return result;
  }

  /** The stack's checkpoint in the file backend: `backend/.pulumi/stacks/<project>/<stack>.json`. */
  checkpoint(stack: string): string {
    return join(this.dir, "backend", ".pulumi", "stacks", PROJECT_NAME, `${stack}.json`);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
