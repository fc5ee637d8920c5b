/**
 * A watch whose cost follows the changes (issue 15 item 5). The first round reads the whole fleet
 * from Resource Graph and keeps its rows; each later round asks Resource Graph's `resourcechanges`
 * table for what changed since the last one (creates, updates, deletes, on the service's clock),
 * reads only those resources back and patches the kept rows, then plans from them as from a full
 * read. Every `fullEvery` rounds (and after any round that failed) it reads everything again, so
 * whatever a change feed can miss (Resource Graph writes show up with a lag) is caught up.
 *
 * The machines' own Defender rows (`securityresources`: resource-level pricings, vulnerability
 * assessments; about a page per 1,000 machines) are not in `resourcechanges` either: a change round
 * reads those of the machines that changed (the machine or one of its extensions) and of the
 * machines the last rounds wrote to, by id. A pricing or assessment that changes on a machine that
 * did not itself change is seen at the next full read.
 *
 * The machines' rule associations (`insightsresources`, one per AMA machine: about a page per
 * 1,000 machines after a converge) are not in `resourcechanges` either, and their names are not
 * known in advance (Azure Policy names the ones it deploys): a change round reads those of the
 * same machines by the prefix every association id of a machine has (`id startswith
 * '<machine>/providers/microsoft.insights/datacollectionruleassociations/'`). An association
 * someone else adds to or removes from a machine that did not itself change is seen at the next
 * full read.
 *
 * The Heartbeat (Log Analytics, not Resource Graph: the guest agents' rows, ~1.5 per machine) is
 * read whole at a full read, and in a change round only for the same machines (`_ResourceId in~
 * (...)`, 200 machines a query): a new VM's agent, an extension installed or removed, an
 * association or a write of the tool's are all changes of the machine. What only the guest shows
 * (an agent installed or removed by hand, Operations Manager, a machine that stopped reporting)
 * is seen at the next full read. Outside the inventory's workspaces (the Heartbeat is read from
 * every workspace the caller can see: read/heartbeatWorkspaces.ts), the workspaces are listed at
 * a full read and kept between, and a change round asks only those that held the fleet's rows at
 * the last whole read. A direct agent's freshness (read/heartbeat.ts) is judged at the
 * read that brought its rows, against the newest heartbeat the reads have seen, so rows kept from
 * an earlier read do not go stale while the agent may still be running.
 *
 * A machine started, stopped or deallocated (an Arc machine connected or disconnected) is not in
 * `resourcechanges` either: those are actions, not writes of the resource, and its power state is
 * the instance view Resource Graph adds. Each round asks for the machines not running (VMs) or not
 * connected (Arc), ids only (a page per 1,000 of them), and reads back those that entered or left
 * that set since the last round.
 *
 * What is not in the `resources` table and is not per machine (policy and role assignments), the
 * subscriptions' settings and the workspaces' event tiers are read every round as before: a few
 * requests whatever the fleet's size. So is a central workspace outside the scope's subscriptions
 * (a hub's), with its solutions and the rules of its resource group (readInventory's one query for
 * them): `resourcechanges` is asked about the scope's subscriptions only, so a rule someone changes
 * in the hub is seen by the next round's read of it, not by the change feed.
 *
 * The scope is resolved again each round (a subscription moved into or out of a management group
 * the spec names; user trial 18b). A subscription that left has every row and item kept of it
 * dropped in that round (its fleet rows, machines, Defender rows, rule associations, heartbeats,
 * power states): kept, they named a subscription the inventory no longer lists, and the round failed.
 * One that joined is read whole in that round (its fleet rows, Defender rows and rule
 * associations by subscription, its machines' heartbeats), as a full read would: the change feed
 * shows only what changed in it since the cursor, not what it holds.
 */
