/**
 * Which agent of a machine reports to which workspace, and when its last heartbeat was:
 *
 * - Log Analytics extension (MMA/OMS, Succeeded) → "Direct Agent" into settings.workspaceId;
 * - directly installed agent (guest `directAgent`) → "Direct Agent" into each of its workspaces;
 * - Operations Manager agent (guest `scom`) → "SCOM Agent" into its management group's workspaces;
 * - Azure Monitor Agent extension (Succeeded) → "Azure Monitor Agent" into each Log Analytics
 *   destination of the rules its associations name (and guest `ama`, extra destinations).
 *
 * Timing. MMA, direct and SCOM agents: a running machine's last heartbeat is 30 s old, a stopped
 * one's is when it stopped (as before DCRs existed). AMA heartbeats once a minute from a minute
 * after it learned of the destination: `since` = the latest of the extension's provisioning, the
 * association (its current rule) and the rule's destination; heartbeats at since + 60 s · k, k ≥ 1,
 * up to now (or the time the machine stopped). A destination reachable through several rules
 * counts from the earliest path.
 *
 * When a connection ends (extension deleted or re-pointed, association or destination gone) its
 * last heartbeat is kept in `heartbeat_history`: `trackConnections` diffs a machine's connections
 * around a change.
 */
import { OPERATIONS_MANAGER_AGENT_VERSIONS } from "../../spec/operationsManager";
import type { GuestState, ScomRelease } from "../store/guest";
import type { StoredResource } from "../store/resources";
import { compareVersions } from "../../spec/extensions";
import { getString, isObject } from "../util/json";
import { parseId } from "../util/armId";
import type { ModelContext, StoreContext } from "./context";
import { extensionsOf, guestOf, isAmaExtension, provisionedAtOf } from "./machines";

export { isAmaExtension };
import { DCR_ASSOCIATION_TYPE, DCR_TYPE, LOG_ANALYTICS_PUBLISHER, WORKSPACE_TYPE } from "./resourceTypes";
import { associationScope, associationsOfMachine, ruleIdOf } from "./associations";
import { docOf, type DataCollectionRuleDoc } from "./documents";
import { workspaceCustomerId } from "./workspaces";

export type HeartbeatCategory = "Direct Agent" | "SCOM Agent" | "Azure Monitor Agent";

export const AMA_CATEGORY: HeartbeatCategory = "Azure Monitor Agent";
/** Real agents heartbeat once a minute. */
export const HEARTBEAT_INTERVAL_MS = 60_000;
/** Age of a running MMA/direct/SCOM agent's latest heartbeat. */
const LEGACY_HEARTBEAT_AGE_MS = 30_000;

export interface Connection {
  /** Workspace customerId, lower case. */
  readonly workspace: string;
  readonly category: HeartbeatCategory;
  readonly version: string;
  readonly channel: string;
  readonly managementGroup: string;
  /** AMA: when the agent learned of the destination (epoch ms; -Infinity when unknown). */
  readonly since?: number;
}

export const connectionKey = (c: { workspace: string; category: string }): string => `${c.workspace.toLowerCase()}|${c.category}`;

/** Agent version a Log Analytics extension runs, from its typeHandlerVersion. */
function mmaAgentVersion(os: "Windows" | "Linux", handlerVersion: string): string {
  if (os === "Windows") return compareVersions(handlerVersion, "1.0") >= 0 ? "10.20.18067.0" : "10.19.13515.0";
  return compareVersions(handlerVersion, "1.13") >= 0 ? "1.14.23-0" : "1.12.15-0";
}


const toMs = (iso: unknown): number => (typeof iso === "string" && !Number.isNaN(Date.parse(iso)) ? Date.parse(iso) : -Infinity);

/**
 * The rules and associations of the whole store, read once per Heartbeat answer or change:
 * per machine, each workspace its associations' rules send to, and since when.
 */
export class AmaIndex {
  private constructor(
    private readonly byMachine: ReadonlyMap<string, readonly { readonly id: string; readonly ruleId: string; readonly since: number }[]>,
    private readonly rules: ReadonlyMap<string, readonly { readonly customerId: string; readonly since: number }[]>,
  ) {}

  /** Every rule and association of the store (a Heartbeat answer), or only those of some machines (a change). */
  static build(ctx: StoreContext, machineIds?: readonly string[]): AmaIndex {
    const associations = machineIds ? machineIds.flatMap((m) => associationsOfMachine(ctx, m)) : ctx.store.listTypes([DCR_ASSOCIATION_TYPE]);
    const byMachine = new Map<string, { id: string; ruleId: string; since: number }[]>();
    const ruleIds = new Set<string>();
    for (const a of associations) {
      const ruleId = ruleIdOf(a);
      if (!ruleId) continue;
      const machine = associationScope(a.id).toLowerCase();
      const list = byMachine.get(machine) ?? [];
      list.push({ id: a.id.toLowerCase(), ruleId: ruleId.toLowerCase(), since: toMs(a.secret?.["since"]) });
      byMachine.set(machine, list);
      ruleIds.add(ruleId.toLowerCase());
    }
    const ruleDocs = machineIds ? [...ruleIds].map((id) => ctx.store.get(id)).filter((r): r is StoredResource => r !== undefined) : ctx.store.listTypes([DCR_TYPE]);
    return new AmaIndex(byMachine, ruleDestinations(ctx, ruleDocs));
  }

