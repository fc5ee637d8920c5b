/**
 * A Linux machine's Log Analytics extension that failed because the machine is already connected
 * to another workspace: the OmsAgentForLinux handler refuses a second connection (with the
 * `stopOnMultipleConnections` this tool sends) and exits with code 10
 * (LINUXOMSAGENTEXTENSION_ERROR_MULTIPLECONNECTIONS; reference §2.6). That is evidence of a
 * directly installed agent (or an Operations Manager connection) even where no Heartbeat shows
 * it: its workspace is one the credential cannot read (user trial 19).
 */
import type { InventoryExtension, InventoryMachine } from "../../inventory/schema";
import { LOG_ANALYTICS_AGENT, isSameExtension } from "../../spec/extensions";

/** The handler's exit code 10 in the status code, or its words in the message (its current text, and the one older versions and the emulator give). */
const EXIT_10_CODE = /\/failed\/10$/i;
const EXIT_10_MESSAGE = /exit code 10\b|MULTIPLECONNECTIONS|already connected to (?:some other|another) Log Analytics workspace/i;

/** Did this extension fail because the machine is already connected elsewhere? */
export function failedConnectedElsewhere(extension: InventoryExtension): boolean {
  if (extension.provisioningState?.toLowerCase() !== "failed" || !extension.failure) return false;
  return EXIT_10_CODE.test(extension.failure.code ?? "") || EXIT_10_MESSAGE.test(extension.failure.message ?? "");
}

/** A Linux machine's failed Log Analytics extension, and what says a directly installed agent is beside it. */
export interface FailedBesideDirectAgent {
  readonly extension: InventoryExtension;
  /** The extension's exit code 10, or a direct agent's Heartbeat. */
  readonly evidence: "exit-code-10" | "heartbeat";
}

/** Undefined unless the machine is Linux, its Log Analytics extension failed and a direct agent is evident (a failed extension alone is installed again). */
export function failedExtensionBesideDirectAgent(machine: InventoryMachine): FailedBesideDirectAgent | undefined {
  if (machine.osType !== "Linux") return undefined;
  const extension = machine.extensions?.find((e) => isSameExtension(LOG_ANALYTICS_AGENT.Linux, e));
  if (!extension || extension.provisioningState?.toLowerCase() !== "failed") return undefined;
  if (failedConnectedElsewhere(extension)) return { extension, evidence: "exit-code-10" };
  return machine.agents?.some((a) => a.kind === "direct") ? { extension, evidence: "heartbeat" } : undefined;
}
