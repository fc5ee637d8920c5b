/**
 * Soft-deleted Log Analytics workspaces (`deletedWorkspaces`, per subscription): for 14 days a
 * deleted workspace keeps its name reserved in the subscription. Resource Graph does not list them,
 * so without this read a default workspace whose name one holds elsewhere fails only at apply (409).
 */
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import type { InventoryDeletedWorkspace } from "../../inventory/schema";
import type { AzureConnection } from "../connection";
import { withRetries, type RetryOptions } from "../retry";

export async function readDeletedWorkspaces(conn: AzureConnection, subscriptionId: string, retry?: RetryOptions): Promise<InventoryDeletedWorkspace[]> {
  const client = new OperationalInsightsManagementClient(conn.credential, subscriptionId, conn.clientOptions());
  return withRetries(async () => {
    const out: InventoryDeletedWorkspace[] = [];
    for await (const ws of client.deletedWorkspaces.list()) {
      if (!ws.id || !ws.location) continue;
      out.push({ id: ws.id, location: ws.location.replace(/\s+/g, "").toLowerCase(), ...(ws.customerId ? { customerId: ws.customerId } : {}) });
    }
    return out;
  }, retry);
}
