/**
 * --cloud local|azure for every command that talks to ARM: the emulator (by --emulator-dir, else
 * the environment `emulator start` prints, else its default directory) or real Azure with
 * DefaultAzureCredential. The precedence is the one every front end uses (src/azure/endpoint.ts).
 */
import type { Command } from "commander";
import { azureConnection } from "../azure/connection";
import { chooseEndpoint, connectionOf, DEFAULT_EMULATOR_DIR, type AzureConnection } from "../azure";
import { choice } from "./format";

export const CLOUDS = ["local", "azure"] as const;
export { DEFAULT_EMULATOR_DIR };

export interface CloudOptions {
  cloud: string;
  emulatorDir?: string;
}

export function addCloudOptions(cmd: Command): Command {
  return cmd
    .option("--cloud <cloud>", `where the machines are: ${CLOUDS.join(", ")} (local = the emulator)`, "local")
    .option("--emulator-dir <dir>", `state directory of the running emulator (local only; default: ASC_EMULATOR_CONFIG's directory, else ${DEFAULT_EMULATOR_DIR})`);
}

export function connectionFor(opts: CloudOptions, env: NodeJS.ProcessEnv = process.env): AzureConnection {
  const cloud = choice("--cloud", opts.cloud, CLOUDS);
  if (cloud === "azure") return azureConnection();
  const endpoint = chooseEndpoint(
    opts.emulatorDir !== undefined ? { value: opts.emulatorDir, source: "--emulator-dir", kinds: { azure: false, directory: true } } : undefined,
    env,
    { kind: "emulator-dir", dir: DEFAULT_EMULATOR_DIR, source: "the default emulator directory" },
  );
  return connectionOf(endpoint, env);
}
