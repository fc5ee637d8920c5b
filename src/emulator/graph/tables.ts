/**
 * Resource Graph tables built from the store, shaped as real Resource Graph rows: lower-case
 * `type`, `resourceGroup` and `location`; VMs carry `properties.extended.instanceView.powerState`;
 * extensions never carry protectedSettings (they are not in documents at all).
 */
import { UnpoweredIndex } from "./unpoweredIndex";
import type { Needs } from "../arm/types";
import type { Row, Table } from "../kql/eval";
import type { StoredResource } from "../store/resources";
import type { GuestState } from "../store/guest";
import { parseId } from "../util/armId";
import { clone, isObject, type Json, type JsonObject } from "../util/json";
import { machineView, vmssView } from "../model/views";
import { defaultGuest, osTypeOf } from "../model/machines";
import * as T from "../model/resourceTypes";
import { Hierarchy, managementGroupId, type GroupNode } from "../model/managementGroups";
import { guidFrom } from "../util/random";
import type { Narrowing } from "./narrow";
import { AUTHORIZATION_TABLES, type AuthorizationScope } from "./authorizationScope";

/** What the tables read. */
export type TableDeps = Needs<"store" | "guest" | "clock" | "tenantId" | "changeLog">;

export const GRAPH_COLUMNS = [
  "id", "name", "type", "tenantId", "kind", "location", "resourceGroup", "subscriptionId", "managedBy", "sku", "plan", "properties", "tags", "identity", "zones", "extendedLocation",
] as const;

export const GRAPH_TABLES: Readonly<Record<string, readonly string[]>> = {
  resources: [T.VM_TYPE, T.VM_EXTENSION_TYPE, T.VMSS_TYPE, T.ARC_TYPE, T.ARC_EXTENSION_TYPE, T.AKS_TYPE, T.WORKSPACE_TYPE, T.SOLUTION_TYPE, T.DCR_TYPE],
  /** Resource Graph keeps associations (extension resources of machines) here, not in `resources`. */
  insightsresources: [T.DCR_ASSOCIATION_TYPE],
  resourcecontainers: [T.SUBSCRIPTION_TYPE, T.RESOURCE_GROUP_TYPE],
  // Remediation tasks are in no Resource Graph table (Azure's own; read them with PolicyInsights).
  policyresources: [T.POLICY_ASSIGNMENT_TYPE],
  authorizationresources: [T.ROLE_ASSIGNMENT_TYPE],
  securityresources: [T.PRICING_TYPE, T.AUTO_PROVISIONING_TYPE, T.WORKSPACE_SETTING_TYPE, T.SECURITY_SETTING_TYPE, T.VA_SETTING_TYPE, T.VA_ASSESSMENT_TYPE],
  /** Built from the change log (see `changeRows`), not from stored documents. */
  resourcechanges: [],
};

/** Azure keeps resource changes for 14 days. */
export const CHANGE_RETENTION_MS = 14 * 24 * 3600 * 1000;

const POWER_DISPLAY: Record<string, string> = { running: "VM running", stopped: "VM stopped", deallocated: "VM deallocated" };

function graphProperties(ctx: TableDeps, r: StoredResource, guests: Map<string, GuestState>): Json {
  const t = r.type.toLowerCase();
  if (t === T.VM_TYPE.toLowerCase()) {
    const props = clone(isObject(r.doc["properties"]) ? r.doc["properties"] : {});
    const g = guests.get(r.id.toLowerCase()) ?? defaultGuest(osTypeOf(r), String(r.doc["name"]), ctx.clock.iso());
    props["extended"] = {
      instanceView: {
        computerName: g.computerName,
        osName: g.osName ?? (g.osType === "Windows" ? "Windows Server 2019 Datacenter" : "ubuntu"),
        osVersion: g.osType === "Windows" ? "10.0.17763.6414" : "22.04",
        hyperVGeneration: "V2",
        powerState: { code: `PowerState/${g.powerState}`, displayStatus: POWER_DISPLAY[g.powerState] ?? g.powerState, level: "Info" },
        // UNCONFIRMED that Resource Graph carries it: the instance view's OSState/generalized status.
        ...(g.generalized ? { osState: "Generalized" } : {}),
      },
    };
    return props;
  }
  if (t === T.VMSS_TYPE.toLowerCase()) return vmssView(ctx, r)["properties"] ?? null;
  if (t === T.ARC_TYPE.toLowerCase()) return machineView(ctx, r)["properties"] ?? null;
  return (r.doc["properties"] as Json | undefined) ?? null;
}