  /** Workspace customerId → since, for a machine's associations (minus excluded association ids). */
  destinations(machineId: string, exclude?: ReadonlySet<string>): Map<string, number> {
    const out = new Map<string, number>();
    for (const a of this.byMachine.get(machineId.toLowerCase()) ?? []) {
      if (exclude?.has(a.id)) continue;
      for (const d of this.rules.get(a.ruleId) ?? []) {
        const since = Math.max(a.since, d.since);
        out.set(d.customerId, Math.min(out.get(d.customerId) ?? Infinity, since));
      }
    }
    return out;
  }
}

/** Per rule (lower-case id), the workspaces (customerIds) of its Log Analytics destinations that exist, and since when each is one. */
export function ruleDestinations(ctx: StoreContext, ruleDocs: readonly StoredResource[]): Map<string, { readonly customerId: string; readonly since: number }[]> {
  const customerIds = new Map<string, string | undefined>();
  const customerIdOf = (wsId: string): string | undefined => {
    const key = wsId.toLowerCase();
    if (!customerIds.has(key)) {
      const ws = ctx.store.get(key);
      customerIds.set(key, ws && ws.type.toLowerCase() === WORKSPACE_TYPE.toLowerCase() ? workspaceCustomerId(ws).toLowerCase() : undefined);
    }
    return customerIds.get(key);
  };
  const rules = new Map<string, { customerId: string; since: number }[]>();
  for (const rule of ruleDocs) {
    const since = isObject(rule.secret?.["destinationsSince"]) ? (rule.secret!["destinationsSince"] as Record<string, unknown>) : {};
    const dests: { customerId: string; since: number }[] = [];
    for (const d of logAnalyticsDestinations(rule)) {
      const cid = customerIdOf(d);
      if (cid) dests.push({ customerId: cid, since: toMs(since[d.toLowerCase()]) });
    }
    rules.set(rule.id.toLowerCase(), dests);
  }
  return rules;
}

/** workspaceResourceIds of a rule's Log Analytics destinations. */
export function logAnalyticsDestinations(rule: StoredResource): string[] {
  const list = docOf<DataCollectionRuleDoc>(rule).properties?.destinations?.logAnalytics;
  if (!Array.isArray(list)) return [];
  return list.map((d) => d.workspaceResourceId).filter((w): w is string => typeof w === "string");
}

/**
 * Is the agent an extension installed running? Provisioned, or being updated or removed after it
 * was (the agent keeps running until that operation completes); a failed one never ran.
 */
function agentRunning(ext: StoredResource, now: number): boolean {
  const state = getString(ext.doc, "properties", "provisioningState");
  if (state === "Succeeded") return true;
  const since = provisionedAtOf(ext);
  return (state === "Updating" || state === "Deleting") && Number.isFinite(since) && since <= now;
}

/** A machine's live connections; `exclude`: lower-case ids of extensions/associations being removed. */
export function connectionsOf(ctx: Pick<ModelContext, "store" | "clock">, machine: StoredResource, guest: GuestState, index: AmaIndex, exclude?: ReadonlySet<string>): Connection[] {
  const now = ctx.clock.now();
  const out = new Map<string, Connection>();
  const add = (c: Connection): void => {
    const key = connectionKey(c);
    if (!out.has(key)) out.set(key, c);
  };
  let ama: StoredResource | undefined;
  for (const ext of extensionsOf(ctx, machine)) {
    if (exclude?.has(ext.id.toLowerCase())) continue;
    if (!agentRunning(ext, now)) continue;
    const publisher = (getString(ext.doc, "properties", "publisher") ?? "").toLowerCase();
    if (publisher === LOG_ANALYTICS_PUBLISHER.toLowerCase()) {
      const ws = getString(ext.doc, "properties", "settings", "workspaceId");
      if (ws) {
        add({
          workspace: ws.toLowerCase(),
          category: "Direct Agent",
          version: mmaAgentVersion(guest.osType, getString(ext.doc, "properties", "typeHandlerVersion") ?? "1.0"),
          channel: "Direct",
          managementGroup: `AOI-${ws.toLowerCase()}`,
        });
      }
    }
    if (isAmaExtension(ext)) ama = ext;
  }
  for (const ws of guest.directAgent?.workspaceCustomerIds ?? []) {
    add({
      workspace: ws.toLowerCase(),
      category: "Direct Agent",
      version: guest.directAgent?.version ?? (guest.osType === "Windows" ? "10.20.18053.0" : "1.14.19-0"),
      channel: "Direct",
      managementGroup: `AOI-${ws.toLowerCase()}`,
    });
  }
  if (guest.scom) {
    for (const ws of guest.scom.workspaceCustomerIds) {
      add({ workspace: ws.toLowerCase(), category: "SCOM Agent", version: SCOM_AGENT_VERSIONS[guest.scom.release], channel: "SCManagementServer", managementGroup: guest.scom.managementGroup });
    }
  }
  if (ama) {
    const installed = provisionedAtOf(ama);
    const dests = index.destinations(machine.id, exclude);
    for (const ws of guest.ama?.workspaceCustomerIds ?? []) if (!dests.has(ws.toLowerCase())) dests.set(ws.toLowerCase(), -Infinity);
    const version = guest.osType === "Windows" ? "1.30.0.0" : "1.33.2";
    for (const [ws, since] of dests) add({ workspace: ws, category: AMA_CATEGORY, version, channel: "", managementGroup: "", since: Math.max(installed, since) });
  }
  return [...out.values()];
}

