/**
 * The seed's rules for a machine whose agent already reports to a workspace that is not its
 * target: a user's workspace is never overridden; the portal's "reconfigure monitored VMs?" Yes
 * moves machines only from a Security Center workspace to a custom one (the 2023 FAQ: custom to
 * custom, or back to default, is not applied to existing machines); otherwise they stay.
 */
import type { InventoryWorkspace } from "../../inventory/schema";
import { isDefaultWorkspaceId } from "../../spec/naming";
import type { PlanContext } from "../../core/kernel";

/**
 * Created by Security Center: so marked, or named as it names them in its resource group
 * (`DefaultWorkspace-<sub>-<geo>` in `DefaultResourceGroup-<geo>`). The name alone is not enough:
 * a user may name a workspace of their own group like a default one, and theirs is never moved.
 */
export function isSecurityCenterWorkspace(ws: InventoryWorkspace): boolean {
  return ws.createdBySecurityCenter || isDefaultWorkspaceId(ws.id);
}

/** What the seed does with a machine whose agent reports to `ws`, a workspace that is not the target. */
export type ExistingRoute = "keep-user-workspace" | "reconnect" | "keep-existing";

export function routeFromWorkspace(ctx: PlanContext, ws: InventoryWorkspace): ExistingRoute {
  if (!isSecurityCenterWorkspace(ws)) return "keep-user-workspace";
  const la = ctx.spec.logAnalyticsAgent;
  return la.reconfigureExisting && la.workspace !== "default" ? "reconnect" : "keep-existing";
}