import type { Inventory, InventoryDataCollectionRuleAssociation, InventoryMachine } from "../inventory/schema";
import type { AzureConnection } from "./connection";
import { ASSOCIATION_QUERY, FLEET_QUERY, FLEET_TYPES, GraphQuota, PAGE_SIZE, queryGraph, type GraphRow } from "./graph";
import { readInventoryFor, type ReadOptions } from "./inventory";
import { heartbeatRead, heartbeatWorkspaces, readHeartbeatsIn, readScopeHeartbeats, splitWorkspaces, type HeartbeatWorkspaces } from "./read/heartbeatWorkspaces";
import { FleetTable, KeptItems } from "./keptFleet";
import { addAgents, freshHeartbeats, heartbeatOfMachinesQuery, newestHeartbeat, type HeartbeatRow } from "./read/heartbeat";
import { applyDefenderRows, DEFENDER_QUERY, machineSecurityIds } from "./read/defender";
import type { FleetRows } from "./read/machines";
import { tagsNamedBy } from "./scope";
import { subscriptionOf } from "../inventory/ids";
import { associationPrefix, machineOfAssociation } from "./read/dcr";
import { RowsByMachine } from "./read/rowsByMachine";
import type { Spec } from "../spec/schema";
import type { RetryOptions } from "./retry";

/** Ids per `where id in~ (...)` query, and prefixes per `id startswith` query: short enough for any query length limit. */
const IDS_PER_QUERY = 200;

/**
 * Above this many machines to read again, a change round reads the whole Heartbeat (a query per 10
 * workspaces) instead of 200 machines a query: Log Analytics allows 200 queries per 30 s per user
 * (reference defender-today.md §6), and 8,859 changed machines were 180 queries in one round.
 */
export const HEARTBEAT_MACHINES_NARROWED = 1_000;

/** A full read every this many rounds by default. */
export const DEFAULT_FULL_READ_EVERY = 30;

const FLEET_TYPE_SET = new Set<string>(FLEET_TYPES);

export interface RoundRead {
  readonly inventory: Inventory;
  readonly mode: "full" | "changes";
  /** Changed resources of the fleet's types read back (changes mode). */
  readonly changed: number;
  /** Machines built by this read (every one at a full read); the others are the last round's, as they were. */
  readonly built: number;
  /** Subscriptions the last read had that this one's scope does not (their kept rows dropped), and those it has anew (read whole); lower-case, sorted. */
  readonly scope: { readonly left: readonly string[]; readonly joined: readonly string[] };
}

/**
 * How far before the cursor (the newest change read) each changes round reads again. Azure says a
 * change's timestamp "provides an approximation as to when a modification to a resource was
 * detected. There can be a difference between the actual modification time and the detection
 * time" (ResourceChangeDataAfterSnapshot.timestamp), and Resource Graph indexes change rows some
 * time after the write: a row can appear after a newer one was read, its timestamp below the
 * cursor. The rows of this window are read every round (skipped by id once read); a row that
 * appears later still is seen at the next full read.
 */
export const CHANGE_OVERLAP_MS = 10 * 60_000;

/** Where a changes round's query starts: the overlap window before the cursor. */
export function changesFrom(cursor: string | undefined): string | undefined {
  return cursor ? new Date(Date.parse(cursor) - CHANGE_OVERLAP_MS).toISOString() : undefined;
}

const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** Resource Graph's change rows since `cursor` (an ISO time on the service's clock; inclusive, so nothing at that instant is missed). */
export function changesQuery(cursor: string | undefined): string {
  return [
    "resourcechanges",
    // Filtered first: the table holds 14 days of changes, a round wants the last few.
    ...(cursor ? [`| where todatetime(properties.changeAttributes.timestamp) >= todatetime(${quote(cursor)})`] : []),
    "| extend changeTime = todatetime(properties.changeAttributes.timestamp), targetResourceId = tostring(properties.targetResourceId), changeType = tostring(properties.changeType), targetResourceType = tostring(properties.targetResourceType)",
    "| project id, type, changeTime, targetResourceId, targetResourceType, changeType",
    "| order by id asc",
  ].join("\n");
}

