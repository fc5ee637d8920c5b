/**
 * What the delegation (delegate.ts) will do, for a reviewer before anything is sent: per batch, the
 * plan's installs a remediation task makes instead (by their step numbers in the plan shown), and
 * the policy steps it runs for them, with each role grant's role and scope. A grant a reviewer never
 * saw is a security review gap: `plan` and `apply` show this beside the plan's own steps.
 */
import { subscriptionOf } from "../../inventory/ids";
import { workspaceLabel, type PlanOf } from "../../core/kernel";
import type { AssignPolicyDetails, CreateRemediationDetails, GrantRoleDetails } from "../extension-policies";
import type { Inventory } from "../../inventory/schema";
import { delegateLargeBatches, type Delegation } from "./delegate";

interface AnyStep {
  readonly id: string;
  readonly action: string;
  readonly target: string;
  readonly details: unknown;
}

export interface DelegatedGrant {
  readonly role: string;
  readonly scope: string;
}

/** One batch handed to a remediation task. */
export interface DelegatedBatch {
  readonly subscriptionId: string;
  /** The workspace the installs connect to (the policy's workspace parameter). */
  readonly workspaceId: string;
  readonly assignment: { readonly id: string; readonly displayName: string; readonly policyDefinitionId: string; readonly identityLocation: string; readonly notScopes: number };
  readonly grants: readonly DelegatedGrant[];
  readonly remediation: { readonly id: string; readonly name: string };
  /** The plan's installs the task makes: their indices in the plan shown (0-based). */
  readonly installs: readonly number[];
  /** The delegation's own steps, in the order they run: assignment, grants, remediation task, removal. */
  readonly steps: readonly { readonly action: string; readonly target: string }[];
}

export interface DelegationView {
  readonly delegateAbove: number;
  readonly batches: readonly DelegatedBatch[];
  /** Batches above the threshold kept step by step, and why (a limit of Azure's). */
  readonly kept: readonly string[];
}

/**
 * The view of `delegation`, made from `original` (the plan it was made from), with the installs
 * numbered as in `shown` (the plan a person reads: a saved plan may hold steps already done).
 */
export function delegationView(original: { readonly steps: readonly AnyStep[] }, delegation: Delegation<{ readonly steps: readonly AnyStep[] }>, delegateAbove: number, shown: { readonly steps: readonly AnyStep[] } = original): DelegationView {
  // Nothing handed over (below the threshold, or every batch kept): the plan as it is.
  if (delegation.plan === original) return { delegateAbove, batches: [], kept: delegation.kept };
  const fromPlan = new Set(original.steps.map((s) => s.id));
  const added = delegation.plan.steps.filter((s) => !fromPlan.has(s.id));
  if (!added.length) return { delegateAbove, batches: [], kept: delegation.kept };
  const kept = new Set(delegation.plan.steps.map((s) => s.id));
  // The installs a remediation stands in for, by machine: as the apply's outcomes map them (azure/delegation.ts).
  const installByMachine = new Map<string, string>();
  const workspaceOf = new Map<string, string>();
  for (const s of original.steps) {
    const d = s.details as { machineId?: string; workspaceId?: string } | null;
    if (kept.has(s.id) || !d?.machineId) continue;
    installByMachine.set(d.machineId.toLowerCase(), s.id);
    if (d.workspaceId) workspaceOf.set(d.machineId.toLowerCase(), d.workspaceId);
  }
  const position = new Map<string, number>();
  const wanted = new Set(installByMachine.values());
  shown.steps.forEach((s, i) => wanted.has(s.id) && position.set(s.id, i));
  const batches: DelegatedBatch[] = [];
  for (const assign of added.filter((s) => s.action === "assign-policy")) {
    const mine = added.filter((s) => s.target === assign.target || (s.details as { policyAssignmentId?: string }).policyAssignmentId === assign.target);
    const a = assign.details as AssignPolicyDetails;
    const task = mine.find((s) => s.action === "create-remediation")!;
    const t = task.details as CreateRemediationDetails;
    const installs = t.resourceIds
      .map((id) => position.get(installByMachine.get(id.toLowerCase()) ?? ""))
      .filter((i): i is number => i !== undefined)
      .sort((x, y) => x - y);
    batches.push({
      subscriptionId: a.subscriptionId,
      workspaceId: workspaceOf.get(t.resourceIds[0]?.toLowerCase() ?? "") ?? "",
      assignment: { id: assign.target, displayName: a.displayName, policyDefinitionId: a.policyDefinitionId, identityLocation: a.location, notScopes: a.notScopes?.length ?? 0 },
      grants: mine.filter((s) => s.action === "grant-role").map((s) => ({ role: (s.details as GrantRoleDetails).roleName, scope: (s.details as GrantRoleDetails).scope })),
      remediation: { id: task.target, name: t.name },
      installs,
      steps: mine.map((s) => ({ action: s.action, target: s.target })),
    });
  }
  return { delegateAbove, batches, kept: delegation.kept };
}

