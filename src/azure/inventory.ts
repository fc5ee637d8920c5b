/**
 * Builds an Inventory (DESIGN.md) from ARM: Resource Graph for the fleet, its extensions and the
 * policy state (a few requests per 1,000 machines), REST for what Resource Graph does not hold
 * (per subscription and per workspace), and one Heartbeat query across the workspaces for the
 * guest agents.
 */
import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";
import type { Inventory } from "../inventory/schema";
import { parseInventory } from "../inventory/load";
import type { AzureConnection } from "./connection";
import { ASSOCIATION_QUERY, FLEET_QUERY, POLICY_QUERY, ROLE_QUERY, queryGraph } from "./graph";
import { associationOf } from "./read/dcr";
import { applyDefenderRows, DEFENDER_QUERY } from "./read/defender";
import { applyHeartbeats, HEARTBEAT_QUERY, HEARTBEAT_WINDOW, type HeartbeatRow } from "./read/heartbeat";
import { fleetFromRows } from "./read/machines";
import { policyFromRows } from "./read/policy";
import { readSecurityEvents, readSubscription } from "./read/settings";
import { withRetries, type RetryOptions } from "./retry";

export interface ReadOptions {
  readonly retry?: RetryOptions;
  /** Told what is being read, for progress output. */
  readonly onProgress?: (message: string) => void;
  /** Requests in flight for the per-workspace reads. Default 8. */
  readonly concurrency?: number;
}

/** Log Analytics accepts at most this many workspaces in one cross-workspace query. */
const HEARTBEAT_WORKSPACES_PER_QUERY = 100;

export async function readInventory(conn: AzureConnection, subscriptions: readonly string[], options: ReadOptions = {}): Promise<Inventory> {
  const progress = options.onProgress ?? (() => undefined);
  const subs = [...new Set(subscriptions.map((s) => s.toLowerCase()))].sort();

  progress(`reading ${subs.length} subscription(s)`);
  const facts = await mapLimit(subs, options.concurrency ?? 8, (s) => readSubscription(conn, s, options.retry));
  const factsOf = new Map(subs.map((s, i) => [s, facts[i]!] as const));
  const present = subs.filter((s) => factsOf.get(s)!.exists);

  progress("querying Resource Graph for machines, extensions, clusters and workspaces");
  const fleet = fleetFromRows(present.length ? await queryGraph(conn, FLEET_QUERY, present, options.retry) : []);
  if (fleet.problems.length) {
    throw new Error(`Resource Graph returned rows this tool cannot read (nothing was changed):\n  ${fleet.problems.slice(0, 10).join("\n  ")}`);
  }
  progress("querying Resource Graph for policy and role assignments");
  const [policyRows, roleRows, associationRows, defenderRows] = present.length
    ? await Promise.all([
        queryGraph(conn, POLICY_QUERY, present, options.retry),
        queryGraph(conn, ROLE_QUERY, present, options.retry),
        queryGraph(conn, ASSOCIATION_QUERY, present, options.retry),
        queryGraph(conn, DEFENDER_QUERY, present, options.retry),
      ])
    : [[], [], [], []];
  const policy = policyFromRows(policyRows, roleRows);
  applyDefenderRows(fleet.machines, defenderRows);

  progress(`reading the security-event settings of ${fleet.workspaces.length} workspace(s)`);
  const events = await mapLimit(fleet.workspaces, options.concurrency ?? 8, (ws) => readSecurityEvents(conn, ws, options.retry));
  fleet.workspaces.forEach((ws, i) => {
    const e = events[i];
    if (e) ws.securityEvents = e;
  });

  progress(`querying Heartbeat in ${fleet.workspaces.length} workspace(s)`);
  applyHeartbeats(fleet.machines, await readHeartbeats(conn, fleet.workspaces.map((w) => w.customerId), options.retry));

  const inventory = {
    version: 1 as const,
    generatedAt: new Date().toISOString(),
    subscriptions: present.map((id) => ({ id, onboardedAt: factsOf.get(id)!.onboardedAt })),
    workspaces: fleet.workspaces,
    machines: fleet.machines,
    clusters: fleet.clusters,
    policyAssignments: policy.policyAssignments,
    roleAssignments: policy.roleAssignments,
    remediations: policy.remediations,
    dataCollectionRules: fleet.dataCollectionRules,
    dataCollectionRuleAssociations: associationRows.map(associationOf).filter((a): a is NonNullable<typeof a> => !!a),
    settings: Object.fromEntries(present.map((id) => [id, factsOf.get(id)!.settings])),
  };
  // The same validation as a hand-written inventory: a malformed answer stops here, before any plan.
  return parseInventory(inventory);
}

async function readHeartbeats(conn: AzureConnection, customerIds: readonly string[], retry?: RetryOptions): Promise<HeartbeatRow[]> {
  if (!customerIds.length) return [];
  const client = new LogsQueryClient(conn.credential, conn.logsOptions());
  const rows: HeartbeatRow[] = [];
  for (let i = 0; i < customerIds.length; i += HEARTBEAT_WORKSPACES_PER_QUERY) {
    const [first, ...rest] = customerIds.slice(i, i + HEARTBEAT_WORKSPACES_PER_QUERY);
    const result = await withRetries(() => client.queryWorkspace(first!, HEARTBEAT_QUERY, { duration: HEARTBEAT_WINDOW }, { additionalWorkspaces: rest }), retry);
    if (result.status !== LogsQueryResultStatus.Success) {
      // A partial answer would read as "no agent" on the machines it misses: refuse it.
      throw new Error(`Heartbeat query answered partially: ${result.partialError?.message ?? "unknown error"}`);
    }
    const tables = result.tables;
    for (const table of tables) {
      const col = (name: string) => table.columnDescriptors.findIndex((c) => c.name === name);
      const [id, cat, ver, ten] = [col("_ResourceId"), col("Category"), col("Version"), col("TenantId")];
      if (id < 0 || cat < 0 || ten < 0) throw new Error("Heartbeat query answered without _ResourceId, Category or TenantId columns");
      for (const r of table.rows) {
        rows.push({ resourceId: String(r[id]), category: String(r[cat]), version: ver >= 0 ? String(r[ver] ?? "") : "", workspaceCustomerId: String(r[ten]) });
      }
    }
  }
  return rows;
}

/** Runs `fn` over items with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