/** Operations Manager agent version by release, as the agent reports it (the one table, in src/spec). */
export const SCOM_AGENT_VERSIONS: Readonly<Record<ScomRelease, string>> = OPERATIONS_MANAGER_AGENT_VERSIONS;

/** The connection's latest heartbeat at `now` (epoch ms), or undefined before its first one. */
export function lastBeat(conn: Connection, guest: GuestState, now: number): number | undefined {
  const stoppedAt = Date.parse(guest.powerStateChangedAt);
  const since = conn.since ?? -Infinity;
  if (conn.category !== AMA_CATEGORY || !Number.isFinite(since)) {
    return guest.powerState === "running" ? now - LEGACY_HEARTBEAT_AGE_MS : stoppedAt;
  }
  const end = guest.powerState === "running" ? now : Math.min(now, stoppedAt);
  const first = since + HEARTBEAT_INTERVAL_MS;
  if (end < first) return undefined;
  return first + Math.floor((end - first) / HEARTBEAT_INTERVAL_MS) * HEARTBEAT_INTERVAL_MS;
}

type Snapshot = Map<string, Map<string, { readonly conn: Connection; readonly last: number | undefined }>>;

function snapshot(ctx: ModelContext, machineIds: readonly string[], exclude?: ReadonlySet<string>): Snapshot {
  const index = AmaIndex.build(ctx, machineIds);
  const now = ctx.clock.now();
  const out: Snapshot = new Map();
  for (const id of machineIds) {
    const machine = ctx.store.get(id);
    if (!machine) continue;
    const guest = guestOf(ctx, machine);
    out.set(machine.id.toLowerCase(), new Map(connectionsOf(ctx, machine, guest, index, exclude).map((c) => [connectionKey(c), { conn: c, last: lastBeat(c, guest, now) }])));
  }
  return out;
}

/** Keeps the last heartbeat of every connection that was reporting in `before` and is not any more in `after`. */
function recordEnded(ctx: Pick<ModelContext, "heartbeatHistory">, before: Snapshot, after: Snapshot): void {
  for (const [machine, conns] of before) {
    const now = after.get(machine);
    for (const [key, { conn, last }] of conns) {
      if (last === undefined) continue;
      const still = now?.get(key);
      if (still && still.last !== undefined) continue;
      ctx.heartbeatHistory.record(machine, { workspace: conn.workspace, category: conn.category, version: conn.version, channel: conn.channel, managementGroup: conn.managementGroup, last });
    }
  }
}

/** Call before a change to these machines' agents; the returned function, after it. */
export function trackConnections(ctx: ModelContext, machineIds: readonly string[]): () => void {
  const unique = [...new Set(machineIds.map((m) => m.toLowerCase()))];
  const before = snapshot(ctx, unique);
  return () => recordEnded(ctx, before, snapshot(ctx, unique));
}

/** For delete hooks (the resource is still stored): ends what these extensions or associations carried. */
export function endConnectionsOf(ctx: ModelContext, machineId: string, removedIds: readonly string[]): void {
  const exclude = new Set(removedIds.map((i) => i.toLowerCase()));
  recordEnded(ctx, snapshot(ctx, [machineId]), snapshot(ctx, [machineId], exclude));
}

/** `onDeleted` of an extension: what it carried ends (the machine itself may be going too). */
export function extensionDeleted(ctx: ModelContext, stored: StoredResource): void {
  const machine = parseId(stored.id).parentId;
  if (machine && ctx.store.get(stored.id)) endConnectionsOf(ctx, machine, [stored.id]);
}

/** `onDeleted` of an association: what its rule carried to the machine ends. */
export function associationDeleted(ctx: ModelContext, stored: StoredResource): void {
  if (ctx.store.get(stored.id)) endConnectionsOf(ctx, associationScope(stored.id), [stored.id]);
}

/** `onDeleted` of a machine: its guest state and kept heartbeats go with it. */
export function machineDeleted(ctx: Pick<ModelContext, "guest" | "heartbeatHistory">, stored: StoredResource): void {
  ctx.guest.delete(stored.id);
  ctx.heartbeatHistory.deleteMachine(stored.id);
}
