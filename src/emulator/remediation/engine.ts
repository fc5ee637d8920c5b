/**
 * Runs remediation tasks in the background, as Azure Policy does: Accepted → Running (the
 * non-compliant resources are listed once, up to `resourceCount`), at most
 * `parallelDeployments` deployments in flight, counts updated as each finishes, then Succeeded,
 * Failed (the share of failed deployments exceeded failureThreshold, or all failed) or Canceled. State lives in
 * the database, so a restarted emulator resumes a task where it stopped.
 */
import type { ArmContext } from "../arm/types";
import type { Db } from "../store/db";
import type { StoredResource } from "../store/resources";
import { getPath, getString, isObject, type JsonObject } from "../util/json";
import { guidFrom } from "../util/random";
import { REMEDIATION_TYPE } from "../model/resourceTypes";
import { ArmErrors } from "../http/errors";
import { deployOne } from "./deploy";
import { nonCompliantResources } from "./targets";
import { remediatedPolicy } from "./remediated";
import { ComplianceIndex } from "./complianceIndex";
import { assignmentEvaluated, RE_EVALUATE } from "./evaluation";

export interface DeploymentRow {
  remediationl: string;
  ord: number;
  resource: string;
  location: string | null;
  status: string;
  deployment_id: string | null;
  error: string | null;
  created: string;
  updated: string;
}

interface Activity {
  inFlight: number;
  peak: number;
}

const ACTIVE_STATES = new Set(["Accepted", "Running", "Cancelling"]);

export class RemediationEngine {
  private readonly active = new Map<string, Activity>();
  private readonly peaks = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private scheduled = false;
  private readonly insertStmt;
  private readonly nextStmt;
  private readonly setStatusStmt;
  private readonly resumeStmt;
  private readonly cancelPendingStmt;
  private readonly listStmt;
  private readonly countStmt;
  private readonly deleteStmt;

  constructor(
    db: Db,
    private readonly ctx: () => ArmContext,
  ) {
    this.insertStmt = db.prepare(
      "INSERT INTO remediation_deployments(remediationl, ord, resource, location, status, created, updated) VALUES (?, ?, ?, ?, 'NotStarted', ?, ?)",
    );
    this.nextStmt = db.prepare<[string], DeploymentRow>("SELECT * FROM remediation_deployments WHERE remediationl = ? AND status = 'NotStarted' ORDER BY ord LIMIT 1");
    this.setStatusStmt = db.prepare("UPDATE remediation_deployments SET status = ?, error = ?, deployment_id = COALESCE(?, deployment_id), updated = ? WHERE remediationl = ? AND ord = ?");
    this.resumeStmt = db.prepare("UPDATE remediation_deployments SET status = 'NotStarted' WHERE remediationl = ? AND status = 'Running'");
    this.cancelPendingStmt = db.prepare("UPDATE remediation_deployments SET status = 'Canceled', updated = ? WHERE remediationl = ? AND status = 'NotStarted'");
    this.listStmt = db.prepare<[string], DeploymentRow>("SELECT * FROM remediation_deployments WHERE remediationl = ? ORDER BY ord");
    this.countStmt = db.prepare<[string], { status: string; n: number }>("SELECT status, COUNT(*) AS n FROM remediation_deployments WHERE remediationl = ? GROUP BY status");
    this.deleteStmt = db.prepare("DELETE FROM remediation_deployments WHERE remediationl = ?");
  }

