/**
 * Builds an Inventory (DESIGN.md) from ARM: Resource Graph for the fleet, its extensions and the
 * policy state (a few requests per 1,000 machines), REST for what Resource Graph does not hold
 * (per subscription and per workspace), and one Heartbeat query across the workspaces for the
 * guest agents.
 */
import type { Inventory, InventoryDataCollectionRuleAssociation, InventoryHeartbeatRead, InventoryMachine } from "../inventory/schema";
import type { Spec } from "../spec/schema";
import { parseInventory } from "../inventory/load";
import type { AzureConnection } from "./connection";
import { subscriptionOf } from "../inventory/ids";
import { readForOf } from "../inventory/readFor";
import { ASSOCIATION_QUERY, FLEET_QUERY, POLICY_QUERY, POLICY_SCOPE_FILTER, ROLE_QUERY, GraphQuota, queryGraph, workspacesQuery, type GraphRow } from "./graph";
import { associationOf } from "./read/dcr";
import { applyDefenderRows, DEFENDER_QUERY } from "./read/defender";
import { applyHeartbeats } from "./read/heartbeat";
import { heartbeatRead, heartbeatWorkspaces, readScopeHeartbeats, type HeartbeatWorkspaces } from "./read/heartbeatWorkspaces";
import { fleetFromRows, type FleetRows } from "./read/machines";
import { resolveScope, tagsNamedBy } from "./scope";
import { policyFromRows } from "./read/policy";
import { ANCESTORS_QUERY, containersFromRows } from "./read/ancestors";
import { readDeletedWorkspaces } from "./read/deletedWorkspaces";
import { failedExtensionToRead, readExtensionFailure } from "./read/extensionFailures";
import { readRemediations } from "./read/remediations";
import { needsInstanceCounts, readInstanceCounts } from "./read/scaleSetInstances";
import { readSecurityEvents, readSubscription } from "./read/settings";
import type { RetryOptions } from "./retry";

export { HEARTBEAT_WORKSPACES_PER_QUERY, readHeartbeats } from "./read/heartbeatWorkspaces";

export interface ReadOptions {
  readonly retry?: RetryOptions;
  /** Told what is being read, for progress output. */
  readonly onProgress?: (message: string) => void;
  /** Requests in flight for the per-workspace reads. Default 8. */
  readonly concurrency?: number;
  /** How the fleet's machines and rule associations are built (default: all of them from a whole read); a watch keeps those that did not change. */
  readonly assembly?: FleetAssembly;
  /** Resource Graph's quota as the answers report it, kept across reads (a watch). */
  readonly quota?: GraphQuota;
  /**
   * Workspaces to read wherever they are (the spec's central workspace): the portal's dropdown
   * "includes all workspaces across all of your subscriptions", not only the ones in scope.
   */
  readonly workspaces?: readonly string[];
  /** Machine tags to keep (tagsNamedBy: the spec's exclusion tags and the tags Defender reads); the reader keeps no others. */
  readonly machineTags?: readonly string[];
}

/**
 * The O(fleet) part of a read: Resource Graph's rows of the machines (and the rest of the fleet
 * table), their Defender rows, rule associations and heartbeats, made into inventory items. The
 * default reads and builds all of them; a watch (incremental.ts) reads what changed and hands back
 * the items of the machines that did not change as the last read built them.
 */
export interface FleetAssembly {
  /** The fleet table's machines (without Defender rows or agents yet, unless kept whole), clusters, workspaces and rules. */
  fleet(present: readonly string[], quota: GraphQuota): Promise<FleetRows>;
  /** The machines' rule associations (insightsresources). */
  associations(present: readonly string[], quota: GraphQuota): Promise<InventoryDataCollectionRuleAssociation[]>;
  /** The fleet's machines with their Defender rows and the guest agents of these workspaces' heartbeats, and what the Heartbeat read covered. */
  machines(machines: InventoryMachine[], present: readonly string[], quota: GraphQuota, workspaces: HeartbeatWorkspaces): Promise<{ machines: InventoryMachine[]; heartbeat: InventoryHeartbeatRead }>;
  /** The workspaces whose Heartbeat to read (default: the inventory's and every other one the caller can see, listed again). */
  heartbeatWorkspaces?(inventoryCustomerIds: readonly string[], quota: GraphQuota): Promise<HeartbeatWorkspaces>;
  /** Items built by this read, to validate; the others were validated by the read that built them. Default: all. */
  built?(item: InventoryMachine | InventoryDataCollectionRuleAssociation): boolean;
}

