/**
 * A running emulator as `emulator start` describes it in its emulator.json: its URL, its
 * well-known service principal and its certificate. Reading it loads no Azure SDK.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EMULATOR_CLIENT_SECRET } from "../emulator/constants";

export interface EmulatorEndpoint {
  /** https://localhost:PORT */
  readonly url: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** PEM of the emulator's self-signed certificate. */
  readonly caCert: string;
}

/** The emulator's connection file (emulator.json, written next to its state) and certificate. */
export function emulatorEndpointFromDir(stateDir: string): EmulatorEndpoint {
  const file = join(stateDir, "emulator.json");
  let info: { url?: string; tenantId?: string; clientId?: string; caCertPath?: string; pid?: number };
  try {
    info = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`no running emulator found: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); start one with \`asc-autoprovision emulator start\``);
  }
  if (!info.url || !info.tenantId || !info.clientId || !info.caCertPath) throw new Error(`${file} is missing url, tenantId, clientId or caCertPath`);
  // A file left by an emulator that stopped (killed, machine restarted): say so, rather than let
  // the sign-in fail with MSAL's endpoints_resolution_error.
  if (typeof info.pid === "number" && !isRunning(info.pid)) {
    throw new Error(`the emulator at ${info.url} is not running (${file} is left from process ${info.pid}); start it with \`asc-autoprovision emulator start\``);
  }
  return { url: info.url, tenantId: info.tenantId, clientId: info.clientId, clientSecret: EMULATOR_CLIENT_SECRET, caCert: readFileSync(info.caCertPath, "utf8") };
}

/**
 * An emulator's identity across restarts, whatever its port: a digest of its certificate, which it
 * generates at its first start and keeps with its state (a URL's port changes with each start).
 */
export function emulatorInstance(endpoint: Pick<EmulatorEndpoint, "caCert">): string {
  return `emulator-${createHash("sha256").update(endpoint.caCert).digest("hex").slice(0, 16)}`;
}

/** Is a process with this id running (signal 0 checks without sending anything)? */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // alive, owned by another user
  }
}
