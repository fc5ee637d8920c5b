/**
 * Resource Graph reads: one query for the whole fleet (machines, their extensions, clusters,
 * workspaces, solutions), paged at 1,000 rows with $skipToken, subscriptions in batches below
 * Resource Graph's limit. This is what keeps `inventory` at a few requests per 1,000 machines.
 */
import { ResourceGraphClient, type AuthorizationScopeFilter } from "@azure/arm-resourcegraph";
import { resourceGroupOf, subscriptionOf } from "../inventory/ids";
import type { AzureConnection } from "./connection";
import { withRetries, type RetryOptions } from "./retry";
import { sleepUnlessStopped } from "./stop";

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

/**
 * Resource Graph's authorizationScopeFilter for the policy query: its default, AtScopeAndBelow,
 * leaves out the assignments at the management groups above the subscriptions asked for (they are
 * outside every subscription); AtScopeAboveAndBelow returns them too (@azure/arm-resourcegraph's
 * QueryRequestOptions.authorizationScopeFilter).
 */
export const POLICY_SCOPE_FILTER = "AtScopeAboveAndBelow" satisfies AuthorizationScopeFilter;

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

/**
 * Named workspaces outside the subscriptions read (a hub's central workspace), with what the plan
 * creates beside them: their solutions, and the data collection rules of their resource groups
 * (this tool's rule for a workspace lives in the workspace's group, spec/dcr.ts). Only those
 * groups: the rest of the hub's subscription is not the spec's. Ids are checked ARM ids; quotes
 * doubled anyway.
 */
export function workspacesQuery(workspaceIds: readonly string[]): string {
  const quoted = (s: string) => `'${s.toLowerCase().replace(/'/g, "''")}'`;
  const list = workspaceIds.map(quoted).join(", ");
  const groups = new Set(workspaceIds.map((id) => `/subscriptions/${subscriptionOf(id)}/resourcegroups/${resourceGroupOf(id)}`));
  // startswith ignores case, as ARM ids do.
  const rules = [...groups].map((g) => `id startswith ${quoted(`${g}/providers/microsoft.insights/datacollectionrules/`)}`).join(" or ");
  return [
    "resources",
    `| where (type =~ 'microsoft.operationalinsights/workspaces' and tolower(id) in (${list}))`,
    `   or (type =~ 'microsoft.operationsmanagement/solutions' and tolower(tostring(properties.workspaceResourceId)) in (${list}))`,
    `   or (type =~ 'microsoft.insights/datacollectionrules' and (${rules}))`,
    "| project id, name, type, location, subscriptionId, resourceGroup, properties, tags, plan, identity",
    "| order by id asc",
  ].join("\n");
}

/**
 * Every Log Analytics workspace the caller can read, wherever it is: the Heartbeat of a machine's
 * directly installed or Operations Manager agent may sit in a workspace outside the spec's
 * subscriptions (a Landing Zones hub's). Asked at the tenant's scope (queryGraphTenant).
 */