/** The Resource Graph type of a resource (resource groups are `.../subscriptions/resourcegroups`). */
function graphType(r: StoredResource): string {
  const t = r.type.toLowerCase();
  if (t === T.RESOURCE_GROUP_TYPE.toLowerCase()) return "microsoft.resources/subscriptions/resourcegroups";
  return t;
}

/** `managementGroupAncestorsChain`: from the direct parent up to the tenant root group. */
function ancestorsChain(h: Hierarchy, group: GroupNode): Json[] {
  return h.ancestors(group).map((g) => ({ displayName: g.displayName, name: g.name }));
}

export function graphRow(ctx: TableDeps, r: StoredResource, guests: Map<string, GuestState>, h?: Hierarchy): Row {
  const parts = parseId(r.id);
  const d = r.doc;
  const isSub = r.type.toLowerCase() === T.SUBSCRIPTION_TYPE.toLowerCase();
  const subProps = (): JsonObject => {
    const p: JsonObject = { state: d["state"] ?? "Enabled", subscriptionPolicies: d["subscriptionPolicies"] ?? null };
    if (h) p["managementGroupAncestorsChain"] = ancestorsChain(h, h.groupOfSubscription(String(d["subscriptionId"])));
    return p;
  };
  return {
    id: r.id,
    name: isSub ? String(d["displayName"] ?? "") : String(d["name"] ?? parts.name),
    type: graphType(r),
    tenantId: ctx.tenantId,
    kind: typeof d["kind"] === "string" ? d["kind"] : "",
    location: typeof d["location"] === "string" ? d["location"].toLowerCase() : "",
    resourceGroup: (parts.resourceGroup ?? "").toLowerCase(),
    subscriptionId: parts.subscriptionId ?? "",
    managedBy: typeof d["managedBy"] === "string" ? d["managedBy"] : "",
    sku: (d["sku"] as Json | undefined) ?? null,
    plan: (d["plan"] as Json | undefined) ?? null,
    properties: isSub ? subProps() : graphProperties(ctx, r, guests),
    tags: (d["tags"] as Json | undefined) ?? null,
    identity: (d["identity"] as Json | undefined) ?? null,
    zones: (d["zones"] as Json | undefined) ?? null,
    extendedLocation: (d["extendedLocation"] as Json | undefined) ?? null,
  };
}

/**
 * Tables an id (or id prefix) lookup can read by id: their rows are stored documents, or
 * (securityresources) stored documents plus made-up rows filtered by the same ids below.
 */
const BY_ID = new Set(["resources", "insightsresources", "policyresources", "authorizationresources", "securityresources"]);

/**
 * A table's rows within the given subscriptions (all of them when undefined), narrowed to what
 * the query's filters can keep (see narrow.ts): an id lookup reads those ids, a prefix lookup
 * those ranges of ids, not the table. `authorization`: for policyresources and
 * authorizationresources, the request's authorizationScopeFilter (management groups' assignments
 * come in by it; without it, only the subscriptions' rows).
 */
