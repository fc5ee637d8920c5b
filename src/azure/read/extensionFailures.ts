/**
 * Why a Log Analytics extension failed on a Linux VM or Arc-enabled server. Resource Graph's row
 * says only `provisioningState: Failed`; the handler's status (its exit code and message) is in the
 * extension's instance view, read here for those extensions only (a GET each). Exit code 10 says
 * the machine is already connected to another workspace (the OmsAgentForLinux handler's
 * LINUXOMSAGENTEXTENSION_ERROR_MULTIPLECONNECTIONS): a directly installed agent reporting where the
 * Heartbeat read cannot see (log-analytics-agent's connectedElsewhere reads it).
 *
 * Scale sets are not read: their extension is part of the model, whose provisioning state says
 * whether the model was written, not how the handler fared on each instance. The scale set's own
 * instance view only counts the instances' codes (`statusesSummary`: `ProvisioningState/failed`,
 * no exit code); the handler's status is in each instance's view (virtualMachineScaleSetVMs), and
 * exit code 10 on some instances would say nothing of the others the plan's model step reaches.
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import { HybridComputeManagementClient } from "@azure/arm-hybridcompute";
import type { InventoryExtension, InventoryMachine } from "../../inventory/schema";
import { nameOf, resourceGroupOf, subscriptionOf } from "../../inventory/ids";
import { LOG_ANALYTICS_AGENT, isSameExtension } from "../../spec/extensions";
import type { AzureConnection } from "../connection";
import { isNotFound } from "../errors";
import { withRetries, type RetryOptions } from "../retry";

/** A status message kept at most this long: the handler's own text, for a reason and a finding. */
const MESSAGE_CHARS = 500;

/** What an instance view's status says (a VM's list of them, an Arc extension's one). */
interface Status {
  readonly code?: string;
  readonly level?: string;
  readonly message?: string;
}

/** The index of a VM's or Arc machine's Failed Log Analytics Linux extension whose failure is not read yet, or -1. */
export function failedExtensionToRead(m: InventoryMachine): number {
  if ((m.kind !== "vm" && m.kind !== "arc") || m.osType !== "Linux") return -1;
  return (m.extensions ?? []).findIndex((e) => e.provisioningState?.toLowerCase() === "failed" && !!e.name && !e.failure && isSameExtension(LOG_ANALYTICS_AGENT.Linux, e));
}

/** The extension's failed status (code and message) from its instance view; undefined when it has none (or is gone). */
export async function readExtensionFailure(conn: AzureConnection, machine: Pick<InventoryMachine, "id" | "kind">, extension: InventoryExtension, retry?: RetryOptions): Promise<InventoryExtension["failure"]> {
  const [sub, group, name] = [subscriptionOf(machine.id), resourceGroupOf(machine.id), nameOf(machine.id)];
  const statuses = await withRetries(async (): Promise<readonly Status[]> => {
    if (machine.kind === "arc") {
      // HybridCompute answers the instance view with the extension, no $expand: one `status`.
      const ext = await new HybridComputeManagementClient(conn.credential, sub, conn.clientOptions()).machineExtensions.get(group, name, extension.name!);
      const status = ext.properties?.instanceView?.status;
      return status ? [status] : [];
    }
    const ext = await new ComputeManagementClient(conn.credential, sub, conn.clientOptions()).virtualMachineExtensions.get(group, name, extension.name!, { expand: "instanceView" });
    return ext.instanceView?.statuses ?? [];
  }, retry).catch((err: unknown) => {
    if (isNotFound(err)) return [];
    throw err;
  });
  const status = statuses.find((s) => s.level === "Error" || /^ProvisioningState\/failed/i.test(s.code ?? ""));
  if (!status) return undefined;
  return { ...(status.code ? { code: status.code } : {}), ...(status.message ? { message: status.message.slice(0, MESSAGE_CHARS) } : {}) };
}