export const VISIBLE_WORKSPACES_QUERY = [
  "resources",
  "| where type =~ 'microsoft.operationalinsights/workspaces'",
  "| project id, type, customerId = tostring(properties.customerId)",
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

/**
 * Resource Graph's per-user quota as its answers report it (reference §5.2: x-ms-user-quota-remaining,
 * x-ms-user-quota-resets-after hh:mm:ss): with none left, the next query waits for the window to reset
 * instead of spending a 429.
 */
export class GraphQuota {
  private waitUntil = 0;
  /** Queries sent and waits taken, for benchmarks. */
  queries = 0;
  waits = 0;

  observe(headers: { get(name: string): string | undefined }): void {
    const remaining = Number(headers.get("x-ms-user-quota-remaining"));
    const resets = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(headers.get("x-ms-user-quota-resets-after") ?? "");
    if (Number.isFinite(remaining) && remaining <= 0 && resets) {
      const ms = (Number(resets[1]) * 3600 + Number(resets[2]) * 60 + Number(resets[3])) * 1000;
      this.waitUntil = Math.max(this.waitUntil, Date.now() + ms);
    }
  }

  async beforeQuery(signal?: AbortSignal): Promise<void> {
    this.queries++;
    const ms = this.waitUntil - Date.now();
    if (ms > 0) {
      this.waits++;
      await sleepUnlessStopped(ms, signal);
    }
  }
}

/** Set by Resource Graph on an answer cut to the first subscriptions of its scope (10,000; 5,000 in earlier versions of its guide). */
export const SUBSCRIPTION_LIMIT_HIT_HEADER = "x-ms-tenant-subscription-limit-hit";

/** An answer Resource Graph cut at its subscription cap: the rows are incomplete, so nothing is read from them. */
export class SubscriptionLimitHitError extends Error {
  constructor(readonly query: string) {
    super(`Resource Graph answered for only part of the scope's subscriptions (${SUBSCRIPTION_LIMIT_HIT_HEADER}: true)`);
    this.name = "SubscriptionLimitHitError";
  }
}

/** `authorizationScopeFilter`: which authorization resources (policy, role assignments) the subscriptions' scope covers; Resource Graph's default when absent. */
export async function queryGraph(
  conn: AzureConnection,
  query: string,
  subscriptions: readonly string[],
  retry?: RetryOptions,
  quota: GraphQuota = new GraphQuota(),
  authorizationScopeFilter?: AuthorizationScopeFilter,
): Promise<GraphRow[]> {
  const client = new ResourceGraphClient(conn.credential, conn.clientOptions());
  const rows: GraphRow[] = [];
  // A management group's assignment comes back in every batch under it: kept once.
  const seen = new Set<string>();
  for (let i = 0; i < subscriptions.length; i += SUBSCRIPTION_BATCH) {
    await allPages(client, query, { subscriptions: subscriptions.slice(i, i + SUBSCRIPTION_BATCH), authorizationScopeFilter }, rows, retry, quota, seen);
  }
  return rows;
}

/** The rows of `query` at a management group's scope (its subscriptions at any depth, as Resource Graph counts them). */
export async function queryGraphUnder(conn: AzureConnection, query: string, managementGroup: string, retry?: RetryOptions, quota: GraphQuota = new GraphQuota()): Promise<GraphRow[]> {
  const rows: GraphRow[] = [];
  await allPages(new ResourceGraphClient(conn.credential, conn.clientOptions()), query, { managementGroups: [managementGroup] }, rows, retry, quota);
  return rows;
}

/**
 * The rows of `query` at the tenant's scope: no subscription or management group named, Resource
 * Graph answers for every subscription the caller can read (capped as it caps a tenant's query:
 * SubscriptionLimitHitError).
 */
export async function queryGraphTenant(conn: AzureConnection, query: string, retry?: RetryOptions, quota: GraphQuota = new GraphQuota()): Promise<GraphRow[]> {
  const rows: GraphRow[] = [];
  await allPages(new ResourceGraphClient(conn.credential, conn.clientOptions()), query, "tenant", rows, retry, quota);
  return rows;
}

async function allPages(
  client: ResourceGraphClient,
  query: string,
  scope: { readonly subscriptions: readonly string[]; readonly authorizationScopeFilter?: AuthorizationScopeFilter | undefined } | { readonly managementGroups: readonly string[] } | "tenant",
  rows: GraphRow[],
  retry: RetryOptions | undefined,
  quota: GraphQuota,
  seen = new Set<string>(),
): Promise<void> {
  const where = scope === "tenant" ? {} : "subscriptions" in scope ? { subscriptions: [...scope.subscriptions] } : { managementGroups: [...scope.managementGroups] };
  const filter = scope !== "tenant" && "subscriptions" in scope && scope.authorizationScopeFilter ? { authorizationScopeFilter: scope.authorizationScopeFilter } : {};
  let skipToken: string | undefined;
  let limitHit = false;
  do {
    const page = await withRetries(async () => {
      await quota.beforeQuery(retry?.signal);
      return client.resources(
        { query, ...where, options: { top: PAGE_SIZE, skipToken, resultFormat: "objectArray", ...filter } },
        {
          onResponse: (raw) => {
            quota.observe(raw.headers);
            limitHit ||= raw.headers.get(SUBSCRIPTION_LIMIT_HIT_HEADER)?.toLowerCase() === "true";
          },
          ...(retry?.signal ? { abortSignal: retry.signal } : {}),
        },
      );
    }, retry);
    if (limitHit) throw new SubscriptionLimitHitError(query);
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

function checkRow(row: unknown): GraphRow {
  const r = row as Partial<GraphRow> | null;
  if (!r || typeof r.id !== "string" || typeof r.type !== "string") {
    throw new Error(`Resource Graph returned a row without id or type: ${JSON.stringify(row).slice(0, 200)}`);
  }
  return r as GraphRow;
}