  /** Looks for tasks to start or resume, soon (never inside the request that created one). */
  kick(): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.stopped) this.scan();
    });
  }

  /**
   * Builds the compliance index in the background (a page at a time), as Azure Policy keeps
   * compliance results before any remediation asks, so the first task does not wait for it.
   */
  warm(): void {
    void ComplianceIndex.of(this.ctx()).ready(() => this.stopped);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  deployments(remediationId: string): DeploymentRow[] {
    return this.listStmt.all(remediationId.toLowerCase());
  }

  forget(remediationId: string): void {
    this.deleteStmt.run(remediationId.toLowerCase());
    this.active.delete(remediationId.toLowerCase());
  }

  /** Most deployments ever in flight at once for a task (admin API; tests check parallelDeployments). */
  peak(remediationId: string): number {
    return this.peaks.get(remediationId.toLowerCase()) ?? 0;
  }

  private scan(): void {
    const c = this.ctx();
    for (const rem of c.store.listTypes([REMEDIATION_TYPE])) {
      const key = rem.id.toLowerCase();
      if (!this.active.has(key) && ACTIVE_STATES.has(stateOf(rem))) this.activate(c, rem);
    }
  }

  /**
   * Starts a task: an Accepted one discovers its resources first, once the compliance index is
   * current (built or brought up to date a page at a time, the event loop serving requests
   * between pages), then the discovery itself reads only the non-compliant resources' documents.
   */
  private activate(c: ArmContext, rem: StoredResource): void {
    const { id } = rem;
    const key = id.toLowerCase();
    this.active.set(key, { inFlight: 0, peak: 0 });
    // A task already running (resumed after a restart) has its deployments listed: no discovery to wait for.
    const discovered = stateOf(rem) === "Accepted" ? ComplianceIndex.of(c).ready(() => this.stopped) : Promise.resolve();
    discovered
      .then(() => {
        if (this.stopped) return;
        if (this.start(this.ctx(), id)) this.pump(key);
        else this.active.delete(key);
      })
      .catch((err: unknown) => {
        this.active.delete(key);
        throw err;
      });
  }

  /** Moves an Accepted task to Running with its deployments listed (or resumes one); false if it cannot run. */
  private start(c: ArmContext, id: string): boolean {
    const key = id.toLowerCase();
    return c.tx(() => {
      const rem = c.store.get(id);
      if (!rem) return false;
      const state = stateOf(rem);
      if (state === "Accepted") {
        const assignmentId = getString(rem.doc, "properties", "policyAssignmentId") ?? "";
        const assignment = c.store.get(assignmentId);
        const remediated = assignment ? remediatedPolicy(c, assignment, getString(rem.doc, "properties", "policyDefinitionReferenceId")) : undefined;
        if (!assignment || !remediated || remediated.kind === "unsupported" || remediated.kind === "setWithoutReference") {
          update(c, rem, { provisioningState: "Failed", statusMessage: `Policy assignment '${assignmentId}' no longer exists.` });
          return false;
        }
        const props = rem.doc["properties"] as JsonObject;
        const scope = id.replace(/\/providers\/Microsoft\.PolicyInsights\/remediations\/[^/]+$/i, "");
        const locations = (getPath(props, ["filters", "locations"]) as string[] | undefined) ?? [];
        // ExistingNonCompliant acts on evaluated resources only: none before the assignment's first evaluation.
        const reEvaluate = (getString(props, "resourceDiscoveryMode") ?? "").toLowerCase() === RE_EVALUATE;
        const evaluated = reEvaluate || assignmentEvaluated(c, assignment);
        // A reference id the set lacks: nothing is non-compliant under it.
        const targets =
          evaluated && remediated.kind === "policy"
            ? nonCompliantResources(c, remediated.policy, assignment, scope, locations, Number(props["resourceCount"] ?? 500), remediated.parameters)
            : [];
        const now = c.clock.iso();
        targets.forEach((t, i) => this.insertStmt.run(key, i, t.id, String(t.doc["location"] ?? ""), now, now));
        update(c, rem, {
          provisioningState: "Running",
          deploymentStatus: { totalDeployments: targets.length, successfulDeployments: 0, failedDeployments: 0 },
        });
      } else if (!ACTIVE_STATES.has(state)) {
        return false;
      } else {
        this.resumeStmt.run(key);
      }
      return true;
    });
  }

  private pump(key: string): void {
    if (this.stopped) return;
    const c = this.ctx();
    const act = this.active.get(key);
    const rem = c.store.get(key);
    if (!act) return;
    if (!rem) {
      this.active.delete(key);
      return;
    }
    if (stateOf(rem) === "Cancelling") c.tx(() => this.cancelPendingStmt.run(c.clock.iso(), key));
    const parallel = Math.max(1, Number(getPath(rem.doc, ["properties", "parallelDeployments"]) ?? 10));
    while (act.inFlight < parallel) {
      const row = this.nextStmt.get(key);
      if (!row) break;
      c.tx(() => this.setStatusStmt.run("Running", null, guidFrom(`${key}/${row.ord}`), c.clock.iso(), key, row.ord));
      act.inFlight++;
      act.peak = Math.max(act.peak, act.inFlight);
      this.peaks.set(key, Math.max(this.peaks.get(key) ?? 0, act.inFlight));
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.finish(key, row);
      }, c.settings.remediationDeploymentMs);
      this.timers.add(timer);
    }
    if (act.inFlight === 0) this.finalize(key);
  }

  private finish(key: string, row: DeploymentRow): void {
    if (this.stopped) return;
    const c = this.ctx();
    const act = this.active.get(key);
    if (act) act.inFlight--;
    c.tx(() => {
      const rem = c.store.get(key);
      if (!rem) return;
      const assignment = c.store.get(getString(rem.doc, "properties", "policyAssignmentId") ?? "");
      const remediated = assignment ? remediatedPolicy(c, assignment, getString(rem.doc, "properties", "policyDefinitionReferenceId")) : undefined;
      const outcome =
        assignment && remediated?.kind === "policy"
          ? deployOne(c, remediated.policy, remediated.parameters, assignment, row.resource)
          : { ok: false as const, error: ArmErrors.remediationAssignmentGone() };
      this.setStatusStmt.run(outcome.ok ? "Succeeded" : "Failed", outcome.ok ? null : JSON.stringify(outcome.error), null, c.clock.iso(), key, row.ord);
      const counts = this.counts(key);
      const patch: JsonObject = {
        deploymentStatus: { totalDeployments: counts.total, successfulDeployments: counts.Succeeded, failedDeployments: counts.Failed },
      };
      const threshold = Number(getPath(rem.doc, ["properties", "failureThreshold", "percentage"]) ?? 1);
      if (counts.total > 0 && counts.Failed / counts.total > threshold && stateOf(rem) === "Running") {
        patch["provisioningState"] = "Cancelling";
        patch["statusMessage"] = `The failure threshold of ${threshold * 100}% was exceeded; the remaining deployments were canceled.`;
        update(c, rem, patch, { thresholdExceeded: true });
        return;
      }
      update(c, rem, patch);
    });
    this.pump(key);
  }

  private finalize(key: string): void {
    const c = this.ctx();
    c.tx(() => {
      const rem = c.store.get(key);
      if (!rem) return;
      const counts = this.counts(key);
      // Azure: "The remediation will fail if the percentage of failed deployments exceeds this
      // threshold" (default 100%); a task whose every deployment failed has failed too.
      const allFailed = counts.total > 0 && counts.Failed === counts.total;
      const state =
        rem.secret?.["thresholdExceeded"] === true || allFailed ? "Failed" : stateOf(rem) === "Cancelling" ? "Canceled" : "Succeeded";
      update(c, rem, {
        provisioningState: state,
        deploymentStatus: { totalDeployments: counts.total, successfulDeployments: counts.Succeeded, failedDeployments: counts.Failed },
      });
    });
    this.active.delete(key);
  }

  private counts(key: string): { total: number; Succeeded: number; Failed: number } {
    const out = { total: 0, Succeeded: 0, Failed: 0 };
    for (const r of this.countStmt.all(key)) {
      out.total += r.status === "Canceled" ? 0 : r.n;
      if (r.status === "Succeeded") out.Succeeded += r.n;
      if (r.status === "Failed") out.Failed += r.n;
    }
    return out;
  }
}

function stateOf(rem: StoredResource): string {
  return getString(rem.doc, "properties", "provisioningState") ?? "";
}

/** Patches the task's properties; `internal` flags go to the never-returned column. */
function update(c: ArmContext, rem: StoredResource, patch: JsonObject, internal?: JsonObject): void {
  const props = isObject(rem.doc["properties"]) ? { ...rem.doc["properties"] } : {};
  Object.assign(props, patch, { lastUpdatedOn: c.clock.iso() });
  const secret = internal ? { ...(rem.secret ?? {}), ...internal } : rem.secret;
  c.store.put({ ...rem, doc: { ...rem.doc, properties: props }, secret });
}
