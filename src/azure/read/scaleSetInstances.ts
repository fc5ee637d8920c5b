/**
 * Under a `Manual` upgrade policy, a scale set's model (its extensions) reaches an existing
 * instance only once that instance is upgraded (`latestModelApplied` stays false until then), so
 * the model alone overstates what runs. Resource Graph's `resources` table holds no instances: they
 * are read with the scale-set VMs list API, for `Manual` scale sets only (the others follow their
 * model by themselves).
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import type { InventoryMachine } from "../../inventory/schema";
import { nameOf, resourceGroupOf, subscriptionOf } from "../../inventory/ids";
import type { AzureConnection } from "../connection";
import { withRetries, type RetryOptions } from "../retry";

/** How many instances a scale set has, and how many do not run its latest model. */
export interface InstanceCounts {
  readonly instances: number;
  readonly instancesNotUpgraded: number;
}

/** Is the machine a scale set whose instances this reader must count? */
export function needsInstanceCounts(m: InventoryMachine): boolean {
  return m.kind === "vmss" && m.scaleSet?.upgradePolicy === "Manual";
}

export async function readInstanceCounts(conn: AzureConnection, scaleSetId: string, retry?: RetryOptions): Promise<InstanceCounts> {
  const client = new ComputeManagementClient(conn.credential, subscriptionOf(scaleSetId), conn.clientOptions());
  return withRetries(async () => {
    let instances = 0;
    let instancesNotUpgraded = 0;
    for await (const vm of client.virtualMachineScaleSetVMs.list(resourceGroupOf(scaleSetId), nameOf(scaleSetId))) {
      instances++;
      // Absent (a Flexible scale set's instance): nothing says it lags, so it is not counted.
      if (vm.latestModelApplied === false) instancesNotUpgraded++;
    }
    return { instances, instancesNotUpgraded };
  }, retry);
}