/**
 * Where the next round's changes start, on the service's clock: the newest change of the last
 * hour, or (none in that hour) a time two hours back, before anything the next round must read.
 * Only the last hour is asked for: the table holds 14 days of changes (after a 100k-machine
 * converge, 128k of them, whose maximum took the emulator longer than its query budget).
 */
export const LATEST_CHANGE_QUERY = [
  "resourcechanges",
  "| where todatetime(properties.changeAttributes.timestamp) >= ago(1h)",
  "| extend changeTime = todatetime(properties.changeAttributes.timestamp)",
  "| summarize latest = max(changeTime)",
  // Every row this tool reads has an id and a type.
  "| project id = 'latest-change', type = 'cursor', latest, before = ago(2h)",
].join("\n");

/**
 * How many change rows Resource Graph holds in [from, to) (ISO times on its clock), one row per
 * subscription that has any (one row per query would be kept once across subscription batches:
 * rows are deduplicated by id). See WINDOW_COUNTED_ABOVE.
 */
export function windowCountQuery(from: string, to: string): string {
  return [
    "resourcechanges",
    `| where todatetime(properties.changeAttributes.timestamp) >= todatetime(${quote(from)}) and todatetime(properties.changeAttributes.timestamp) < todatetime(${quote(to)})`,
    "| summarize n = count() by subscriptionId",
    "| project id = subscriptionId, type = 'change-count', n",
  ].join("\n");
}

/**
 * From this many change rows already read in the overlap window (a page of them), a changes round
 * first asks how many rows the window holds (one request) and reads the window again only when
 * Resource Graph holds more than were read, a late-indexed row among them; otherwise only the rows
 * from the cursor on. After a 100k-machine converge the window held ~17 pages, read again by every
 * round for 10 minutes.
 */
export const WINDOW_COUNTED_ABOVE = PAGE_SIZE;

/** The cursor a LATEST_CHANGE_QUERY answer gives (undefined: no answer). */
export function cursorOf(rows: readonly GraphRow[]): string | undefined {
  const row = rows[0] as { latest?: string | null; before?: string } | undefined;
  return row?.latest || row?.before || undefined;
}

/**
 * The machines a deployment cannot reach for want of power: VMs not running, Arc machines not
 * connected. A start or a stop changes no resource (resourcechanges does not show it); a round
 * compares this set with the last round's instead.
 */
export const NOT_RUNNING_QUERY = [
  "resources",
  "| where type in~ ('microsoft.compute/virtualmachines', 'microsoft.hybridcompute/machines')",
  "| where (type =~ 'microsoft.compute/virtualmachines' and tostring(properties.extended.instanceView.powerState.code) !~ 'PowerState/running') or (type =~ 'microsoft.hybridcompute/machines' and tostring(properties.status) !~ 'Connected')",
  "| project id, type",
  "| order by id asc",
].join("\n");

/** A query (its table on the first line) narrowed to these ids. */
function byIds(query: string, ids: readonly string[]): string {
  const [head, ...rest] = query.split("\n");
  return [head, `| where id in~ (${ids.map(quote).join(", ")})`, ...rest].join("\n");
}

export function resourcesByIdQuery(ids: readonly string[]): string {
  return byIds(FLEET_QUERY, ids);
}

export function defenderByIdQuery(ids: readonly string[]): string {
  return byIds(DEFENDER_QUERY, ids);
}

/** The rule associations of these machines: each machine's association ids share a prefix (Resource Graph's startswith is case-insensitive). */
export function associationsOfMachinesQuery(machineIds: readonly string[]): string {
  const [head, ...rest] = ASSOCIATION_QUERY.split("\n");
  return [head, `| where ${machineIds.map((m) => `id startswith ${quote(associationPrefix(m))}`).join(" or ")}`, ...rest].join("\n");
}

/** Types whose resources are machines: their ids are where the machines' securityresources rows hang. */
const MACHINE_TYPES = ["microsoft.compute/virtualmachines", "microsoft.compute/virtualmachinescalesets", "microsoft.hybridcompute/machines"];