export function graphTable(
  ctx: TableDeps,
  table: string,
  subscriptions: readonly string[] | undefined,
  narrowing: Narrowing = {},
  authorization?: () => AuthorizationScope,
): Table | undefined {
  const name = table.toLowerCase();
  const tableTypes = GRAPH_TABLES[name];
  if (!tableTypes) return undefined;
  // A `type in~ (...)` filter: only the rows of those types are built (in `resources`, whose rows'
  // types are the stored ones; resourcecontainers renames the resource groups' type).
  const types = narrowing.types && name === "resources" ? tableTypes.filter((t) => narrowing.types!.has(t.toLowerCase())) : tableTypes;
  if (name === "resourcechanges") return { columns: [...GRAPH_COLUMNS], rows: changeRows(ctx, subscriptions, narrowing.changedFrom) };
  // Only machines not running or not connected: those the guest states index names (by id).
  const unpowered = narrowing.unpowered && name === "resources" ? UnpoweredIndex.of(ctx.guest).machines() : undefined;
  const byId = narrowing.ids && BY_ID.has(name) ? narrowing.ids : unpowered;
  const byPrefix = !byId && narrowing.prefixes && BY_ID.has(name) ? narrowing.prefixes : undefined;
  const stored = byId ? ctx.store.getMany(byId, types, subscriptions) : byPrefix ? ctx.store.getByPrefixes(byPrefix, types, subscriptions) : ctx.store.listTypes(types, subscriptions);
  const wanted = idFilter(byId, byPrefix);
  const auth = authorization && AUTHORIZATION_TABLES.has(name) ? authorization() : undefined;
  let include = inTable(types, subscriptions, wanted);
  if (auth?.readsGroups) {
    // Assignments at management groups: stored without a subscription.
    const atGroup = (r: StoredResource) => parseId(r.id).subscriptionId === null && types.some((t) => t.toLowerCase() === r.type.toLowerCase()) && (!wanted || wanted(r.id.toLowerCase()));
    for (const t of types) stored.push(...ctx.store.list(t, { subscriptionId: null }).filter(atGroup));
    const inSubscriptions = include;
    include = (r) => inSubscriptions(r) || atGroup(r);
  }
  // What Resource Graph has not caught up with yet (a write lag, when configured).
  const lagged = ctx.store.graphLag.view(stored, include);
  // The default filter keeps every row of the subscriptions asked for: only the groups' rows are looked at.
  const resources = auth ? lagged.filter((r) => (auth.keepsEverySubscriptionRow && SUBSCRIPTION_ROW.test(r.id)) || auth.keeps(parseId(r.id).scope)) : lagged;
  if (auth?.readsGroups) resources.sort((a, b) => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1));
  // Only VM rows carry guest state (their power state): the other tables never read it (a 100k
  // fleet's guest states took ~0.5 s to read for each policy or role assignment query).
  const guests = !types.includes(T.VM_TYPE) ? new Map<string, GuestState>() : wanted ? guestsOf(ctx, resources) : ctx.guest.all();
  if (table.toLowerCase() === "securityresources") {
    // Defender plans exist for every subscription even when never written (Free).
    const have = new Set(resources.map((r) => r.id.toLowerCase()));
    const subs = subscriptions ?? ctx.store.list(T.SUBSCRIPTION_TYPE, {}).map((s) => String(s.doc["subscriptionId"]));
    for (const sub of subs) {
      for (const n of T.PRICING_NAMES) {
        const id = `/subscriptions/${sub.toLowerCase()}/providers/${T.PRICING_TYPE}/${n}`;
        if (!have.has(id.toLowerCase()) && (!wanted || wanted(id.toLowerCase()))) {
          resources.push({ id, type: T.PRICING_TYPE, doc: { id, name: n, type: T.PRICING_TYPE, properties: { pricingTier: "Free", freeTrialRemainingTime: "PT0S" } }, secret: null });
        }
      }
    }
    resources.sort((a, b) => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1));
  }
  if (table.toLowerCase() === "resourcecontainers") {
    const h = Hierarchy.read(ctx, ctx.tenantId);
    // Management groups are tenant-level rows: every query of the table sees them.
    const groups = h.allGroups().map((g) => managementGroupRow(ctx, h, g));
    return { columns: [...GRAPH_COLUMNS], rows: [...resources.map((r) => graphRow(ctx, r, guests, h)), ...groups] };
  }
  return { columns: [...GRAPH_COLUMNS], rows: resources.map((r) => graphRow(ctx, r, guests)) };
}

const SUBSCRIPTION_ROW = /^\/subscriptions\//i;

/** The lower-case ids an id or prefix lookup asked for (undefined: the whole table). */
function idFilter(ids: ReadonlySet<string> | undefined, prefixes: readonly string[] | undefined): ((idl: string) => boolean) | undefined {
  if (ids) return (idl) => ids.has(idl);
  if (prefixes) return (idl) => prefixes.some((p) => idl.startsWith(p));
  return undefined;
}

