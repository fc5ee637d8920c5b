/**
 * Microsoft.PolicyInsights/remediations: PUT starts a background task (remediation engine) that
 * deploys what the assignment's definition requires to its non-compliant resources.
 */
import type { PutInput, PutResult, ResourceTypeSpec, Needs } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { ArmErrors } from "../http/errors";
import { effectiveEffect } from "../catalog/policies";
import { remediatedPolicy } from "../remediation/remediated";
import { reachedFrom } from "../model/managementGroups";
import { clone, getPath, getString, isObject, type JsonObject } from "../util/json";
import { newGuid } from "../util/random";
import { REMEDIATION_TYPE } from "../model/resourceTypes";

/** What these handlers use. */
type Deps = Needs<"store" | "clock" | "tx" | "kickRemediations" | "tenantId">;

/** The spec's ResourceDiscoveryMode values. */
const DISCOVERY_MODES = ["ExistingNonCompliant", "ReEvaluateCompliance"];
const RUNNING = new Set(["Accepted", "Running", "Cancelling", "Evaluating"]);

function intIn(value: unknown, def: number, min: number, max: number, name: string): number {
  if (value === undefined || value === null) return def;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw ArmErrors.invalidRemediationRequest(`'${name}' must be an integer between ${min} and ${max}.`);
  }
  return value;
}

function putRemediation(input: PutInput<Deps>): PutResult {
  const { ctx, body, target, existing } = input;
  const props = isObject(body["properties"]) ? body["properties"] : {};
  const assignmentId = getString(props, "policyAssignmentId") ?? "";
  if (!assignmentId) throw ArmErrors.invalidRemediationRequest("'properties.policyAssignmentId' is required.");
  if (existing) {
    // Settings are immutable once a task exists: an identical PUT is answered with the task as it is.
    // (the same assignment, and the same member of a set's: another member is another task).
    const same = (path: string, given: string) => (getString(existing.doc, "properties", path) ?? "").toLowerCase() === given.toLowerCase();
    if (same("policyAssignmentId", assignmentId) && same("policyDefinitionReferenceId", getString(props, "policyDefinitionReferenceId") ?? "")) return { doc: existing.doc, secret: existing.secret };
    throw ArmErrors.invalidRemediationUpdate(target.name);
  }
  const assignment = ctx.store.get(assignmentId);
  if (!assignment) throw ArmErrors.policyAssignmentNotFound(assignmentId);
  const assignmentScope = getString(assignment.doc, "properties", "scope") ?? "";
  // A management group's assignment is remediated in a subscription (or below) under that group.
  if (!reachedFrom(ctx, ctx.tenantId, target.scope)(assignmentScope)) {
    throw ArmErrors.invalidRemediationScope(`The remediation scope '${target.scope}' is not within the scope '${assignmentScope}' of policy assignment '${assignmentId}'.`);
  }
  const referenceId = getString(props, "policyDefinitionReferenceId") ?? null;
  const remediated = remediatedPolicy(ctx, assignment, referenceId);
  if (remediated.kind === "unsupported") throw ArmErrors.unsupportedPolicyDefinition();
  if (remediated.kind === "setWithoutReference") throw ArmErrors.remediationNeedsReferenceId(target.name, assignment.id);
  if (remediated.kind === "policy") {
    const effect = effectiveEffect(remediated.policy, remediated.parameters);
    if (!["deployifnotexists", "modify"].includes(effect.toLowerCase())) {
      const what = referenceId ? `member '${referenceId}' of '${assignmentId}'` : `'${assignmentId}'`;
      throw ArmErrors.invalidPolicyEffect(`Only assignments whose effect is DeployIfNotExists or Modify can be remediated; ${what} resolves to '${effect}'.`);
    }
  }
  const threshold = getPath(props, ["failureThreshold", "percentage"]);
  if (threshold !== undefined && (typeof threshold !== "number" || threshold < 0 || threshold > 1)) {
    throw ArmErrors.invalidRemediationRequest("'failureThreshold.percentage' must be a number between 0 and 1.");
  }
  const mode = getString(props, "resourceDiscoveryMode") ?? "ExistingNonCompliant";
  if (!DISCOVERY_MODES.includes(mode)) {
    throw ArmErrors.invalidRemediationRequest(`'resourceDiscoveryMode' must be one of ${DISCOVERY_MODES.join(", ")}, not '${mode}'.`);
  }
  const locations = getPath(props, ["filters", "locations"]);
  const now = ctx.clock.iso();
  const doc: JsonObject = {
    id: target.id,
    name: target.name,
    type: REMEDIATION_TYPE,
    properties: {
      policyAssignmentId: assignment.id,
      policyDefinitionReferenceId: referenceId,
      resourceDiscoveryMode: mode,
      provisioningState: "Accepted",
      createdOn: now,
      lastUpdatedOn: now,
      filters: { locations: Array.isArray(locations) ? clone(locations) : [] },
      deploymentStatus: { totalDeployments: 0, successfulDeployments: 0, failedDeployments: 0 },
      statusMessage: "",
      correlationId: newGuid(),
      resourceCount: intIn(props["resourceCount"], 500, 1, 50000, "resourceCount"),
      parallelDeployments: intIn(props["parallelDeployments"], 10, 1, 30, "parallelDeployments"),
      failureThreshold: { percentage: typeof threshold === "number" ? threshold : 1 },
    },
  };
  return { doc, after: () => ctx.kickRemediations() };
}

/** What the provider asks of the remediation engine (which runs the deployments in the background). */
export interface RemediationControl {
  /** A deleted task's deployments are dropped. */
  forget(remediationId: string): void;
  deployments(remediationId: string): readonly { resource: string; deployment_id: string | null; status: string; location: string | null; error: string | null; created: string; updated: string }[];
}

export function remediations(engine: () => RemediationControl): ResourceTypeSpec<Deps> {
  return {
    type: REMEDIATION_TYPE,
    apiVersions: API_VERSIONS.policyInsights,
    scopes: ["subscription", "resourceGroup", "resource"],
    put: putRemediation,
    beforeDelete: (_ctx, stored) => {
      if (RUNNING.has(getString(stored.doc, "properties", "provisioningState") ?? "")) {
        throw ArmErrors.remediationRunning(String(stored.doc["name"]));
      }
    },
    onDeleted: (_ctx, stored) => engine().forget(stored.id),
    actions: {
      "POST cancel": ({ ctx, stored }) => {
        const state = getString(stored.doc, "properties", "provisioningState") ?? "";
        if (!RUNNING.has(state)) throw ArmErrors.invalidRemediationState(String(stored.doc["name"]), state);
        const doc = { ...stored.doc, properties: { ...(stored.doc["properties"] as JsonObject), provisioningState: "Cancelling", lastUpdatedOn: ctx.clock.iso() } };
        ctx.tx(() => ctx.store.put({ ...stored, doc }));
        ctx.kickRemediations();
        return { status: 200, body: doc };
      },
      "POST listdeployments": ({ stored }) => ({
        status: 200,
        body: {
          value: engine()
            .deployments(stored.id)
            .map((d) => ({
              remediatedResourceId: d.resource,
              deploymentId: d.deployment_id ? `/subscriptions/${d.resource.split("/")[2]}/providers/Microsoft.Resources/deployments/PolicyDeployment_${d.deployment_id}` : null,
              status: d.status,
              resourceLocation: d.location,
              error: d.error ? (JSON.parse(d.error) as JsonObject) : null,
              createdOn: d.created,
              lastUpdatedOn: d.updated,
            })),
        },
      }),
    },
  };
}
