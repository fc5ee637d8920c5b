/**
 * A converged emulator fleet in minutes (issue 15 item 8's watch and staleness benchmarks at 100k
 * machines): the state `apply` would leave, without an hour of HTTPS round trips.
 *
 * 1. The plan's steps that are not on one machine (rules, solutions, policies, roles,
 *    remediations, pricings: about a hundred whatever the fleet) are applied as `apply` does.
 * 2. The per-machine steps (identities, extensions, rule associations: ~2.5 per machine) run
 *    through the same executor and step handlers, but their writes are recorded by a pipeline
 *    policy instead of being sent (answered as ARM answers a write that succeeded at once); reads
 *    still go to the emulator.
 * 3. The recorded writes are replayed into the emulator in batches (`POST /admin/replay`: its
 *    router in process, one transaction per batch).
 *
 * Then the fleet is read again and planned: it must give 0 steps, or the convergence throws. A
 * policy's remediation task is named after the machines it covers and the unreachable ones
 * (deallocated, no VM agent) Azure's discovery tries too, so a converged fleet plans none again,
 * after a real apply as after this one (2,000 machines: 0 steps left). The one exception is a
 * subscription with more than one task's 50,000 resources for a policy (the plan's
 * `remediation-over-limit` finding): its next task follows in the next plan; those are counted in
 * `leftover`.
 */
import { createHttpHeaders, type PipelinePolicy, type PipelineResponse } from "@azure/core-rest-pipeline";
import { applyPlan, readInventory, type AzureConnection } from "../src/azure";
import { machineOf, plan, REGISTRY, type Plan } from "../src/core";
import type { Spec } from "../src/spec";

/** Requests per replay batch: well under the emulator's 16 MiB body limit. */
const REPLAY_BATCH = 5_000;
/** Steps at once and write budget for the converge: the emulator, not ARM, is the limit here. */
const CONVERGE_APPLY = { concurrency: 128, writes: { capacity: 1_000_000, refillPerSecond: 1_000_000 }, pollIntervalMs: 20 } as const;

export interface RecordedWrite {
  readonly method: "PUT" | "PATCH" | "POST" | "DELETE";
  readonly path: string;
  readonly body?: unknown;
}

/** The finding of a policy whose resources need more than one remediation task (one per plan). */
const OVER_ONE_TASK = "remediation-over-limit";

type Admin = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export interface Converged {
  readonly steps: number;
  readonly appliedSteps: number;
  readonly replayedWrites: number;
  /** Steps a plan of the converged fleet still has (only the next remediation task of a policy over one task's limit, or convergeFleet throws). */
  readonly stepsAfter: number;
  /** Those steps by action. */
  readonly leftover: Readonly<Record<string, number>>;
  /** The steps the fleet had to converge, by action and (on one machine) the machine's decision: what a saved state had left. */
  readonly found: Readonly<Record<string, number>>;
  readonly seconds: { readonly read: number; readonly apply: number; readonly record: number; readonly replay: number; readonly check: number };
}

/** Records writes instead of sending them, answering each as a write ARM completed at once. */
export function recordingPolicy(into: RecordedWrite[]): PipelinePolicy {
  return {
    name: "benchWriteRecorder",
    sendRequest: async (request, next): Promise<PipelineResponse> => {
      const method = request.method.toUpperCase();
      if (method !== "PUT" && method !== "PATCH" && method !== "POST" && method !== "DELETE") return next(request);
      const url = new URL(request.url);
      const body: unknown = typeof request.body === "string" && request.body ? JSON.parse(request.body) : undefined;
      into.push({ method, path: url.pathname + url.search, ...(body === undefined ? {} : { body }) });
      const b = (body ?? {}) as { properties?: Record<string, unknown> };
      const echo = { ...b, id: decodeURIComponent(url.pathname), properties: { ...(b.properties ?? {}), provisioningState: "Succeeded" } };
      return { request, status: 200, headers: createHttpHeaders({ "content-type": "application/json" }), bodyAsText: JSON.stringify(echo) };
    },
  };
}

function recordingConnection(conn: AzureConnection, into: RecordedWrite[]): AzureConnection {
  const policy = recordingPolicy(into);
  return {
    ...conn,
    clientOptions: () => {
      const o = conn.clientOptions();
      return { ...o, additionalPolicies: [...(o.additionalPolicies ?? []), { policy, position: "perCall" }] };
    },
  };
}

