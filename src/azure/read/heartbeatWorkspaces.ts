/**
 * Which workspaces' Heartbeat a read asks. A machine's directly installed or Operations Manager
 * agent reports wherever its owner pointed it, often to a workspace outside the spec's
 * subscriptions (the Landing Zones hub's `law-hub` in a management subscription): read only in the
 * scope, such a machine looked agent-less and got the extension (an Operations Manager 2012 one
 * too; on Linux the install fails with exit code 10, user trial 19). So the read asks every
 * workspace the caller can see: the inventory's own (the scope's and the spec's named ones), and
 * every other one Resource Graph lists at the tenant's scope. Each is asked for the rows of the
 * scope's machines only (readScopeHeartbeats): a hub a whole tenant reports to holds every machine's.
 *
 * The inventory's workspaces are read as before: a failed or partial answer fails the read (it
 * would read as "no agent"). A workspace outside the scope that cannot be queried (listed but not
 * readable, a query refused) is counted and left out, with what it would have shown: the plan
 * says so (la-heartbeat-scope) rather than every read failing for a workspace the spec never named.
 */
import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";
import type { InventoryHeartbeatRead } from "../../inventory/schema";
import type { AzureConnection } from "../connection";
import { GraphQuota, queryGraphTenant, SubscriptionLimitHitError, VISIBLE_WORKSPACES_QUERY } from "../graph";
import { withRetries, type RetryOptions } from "../retry";
import { HEARTBEAT_WINDOW, heartbeatOfSubscriptionsQuery, type HeartbeatRow } from "./heartbeat";

/**
 * Workspaces per Heartbeat query: the query API's documented limit for its cross-workspace
 * parameter (10; the 100 of `workspace()` inside a query does not apply to `additionalWorkspaces`).
 */
export const HEARTBEAT_WORKSPACES_PER_QUERY = 10;

/** Subscriptions per scope-restricted Heartbeat query (a `startswith` each): short enough for any query length limit, as the watch's 200 ids a query. */
export const HEARTBEAT_SUBSCRIPTIONS_PER_QUERY = 200;

/** The workspaces (customerIds, lower-case, sorted) whose Heartbeat a read asks. */
export interface HeartbeatWorkspaces {
  /** The inventory's workspaces: any failure fails the read. */
  readonly inScope: readonly string[];
  /** Every other workspace the caller can see: one that cannot be queried is counted in `unread`. */
  readonly outside: readonly string[];
  /** False when Resource Graph cut the tenant's list at its subscription cap: only part of `outside` is known. */
  readonly complete: boolean;
}

/** The rows read, and the outside workspaces that could not be (lower-case customerIds). */
export interface HeartbeatAnswer {
  readonly rows: HeartbeatRow[];
  readonly unread: readonly string[];
}

/** The inventory's workspaces and every other one Resource Graph lists for the caller. */
export async function heartbeatWorkspaces(
  conn: AzureConnection,
  inventoryCustomerIds: readonly string[],
  retry?: RetryOptions,
  quota?: GraphQuota,
  onProgress?: (message: string) => void,
): Promise<HeartbeatWorkspaces> {
  let rows;
  try {
    rows = await queryGraphTenant(conn, VISIBLE_WORKSPACES_QUERY, retry, quota);
  } catch (err) {
    if (!(err instanceof SubscriptionLimitHitError)) throw err;
    onProgress?.("Resource Graph listed the tenant's workspaces for only part of its subscriptions: Heartbeat is read from the scope's workspaces");
    return splitWorkspaces(inventoryCustomerIds, [], false);
  }
  const visible: string[] = [];
  for (const row of rows) {
    const id = (row as { customerId?: unknown }).customerId;
    if (typeof id === "string" && id) visible.push(id);
  }
  return splitWorkspaces(inventoryCustomerIds, visible, true);
}

/** The inventory's workspaces and, apart from them, the other visible ones (customerIds, lower-case, sorted). */
export function splitWorkspaces(inventoryCustomerIds: readonly string[], visible: Iterable<string>, complete: boolean): HeartbeatWorkspaces {
  const inScope = [...new Set(inventoryCustomerIds.map((c) => c.toLowerCase()))].sort();
  const own = new Set(inScope);
  const outside = new Set<string>();
  for (const id of visible) if (!own.has(id.toLowerCase())) outside.add(id.toLowerCase());
  return { inScope, outside: [...outside].sort(), complete };
}

/** What a read's Heartbeat covered, for the inventory (the plan's la-heartbeat-scope finding). */
export function heartbeatRead(ws: HeartbeatWorkspaces, unread: readonly string[]): InventoryHeartbeatRead {
  return { workspaces: ws.inScope.length + ws.outside.length - unread.length, outside: ws.outside.length - unread.length, unread: unread.length, complete: ws.complete };
}

