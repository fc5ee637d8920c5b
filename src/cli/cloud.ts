/**
 * --cloud local|azure for every command that talks to ARM: the emulator (by --emulator-dir, else
 * the environment `emulator start` prints, else its default directory) or real Azure with
 * DefaultAzureCredential. The precedence is the one every front end uses (src/azure/endpoint.ts).
 * The Azure SDK is loaded only when a connection is made.
 */
import type { Command } from "commander";
import type { AzureConnection } from "../azure/connection";
import { chooseEndpoint, DEFAULT_EMULATOR_DIR } from "../azure/endpoint";
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

export async function connectionFor(opts: CloudOptions, env: NodeJS.ProcessEnv = process.env): Promise<AzureConnection> {
  const cloud = choice("--cloud", opts.cloud, CLOUDS);
  const endpoint =
    cloud === "azure"
      ? ({ kind: "azure" } as const)
      : chooseEndpoint(
          opts.emulatorDir !== undefined ? { value: opts.emulatorDir, source: "--emulator-dir", kinds: { azure: false, directory: true } } : undefined,
          env,
          { kind: "emulator-dir", dir: DEFAULT_EMULATOR_DIR, source: "the default emulator directory" },
        );
  const { connectionOf } = await import("../azure/connection");
  return connectionOf(endpoint, env);
}
