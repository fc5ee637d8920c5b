/**
 * Which machines have heartbeats in which workspace, so a Heartbeat query builds the rows of the
 * machines of the workspaces it names instead of every machine's (a 100k fleet's full build took
 * ~20 s a query). Built from the stores at the first query, then kept current: each write marks
 * what it touched (a machine through its id, its extensions', associations', guest state's or kept
 * heartbeats'; the rules through a rule or workspace) and the next query recomputes only that.
 *
 * It holds a superset: every workspace a machine's Log Analytics extension names (whatever its
 * state), that its guest agents name, that its kept heartbeats are in, and, with an Azure Monitor
 * Agent extension (whatever its state), every rule its associations name. The rows are built from the
 * machines themselves (logs/heartbeat.ts), so an extra machine costs a lookup, never a wrong row.
 */
import { getString } from "../util/json";
import { parseId } from "../util/armId";
import type { ModelContext } from "../model/context";
import type { StoredResource } from "../store/resources";
import type { GuestState } from "../store/guest";
import type { EndedConnection } from "../store/heartbeatHistory";
import { associationScope, associationsOfMachine, ruleIdOf } from "../model/associations";
import { ruleDestinations } from "../model/connections";
import { extensionsOf, isAmaExtension } from "../model/machines";
import { DCR_ASSOCIATION_TYPE, DCR_TYPE, EXTENSION_TYPES, LOG_ANALYTICS_PUBLISHER, MACHINE_TYPES } from "../model/resourceTypes";

/** A machine's id at the start of a (lower-case) id: the machine, or anything under it. */
const MACHINE_ID = new RegExp(`^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/(?:${MACHINE_TYPES.map((t) => t.toLowerCase().replace(/\./g, "\\.")).join("|")})/[^/]+`);

/** Ids whose writes change what the rules send where: rules, and the workspaces they name. */
const RULE_OR_WORKSPACE = /\/providers\/(?:microsoft\.insights\/datacollectionrules|microsoft\.operationalinsights\/workspaces)\//;

interface Entry {
  /** Workspace customerIds (lower case) the machine reports to other than through rules. */
  readonly workspaces: readonly string[];
  /** Rules (lower-case ids) its associations name. */
  readonly rules: readonly string[];
}

function entryOf(extensions: readonly StoredResource[], guest: GuestState | undefined, ended: readonly EndedConnection[], associations: readonly StoredResource[]): Entry {
  const workspaces = new Set<string>();
  // Rules and extra destinations count through an Azure Monitor Agent extension only.
  const ama = extensions.some(isAmaExtension);
  for (const ext of extensions) {
    if ((getString(ext.doc, "properties", "publisher") ?? "").toLowerCase() !== LOG_ANALYTICS_PUBLISHER.toLowerCase()) continue;
    const ws = getString(ext.doc, "properties", "settings", "workspaceId");
    if (ws) workspaces.add(ws.toLowerCase());
  }
  for (const ws of [...(guest?.directAgent?.workspaceCustomerIds ?? []), ...(guest?.scom?.workspaceCustomerIds ?? []), ...((ama && guest?.ama?.workspaceCustomerIds) || [])]) workspaces.add(ws.toLowerCase());
  for (const e of ended) workspaces.add(e.workspace.toLowerCase());
  const rules = new Set<string>();
  for (const a of ama ? associations : []) {
    const rule = ruleIdOf(a);
    if (rule) rules.add(rule.toLowerCase());
  }
  return { workspaces: [...workspaces], rules: [...rules] };
}

function group<T>(items: Iterable<T>, keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const list = out.get(key);
    if (list) list.push(item);
    else out.set(key, [item]);
  }
  return out;
}

function addTo(index: Map<string, Set<string>>, key: string, machine: string): void {
  const set = index.get(key);
  if (set) set.add(machine);
  else index.set(key, new Set([machine]));
}

