/** An apply's result as `apply --format json` and each `reconcile --format json` round give it. */
import type { ApplyResult, ExecuteResult, StepStatus } from "../azure";

export interface ResultJson {
  /** Every step the apply ran: the plan's, and the delegation's own (`delegationSteps`) when there was one. */
  readonly counts: ExecuteResult["counts"];
  /** ARM write requests (PUT, PATCH, POST actions, DELETE), every attempt counted: not steps, not installs. */
  readonly writes: number;
  /** The requests sent again: throttled (429, the longest Retry-After) and met by transient errors, by status or "network". */
  readonly retries: ApplyResult["retries"];
  readonly aborted: string | null;
  /** Installs a remediation task did, per machine (above --delegate-above). */
  readonly delegated?: ApplyCounts["byRemediation"];
  /** Of `counts`, the policy steps the delegation added (assignment, roles, remediation task, removal). */
  readonly delegationSteps?: ApplyCounts["delegation"];
  readonly failed: readonly { readonly step: string; readonly error: string | undefined; readonly via?: "remediation" }[];
}

export function resultJson(r: ApplyResult): ResultJson {
  const c = applyCounts(r);
  return {
    counts: r.counts,
    writes: r.writes,
    retries: r.retries,
    aborted: r.aborted ?? null,
    ...(r.delegated.length ? { delegated: c.byRemediation } : {}),
    ...(r.delegationSteps.length ? { delegationSteps: c.delegation } : {}),
    failed: [
      ...r.results.filter((x) => x.status === "failed").map((x) => ({ step: x.step.id, error: x.error })),
      ...r.delegated.filter((x) => x.status === "failed").map((x) => ({ step: x.step.id, error: x.error, via: "remediation" as const })),
    ],
  };
}

/** Exit 1 when a step (or a machine a remediation installed for us) failed or was skipped, or the run stopped early. */
export function applyFailed(r: ApplyResult): boolean {
  return r.counts.failed > 0 || r.counts.skipped > 0 || !!r.aborted || r.delegated.some((x) => x.status !== "done");
}

/** An apply's outcomes under their own names: the plan's steps, installs by remediation, the delegation's steps. */
export interface ApplyCounts {
  /** The plan's steps that ran as ARM calls. */
  readonly plan: Readonly<Record<StepStatus, number>>;
  /** The plan's installs a remediation task made, per machine. */
  readonly byRemediation: { readonly done: number; readonly failed: number; readonly skipped: number };
  /** The policy steps the delegation added to make those installs. */
  readonly delegation: Readonly<Record<StepStatus, number>>;
}

export function applyCounts(r: ApplyResult): ApplyCounts {
  const added = new Set(r.delegationSteps);
  const plan: Record<StepStatus, number> = { done: 0, "already-done": 0, failed: 0, skipped: 0 };
  const delegation: Record<StepStatus, number> = { done: 0, "already-done": 0, failed: 0, skipped: 0 };
  for (const x of r.results) (added.has(x.step.id) ? delegation : plan)[x.status]++;
  const byRemediation = { done: 0, failed: 0, skipped: 0 };
  for (const x of r.delegated) byRemediation[x.status === "done" ? "done" : x.status === "failed" ? "failed" : "skipped"]++;
  return { plan, byRemediation, delegation };
}