/** Every machine, association and heartbeat read and built again. */
export function wholeFleet(conn: AzureConnection, keepTags: ReadonlySet<string>, retry?: RetryOptions): FleetAssembly {
  return {
    fleet: async (present, quota) => fleetFromRows(await queryGraph(conn, FLEET_QUERY, present, retry, quota), keepTags),
    associations: async (present, quota) => (await queryGraph(conn, ASSOCIATION_QUERY, present, retry, quota)).map(associationOf).filter((a): a is NonNullable<typeof a> => !!a),
    machines: async (machines, present, quota, workspaces) => {
      applyDefenderRows(machines, await queryGraph(conn, DEFENDER_QUERY, present, retry, quota));
      const { rows, unread } = await readScopeHeartbeats(conn, workspaces, present, retry);
      applyHeartbeats(machines, rows);
      return { machines, heartbeat: heartbeatRead(workspaces, unread) };
    },
  };
}

/**
 * The inventory of a spec's scope: its subscriptions and those under its management groups, less
 * the excluded ones; its central workspace wherever it is; the machine tags it names.
 */
export async function readInventoryFor(conn: AzureConnection, spec: Spec, options: Omit<ReadOptions, "workspaces" | "machineTags"> = {}): Promise<Inventory> {
  const scope = spec.managementGroups.length ? await resolveScope(conn, spec, options) : { subscriptions: spec.subscriptions, excluded: [] };
  const inventory = await readInventory(conn, scope.subscriptions, { ...options, workspaces: workspacesNamedBy(spec), machineTags: tagsNamedBy(spec) });
  // What it was read for beside what was found: a file planned with another spec says what it lacks (src/inventory/readFor.ts).
  const read = { ...inventory, readFor: readForOf(spec) };
  return scope.excluded.length ? { ...read, excludedSubscriptions: scope.excluded } : read;
}

/** The workspaces a spec names (its central workspace), to be read wherever they are. */
export function workspacesNamedBy(spec: Spec): string[] {
  const ws = spec.logAnalyticsAgent.workspace;
  return ws === "default" ? [] : [ws.id];
}

/**
 * What the spec's workspaces that the fleet's read did not show are: outside the subscriptions read,
 * or in one of them, where that read did not find them (they may not exist; the plan says so).
 */
function namedElsewhere(ids: readonly string[], subscriptions: readonly string[]): string {
  const read = new Set(subscriptions);
  const inside = ids.filter((id) => read.has(subscriptionOf(id).toLowerCase())).length;
  const outside = ids.length - inside;
  return [
    ...(outside ? [`${outside} workspace(s) outside the subscriptions`] : []),
    ...(inside ? [`${inside} workspace(s) the spec names in the subscriptions that their read did not find (it may not exist)`] : []),
  ].join(" and ");
}

