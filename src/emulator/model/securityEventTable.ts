/**
 * A data flow of Windows security events (`Microsoft-SecurityEvent`) lands in the destination
 * workspace's SecurityEvent table, which exists with the Security or SecurityInsights solution
 * (reference/defender-today.md §3); a rule sending there otherwise is refused (InvalidOutputTable).
 */
import { getPath, isObject, type JsonObject } from "../util/json";
import { parseId } from "../util/armId";
import type { StoreContext } from "./context";
import { SOLUTION_TYPE } from "./resourceTypes";

const SECURITY_EVENT_STREAM = "microsoft-securityevent";
const TABLE_SOLUTIONS = ["security", "securityinsights"];

function hasSecurityEventTable(ctx: StoreContext, workspaceId: string): boolean {
  const sub = parseId(workspaceId).subscriptionId;
  if (!sub) return false;
  return ctx.store.listTypes([SOLUTION_TYPE], [sub]).some((s) => {
    const ws = String(getPath(s.doc, ["properties", "workspaceResourceId"]) ?? "");
    const product = String(getPath(s.doc, ["plan", "product"]) ?? "").replace(/^OMSGallery\//i, "").toLowerCase();
    return ws.toLowerCase() === workspaceId.toLowerCase() && TABLE_SOLUTIONS.includes(product);
  });
}

/** The first workspace a security-event flow of the rule `props` sends to without the table, if any. */
export function workspaceWithoutSecurityEventTable(ctx: StoreContext, props: JsonObject): string | undefined {
  const la = isObject(props["destinations"]) ? props["destinations"]["logAnalytics"] : undefined;
  const byName = new Map<string, string>();
  if (Array.isArray(la)) for (const d of la) if (isObject(d)) byName.set(String(d["name"]), String(d["workspaceResourceId"]));
  const flows = Array.isArray(props["dataFlows"]) ? props["dataFlows"] : [];
  for (const flow of flows) {
    if (!isObject(flow)) continue;
    const streams = Array.isArray(flow["streams"]) ? flow["streams"].map((s) => String(s).toLowerCase()) : [];
    if (!streams.includes(SECURITY_EVENT_STREAM)) continue;
    for (const name of Array.isArray(flow["destinations"]) ? flow["destinations"] : []) {
      const ws = byName.get(String(name));
      if (ws && !hasSecurityEventTable(ctx, ws)) return ws;
    }
  }
  return undefined;
}