/** The machine a resource id is or is under (an extension), lower-case; undefined for anything else. */
export function machineOf(id: string, type: string): string | undefined {
  const t = type.toLowerCase();
  const l = id.toLowerCase();
  if (MACHINE_TYPES.includes(t)) return l;
  const ext = l.lastIndexOf("/extensions/");
  return ext > 0 && MACHINE_TYPES.includes(t.replace(/\/extensions$/, "")) ? l.slice(0, ext) : undefined;
}

interface ChangeRow extends GraphRow {
  readonly changeTime?: string;
  readonly targetResourceId?: string;
  readonly targetResourceType?: string;
  readonly changeType?: string;
}

export class IncrementalInventory {
  /** The fleet table's rows. */
  private table = new FleetTable(machineOf);
  /** The inventory items earlier rounds built, handed out again for the machines that did not change. */
  private readonly kept = new KeptItems();
  /** The machines' securityresources rows, by lower-case id. */
  private securityRows = new Map<string, GraphRow>();
  /** The machines' rule associations (insightsresources), by machine. */
  private associations = new RowsByMachine(machineOfAssociation);
  /** Heartbeat rows judged fresh at the read that brought them, by lower-case machine id. */
  private heartbeats = new Map<string, readonly HeartbeatRow[]>();
  /** The workspaces (customerIds, lower-case) whose heartbeats the last round's agents came from. */
  private heartbeatWorkspaces = "";
  /** Every workspace the caller could see at the last full read (lower-case customerIds), and whether Resource Graph listed them all. */
  private visible: { readonly all: ReadonlySet<string>; readonly complete: boolean } | undefined;
  /** Workspaces outside the inventory's that held rows at the last whole read: a narrowed read asks those, not every one the caller can see. */
  private outsideWithRows = new Set<string>();
  /** Outside workspaces the last whole read could not query (lower-case customerIds). */
  private unread: readonly string[] = [];
  /** The newest heartbeat the reads have seen: the workspaces' clock a narrowed answer is judged by. */
  private newestHeartbeat = -Infinity;
  /** Machines whose securityresources rows, rule associations and heartbeats the next change round reads again (lower-case). */
  private machinesToReread = new Set<string>();
  private cursor: string | undefined;
  /** The machines NOT_RUNNING_QUERY answered last (lower-case ids, type). */
  private notRunning = new Map<string, string>();
  /** Change rows read (id → change time, epoch ms) since the overlap window's start: the next round's query returns them again. */
  private readChanges = new Map<string, number>();
  private roundsSinceFull = Infinity;
  /** The subscriptions the last read's fleet came from (lower-case); undefined before the first. */
  private subscriptions: ReadonlySet<string> | undefined;
  /** This round's machines in subscriptions that joined the scope: read whole, built anew. */
  private joinedMachines = new Set<string>();
  readonly quota = new GraphQuota();

  constructor(
    private readonly conn: AzureConnection,
    private readonly spec: Spec,
    private readonly options: {
      readonly fullEvery?: number;
      readonly retry?: RetryOptions;
      readonly onProgress?: ReadOptions["onProgress"];
      /** Default HEARTBEAT_MACHINES_NARROWED. */
      readonly heartbeatMachinesNarrowed?: number;
      /** Default WINDOW_COUNTED_ABOVE. */
      readonly windowCountedAbove?: number;
    } = {},
  ) {}

  /** Machines this tool just wrote to: the next change round reads their securityresources rows, rule associations and heartbeats again (a pricing or an association it set changes no machine). */
  noteWritten(machineIds: Iterable<string>): void {
    for (const id of machineIds) this.machinesToReread.add(id.toLowerCase());
  }

  /** After a failed round: the next one reads everything. */
  invalidate(): void {
    this.roundsSinceFull = Infinity;
  }

