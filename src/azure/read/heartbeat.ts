/**
 * Guest agents from the Heartbeat table (reference §3): "Direct Agent" rows from a workspace the
 * machine's extension does not report to, still being sent, are a directly installed agent;
 * "SCOM Agent" rows carry the Operations Manager version; "Azure Monitor Agent" rows confirm AMA
 * reports.
 */
import type { InventoryAgent, InventoryMachine } from "../../inventory/schema";
import { LOG_ANALYTICS_AGENT, isSameExtension } from "../../spec/extensions";
import { operationsManagerRelease } from "../../spec/operationsManager";

/**
 * One row per machine, category, management group and workspace: the latest heartbeat of each
 * (by TenantId too, so an AMA reporting to several workspaces shows them all).
 */
export const HEARTBEAT_QUERY =
  "Heartbeat | summarize arg_max(TimeGenerated, *) by _ResourceId, Category, ManagementGroupName, TenantId " +
  "| project _ResourceId, Computer, Category, Version, OSType, SCAgentChannel, ManagementGroupName, TenantId, TimeGenerated";

/** A KQL string literal. */
const kqlString = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** HEARTBEAT_QUERY with a `where` on the table's own columns first (where Log Analytics, and the emulator, filter before summarizing). */
export function heartbeatWhere(predicate: string): string {
  const [head, ...rest] = HEARTBEAT_QUERY.split(" | ");
  return [head, `where ${predicate}`, ...rest].join(" | ");
}

/** The Heartbeat query narrowed to these machines (`_ResourceId` is the machine's id; `in~` ignores its case). */
export function heartbeatOfMachinesQuery(machineIds: readonly string[]): string {
  return heartbeatWhere(`_ResourceId in~ (${machineIds.map(kqlString).join(", ")})`);
}

/**
 * The Heartbeat query kept to the machines of these subscriptions: `_ResourceId` is the machine's
 * id, the column the rows are matched to machines by (`startswith` ignores case), so no row of a
 * machine in scope is left out. A hub workspace a whole tenant reports to holds every machine's
 * rows; unfiltered, a large one would near Log Analytics' 500,000-row answer limit (a partial
 * answer fails the read) for rows no machine of the scope has.
 */
export function heartbeatOfSubscriptionsQuery(subscriptions: readonly string[]): string {
  return heartbeatWhere(subscriptions.map((s) => `_ResourceId startswith ${kqlString(`/subscriptions/${s}/`)}`).join(" or "));
}

/**
 * How far back a heartbeat counts. Agents heartbeat once a minute; an agent silent for an hour
 * is not running (a removed extension's last rows linger in Log Analytics for its retention).
 */
export const HEARTBEAT_WINDOW = "PT1H";

/**
 * How recent a direct agent's last heartbeat must be, against the newest heartbeat of the answer
 * (the workspaces' clock, not this machine's), for its agent to count as running. Agents send one
 * a minute; a removed extension's rows stop, and within the hour-long window they would otherwise
 * read as a directly installed agent (issue 18: 142 machines for an hour after a removal).
 */
export const HEARTBEAT_FRESH_MS = 10 * 60_000;

/** Agents log a heartbeat once a minute (reference §3). */
export const HEARTBEAT_INTERVAL_MS = 60_000;

/**
 * How far apart the latest heartbeats of one running agent into its workspaces can be: a
 * multi-homed agent (Windows, reference §1.2) sends into each once an interval, not at the same
 * instant (two intervals hold both), and one workspace may show its latest later than another:
 * Azure Monitor's log ingestion typically takes 20 s to 3 min (Microsoft Learn, "Log data
 * ingestion time in Azure Monitor"; not in the reference), so 3 min more. Tighter, a real second
 * agent whose workspace ingests slowly would drop out of the seed's exclusions and back. A "Direct Agent" row further behind the machine's newest is a workspace the
 * agent no longer reports to: an extension re-pointed (reconnected) to another workspace stops
 * heartbeating into the old one, whose last row otherwise read as a directly installed agent for
 * HEARTBEAT_FRESH_MS (user trial 16: 111 machines of a pre-2019 subscription went into the
 * Dependency agent's notScopes after a reconnect and out again 10 minutes later).
 */
export const HEARTBEAT_SPREAD_MS = 2 * HEARTBEAT_INTERVAL_MS + 3 * 60_000;

export interface HeartbeatRow {
  readonly resourceId: string;
  readonly category: string;
  readonly version: string;
  /** The workspace (customerId) the heartbeat was sent to. */
  readonly workspaceCustomerId: string;
  /** When the connection's last heartbeat was sent (epoch ms); rows without it count as fresh. */
  readonly time?: number;
}