/** Does a resource belong to the table being built (its types, the subscriptions and ids asked)? */
function inTable(types: readonly string[], subscriptions: readonly string[] | undefined, wanted: ((idl: string) => boolean) | undefined): (r: StoredResource) => boolean {
  const typeSet = new Set(types.map((t) => t.toLowerCase()));
  const subSet = subscriptions ? new Set(subscriptions.map((x) => x.toLowerCase())) : undefined;
  return (r) => typeSet.has(r.type.toLowerCase()) && (!subSet || subSet.has((parseId(r.id).subscriptionId ?? "").toLowerCase())) && (!wanted || wanted(r.id.toLowerCase()));
}

/** The guest state of just these resources (the machines among them). */
function guestsOf(ctx: TableDeps, resources: readonly StoredResource[]): Map<string, GuestState> {
  const guests = new Map<string, GuestState>();
  for (const r of resources) {
    const g = ctx.guest.get(r.id);
    if (g) guests.set(r.id.toLowerCase(), g);
  }
  return guests;
}

function managementGroupRow(ctx: TableDeps, h: Hierarchy, g: GroupNode): Row {
  const parent = g.parent ? h.group(g.parent) : undefined;
  return {
    ...emptyRow(managementGroupId(g.name), g.name, "microsoft.management/managementgroups", ctx.tenantId),
    properties: {
      displayName: g.displayName,
      details: {
        parent: parent ? { name: parent.name, displayName: parent.displayName, id: managementGroupId(parent.name) } : null,
        managementGroupAncestorsChain: parent ? ancestorsChain(h, parent) : [],
      },
    },
  };
}

function emptyRow(id: string, name: string, type: string, tenantId: string): Row {
  return { id, name, type, tenantId, kind: "", location: "", resourceGroup: "", subscriptionId: "", managedBy: "", sku: null, plan: null, properties: null, tags: null, identity: null, zones: null, extendedLocation: null };
}

/**
 * `resourcechanges`: one row per recorded change of the last 14 days, shaped as Resource Graph
 * reports it (`properties.targetResourceId`, `changeType`, `changeAttributes.timestamp`, `changes`).
 * Change ids sort in the order the changes happened.
 */
function changeRows(ctx: TableDeps, subscriptions: readonly string[] | undefined, changedFrom = -Infinity): Row[] {
  const within = subscriptions ? new Set(subscriptions.map((s) => s.toLowerCase())) : undefined;
  const rows: Row[] = [];
  const visibleUntil = ctx.store.graphLag.visibleUntil();
  for (const c of ctx.changeLog.since(Math.max(ctx.clock.now() - CHANGE_RETENTION_MS, changedFrom))) {
    // Indexed late (changeIndexLag): shown later, its timestamp still the write's.
    if (c.at + ctx.changeLog.indexLag.extraMs(c) > visibleUntil) continue;
    const parts = parseId(c.id);
    if (within && !within.has(parts.subscriptionId ?? "")) continue;
    const changeId = `${String(c.seq).padStart(20, "0")}_${guidFrom(`change/${c.seq}`)}`;
    rows.push({
      ...emptyRow(`${c.id}/providers/Microsoft.Resources/changes/${changeId}`, changeId, "microsoft.resources/changes", ctx.tenantId),
      resourceGroup: (parts.resourceGroup ?? "").toLowerCase(),
      subscriptionId: parts.subscriptionId ?? "",
      properties: {
        targetResourceId: c.id,
        targetResourceType: c.type.toLowerCase(),
        changeType: c.changeType,
        changeAttributes: {
          timestamp: new Date(c.at).toISOString(),
          correlationId: c.correlationId,
          changedBy: c.changedBy,
          changedByType: c.changedBy ? "AppId" : "Other",
          clientType: c.changedBy ? "asc-emulator client" : "Azure Policy",
          operation: `${c.type.toLowerCase()}/${c.changeType === "Delete" ? "delete" : "write"}`,
          changesCount: Object.keys(c.changes).length,
          previousResourceSnapshotId: c.changeType === "Create" ? null : guidFrom(`snapshot/${c.seq}/before`),
          newResourceSnapshotId: c.changeType === "Delete" ? null : guidFrom(`snapshot/${c.seq}/after`),
        },
        changes: c.changes,
      },
    });
  }
  return rows;
}