  async read(signal?: AbortSignal): Promise<RoundRead> {
    const retry = { ...this.options.retry, signal };
    const full = this.roundsSinceFull >= (this.options.fullEvery ?? DEFAULT_FULL_READ_EVERY);
    const keepTags = new Set(tagsNamedBy(this.spec).map((t) => t.toLowerCase()));
    let changed = 0;
    let left: string[] = [];
    let joined: string[] = [];
    let fleetRead = false;
    this.joinedMachines = new Set();
    this.kept.begin();
    /** Reads these (lower-case) ids back: created or updated (`found`), or not found (`gone`: deleted). */
    const readBack = async (ids: readonly string[], byId: (ids: readonly string[]) => string, present: readonly string[], quota: GraphQuota, found: (row: GraphRow) => void, gone: (id: string) => void) => {
      const seen = new Set<string>();
      for (const row of await inBatches(ids, (batch) => queryGraph(this.conn, byId(batch), present, retry, quota))) {
        seen.add(row.id.toLowerCase());
        found(row);
      }
      for (const id of ids) if (!seen.has(id)) gone(id);
    };
    /** The machines whose items this round builds again: every one at a full read. */
    let rebuild: ReadonlySet<string> | "all" = "all";
    const fleet = async (present: readonly string[], quota: GraphQuota): Promise<FleetRows> => {
      fleetRead = true;
      const before = this.subscriptions;
      const now = (this.subscriptions = new Set(present));
      left = before ? [...before].filter((s) => !now.has(s)).sort() : [];
      joined = before ? present.filter((s) => !before.has(s)) : [];
      if (full) {
        // The cursor first: a change during the full read is read again next round, never lost.
        const latest = await queryGraph(this.conn, LATEST_CHANGE_QUERY, present, retry, quota);
        // The overlap window's rows, before the fleet: this read covers them, the next changes round does not read them back.
        const covered = (await queryGraph(this.conn, changesQuery(changesFrom(newest([cursorOf(latest)], this.cursor))), present, retry, quota)) as ChangeRow[];
        this.notRunning = idsOf(await queryGraph(this.conn, NOT_RUNNING_QUERY, present, retry, quota));
        const rows = await queryGraph(this.conn, FLEET_QUERY, present, retry, quota);
        this.table = new FleetTable(machineOf);
        for (const row of rows) this.table.set(row);
        this.cursor = newest([cursorOf(latest)], this.cursor);
        this.readNew(covered);
        return this.kept.fleet(this.table, "all", keepTags);
      }
      if (left.length) this.leave(new Set(left));
      const joinedSet = new Set(joined);
      // A joined subscription's rows are read whole below: its changes and power states are in them.
      const elsewhere = (id: string) => !joinedSet.has(subscriptionOf(id));
      const [all, notRunning] = await Promise.all([
        this.changeRows(present, retry, quota),
        queryGraph(this.conn, NOT_RUNNING_QUERY, present, retry, quota).then(idsOf),
      ]);
      const changes = this.readNew(all);
      const targets = new Set<string>();
      for (const c of changes) {
        const id = c.targetResourceId?.toLowerCase();
        if (!id || !FLEET_TYPE_SET.has((c.targetResourceType ?? "").toLowerCase()) || !elsewhere(id)) continue;
        targets.add(id);
        const machine = machineOf(id, c.targetResourceType ?? "");
        if (machine) this.machinesToReread.add(machine);
      }
      // Started or stopped since the last round: read back as a change would be.
      for (const [id, type] of [...flipped(this.notRunning, notRunning), ...flipped(notRunning, this.notRunning)].filter(([id]) => elsewhere(id))) {
        targets.add(id);
        this.machinesToReread.add(machineOf(id, type) ?? id);
      }
      this.notRunning = notRunning;
      const ids = [...targets];
      await readBack(ids, resourcesByIdQuery, present, quota, (row) => this.table.set(row), (id) => this.table.delete(id));
      changed = ids.length;
      if (joined.length) {
        for (const row of await queryGraph(this.conn, FLEET_QUERY, joined, retry, quota)) {
          this.table.set(row);
          const machine = machineOf(row.id, row.type);
          if (machine) this.joinedMachines.add(machine);
        }
      }
      // Above the narrowing's limit every machine's heartbeats are read again: every machine is built again.
      rebuild = new Set(this.rereadsWhole() ? [...this.table.machines(), ...this.machinesToReread] : [...this.machinesToReread, ...this.joinedMachines]);
      return this.kept.fleet(this.table, rebuild, keepTags);
    };
    const associations = async (present: readonly string[], quota: GraphQuota): Promise<InventoryDataCollectionRuleAssociation[]> => {
      if (full) {
        this.associations = new RowsByMachine(machineOfAssociation, await queryGraph(this.conn, ASSOCIATION_QUERY, present, retry, quota));
      } else {
        if (this.machinesToReread.size) {
          const machines = [...this.machinesToReread];
          this.associations.replace(machines, await inBatches(machines, (batch) => queryGraph(this.conn, associationsOfMachinesQuery(batch), present, retry, quota)));
        }
        if (joined.length) this.associations.replace(this.joinedMachines, await queryGraph(this.conn, ASSOCIATION_QUERY, joined, retry, quota));
      }
      return this.kept.associations(this.associations.rows());
    };
    const machines = async (fleetMachines: InventoryMachine[], present: readonly string[], quota: GraphQuota, workspaces: HeartbeatWorkspaces) => {
      const reread = [...this.machinesToReread];
      // Defender's rows: all at a full read, those of the machines read again otherwise.
      if (full) {
        this.securityRows = new Map((await queryGraph(this.conn, DEFENDER_QUERY, present, retry, quota)).map((r) => [r.id.toLowerCase(), r] as const));
      } else {
        const ids = reread.flatMap(machineSecurityIds).map((id) => id.toLowerCase());
        await readBack(ids, defenderByIdQuery, present, quota, (row) => this.securityRows.set(row.id.toLowerCase(), row), (id) => this.securityRows.delete(id));
        if (joined.length) for (const row of await queryGraph(this.conn, DEFENDER_QUERY, joined, retry, quota)) this.securityRows.set(row.id.toLowerCase(), row);
      }
      // The Heartbeat: all of it at a full read (or above the narrowing's limit), those machines' otherwise.
      const whole = full || this.rereadsWhole();
      const outside = new Set(workspaces.outside);
      if (whole) {
        // The scope's machines' rows only: outsideWithRows holds the outside workspaces the fleet reports to, not every hub with rows of other machines.
        const { rows, unread } = await readScopeHeartbeats(this.conn, workspaces, present, retry);
        this.newestHeartbeat = newestHeartbeat(rows);
        this.heartbeats = byMachine(freshHeartbeats(rows, this.newestHeartbeat));
        this.outsideWithRows = new Set(rows.map((r) => r.workspaceCustomerId.toLowerCase()).filter((c) => outside.has(c)));
        this.unread = unread;
      } else {
        const narrowed = [...reread, ...this.joinedMachines];
        // Outside the inventory's workspaces, those that held the fleet's rows: every workspace the caller can see, 200 machines a query, would multiply the queries.
        // A joined subscription's machines were not in the fleet then: every outside workspace is asked for them (with the others of the round), and those that hold their rows are kept.
        const asked = this.joinedMachines.size ? workspaces : { inScope: workspaces.inScope, outside: workspaces.outside.filter((c) => this.outsideWithRows.has(c)) };
        const answers = await inBatches(narrowed, async (batch) => [await readHeartbeatsIn(this.conn, asked, heartbeatOfMachinesQuery(batch), retry)]);
        const rows = answers.flatMap((a) => a.rows);
        for (const r of rows) if (outside.has(r.workspaceCustomerId.toLowerCase())) this.outsideWithRows.add(r.workspaceCustomerId.toLowerCase());
        this.newestHeartbeat = Math.max(this.newestHeartbeat, newestHeartbeat(rows));
        for (const m of narrowed) this.heartbeats.delete(m);
        for (const [m, list] of byMachine(freshHeartbeats(rows, this.newestHeartbeat))) this.heartbeats.set(m, list);
        this.unread = [...new Set([...this.unread, ...answers.flatMap((a) => a.unread)])].sort();
      }
      // Only the workspaces still there count: when they are not the last round's, every machine's agents are added again.
      const current = new Set([...workspaces.inScope, ...workspaces.outside]);
      const listed = [...current].sort().join(",");
      const agentsAgain = whole || listed !== this.heartbeatWorkspaces;
      this.heartbeatWorkspaces = listed;
      const built = rebuild === "all" ? undefined : rebuild;
      const out = fleetMachines.map((m) => {
        const id = m.id.toLowerCase();
        if (!built || built.has(id)) return this.kept.markBuilt(m);
        return agentsAgain ? this.kept.markBuilt({ ...m, agents: [] }) : m;
      });
      const fresh = built ? out.filter((m) => built.has(m.id.toLowerCase())) : out;
      const security = fresh.flatMap((m) => machineSecurityIds(m.id).map((id) => this.securityRows.get(id.toLowerCase())).filter((r): r is GraphRow => !!r));
      applyDefenderRows(fresh, security);
      const withAgents = agentsAgain ? out : fresh;
      addAgents(
        withAgents,
        withAgents.flatMap((m) => (this.heartbeats.get(m.id.toLowerCase()) ?? []).filter((r) => current.has(r.workspaceCustomerId.toLowerCase()))),
      );
      this.kept.keep(out);
      return { machines: out, heartbeat: heartbeatRead(workspaces, this.unread.filter((c) => outside.has(c))) };
    };
    // The workspaces the caller can see: listed at a full read, kept between (a workspace created since is read from the next full read on).
    const visibleWorkspaces = async (inventoryCustomerIds: readonly string[], quota: GraphQuota): Promise<HeartbeatWorkspaces> => {
      if (full || !this.visible) {
        const listed = await heartbeatWorkspaces(this.conn, inventoryCustomerIds, retry, quota, this.options.onProgress);
        this.visible = { all: new Set([...listed.inScope, ...listed.outside]), complete: listed.complete };
        return listed;
      }
      return splitWorkspaces(inventoryCustomerIds, this.visible.all, this.visible.complete);
    };
    try {
      // The spec's scope each round: subscriptions under its management groups may come and go.
      const assembly = { fleet, associations, machines, heartbeatWorkspaces: visibleWorkspaces, built: (item: object) => this.kept.isBuilt(item) };
      const inventory = await readInventoryFor(this.conn, this.spec, { retry, onProgress: this.options.onProgress, assembly, quota: this.quota });
      this.machinesToReread.clear();
      this.roundsSinceFull = full ? 1 : this.roundsSinceFull + 1;
      if (!fleetRead) {
        // No subscription in scope (none read): whatever is kept is of subscriptions gone; the next round with some reads them in full.
        left = [...(this.subscriptions ?? [])].sort();
        this.subscriptions = new Set();
        this.invalidate();
      }
      return { inventory, mode: full ? "full" : "changes", changed, built: this.kept.builtMachines, scope: { left, joined } };
    } catch (err) {
      this.invalidate();
      throw err;
    }
  }

