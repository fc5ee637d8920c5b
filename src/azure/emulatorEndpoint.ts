/**
 * A running emulator as `emulator start` describes it in its emulator.json: its URL, its
 * well-known service principal and its certificate. Reading it loads no Azure SDK.
 */
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
  let info: { url?: string; tenantId?: string; clientId?: string; caCertPath?: string };
  try {
    info = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`no running emulator found: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); start one with \`asc-autoprovision emulator start\``);
  }
  if (!info.url || !info.tenantId || !info.clientId || !info.caCertPath) throw new Error(`${file} is missing url, tenantId, clientId or caCertPath`);
  return { url: info.url, tenantId: info.tenantId, clientId: info.clientId, clientSecret: EMULATOR_CLIENT_SECRET, caCert: readFileSync(info.caCertPath, "utf8") };
}