export async function readInventory(conn: AzureConnection, subscriptions: readonly string[], options: ReadOptions = {}): Promise<Inventory> {
  const progress = options.onProgress ?? (() => undefined);
  const subs = [...new Set(subscriptions.map((s) => s.toLowerCase()))].sort();

  progress(`reading ${subs.length} subscription(s)`);
  const facts = await mapLimit(subs, options.concurrency ?? 8, (s) => readSubscription(conn, s, options.retry));
  const factsOf = new Map(subs.map((s, i) => [s, facts[i]!] as const));
  const present = subs.filter((s) => factsOf.get(s)!.exists);

  const quota = options.quota ?? new GraphQuota();
  progress("querying Resource Graph for machines, extensions, clusters and workspaces");
  const keepTags = new Set((options.machineTags ?? []).map((t) => t.toLowerCase()));
  const assembly = options.assembly ?? wholeFleet(conn, keepTags, options.retry);
  const noFleet: FleetRows = { machines: [], dataCollectionRules: [], clusters: [], workspaces: [], problems: [] };
  const fleet = present.length ? await assembly.fleet(present, quota) : noFleet;
  if (fleet.problems.length) {
    throw new Error(`Resource Graph returned rows this tool cannot read (nothing was changed):\n  ${fleet.problems.slice(0, 10).join("\n  ")}`);
  }
  const known = new Set(fleet.workspaces.map((w) => w.id.toLowerCase()));
  const elsewhere = [...new Set((options.workspaces ?? []).map((id) => id.toLowerCase()))].filter((id) => !known.has(id));
  if (elsewhere.length) {
    progress(`looking up by id ${namedElsewhere(elsewhere, subs)}, with their solutions and the data collection rules beside them`);
    const rows = await queryGraph(conn, workspacesQuery(elsewhere), [...new Set(elsewhere.map(subscriptionOf))].sort(), options.retry, quota);
    const outside = fleetFromRows(rows);
    fleet.workspaces.push(...outside.workspaces);
    // The rules beside them (the plan's own rule for a hub workspace is there); once each, should a named workspace that does not exist sit in a subscription read.
    const rules = new Set(fleet.dataCollectionRules.map((r) => r.id.toLowerCase()));
    fleet.dataCollectionRules.push(...outside.dataCollectionRules.filter((r) => !rules.has(r.id.toLowerCase())));
  }
  const manual = fleet.machines.flatMap((m, i) => (needsInstanceCounts(m) ? [i] : []));
  if (manual.length) {
    progress(`reading the instances of ${manual.length} scale set(s) with a Manual upgrade policy`);
    const counts = await mapLimit(manual, options.concurrency ?? 8, (i) => readInstanceCounts(conn, fleet.machines[i]!.id, options.retry));
    // A copy, not the machine itself: a watch keeps the machine objects of earlier reads.
    manual.forEach((i, k) => (fleet.machines[i] = { ...fleet.machines[i]!, scaleSet: { ...fleet.machines[i]!.scaleSet!, ...counts[k]! } }));
  }
  const failed = fleet.machines.flatMap((m, i) => {
    const k = failedExtensionToRead(m);
    return k < 0 ? [] : [[i, k] as const];
  });
  if (failed.length) {
    progress(`reading why the Log Analytics extension failed on ${failed.length} Linux machine(s)`);
    const failures = await mapLimit(failed, options.concurrency ?? 8, ([i, k]) => readExtensionFailure(conn, fleet.machines[i]!, fleet.machines[i]!.extensions![k]!, options.retry));
    failed.forEach(([i, k], n) => {
      const failure = failures[n];
      if (!failure) return;
      // A copy, as above: a watch keeps the machine objects of earlier reads.
      const m = fleet.machines[i]!;
      fleet.machines[i] = { ...m, extensions: m.extensions!.map((e, j) => (j === k ? { ...e, failure } : e)) };
    });
  }
  // What follows depends on the fleet's rows only, not on each other: sent together, a round
  // waits for the slowest of them instead of their sum (a watch's change round at 100k machines:
  // ~100 per-subscription and per-workspace reads that resourcechanges does not cover).
  progress(
    `querying Resource Graph for policy and role assignments and the workspaces the caller can see; reading remediation tasks, deleted workspaces, the security-event settings of ${fleet.workspaces.length} workspace(s) and Heartbeat`,
  );
  const limit = options.concurrency ?? 8;
  const [[policyRows, roleRows, containerRows, associations], remediations, deletedWorkspaces, events, read] = await Promise.all([
    present.length
      ? Promise.all([
          // Above and below: the assignments at the management groups above the subscriptions too (ALZ assigns there).
          queryGraph(conn, POLICY_QUERY, present, options.retry, quota, POLICY_SCOPE_FILTER),
          queryGraph(conn, ROLE_QUERY, present, options.retry, quota),
          queryGraph(conn, ANCESTORS_QUERY, present, options.retry, quota),
          assembly.associations(present, quota),
        ])
      : Promise.resolve<[GraphRow[], GraphRow[], GraphRow[], InventoryDataCollectionRuleAssociation[]]>([[], [], [], []]),
    // Not in any Resource Graph table: the PolicyInsights API, per subscription.
    mapLimit(present, limit, (s) => readRemediations(conn, s, options.retry)).then((lists) => lists.flat()),
    mapLimit(present, limit, (s) => readDeletedWorkspaces(conn, s, options.retry)).then((lists) => lists.flat()),
    mapLimit(fleet.workspaces, limit, (ws) => readSecurityEvents(conn, ws, options.retry)),
    // Heartbeat from every workspace the caller can see: a machine's agent may report to one outside the scope (a hub's).
    present.length
      ? (assembly.heartbeatWorkspaces
          ? assembly.heartbeatWorkspaces(fleet.workspaces.map((w) => w.customerId), quota)
          : heartbeatWorkspaces(conn, fleet.workspaces.map((w) => w.customerId), options.retry, quota, progress)
        ).then((ws) => assembly.machines(fleet.machines, present, quota, ws))
      : Promise.resolve(undefined),
  ]);
  const policy = policyFromRows(policyRows, roleRows);
  const containers = containersFromRows(containerRows);
  fleet.workspaces.forEach((ws, i) => {
    const e = events[i];
    if (e) ws.securityEvents = e;
  });

  const inventory = {
    version: 1 as const,
    generatedAt: new Date().toISOString(),
    subscriptions: present.map((id) => {
      return { id, onboardedAt: factsOf.get(id)!.onboardedAt, ...containers.get(id) };
    }),
    ...(read ? { heartbeat: read.heartbeat } : {}),
    workspaces: fleet.workspaces,
    machines: read?.machines ?? [],
    clusters: fleet.clusters,
    policyAssignments: policy.policyAssignments,
    roleAssignments: policy.roleAssignments,
    remediations,
    dataCollectionRules: fleet.dataCollectionRules,
    dataCollectionRuleAssociations: associations,
    deletedWorkspaces,
    settings: Object.fromEntries(present.map((id) => [id, factsOf.get(id)!.settings])),
  };
  // The same validation as a hand-written inventory: a malformed answer stops here, before any plan.
  return assembly.built ? validateBuilt(inventory, assembly.built) : parseInventory(inventory);
}

/**
 * parseInventory of what this read built: the machines and associations kept from an earlier read
 * were validated then (a hundred thousand of them each round cost more than the round's requests).
 * Ids stay unique: the kept and the built items are keyed by id.
 */
function validateBuilt(inventory: Inventory, built: NonNullable<FleetAssembly["built"]>): Inventory {
  const machines = inventory.machines.flatMap((m, i) => (built(m) ? [i] : []));
  const associations = (inventory.dataCollectionRuleAssociations ?? []).flatMap((a, i) => (built(a) ? [i] : []));
  const checked = parseInventory({
    ...inventory,
    machines: machines.map((i) => inventory.machines[i]),
    dataCollectionRuleAssociations: associations.map((i) => inventory.dataCollectionRuleAssociations![i]),
  });
  const out = { ...checked, machines: [...inventory.machines], dataCollectionRuleAssociations: [...(inventory.dataCollectionRuleAssociations ?? [])] };
  machines.forEach((i, k) => (out.machines[i] = checked.machines[k]!));
  associations.forEach((i, k) => (out.dataCollectionRuleAssociations[i] = checked.dataCollectionRuleAssociations![k]!));
  return out;
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
