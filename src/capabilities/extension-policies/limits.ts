/**
 * Azure's fixed limits on what a Deploy-if-not-exists assignment adds, counted once per plan from
 * the inventory (everyone's assignments, not only this tool's) and charged as the plan adds steps,
 * so the plan never holds a step ARM would refuse:
 *
 * - 4,000 role assignments per subscription, those at its resource groups and resources included
 *   (Microsoft Learn, "Troubleshoot Azure RBAC limits": "No more role assignments can be created
 *   (code: RoleAssignmentLimitExceeded)"; fixed, cannot be increased).
 * - 200 policy or initiative assignments per scope: management group, subscription, resource group
 *   or resource (Microsoft Learn, "Azure subscription and service limits", section "Azure Policy
 *   limits").
 *
 * A grant counts in the subscription of its scope: a spoke's assignment granted a role at the hub's
 * workspace or rule takes room in the hub's subscription. What the plan removes before it adds is
 * given back (credit): an assignment's removal frees its place at its scope and the role
 * assignments of its identity wherever they are (the unassign-policy step deletes them). An addition that fits only thanks to such room waits for
 * the removals that made it (`charge` names them), so ARM never sees it first.
 */
import { subscriptionOf } from "../../inventory/ids";
import type { Inventory, InventoryPolicyAssignment } from "../../inventory/schema";
import type { PlanContext } from "../../core/kernel";

/** Azure's fixed limit of role assignments per subscription (those at its resource groups and resources included). */
export const ROLE_ASSIGNMENTS_PER_SUBSCRIPTION = 4000;

/** Azure Policy's limit of policy or initiative assignments at one scope (those inherited from above not counted). */
export const POLICY_ASSIGNMENTS_PER_SCOPE = 200;

/** Which limit an assignment would break, where, and how many there are already. */
export interface LimitRefusal {
  readonly code: "role-assignments-over-limit" | "policy-assignments-over-limit";
  readonly limit: number;
  /** The subscription (role assignments) or the assignment's scope (policy assignments). */
  readonly scope: string;
  /** How many there are there now, this plan's steps before this one included. */
  readonly count: number;
  /** How many this assignment would add. */
  readonly adding: number;
}

/** What one plan has used of each subscription's role assignments and each scope's policy assignments. */
export class LimitBook {
  /** Role assignments per lower-case subscription GUID. */
  private readonly roles = new Map<string, number>();
  /** Policy assignments per lower-case scope. */
  private readonly policies = new Map<string, number>();
  /** What removals of this plan gave back, per key of `roles` and of `policies`, and their steps. */
  private readonly freedRoles = new Map<string, Freed>();
  private readonly freedPolicies = new Map<string, Freed>();
  /** Role assignments per lower-case principal, then per subscription, built on the first credit. */
  private byPrincipal: Map<string, Map<string, number>> | undefined;
  private readonly inventory: Pick<Inventory, "roleAssignments" | "policyAssignments">;

  constructor(inventory: Pick<Inventory, "roleAssignments" | "policyAssignments">) {
    this.inventory = inventory;
    for (const r of inventory.roleAssignments) bump(this.roles, subscriptionOf(r.scope).toLowerCase(), 1);
    for (const a of inventory.policyAssignments) bump(this.policies, trimmed(a.scope), 1);
  }

  /**
   * Charges what a plan's steps add: each new assignment (assign-policy) at its scope, each
   * grant-role in its subscription. For what is added after the plan was made (the Log Analytics
   * agent's delegation at apply time).
   */
  chargeSteps(steps: Iterable<{ readonly action: string; readonly details: unknown }>): void {
    for (const s of steps) {
      if (s.action === "assign-policy") bump(this.policies, trimmed((s.details as { scope: string }).scope), 1);
      // A grant that replaces an orphan of its name adds none.
      else if (s.action === "grant-role" && !(s.details as { replacesPrincipalId?: string }).replacesPrincipalId) bump(this.roles, subscriptionOf((s.details as { scope: string }).scope).toLowerCase(), 1);
    }
  }

  roleAssignmentsIn(subscriptionId: string): number {
    return this.roles.get(subscriptionId.toLowerCase()) ?? 0;
  }

  policyAssignmentsAt(scope: string): number {
    return this.policies.get(trimmed(scope)) ?? 0;
  }

