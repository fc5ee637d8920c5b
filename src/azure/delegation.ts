/**
 * Installs handed to a policy remediation (above --delegate-above) are reported per machine, like
 * any other step: once the apply ran, each remediation task's deployments are listed and every
 * delegated install gets the outcome of its machine's deployment (done, failed with the
 * deployment's error, or skipped when the task itself did not run).
 */
import type { Plan, Step } from "../capabilities";
import { subscriptionOf } from "../inventory/ids";
import type { ArmClients } from "./clients";
import type { StepResult } from "./executor";
import { withRetries, type RetryOptions } from "./retry";
import { operationSignal, RunStopped } from "./stop";

interface RemediationDetails {
  readonly name: string;
  readonly scope: string;
  readonly resourceIds: readonly string[];
}

/** The installs of `original` that `delegated` no longer holds: those a remediation stands in for. */
export function delegatedInstalls(original: Plan, delegated: Plan): Step[] {
  if (original === delegated) return [];
  const kept = new Set(delegated.steps.map((s) => s.id));
  return original.steps.filter((s) => !kept.has(s.id));
}

/**
 * After a stop (SIGINT, a lost lease, the give-up deadline: `retry.signal`) no deployment list is
 * read or waited for: its installs are reported skipped, as unknown, and the apply exits 1 for the
 * stop. Without the signal a Ctrl-C at the end of an apply waited out every Retry-After of these
 * reads (up to the 10-minute throttling deadline) before it stopped.
 *
 * `results` are the delegation's own steps: the plan's remediation tasks (a Deploy-if-not-exists
 * policy's) may list the same machines, and counting them too reported one install twice.
 * Each install gets exactly one outcome.
 *
 * `clients` are the apply's paced ones (pacer.ts): a deployment list is a POST (listDeployments),
 * which ARM charges to the subscription's write budget like any other POST (budget.ts, requestClass).
 */
export async function delegatedOutcomes(clients: ArmClients, installs: readonly Step[], results: readonly StepResult[], retry?: RetryOptions): Promise<StepResult[]> {
  if (!installs.length) return [];
  const installOf = new Map<string, Step>();
  for (const s of installs) {
    const machineId = (s.details as { machineId?: string }).machineId;
    if (machineId) installOf.set(machineId.toLowerCase(), s);
  }
  const out: StepResult[] = [];
  for (const r of results) {
    if (r.step.action !== "create-remediation") continue;
    const d = r.step.details as RemediationDetails;
    const mine = d.resourceIds.map((id) => installOf.get(id.toLowerCase())).filter((s): s is Step => !!s);
    for (const s of mine) installOf.delete((s.details as { machineId: string }).machineId.toLowerCase());
    if (!mine.length) continue;
    if (r.status === "skipped") {
      for (const s of mine) out.push({ step: s, status: "skipped", error: `its remediation task ${d.name} was skipped: ${r.error ?? ""}` });
      continue;
    }
    let byResource: Map<string, { status: string; error?: string }>;
    try {
      byResource = await deploymentsOf(clients, d, retry);
    } catch (err) {
      if (!(err instanceof RunStopped)) throw err;
      for (const s of mine) out.push({ step: s, status: "skipped", error: `the deployments of its remediation task ${d.name} were not read: ${err.reason}` });
      continue;
    }
    for (const s of mine) {
      const machineId = (s.details as { machineId: string }).machineId;
      const dep = byResource.get(machineId.toLowerCase());
      if (!dep) out.push({ step: s, status: "failed", error: `remediation ${d.name} deployed nothing to this machine${r.error ? ` (${r.error})` : ""}` });
      else if (dep.status.toLowerCase() === "succeeded") out.push({ step: s, status: "done" });
      else out.push({ step: s, status: "failed", error: `remediation ${d.name}: deployment ${dep.status}${dep.error ? `: ${dep.error}` : ""}` });
    }
  }
  return out;
}

/** A remediation task's deployments by the resource each deployed to; RunStopped once the run stops. */
async function deploymentsOf(clients: ArmClients, d: RemediationDetails, retry?: RetryOptions): Promise<Map<string, { status: string; error?: string }>> {
  const byResource = new Map<string, { status: string; error?: string }>();
  await withRetries(async () => {
    byResource.clear();
    // The request in flight ends with the run too (the SDK adds its own listeners: a signal of its own).
    const own = retry?.signal && operationSignal(retry.signal);
    try {
      const pages = clients.remediations(subscriptionOf(d.scope)).remediations.listDeploymentsAtSubscription(d.name, own ? { abortSignal: own.signal } : undefined);
      for await (const dep of pages) {
        if (dep.remediatedResourceId) byResource.set(dep.remediatedResourceId.toLowerCase(), { status: dep.status ?? "", error: dep.error?.message });
      }
    } finally {
      own?.dispose();
    }
  }, retry);
  return byResource;
}
