/** An apply's result as `apply --format json` and each `reconcile --format json` round give it. */
import type { ApplyResult, ExecuteResult } from "../azure";

export interface ResultJson {
  readonly counts: ExecuteResult["counts"];
  readonly writes: number;
  readonly aborted: string | null;
  /** Installs a remediation task did, per machine (above --delegate-above). */
  readonly delegated?: { readonly done: number; readonly failed: number; readonly skipped: number };
  readonly failed: readonly { readonly step: string; readonly error: string | undefined; readonly via?: "remediation" }[];
}

export function resultJson(r: ApplyResult): ResultJson {
  const delegated = { done: 0, failed: 0, skipped: 0 };
  for (const x of r.delegated) delegated[x.status === "done" ? "done" : x.status === "failed" ? "failed" : "skipped"]++;
  return {
    counts: r.counts,
    writes: r.writes,
    aborted: r.aborted ?? null,
    ...(r.delegated.length ? { delegated } : {}),
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
