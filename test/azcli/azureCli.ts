/**
 * Microsoft's Azure CLI for the tests: where it is, and `az` runs with a throwaway config
 * directory (nothing of the user's az login is read or changed).
 *
 * Where `az` is found, in order: ASC_AZ_BIN (a directory holding `az`); the venv
 * `scripts/azure-cli-tools.sh` installs into the tools cache. Without one the tests are skipped
 * with AZ_SKIP_MESSAGE, or fail when ASC_REQUIRE_AZ=1 (CI sets it after installing the CLI).
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "scripts/azure-cli-tools.sh")) && existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no scripts/azure-cli-tools.sh above ${from}`);
  }
}

export const ROOT = repositoryRoot(__dirname);

export const AZ_SKIP_MESSAGE =
  "Azure CLI tests skipped: no `az`. Install it with `scripts/azure-cli-tools.sh` (a venv from PyPI in ~/.cache/asc-autoprovision), " +
  "or set ASC_AZ_BIN to the directory of your own `az`.";

/** The directory holding `az`, or undefined. */
export function findAzureCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.ASC_AZ_BIN?.trim();
  if (fromEnv) {
    if (!existsSync(join(fromEnv, "az"))) throw new Error(`ASC_AZ_BIN=${fromEnv} holds no \`az\``);
    return fromEnv;
  }
  const cached = spawnSync("bash", [join(ROOT, "scripts/azure-cli-tools.sh"), "--check"], { encoding: "utf8" });
  return cached.status === 0 && cached.stdout.trim() ? cached.stdout.trim() : undefined;
}

/** The CLI's directory, or undefined after saying why the tests skip; throws when ASC_REQUIRE_AZ=1. */
export function azureCliOrSkip(): string | undefined {
  const dir = findAzureCli();
  if (dir) return dir;
  if (process.env.ASC_REQUIRE_AZ === "1") throw new Error(`ASC_REQUIRE_AZ=1 but ${AZ_SKIP_MESSAGE}`);
  console.warn(AZ_SKIP_MESSAGE);
  return undefined;
}

export interface AzResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `az` with its own config directory. Asynchronous on purpose: the emulator answering it runs in
 * this process, so a synchronous child would deadlock it.
 */
export class AzureCli {
  constructor(
    private readonly bin: string,
    private readonly configDir: string,
    private readonly extraEnv: Readonly<Record<string, string>>,
  ) {}

  run(args: readonly string[], timeoutMs = 120_000): Promise<AzResult> {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AZURE_") && k !== "REQUESTS_CA_BUNDLE"));
    const env = { ...base, ...this.extraEnv, AZURE_CONFIG_DIR: this.configDir, AZURE_CORE_COLLECT_TELEMETRY: "false", AZURE_CORE_NO_COLOR: "true", AZURE_CORE_ONLY_SHOW_ERRORS: "true" };
    return new Promise((resolve) => {
      execFile(join(this.bin, "az"), [...args], { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** `az <args> -o json`, parsed; fails the test with the CLI's output unless it exits 0. */
  async json<T = unknown>(args: readonly string[]): Promise<T> {
    const r = await this.run([...args, "-o", "json"]);
    if (r.code !== 0) throw new Error(`az ${args.join(" ")} exited ${r.code}:\n${r.stderr}${r.stdout}`);
    return (r.stdout.trim() ? JSON.parse(r.stdout) : null) as T;
  }
}
