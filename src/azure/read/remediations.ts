/**
 * Remediation tasks, read with the PolicyInsights list API: Resource Graph keeps no table of them
 * (reference defender-today.md §6), so a `policyresources` query never sees one. The tasks this
 * tool creates live at subscription scope (extension-policies' arm.ts), which
 * `remediations.listForSubscription` returns.
 */
import { PolicyInsightsClient } from "@azure/arm-policyinsights";
import type { InventoryRemediation } from "../../inventory/schema";
import type { AzureConnection } from "../connection";
import { withRetries, type RetryOptions } from "../retry";

export async function readRemediations(conn: AzureConnection, subscriptionId: string, retry?: RetryOptions): Promise<InventoryRemediation[]> {
  const client = new PolicyInsightsClient(conn.credential, subscriptionId, conn.clientOptions());
  return withRetries(async () => {
    const out: InventoryRemediation[] = [];
    for await (const r of client.remediations.listForSubscription()) {
      if (!r.id || !r.policyAssignmentId) continue;
      out.push({ id: r.id, policyAssignmentId: r.policyAssignmentId, provisioningState: r.provisioningState ?? "Unknown" });
    }
    return out;
  }, retry);
}
