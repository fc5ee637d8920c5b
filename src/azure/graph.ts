/**
 * Resource Graph reads: one query for the whole fleet (machines, their extensions, clusters,
 * workspaces, solutions), paged at 1,000 rows with $skipToken, subscriptions in batches below
 * Resource Graph's limit. This is what keeps `inventory` at a few requests per 1,000 machines.
 */
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import type { AzureConnection } from "./connection";
import { withRetries, type RetryOptions } from "./retry";

/** Resource Graph guidance: fewer than 300 subscriptions per request (reference §5.2). */
export const SUBSCRIPTION_BATCH = 100;
export const PAGE_SIZE = 1000;

export const FLEET_TYPES = [
  "microsoft.compute/virtualmachines",
  "microsoft.compute/virtualmachines/extensions",
  "microsoft.compute/virtualmachinescalesets",
  "microsoft.hybridcompute/machines",
  "microsoft.hybridcompute/machines/extensions",
  "microsoft.containerservice/managedclusters",
  "microsoft.operationalinsights/workspaces",
  "microsoft.operationsmanagement/solutions",
  "microsoft.insights/datacollectionrules",
] as const;

/** Every query projects id and orders by it: paging needs the id, and sorted rows make a sorted inventory. */
export const FLEET_QUERY = [
  "resources",
  `| where type in~ (${FLEET_TYPES.map((t) => `'${t}'`).join(", ")})`,
  "| project id, name, type, location, subscriptionId, resourceGroup, properties, tags, plan, identity",
  "| order by id asc",
].join("\n");

export const POLICY_QUERY = [
  "policyresources",
  "| where type =~ 'microsoft.authorization/policyassignments'",
  "| project id, name, type, location, subscriptionId, properties, identity",
  "| order by id asc",
].join("\n");

/** Rule associations are extension resources of the machines; Resource Graph keeps them in insightsresources. */
export const ASSOCIATION_QUERY = [
  "insightsresources",
  "| where type =~ 'microsoft.insights/datacollectionruleassociations'",
  "| project id, name, type, properties",
  "| order by id asc",
].join("\n");

export const ROLE_QUERY = [
  "authorizationresources",
  "| where type =~ 'microsoft.authorization/roleassignments'",
  "| project id, name, type, subscriptionId, properties",
  "| order by id asc",
].join("\n");

/** A Resource Graph row (objectArray format). */
export interface GraphRow {
  readonly id: string;
  readonly name?: string;
  readonly type: string;
  readonly location?: string;
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  readonly properties?: Record<string, unknown>;
  readonly tags?: Record<string, string> | null;
  readonly plan?: { publisher?: string; product?: string; name?: string } | null;
  readonly identity?: { principalId?: string; type?: string; tenantId?: string } | null;
}

export async function queryGraph(conn: AzureConnection, query: string, subscriptions: readonly string[], retry?: RetryOptions): Promise<GraphRow[]> {
  const client = new ResourceGraphClient(conn.credential, conn.clientOptions());
  const rows: GraphRow[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < subscriptions.length; i += SUBSCRIPTION_BATCH) {
    const batch = subscriptions.slice(i, i + SUBSCRIPTION_BATCH);
    let skipToken: string | undefined;
    do {
      const page = await withRetries(
        () => client.resources({ query, subscriptions: [...batch], options: { top: PAGE_SIZE, skipToken, resultFormat: "objectArray" } }),
        retry,
      );
      if (!Array.isArray(page.data)) throw new Error(`Resource Graph answered without a row array for: ${query.split("\n")[0]}`);
      for (const row of page.data as unknown[]) {
        // Resource Graph may repeat a row across pages: each resource is kept once.
        const checked = checkRow(row);
        const key = checked.id.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push(checked);
      }
      skipToken = page.skipToken;
    } while (skipToken);
  }
  return rows;
}

function checkRow(row: unknown): GraphRow {
  const r = row as Partial<GraphRow> | null;
  if (!r || typeof r.id !== "string" || typeof r.type !== "string") {
    throw new Error(`Resource Graph returned a row without id or type: ${JSON.stringify(row).slice(0, 200)}`);
  }
  return r as GraphRow;
}
