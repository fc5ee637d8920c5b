/**
 * Solutions this tool installs on users' workspaces the spec does not name (user trial 19). The
 * seed says the user "will need to install" Security or SecurityCenterFree on a user's workspace
 * that machines report to; this tool does it for them (the behaviour stays), and the plan says
 * so: the step's label gives the reason, and one finding names the workspaces, a warning when the
 * solution is Security, the paid one (Azure Defender on; SecurityCenterFree is Defender off's).
 */
import type { SecuritySolution } from "../../spec/naming";
import { fewNames, workspaceLabel, type PlanContext, type StepMap, type StepSink } from "../../core/kernel";

export const USER_WORKSPACE_SOLUTION_INSTALLED = "user-workspace-solution-installed";

/** The install-solution step's reason on a user's workspace that machines keep reporting to. */
export const USER_WORKSPACE_REASON = "a user's workspace that machines keep reporting to";
/** The same, where the Azure Monitor Agent's rule needs the SecurityEvent table there. */
export const USER_WORKSPACE_TABLE_REASON = "a user's workspace that machines keep reporting to, for the SecurityEvent table its rule's security events need";

/** User workspaces (ids) given a solution by this plan, by solution. */
const INSTALLED = {};

function installed(ctx: PlanContext): Map<SecuritySolution, Set<string>> {
  return ctx.memo(INSTALLED, () => new Map<SecuritySolution, Set<string>>());
}

export function noteUserWorkspaceSolution(ctx: PlanContext, workspaceId: string, solution: SecuritySolution): void {
  const all = installed(ctx);
  let ids = all.get(solution);
  if (!ids) all.set(solution, (ids = new Set()));
  ids.add(workspaceId);
}

export function noteUserWorkspaceSolutions(ctx: PlanContext, b: StepSink<StepMap>): void {
  const all = installed(ctx);
  if (!all.size) return;
  const parts: string[] = [];
  let paid = false;
  for (const solution of ["Security", "SecurityCenterFree"] as const) {
    const ids = all.get(solution);
    if (!ids?.size) continue;
    paid ||= solution === "Security";
    const names = [...ids].map(workspaceLabel).sort();
    parts.push(`${solution} on ${names.length} workspace(s): ${fewNames(names)}`);
  }
  b.finding(
    paid ? "warning" : "info",
    USER_WORKSPACE_SOLUTION_INSTALLED,
    "logAnalyticsAgent.workspace",
    `This plan installs ${parts.join("; and ")}. They are users' workspaces the spec does not name, which machines keep reporting to (never overridden); Security Center uses such a workspace only once it has the Security or SecurityCenterFree solution, which the seed leaves to you to install: this tool installs it instead. ` +
      (paid
        ? "Security is the paid solution (Azure Defender on; SecurityCenterFree is the free one), so it can add to the bill of those workspaces' owners. "
        : "SecurityCenterFree is the free solution. ") +
      "To decide yourself, install a solution there before the apply (each step's label says what the workspace needs it for): the plan then installs nothing there.",
  );
}