/**
 * What the apply's delegation above `delegateAbove` runs instead of `plan`'s installs: the same
 * function on the same plan and inventory the apply takes, so what is shown is what runs.
 */
export function previewDelegation<S extends AnyStep & { readonly dependsOn: readonly string[] }, D extends string>(plan: PlanOf<S, D>, inventory: Inventory, delegateAbove: number, shown: { readonly steps: readonly AnyStep[] } = plan): DelegationView {
  return delegationView(plan, delegateLargeBatches(plan, inventory, delegateAbove), delegateAbove, shown);
}

/** Each grant of the view, as one string: what a saved plan's review saw. */
export function grantsOf(view: DelegationView): string[] {
  return view.batches.flatMap((b) => b.grants.map((g) => `${g.role} at ${g.scope} for ${b.assignment.id}`));
}

/** "2, 3, 7-9": step numbers (1-based, as the text shows them), runs joined. */
function stepNumbers(indices: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length; ) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j]! + 1) j++;
    parts.push(j > i ? `${indices[i]! + 1}-${indices[j]! + 1}` : String(indices[i]! + 1));
    i = j + 1;
  }
  return parts.join(", ");
}

/** Where a grant is, in words: the subscription, or a resource (a hub's workspace) with where it lives. */
function scopeWords(scope: string, subscriptionId: string): string {
  const parts = scope.split("/").filter(Boolean);
  if (parts.length === 2) return `subscription ${parts[1]}`;
  const elsewhere = subscriptionOf(scope).toLowerCase() !== subscriptionId.toLowerCase() ? ", in another subscription" : "";
  return `${workspaceLabel(scope)} (${scope}${elsewhere})`;
}

function totals(view: DelegationView) {
  const installs = view.batches.reduce((n, b) => n + b.installs.length, 0);
  const steps = view.batches.reduce((n, b) => n + b.steps.length, 0);
  const grants = view.batches.reduce((n, b) => n + b.grants.length, 0);
  return { installs, steps, grants, tasks: view.batches.length };
}

/** One line for the question before an apply ("" without a delegation). */
export function delegationQuestion(view: DelegationView): string {
  if (!view.batches.length) return "";
  const t = totals(view);
  return `, of which ${t.installs} install(s) by ${t.tasks} remediation task(s) (${t.steps} policy step(s), ${t.grants} role grant(s), listed under "Delegated to Azure Policy")`;
}

/** The view for a person at a terminal: after the plan's steps, before the question. */
export function* delegationText(view: DelegationView): Generator<string> {
  if (!view.batches.length && !view.kept.length) return;
  const t = totals(view);
  yield `\nDelegated to Azure Policy (--delegate-above ${view.delegateAbove}):\n`;
  if (t.tasks) {
    yield `  ${t.installs} of the installs above are not sent one by one: ${t.tasks} remediation task(s) make them, with these ${t.steps} step(s) (${t.grants} role grant(s)):\n`;
  }
  for (const b of view.batches) {
    yield `  subscription ${b.subscriptionId}: ${b.installs.length} install(s) to ${workspaceLabel(b.workspaceId)}, steps ${stepNumbers(b.installs)}:\n`;
    for (const [k, s] of b.steps.entries()) {
      const label =
        s.action === "assign-policy"
          ? `${workspaceLabel(s.target)}: "${b.assignment.displayName}" (identity in ${b.assignment.identityLocation}; leaves out ${b.assignment.notScopes} other machine(s))`
          : s.action === "grant-role"
            ? `${b.grants[k - 1]!.role} at ${scopeWords(b.grants[k - 1]!.scope, b.subscriptionId)}`
            : s.action === "create-remediation"
              ? `${b.remediation.name} (${b.installs.length} machine(s))`
              : `${workspaceLabel(s.target)} (its role grants go with it)`;
      yield `    ${String.fromCharCode(97 + k)}. ${s.action.padEnd(22)} ${label}\n`;
    }
  }
  for (const k of view.kept) yield `  kept step by step: ${k}\n`;
}

/** The view in a markdown comment (a PR's review): the grants in full, the installs counted. */
export function delegationMarkdown(view: DelegationView): string[] {
  if (!view.batches.length && !view.kept.length) return [];
  const t = totals(view);
  const lines = [`#### Delegated to Azure Policy (\`--delegate-above ${view.delegateAbove}\`)`, ""];
  if (t.tasks) lines.push(`${t.installs} of the installs are made by ${t.tasks} remediation task(s), with ${t.steps} policy step(s) and ${t.grants} role grant(s):`, "");
  for (const b of view.batches) {
    lines.push(`- subscription \`${b.subscriptionId}\`: ${b.installs.length} install(s) to \`${workspaceLabel(b.workspaceId)}\` (steps ${stepNumbers(b.installs)}) by remediation task \`${b.remediation.name}\` of policy "${b.assignment.displayName}" (leaves out ${b.assignment.notScopes} other machine(s))`);
    for (const g of b.grants) lines.push(`  - grant **${g.role}** at \`${g.scope}\``);
  }
  for (const k of view.kept) lines.push(`- kept step by step: ${k}`);
  return lines;
}