  /**
   * The change rows of a changes round: from the overlap window's start before the cursor, or only
   * from the cursor on when the window holds no row that was not read (WINDOW_COUNTED_ABOVE).
   */
  private async changeRows(present: readonly string[], retry: RetryOptions, quota: GraphQuota): Promise<ChangeRow[]> {
    const from = changesFrom(this.cursor);
    const cursor = this.cursor;
    if (from && cursor) {
      const read = this.readInWindow(Date.parse(from), Date.parse(cursor), new Set(present.map((s) => s.toLowerCase())));
      if (read >= (this.options.windowCountedAbove ?? WINDOW_COUNTED_ABOVE)) {
        const rows = await queryGraph(this.conn, windowCountQuery(from, cursor), present, retry, quota);
        const held = rows.reduce((sum, r) => sum + Number((r as { n?: unknown }).n ?? 0), 0);
        if (held <= read) return (await queryGraph(this.conn, changesQuery(cursor), present, retry, quota)) as ChangeRow[];
      }
    }
    return (await queryGraph(this.conn, changesQuery(from), present, retry, quota)) as ChangeRow[];
  }

  /**
   * Change rows read of these subscriptions strictly inside (from, to), epoch ms: Resource Graph's
   * times are finer than a millisecond, so a row at either edge's millisecond is not counted (a
   * count too low only reads the window again; one too high could hide a late row).
   */
  private readInWindow(from: number, to: number, subscriptions: ReadonlySet<string>): number {
    let n = 0;
    for (const [id, at] of this.readChanges) if (at > from && at < to && subscriptions.has(subscriptionOf(id))) n++;
    return n;
  }