/** The newest heartbeat of an answer (epoch ms; -Infinity when none has a time). */
export function newestHeartbeat(rows: readonly HeartbeatRow[]): number {
  let newest = -Infinity;
  for (const row of rows) if (row.time !== undefined && row.time > newest) newest = row.time;
  return newest;
}

/**
 * The rows whose agents count as running against `newest` (default: the answer's own newest):
 * without a direct agent that stopped (a removed extension's last rows), nor a workspace the
 * machine's agent stopped reporting to while it reports to another (HEARTBEAT_SPREAD_MS). Each
 * machine is judged by its own rows, all of which a read brings together (a narrowed read too), so
 * the verdict does not depend on which other machines an answer holds. Operations Manager rows
 * keep the whole window: they block provisioning (2012), so a quiet hour errs on the safe side.
 */
export function freshHeartbeats(rows: readonly HeartbeatRow[], newest = newestHeartbeat(rows)): HeartbeatRow[] {
  const fresh = rows.filter((row) => !(isTimedDirect(row) && row.time < newest - HEARTBEAT_FRESH_MS));
  // Only a row over the spread behind the answer's newest can be behind its machine's newest by
  // that much: usually none (ended connections, stopped machines), and then no machine is looked up.
  const behind = new Set<string>();
  const cut = newest - HEARTBEAT_SPREAD_MS;
  for (const row of fresh) if (isTimedDirect(row) && row.time < cut) behind.add(row.resourceId.toLowerCase());
  if (behind.size === 0) return fresh;
  const latest = new Map<string, number>();
  for (const row of fresh) {
    if (!isTimedDirect(row)) continue;
    const id = row.resourceId.toLowerCase();
    if (behind.has(id) && row.time > (latest.get(id) ?? -Infinity)) latest.set(id, row.time);
  }
  return fresh.filter((row) => !isTimedDirect(row) || row.time >= cut || row.time >= latest.get(row.resourceId.toLowerCase())! - HEARTBEAT_SPREAD_MS);
}

function isTimedDirect(row: HeartbeatRow): row is HeartbeatRow & { time: number } {
  return row.category === "Direct Agent" && row.time !== undefined;
}

/** Adds the guest agents the heartbeats reveal to the machines (mutates them; pure otherwise). */
export function applyHeartbeats(machines: readonly InventoryMachine[], rows: readonly HeartbeatRow[]): void {
  addAgents(machines, freshHeartbeats(rows));
}

/** Adds the agents of rows already judged fresh (freshHeartbeats) to the machines (mutates them). */
export function addAgents(machines: readonly InventoryMachine[], freshRows: readonly HeartbeatRow[]): void {
  const byId = new Map(machines.map((m) => [m.id.toLowerCase(), m] as const));
  for (const row of freshRows) {
    const m = byId.get(row.resourceId.toLowerCase());
    if (!m) continue;
    const agents = (m.agents ??= []);
    switch (row.category) {
      case "Direct Agent": {
        const ext = m.extensions?.find((e) => isSameExtension(LOG_ANALYTICS_AGENT[m.osType], e));
        if (ext?.workspaceCustomerId?.toLowerCase() === row.workspaceCustomerId.toLowerCase()) break; // the extension itself
        const direct = agents.find((a) => a.kind === "direct") ?? pushAgent(agents, { kind: "direct", workspaceCustomerIds: [] });
        const ids = (direct.workspaceCustomerIds ??= []);
        if (!ids.some((i) => i.toLowerCase() === row.workspaceCustomerId.toLowerCase())) ids.push(row.workspaceCustomerId);
        break;
      }
      case "SCOM Agent": {
        // Its workspace too: an Operations Manager agent reporting to a workspace keeps it in use.
        const scom = agents.find((a) => a.kind === "scom") ?? pushAgent(agents, { kind: "scom", version: operationsManagerRelease(row.version), workspaceCustomerIds: [] });
        const ids = (scom.workspaceCustomerIds ??= []);
        if (!ids.some((i) => i.toLowerCase() === row.workspaceCustomerId.toLowerCase())) ids.push(row.workspaceCustomerId);
        break;
      }
      case "Azure Monitor Agent": {
        const ama = agents.find((a) => a.kind === "ama") ?? pushAgent(agents, { kind: "ama", workspaceCustomerIds: [] });
        const ids = (ama.workspaceCustomerIds ??= []);
        if (!ids.includes(row.workspaceCustomerId)) ids.push(row.workspaceCustomerId);
        break;
      }
    }
  }
  for (const m of machines) m.agents?.forEach((a) => a.workspaceCustomerIds?.sort());
}

function pushAgent(agents: InventoryAgent[], agent: InventoryAgent): InventoryAgent {
  agents.push(agent);
  return agent;
}
