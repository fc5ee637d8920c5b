/**
 * The seed's rules for a machine whose agent already reports to a workspace that is not its
 * target: a user's workspace is never overridden; the portal's "reconfigure monitored VMs?" Yes
 * moves machines only from a Security Center workspace to a custom one (the 2023 FAQ: custom to
 * custom, or back to default, is not applied to existing machines); otherwise they stay.
 */
import type { InventoryWorkspace } from "../../inventory/schema";
import { isDefaultWorkspaceName } from "../../spec/naming";
import { workspaceLabel, type PlanContext } from "../../core/kernel";

export function isSecurityCenterWorkspace(ws: InventoryWorkspace): boolean {
  return ws.createdBySecurityCenter || isDefaultWorkspaceName(workspaceLabel(ws.id));
}

/** What the seed does with a machine whose agent reports to `ws`, a workspace that is not the target. */
export type ExistingRoute = "keep-user-workspace" | "reconnect" | "keep-existing";

export function routeFromWorkspace(ctx: PlanContext, ws: InventoryWorkspace): ExistingRoute {
  if (!isSecurityCenterWorkspace(ws)) return "keep-user-workspace";
  const la = ctx.spec.logAnalyticsAgent;
  return la.reconfigureExisting && la.workspace !== "default" ? "reconnect" : "keep-existing";
}
