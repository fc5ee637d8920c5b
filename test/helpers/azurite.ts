/**
 * Azurite (Microsoft's Azure Storage emulator) for the state-backend tests: installed by
 * scripts/install-azurite.sh into a cache outside the repository (once), started here on a free
 * port with in-memory storage and telemetry off, stopped by the test.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

/** Azurite's well-known development account (documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface RunningAzurite {
  readonly url: string;
  /** A --state URL for a container (path-style, as Azurite serves it). */
  stateUrl(container: string, prefix?: string): string;
  /** AZURE_STORAGE_KEY for the CLI. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export function azuriteBinary(): string {
  return execFileSync("bash", [join(__dirname, "../../scripts/install-azurite.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

export async function startAzurite(): Promise<RunningAzurite> {
  const bin = azuriteBinary();
  const child: ChildProcess = spawn(bin, ["--blobHost", "127.0.0.1", "--blobPort", "0", "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--silent"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`Azurite did not start: ${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listens on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace(/\/$/, ""));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`Azurite exited ${code}: ${out}`)));
  });
  return {
    url,
    stateUrl: (container, prefix) => `${url}/${AZURITE_ACCOUNT}/${container}${prefix ? `/${prefix}` : ""}`,
    env: { AZURE_STORAGE_KEY: AZURITE_KEY },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