export class WorkspaceIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly byWorkspace = new Map<string, Set<string>>();
  private readonly byRule = new Map<string, Set<string>>();
  /** Rule (lower-case id) -> the customerIds it sends to; recomputed after a rule or workspace write. */
  private ruleWorkspaces = new Map<string, readonly string[]>();
  private rulesStale = false;
  /** Machines (lower-case ids) a write touched since the last query. */
  private readonly dirty = new Set<string>();
  /** Deleted subscriptions and resource groups: every machine under them is recomputed. */
  private dirtyPrefixes: string[] = [];

  private constructor(private readonly ctx: ModelContext) {}

  /** The index of this emulator's stores, built at its first use and kept current from then on. */
  static of(ctx: ModelContext): WorkspaceIndex {
    let index = INDEXES.get(ctx.store);
    if (!index) {
      index = new WorkspaceIndex(ctx);
      // Observing before building: nothing written between the two is missed (a mark costs a recompute).
      ctx.store.writes.add((id, kind) => index!.noteResource(id, kind));
      ctx.guest.writes.add((id) => index!.noteMachine(id));
      ctx.heartbeatHistory.writes.add((id) => index!.noteMachine(id));
      index.build();
      INDEXES.set(ctx.store, index);
    }
    return index;
  }

  /** Machines (lower-case ids, sorted) that may have heartbeats in any of these workspaces (lower-case customerIds). */
  machinesOf(workspaceCustomerIds: ReadonlySet<string>): string[] {
    this.refresh();
    const out = new Set<string>();
    for (const ws of workspaceCustomerIds) for (const m of this.byWorkspace.get(ws) ?? []) out.add(m);
    for (const [rule, workspaces] of this.ruleWorkspaces) {
      if (workspaces.some((ws) => workspaceCustomerIds.has(ws))) for (const m of this.byRule.get(rule) ?? []) out.add(m);
    }
    return [...out].sort();
  }

  private noteResource(id: string, kind: "put" | "delete"): void {
    const l = id.toLowerCase();
    const machine = MACHINE_ID.exec(l)?.[0];
    if (machine) this.dirty.add(machine);
    else if (RULE_OR_WORKSPACE.test(l)) this.rulesStale = true;
    else if (kind === "delete" && !l.includes("/providers/")) {
      // A resource group or subscription, with whatever machines, rules and workspaces it held.
      this.dirtyPrefixes.push(l);
      this.rulesStale = true;
    }
  }

  private noteMachine(id: string): void {
    this.dirty.add(id.toLowerCase());
  }

  private build(): void {
    const { store, guest, heartbeatHistory } = this.ctx;
    const extensions = group(store.listTypes(EXTENSION_TYPES), (e) => parseId(e.id).parentId?.toLowerCase());
    const associations = group(store.listTypes([DCR_ASSOCIATION_TYPE]), (a) => associationScope(a.id).toLowerCase());
    const guests = guest.all();
    const history = heartbeatHistory.all();
    for (const machine of new Set([...extensions.keys(), ...associations.keys(), ...guests.keys(), ...history.keys()])) {
      this.set(machine, entryOf(extensions.get(machine) ?? [], guests.get(machine), history.get(machine) ?? [], associations.get(machine) ?? []));
    }
    this.buildRules();
  }

  private buildRules(): void {
    const rules = ruleDestinations(this.ctx, this.ctx.store.listTypes([DCR_TYPE]));
    this.ruleWorkspaces = new Map([...rules].map(([id, dests]) => [id, dests.map((d) => d.customerId)] as const));
    this.rulesStale = false;
  }

  private refresh(): void {
    if (this.dirtyPrefixes.length) {
      const prefixes = this.dirtyPrefixes;
      this.dirtyPrefixes = [];
      for (const machine of this.entries.keys()) if (prefixes.some((p) => machine === p || machine.startsWith(p + "/"))) this.dirty.add(machine);
    }
    for (const machine of this.dirty) {
      this.remove(machine);
      const stored = this.ctx.store.get(machine);
      if (!stored) continue;
      this.set(machine, entryOf(extensionsOf(this.ctx, stored), this.ctx.guest.get(machine), this.ctx.heartbeatHistory.of(machine), associationsOfMachine(this.ctx, machine)));
    }
    this.dirty.clear();
    if (this.rulesStale) this.buildRules();
  }

  private set(machine: string, entry: Entry): void {
    if (!entry.workspaces.length && !entry.rules.length) return;
    this.entries.set(machine, entry);
    for (const ws of entry.workspaces) addTo(this.byWorkspace, ws, machine);
    for (const rule of entry.rules) addTo(this.byRule, rule, machine);
  }

  private remove(machine: string): void {
    const entry = this.entries.get(machine);
    if (!entry) return;
    this.entries.delete(machine);
    for (const ws of entry.workspaces) this.byWorkspace.get(ws)?.delete(machine);
    for (const rule of entry.rules) this.byRule.get(rule)?.delete(machine);
  }
}

const INDEXES = new WeakMap<ModelContext["store"], WorkspaceIndex>();