  /** The change rows not read before, noted as read, the cursor moved past them; rows before the next round's window are forgotten (not returned again). */
  private readNew(rows: readonly ChangeRow[]): ChangeRow[] {
    const fresh = rows.filter((c) => !this.readChanges.has(c.id));
    for (const c of fresh) {
      this.cursor = newest([c.changeTime], this.cursor);
      this.readChanges.set(c.id, Date.parse(c.changeTime ?? ""));
    }
    const windowStart = Date.parse(changesFrom(this.cursor) ?? "");
    for (const [id, at] of this.readChanges) if (!(at >= windowStart)) this.readChanges.delete(id);
    return fresh;
  }

  /** Above this many machines to read again (or of a joined subscription), the whole Heartbeat is read (and every machine built again). */
  private rereadsWhole(): boolean {
    return this.machinesToReread.size + this.joinedMachines.size > (this.options.heartbeatMachinesNarrowed ?? HEARTBEAT_MACHINES_NARROWED);
  }

  /** Drops everything kept of these subscriptions (lower-case), which left the scope: every table below holds rows of them. */
  private leave(subscriptions: ReadonlySet<string>): void {
    const inThem = (id: string) => subscriptions.has(subscriptionOf(id));
    const machines = this.table.dropSubscriptions(subscriptions);
    this.kept.drop(machines);
    this.associations.replace([...this.associations.machines()].filter(inThem), []);
    for (const map of [this.securityRows, this.heartbeats, this.notRunning]) for (const id of map.keys()) if (inThem(id)) map.delete(id);
    for (const id of this.machinesToReread) if (inThem(id)) this.machinesToReread.delete(id);
  }
}

/** Reads `items` IDS_PER_QUERY a query, one query after another (the quotas count each), and joins the answers. */
async function inBatches<T, R>(items: readonly T[], read: (batch: readonly T[]) => Promise<readonly R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += IDS_PER_QUERY) for (const r of await read(items.slice(i, i + IDS_PER_QUERY))) out.push(r);
  return out;
}

/** Lower-case id -> type of each row. */
function idsOf(rows: readonly GraphRow[]): Map<string, string> {
  return new Map(rows.map((r) => [r.id.toLowerCase(), r.type] as const));
}

/** The entries of `a` not in `b`. */
function flipped(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): [string, string][] {
  return [...a].filter(([id]) => !b.has(id));
}

function byMachine(rows: readonly HeartbeatRow[]): Map<string, HeartbeatRow[]> {
  const out = new Map<string, HeartbeatRow[]>();
  for (const row of rows) {
    const key = row.resourceId.toLowerCase();
    const list = out.get(key);
    if (list) list.push(row);
    else out.set(key, [row]);
  }
  return out;
}

function newest(times: readonly (string | undefined)[], current: string | undefined): string | undefined {
  let best = current;
  for (const t of times) if (t && (!best || Date.parse(t) > Date.parse(best))) best = t;
  return best;
}
