/**
 * Why a Log Analytics extension failed on a Linux VM. Resource Graph's row says only
 * `provisioningState: Failed`; the handler's status (its exit code and message) is in the
 * extension's instance view, read here for those extensions only (a GET each, `$expand=
 * instanceView`). Exit code 10 says the machine is already connected to another workspace (the
 * OmsAgentForLinux handler's LINUXOMSAGENTEXTENSION_ERROR_MULTIPLECONNECTIONS): a directly
 * installed agent reporting where the Heartbeat read cannot see (log-analytics-agent's
 * connectedElsewhere reads it). Arc machines and scale sets are not read (not planned there yet).
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import type { InventoryExtension, InventoryMachine } from "../../inventory/schema";
import { nameOf, resourceGroupOf, subscriptionOf } from "../../inventory/ids";
import { LOG_ANALYTICS_AGENT, isSameExtension } from "../../spec/extensions";
import type { AzureConnection } from "../connection";
import { isNotFound } from "../errors";
import { withRetries, type RetryOptions } from "../retry";

/** A status message kept at most this long: the handler's own text, for a reason and a finding. */
const MESSAGE_CHARS = 500;

/** The index of a VM's Failed Log Analytics Linux extension whose failure is not read yet, or -1. */
export function failedExtensionToRead(m: InventoryMachine): number {
  if (m.kind !== "vm" || m.osType !== "Linux") return -1;
  return (m.extensions ?? []).findIndex((e) => e.provisioningState?.toLowerCase() === "failed" && !!e.name && !e.failure && isSameExtension(LOG_ANALYTICS_AGENT.Linux, e));
}

/** The extension's failed status (code and message) from its instance view; undefined when it has none (or is gone). */
export async function readExtensionFailure(conn: AzureConnection, machineId: string, extension: InventoryExtension, retry?: RetryOptions): Promise<InventoryExtension["failure"]> {
  const client = new ComputeManagementClient(conn.credential, subscriptionOf(machineId), conn.clientOptions());
  const ext = await withRetries(() => client.virtualMachineExtensions.get(resourceGroupOf(machineId), nameOf(machineId), extension.name!, { expand: "instanceView" }), retry).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  const status = ext?.instanceView?.statuses?.find((s) => s.level === "Error" || /^ProvisioningState\/failed/i.test(s.code ?? ""));
  if (!status) return undefined;
  return { ...(status.code ? { code: status.code } : {}), ...(status.message ? { message: status.message.slice(0, MESSAGE_CHARS) } : {}) };
}