  /**
   * The limit that `grants` more role assignments (per subscription: a grant counts where its scope
   * is, a hub's workspace or rule included; grantsBySubscription), and (when `newAt` is given) a
   * new policy assignment at that scope, would break; undefined when all fit.
   */
  refusal(grants: ReadonlyMap<string, number>, newAt?: string): LimitRefusal | undefined {
    if (newAt !== undefined) {
      const count = this.policyAssignmentsAt(newAt);
      if (count + 1 > POLICY_ASSIGNMENTS_PER_SCOPE) return { code: "policy-assignments-over-limit", limit: POLICY_ASSIGNMENTS_PER_SCOPE, scope: newAt, count, adding: 1 };
    }
    for (const [subscriptionId, adding] of grants) {
      const count = this.roleAssignmentsIn(subscriptionId);
      if (adding > 0 && count + adding > ROLE_ASSIGNMENTS_PER_SUBSCRIPTION) {
        return { code: "role-assignments-over-limit", limit: ROLE_ASSIGNMENTS_PER_SUBSCRIPTION, scope: `/subscriptions/${subscriptionId}`, count, adding };
      }
    }
    return undefined;
  }

  /**
   * Charges what an assignment the plan makes adds (after `refusal` said it fits), and returns the
   * removal steps it must wait for: those that gave back the room it takes (none when it fits
   * without them).
   */
  charge(grants: ReadonlyMap<string, number>, newAt?: string): string[] {
    const waitFor = new Set<string>();
    const relyOn = (freed: Freed | undefined, count: number, adding: number, limit: number) => {
      if (freed && count + freed.count + adding > limit) for (const step of freed.steps) waitFor.add(step);
    };
    for (const [subscriptionId, adding] of grants) {
      const sub = subscriptionId.toLowerCase();
      if (adding > 0) relyOn(this.freedRoles.get(sub), this.roleAssignmentsIn(sub), adding, ROLE_ASSIGNMENTS_PER_SUBSCRIPTION);
      bump(this.roles, sub, adding);
    }
    if (newAt !== undefined) {
      relyOn(this.freedPolicies.get(trimmed(newAt)), this.policyAssignmentsAt(newAt), 1, POLICY_ASSIGNMENTS_PER_SCOPE);
      bump(this.policies, trimmed(newAt), 1);
    }
    return [...waitFor];
  }

  /**
   * Gives back what the removal of `assignment` (the inventory's) by the plan's step `stepId`
   * frees: its place at its scope, and the role assignments of its identity in every subscription
   * (its grants at a hub's workspace or rule included). Once per step.
   */
  credit(assignment: InventoryPolicyAssignment, stepId: string): void {
    const scope = trimmed(assignment.scope);
    if (this.freedPolicies.get(scope)?.steps.includes(stepId)) return;
    give(this.policies, this.freedPolicies, scope, 1, stepId);
    const roles = assignment.identityPrincipalId ? this.rolesByPrincipal().get(assignment.identityPrincipalId.toLowerCase()) : undefined;
    for (const [sub, n] of roles ?? []) give(this.roles, this.freedRoles, sub, n, stepId);
  }

  /** Lower-case principal -> its role assignments per lower-case subscription. */
  private rolesByPrincipal(): Map<string, Map<string, number>> {
    if (!this.byPrincipal) {
      this.byPrincipal = new Map();
      for (const r of this.inventory.roleAssignments) {
        const principal = r.principalId.toLowerCase();
        const subs = this.byPrincipal.get(principal) ?? this.byPrincipal.set(principal, new Map()).get(principal)!;
        bump(subs, subscriptionOf(r.scope).toLowerCase(), 1);
      }
    }
    return this.byPrincipal;
  }
}

/** Role assignments that grants at `scopes` add, per lower-case subscription (where each scope is). */
export function grantsBySubscription(scopes: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const scope of scopes) bump(out, subscriptionOf(scope).toLowerCase(), 1);
  return out;
}

/** Room a plan's removals gave back at one key, and the removal steps. */
interface Freed {
  count: number;
  readonly steps: string[];
}

function give(counts: Map<string, number>, freed: Map<string, Freed>, key: string, n: number, stepId: string): void {
  bump(counts, key, -n);
  const f = freed.get(key) ?? freed.set(key, { count: 0, steps: [] }).get(key)!;
  f.count += n;
  f.steps.push(stepId);
}

const LIMIT_BOOK = {};

/** The plan's one LimitBook. */
export function limitsOf(ctx: PlanContext): LimitBook {
  return ctx.memo(LIMIT_BOOK, () => new LimitBook(ctx.inventory));
}

/** A finding's sentence for `r`, about the assignment of `displayName`. */
export function refusalMessage(r: LimitRefusal, displayName: string, instead: string): string {
  const what = r.code === "role-assignments-over-limit" ? `role assignments per subscription` : `policy assignments per scope`;
  return (
    `Azure allows ${r.limit.toLocaleString("en-US")} ${what}; ${r.scope} has ${r.count.toLocaleString("en-US")} (everyone's, this plan's included) and ` +
    `"${displayName}" would add ${r.adding}, which ARM would refuse: ${instead}`
  );
}

function bump(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

/** A scope's lower-case key, without a trailing slash. */
function trimmed(scope: string): string {
  return scope.toLowerCase().replace(/\/+$/, "");
}
