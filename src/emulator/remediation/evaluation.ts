/**
 * When Azure Policy has evaluated an assignment. A new or changed assignment is evaluated only
 * some time after it is written (Azure: within about 30 minutes); until then it has no compliance
 * results, so a remediation in ExistingNonCompliant mode (which acts only on resources already
 * evaluated as non-compliant) finds nothing. ReEvaluateCompliance evaluates before it remediates.
 */
import type { ArmContext } from "../arm/types";
import type { StoredResource } from "../store/resources";
import { getString } from "../util/json";

/** The emulator's default: long enough that a remediation sent right after its assignment sees it. */
export const DEFAULT_POLICY_EVALUATION_DELAY_MS = 3000;

/** Remediations that evaluate compliance themselves before they select resources. */
export const RE_EVALUATE = "reevaluatecompliance";

/** Has the assignment's latest version been evaluated by now? */
export function assignmentEvaluated(ctx: Pick<ArmContext, "clock" | "settings">, assignment: StoredResource): boolean {
  const written = getString(assignment.doc, "properties", "metadata", "updatedOn") ?? getString(assignment.doc, "properties", "metadata", "createdOn");
  const at = written ? Date.parse(written) : NaN;
  return !Number.isFinite(at) || at + ctx.settings.policyEvaluationDelayMs <= ctx.clock.now();
}
