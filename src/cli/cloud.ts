/**
 * --cloud local|azure for every command that talks to ARM: the emulator (found through its
 * state directory's emulator.json, or --emulator-dir) or real Azure with DefaultAzureCredential.
 */
import { dirname } from "node:path";
import type { Command } from "commander";
import { azureConnection, emulatorConnection, emulatorEndpointFromDir, type AzureConnection, type Cloud } from "../azure/connection";
import { choice } from "./format";

export const CLOUDS = ["local", "azure"] as const;
/** Where `emulator start` keeps its state by default, and where the other commands look for it. */
export const DEFAULT_EMULATOR_DIR = ".asc-autoprovision/emulator";

export interface CloudOptions {
  cloud: string;
  emulatorDir: string;
}

export function addCloudOptions(cmd: Command): Command {
  return cmd
    .option("--cloud <cloud>", `where the machines are: ${CLOUDS.join(", ")} (local = the emulator)`, "local")
    .option("--emulator-dir <dir>", "state directory of the running emulator (local only)", defaultEmulatorDir());
}

/** ASC_EMULATOR_CONFIG (printed by `emulator start`) names emulator.json; its directory is the state. */
function defaultEmulatorDir(): string {
  const config = process.env.ASC_EMULATOR_CONFIG;
  return config ? dirname(config) : DEFAULT_EMULATOR_DIR;
}

export function connectionFor(opts: CloudOptions): AzureConnection {
  const cloud: Cloud = choice("--cloud", opts.cloud, CLOUDS);
  return cloud === "azure" ? azureConnection() : emulatorConnection(emulatorEndpointFromDir(opts.emulatorDir));
}
