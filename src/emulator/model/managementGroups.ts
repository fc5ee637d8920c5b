/**
 * The management-group hierarchy: groups under the tenant root group (named after the tenant id,
 * "Tenant Root Group"), subscriptions under one group each (the root when none was set). Resource
 * Graph's `resourcecontainers` and the Microsoft.Management API read it from here.
 */
import type { StoredResource } from "../store/resources";
import { getString } from "../util/json";
import { scopeCovers } from "../util/armId";
import type { StoreContext } from "./context";
import { MANAGEMENT_GROUP_SUBSCRIPTION_TYPE, MANAGEMENT_GROUP_TYPE, SUBSCRIPTION_TYPE } from "./resourceTypes";

export const ROOT_GROUP_DISPLAY_NAME = "Tenant Root Group";

export function managementGroupId(name: string): string {
  return `/providers/${MANAGEMENT_GROUP_TYPE}/${name}`;
}

const GROUP_SCOPE = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)\/?$/i;

/** The group a management-group scope names (as written), undefined for any other scope. */
export function groupNameOf(scope: string): string | undefined {
  return GROUP_SCOPE.exec(scope)?.[1];
}

export interface GroupNode {
  readonly name: string;
  readonly displayName: string;
  /** Parent group name; null for the root. */
  readonly parent: string | null;
}

/** The hierarchy as it stands: groups by lower-case name, and each subscription's group. */
export class Hierarchy {
  private constructor(
    readonly root: GroupNode,
    private readonly groups: ReadonlyMap<string, GroupNode>,
    private readonly subscriptionGroup: ReadonlyMap<string, string>,
    private readonly subscriptionNames: ReadonlyMap<string, string>,
  ) {}

  static read(ctx: StoreContext, tenantId: string): Hierarchy {
    const root: GroupNode = { name: tenantId, displayName: ROOT_GROUP_DISPLAY_NAME, parent: null };
    const groups = new Map<string, GroupNode>([[tenantId.toLowerCase(), root]]);
    for (const g of ctx.store.list(MANAGEMENT_GROUP_TYPE, { subscriptionId: null })) {
      const name = String(g.doc["name"]);
      const parent = getString(g.doc, "properties", "details", "parent", "name") ?? tenantId;
      groups.set(name.toLowerCase(), { name, displayName: getString(g.doc, "properties", "displayName") ?? name, parent });
    }
    const subscriptionGroup = new Map<string, string>();
    for (const m of ctx.store.listTypes([MANAGEMENT_GROUP_SUBSCRIPTION_TYPE])) {
      subscriptionGroup.set(String(m.doc["name"]).toLowerCase(), m.id.split("/")[4]!);
    }
    const subscriptionNames = new Map<string, string>();
    for (const s of ctx.store.list(SUBSCRIPTION_TYPE, {})) subscriptionNames.set(String(s.doc["subscriptionId"]).toLowerCase(), String(s.doc["displayName"] ?? ""));
    return new Hierarchy(root, groups, subscriptionGroup, subscriptionNames);
  }

  group(name: string): GroupNode | undefined {
    return this.groups.get(name.toLowerCase());
  }

  allGroups(): GroupNode[] {
    return [...this.groups.values()];
  }

  /** The group a subscription sits directly under. */
  groupOfSubscription(subscriptionId: string): GroupNode {
    return this.group(this.subscriptionGroup.get(subscriptionId.toLowerCase()) ?? this.root.name) ?? this.root;
  }

  /** From the direct parent up to the root, as `managementGroupAncestorsChain` lists them. */
  ancestors(group: GroupNode): GroupNode[] {
    const out: GroupNode[] = [];
    const seen = new Set<string>();
    for (let g: GroupNode | undefined = group; g && !seen.has(g.name.toLowerCase()); g = g.parent ? this.group(g.parent) : undefined) {
      seen.add(g.name.toLowerCase());
      out.push(g);
    }
    return out;
  }

  /** Is `group` the same as or below `ancestor`? */
  isWithin(group: GroupNode, ancestor: string): boolean {
    return this.ancestors(group).some((g) => g.name.toLowerCase() === ancestor.toLowerCase());
  }

  childGroups(name: string): GroupNode[] {
    return this.allGroups().filter((g) => g.parent?.toLowerCase() === name.toLowerCase());
  }

  /** Subscriptions directly under a group. */
  childSubscriptions(name: string): { id: string; displayName: string }[] {
    return [...this.subscriptionNames.entries()]
      .filter(([id]) => this.groupOfSubscription(id).name.toLowerCase() === name.toLowerCase())
      .map(([id, displayName]) => ({ id, displayName }));
  }

  /** Every subscription at or below a group, in id order. */
  subscriptionsUnder(name: string): string[] {
    // Which groups are within `name` is decided once per group, not once per subscription.
    const within = new Map<string, boolean>();
    const isWithin = (group: GroupNode): boolean => {
      const key = group.name.toLowerCase();
      let v = within.get(key);
      if (v === undefined) within.set(key, (v = this.isWithin(group, name)));
      return v;
    };
    return [...this.subscriptionNames.keys()].filter((s) => isWithin(this.groupOfSubscription(s))).sort();
  }

  /**
   * The groups at or above an ARM scope (lower-case names): a group's own and its ancestors'; a
   * subscription's, its resource groups' and resources' are those above the subscription. Empty for
   * the tenant ("") and an unknown group.
   */
  groupsAbove(scope: string): Set<string> {
    const group = groupNameOf(scope);
    const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
    const node = group !== undefined ? this.group(group) : sub ? this.groupOfSubscription(sub) : undefined;
    return new Set(node ? this.ancestors(node).map((g) => g.name.toLowerCase()) : []);
  }

  /** Every subscription of the tenant, in id order. */
  allSubscriptions(): string[] {
    return [...this.subscriptionNames.keys()].sort();
  }
}

/**
 * ARM's inheritance seen from `inner`: does an assignment or definition at `outer` reach it? True
 * when `outer` is `inner`, a scope containing it, or a management group above it (what a group
 * holds applies to the groups and subscriptions under it). The hierarchy is read once, and only
 * when a group scope is asked about.
 */
export function reachedFrom(ctx: StoreContext, tenantId: string, inner: string): (outer: string) => boolean {
  let above: Set<string> | undefined;
  return (outer) => {
    if (scopeCovers(outer, inner)) return true;
    const group = groupNameOf(outer);
    if (group === undefined) return false;
    above ??= Hierarchy.read(ctx, tenantId).groupsAbove(inner);
    return above.has(group.toLowerCase());
  };
}

/** The stored membership row of a subscription, if it was placed under a group. */
export function membershipOf(ctx: StoreContext, subscriptionId: string): StoredResource | undefined {
  return ctx.store.listTypes([MANAGEMENT_GROUP_SUBSCRIPTION_TYPE]).find((m) => String(m.doc["name"]).toLowerCase() === subscriptionId.toLowerCase());
}