/**
 * The rows `query` answers in these workspaces, HEARTBEAT_WORKSPACES_PER_QUERY a query: the
 * inventory's workspaces first (any failure throws), then the outside ones (a batch that fails is
 * asked one workspace at a time, and those that fail alone are left out, in `unread`).
 */
export async function readHeartbeatsIn(conn: AzureConnection, ws: Pick<HeartbeatWorkspaces, "inScope" | "outside">, query: string, retry?: RetryOptions): Promise<HeartbeatAnswer> {
  const rows = await readHeartbeats(conn, ws.inScope, query, retry);
  const unread: string[] = [];
  for (let i = 0; i < ws.outside.length; i += HEARTBEAT_WORKSPACES_PER_QUERY) {
    const batch = ws.outside.slice(i, i + HEARTBEAT_WORKSPACES_PER_QUERY);
    const answer = await readHeartbeats(conn, batch, query, retry).catch(unlessStopped(retry));
    if (answer) {
      rows.push(...answer);
      continue;
    }
    for (const one of batch) {
      const alone = await readHeartbeats(conn, [one], query, retry).catch(unlessStopped(retry));
      if (alone) rows.push(...alone);
      else unread.push(one);
    }
  }
  return { rows, unread };
}

/**
 * The rows of the machines of these subscriptions (the scope's) in these workspaces: every
 * workspace is asked for those machines only (heartbeatOfSubscriptionsQuery), not for the rows of
 * every machine a hub holds. More subscriptions than a query takes are asked in turns; an outside
 * workspace that could not be read in one turn is not asked again.
 */
export async function readScopeHeartbeats(
  conn: AzureConnection,
  ws: Pick<HeartbeatWorkspaces, "inScope" | "outside">,
  subscriptions: readonly string[],
  retry?: RetryOptions,
  perQuery = HEARTBEAT_SUBSCRIPTIONS_PER_QUERY,
): Promise<HeartbeatAnswer> {
  const rows: HeartbeatRow[] = [];
  const unread = new Set<string>();
  for (let i = 0; i < subscriptions.length; i += perQuery) {
    const query = heartbeatOfSubscriptionsQuery(subscriptions.slice(i, i + perQuery));
    const answer = await readHeartbeatsIn(conn, { inScope: ws.inScope, outside: ws.outside.filter((c) => !unread.has(c)) }, query, retry);
    rows.push(...answer.rows);
    for (const c of answer.unread) unread.add(c);
  }
  return { rows, unread: [...unread].sort() };
}

/** A failure as undefined, unless the run is stopping (then it goes on up). */
function unlessStopped(retry: RetryOptions | undefined): (err: unknown) => undefined {
  return (err) => {
    if (retry?.signal?.aborted) throw err;
    return undefined;
  };
}

/** The rows `query` (HEARTBEAT_QUERY or a narrowing of it) answers in these workspaces, HEARTBEAT_WORKSPACES_PER_QUERY a query. */
export async function readHeartbeats(conn: AzureConnection, customerIds: readonly string[], query: string, retry?: RetryOptions): Promise<HeartbeatRow[]> {
  if (!customerIds.length) return [];
  const client = new LogsQueryClient(conn.credential, conn.logsOptions());
  const rows: HeartbeatRow[] = [];
  for (let i = 0; i < customerIds.length; i += HEARTBEAT_WORKSPACES_PER_QUERY) {
    const [first, ...rest] = customerIds.slice(i, i + HEARTBEAT_WORKSPACES_PER_QUERY);
    const result = await withRetries(() => client.queryWorkspace(first!, query, { duration: HEARTBEAT_WINDOW }, { additionalWorkspaces: rest }), retry);
    if (result.status !== LogsQueryResultStatus.Success) {
      // A partial answer would read as "no agent" on the machines it misses: refuse it.
      throw new Error(`Heartbeat query answered partially: ${result.partialError?.message ?? "unknown error"}`);
    }
    const tables = result.tables;
    for (const table of tables) {
      const col = (name: string) => table.columnDescriptors.findIndex((c) => c.name === name);
      const [id, cat, ver, ten, at] = [col("_ResourceId"), col("Category"), col("Version"), col("TenantId"), col("TimeGenerated")];
      if (id < 0 || cat < 0 || ten < 0) throw new Error("Heartbeat query answered without _ResourceId, Category or TenantId columns");
      for (const r of table.rows) {
        const time = at >= 0 ? timeOf(r[at]) : undefined;
        rows.push({ resourceId: String(r[id]), category: String(r[cat]), version: ver >= 0 ? String(r[ver] ?? "") : "", workspaceCustomerId: String(r[ten]), ...(time === undefined ? {} : { time }) });
      }
    }
  }
  return rows;
}

/** A TimeGenerated cell (a Date from the SDK, or its text) as epoch ms; undefined when unreadable. */
function timeOf(cell: unknown): number | undefined {
  const t = cell instanceof Date ? cell.getTime() : typeof cell === "string" ? Date.parse(cell) : NaN;
  return Number.isFinite(t) ? t : undefined;
}
