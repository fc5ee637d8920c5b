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
 */
import { subscriptionOf } from "../../inventory/ids";
import type { Inventory } from "../../inventory/schema";
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

  constructor(inventory: Pick<Inventory, "roleAssignments" | "policyAssignments">) {
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
      else if (s.action === "grant-role") bump(this.roles, subscriptionOf((s.details as { scope: string }).scope).toLowerCase(), 1);
    }
  }

  roleAssignmentsIn(subscriptionId: string): number {
    return this.roles.get(subscriptionId.toLowerCase()) ?? 0;
  }

  policyAssignmentsAt(scope: string): number {
    return this.policies.get(trimmed(scope)) ?? 0;
  }

  /**
   * The limit that `grants` more role assignments in the subscription, and (when `newAt` is given)
   * a new policy assignment at that scope, would break; undefined when both fit.
   */
  refusal(subscriptionId: string, grants: number, newAt?: string): LimitRefusal | undefined {
    if (newAt !== undefined) {
      const count = this.policyAssignmentsAt(newAt);
      if (count + 1 > POLICY_ASSIGNMENTS_PER_SCOPE) return { code: "policy-assignments-over-limit", limit: POLICY_ASSIGNMENTS_PER_SCOPE, scope: newAt, count, adding: 1 };
    }
    const count = this.roleAssignmentsIn(subscriptionId);
    if (grants > 0 && count + grants > ROLE_ASSIGNMENTS_PER_SUBSCRIPTION) {
      return { code: "role-assignments-over-limit", limit: ROLE_ASSIGNMENTS_PER_SUBSCRIPTION, scope: `/subscriptions/${subscriptionId}`, count, adding: grants };
    }
    return undefined;
  }

  /** Charges what an assignment the plan makes adds (after `refusal` said it fits). */
  charge(subscriptionId: string, grants: number, newAt?: string): void {
    bump(this.roles, subscriptionId.toLowerCase(), grants);
    if (newAt !== undefined) bump(this.policies, trimmed(newAt), 1);
  }
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