const onOneMachine = (step: Plan["steps"][number]) => REGISTRY.kind(step.action).machineId !== undefined;

function only(planned: Plan, keep: (s: Plan["steps"][number]) => boolean): Plan {
  return { ...planned, steps: planned.steps.filter(keep) };
}

function assertAllDone(what: string, counts: Record<string, number>, results: readonly { status: string; error?: string; step: { id: string } }[]): void {
  const bad = results.filter((r) => r.status !== "done" && r.status !== "already-done");
  if (bad.length) throw new Error(`converge: ${what}: ${JSON.stringify(counts)}; first: ${bad[0]!.step.id}: ${bad[0]!.error ?? bad[0]!.status}`);
}

/** A plan's steps counted by action and, for a step on one machine, that machine's decision. */
export function stepsByActionAndDecision(planned: Plan): Record<string, number> {
  const decision = new Map(planned.machines.map((m) => [m.id.toLowerCase(), m.decision] as const));
  const out: Record<string, number> = {};
  for (const s of planned.steps) {
    const machine = machineOf(s);
    const key = machine ? `${s.action} (${decision.get(machine.toLowerCase()) ?? "?"})` : s.action;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/**
 * Converges the emulator's fleet to `spec` (see the module comment); throws unless a fresh plan
 * then has 0 steps. A fleet already converged costs one read: nothing is applied or read again.
 */
export async function convergeFleet(conn: AzureConnection, admin: Admin, spec: Spec): Promise<Converged> {
  const secs = (t0: number) => (Date.now() - t0) / 1000;
  let t0 = Date.now();
  const planned = plan(spec, await readInventory(conn, spec.subscriptions));
  const read = secs(t0);
  const found = stepsByActionAndDecision(planned);
  if (planned.steps.length === 0) {
    return { steps: 0, appliedSteps: 0, replayedWrites: 0, stepsAfter: 0, leftover: {}, found, seconds: { read, apply: 0, record: 0, replay: 0, check: 0 } };
  }

  t0 = Date.now();
  const shared = await applyPlan(conn, only(planned, (s) => !onOneMachine(s)), CONVERGE_APPLY);
  assertAllDone("shared steps", shared.counts, shared.results);
  const apply = secs(t0);

  t0 = Date.now();
  const writes: RecordedWrite[] = [];
  const perMachine = await applyPlan(recordingConnection(conn, writes), only(planned, onOneMachine), CONVERGE_APPLY);
  assertAllDone("per-machine steps", perMachine.counts, perMachine.results);
  const record = secs(t0);

  t0 = Date.now();
  for (let i = 0; i < writes.length; i += REPLAY_BATCH) {
    const r = await admin<{ failed: number; failures: unknown[] }>("POST", "/admin/replay", { requests: writes.slice(i, i + REPLAY_BATCH) });
    if (r.failed > 0) throw new Error(`converge: ${r.failed} replayed writes refused, first ${JSON.stringify(r.failures[0])}`);
  }
  const replay = secs(t0);

  t0 = Date.now();
  const after = plan(spec, await readInventory(conn, spec.subscriptions));
  const check = secs(t0);
  const overOneTask = new Set(planned.findings.filter((f) => f.code === OVER_ONE_TASK).map((f) => f.target.toLowerCase()));
  const nextTask = (s: Plan["steps"][number]) => s.action === "create-remediation" && overOneTask.has(s.details.policyAssignmentId.toLowerCase());
  const unexpected = after.steps.filter((s) => !nextTask(s));
  if (unexpected.length > 0) {
    const sample = unexpected.slice(0, 3).map((s) => `${s.action} ${s.target}`);
    throw new Error(`converge: the converged fleet still plans ${after.steps.length} steps, e.g. ${sample.join("; ")}`);
  }
  const leftover: Record<string, number> = {};
  for (const s of after.steps) leftover[s.action] = (leftover[s.action] ?? 0) + 1;
  return {
    steps: planned.steps.length,
    appliedSteps: shared.results.length,
    replayedWrites: writes.length,
    stepsAfter: after.steps.length,
    leftover,
    found,
    seconds: { read, apply, record, replay, check },
  };
}
