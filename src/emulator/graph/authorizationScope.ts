/**
 * Resource Graph's `options.authorizationScopeFilter`: which authorization resources (policy and
 * role assignments: `policyresources`, `authorizationresources`) a query's scope returns. The
 * published spec (azure-rest-api-specs, resourcegraph 2021-03-01 and later, QueryRequestOptions)
 * says only "Defines what level of authorization resources should be returned based on the which
 * subscriptions and management groups are passed as scopes", with the values AtScopeAndBelow (the
 * default), AtScopeAndAbove, AtScopeExact and AtScopeAboveAndBelow. What "at", "above" and "below"
 * mean is INFERRED from ARM's scopes: at = the subscriptions (or groups) asked for; above = the
 * management groups containing them; below = their resource groups and resources (for a group: the
 * groups and subscriptions under it). So a subscriptions-scoped query returns a management group's
 * assignment only with AtScopeAndAbove or AtScopeAboveAndBelow.
 */
import { ArmErrors } from "../http/errors";
import { Hierarchy, groupNameOf } from "../model/managementGroups";

export const AUTHORIZATION_SCOPE_FILTERS = ["AtScopeAndBelow", "AtScopeAndAbove", "AtScopeExact", "AtScopeAboveAndBelow"] as const;
export type AuthorizationScopeFilter = (typeof AUTHORIZATION_SCOPE_FILTERS)[number];

/** The tables the filter applies to. */
export const AUTHORIZATION_TABLES: ReadonlySet<string> = new Set(["policyresources", "authorizationresources"]);

/** The request's filter (the default when absent); another value is a 400, as Resource Graph refuses a value outside its enum. */
export function authorizationScopeFilterOf(options: Record<string, unknown>, correlationId: string): AuthorizationScopeFilter {
  const raw = options["authorizationScopeFilter"];
  if (raw === undefined || raw === null) return "AtScopeAndBelow";
  const found = AUTHORIZATION_SCOPE_FILTERS.find((f) => typeof raw === "string" && f.toLowerCase() === raw.toLowerCase());
  if (!found) {
    throw ArmErrors.graphInvalidQuery(`The value '${String(raw)}' of options.authorizationScopeFilter is not valid; valid values are ${AUTHORIZATION_SCOPE_FILTERS.join(", ")}.`, correlationId);
  }
  return found;
}

type Relation = "at" | "above" | "below" | "outside";

const KEEPS: Readonly<Record<AuthorizationScopeFilter, ReadonlySet<Relation>>> = {
  AtScopeAndBelow: new Set(["at", "below"]),
  AtScopeAndAbove: new Set(["at", "above"]),
  AtScopeExact: new Set(["at"]),
  AtScopeAboveAndBelow: new Set(["at", "above", "below"]),
};

/** What a query asked for: subscriptions, or management groups (the tenant's query: its root group). */
export type QueryScope = { readonly subscriptions: readonly string[] } | { readonly managementGroups: readonly string[] };

/** Which authorization resources a query keeps, by the scope each is assigned at. */
export class AuthorizationScope {
  private readonly subscriptions: ReadonlySet<string>;
  /** Groups asked for (lower-case). */
  private readonly groups: ReadonlySet<string>;
  /** Groups above what was asked for, and (a groups query) groups below it. */
  private readonly groupsAbove = new Set<string>();
  private readonly groupsBelow = new Set<string>();

  constructor(
    hierarchy: () => Hierarchy,
    scope: QueryScope,
    /** The subscriptions the query covers (for a groups query: those under the groups). */
    covered: readonly string[],
    readonly filter: AuthorizationScopeFilter,
  ) {
    this.subscriptions = new Set(covered.map((s) => s.toLowerCase()));
    this.groups = new Set("managementGroups" in scope ? scope.managementGroups.map((g) => g.toLowerCase()) : []);
    const keeps = KEEPS[filter];
    // The hierarchy is read only when groups can be kept: not for the default filter's subscriptions query.
    if ("managementGroups" in scope) {
      const h = hierarchy();
      for (const name of this.groups) {
        const node = h.group(name);
        if (!node) continue;
        for (const g of h.ancestors(node).slice(1)) this.groupsAbove.add(g.name.toLowerCase());
      }
      for (const g of h.allGroups()) {
        const name = g.name.toLowerCase();
        if (!this.groups.has(name) && [...this.groups].some((asked) => h.isWithin(g, asked))) this.groupsBelow.add(name);
      }
    } else if (keeps.has("above")) {
      const h = hierarchy();
      for (const s of this.subscriptions) for (const g of h.groupsAbove(`/subscriptions/${s}`)) this.groupsAbove.add(g);
    }
  }

  /** Do the management groups' assignments matter at all (any group above or below, kept by the filter)? */
  get readsGroups(): boolean {
    const keeps = KEEPS[this.filter];
    return (keeps.has("above") && this.groupsAbove.size > 0) || (keeps.has("below") && this.groupsBelow.size > 0) || this.groups.size > 0;
  }

  /** Is every row of the subscriptions covered returned (at and below them both kept: a subscriptions query's rows are at or below, a groups query's below)? */
  get keepsEverySubscriptionRow(): boolean {
    const keeps = KEEPS[this.filter];
    return keeps.has("below") && (this.groups.size > 0 || keeps.has("at"));
  }

  /** Is a resource assigned at `scope` (its id's scope) returned? */
  keeps(scope: string): boolean {
    return KEEPS[this.filter].has(this.relation(scope));
  }

  private relation(scope: string): Relation {
    const group = groupNameOf(scope)?.toLowerCase();
    if (group !== undefined) {
      if (this.groups.has(group)) return "at";
      if (this.groupsAbove.has(group)) return "above";
      return this.groupsBelow.has(group) ? "below" : "outside";
    }
    const m = /^\/subscriptions\/([^/]+)(\/.*)?$/i.exec(scope);
    if (!m || !this.subscriptions.has(m[1]!.toLowerCase())) return "outside";
    // A groups query: every subscription under the groups is below them.
    if (this.groups.size > 0) return "below";
    return m[2] && m[2] !== "/" ? "below" : "at";
  }
}
