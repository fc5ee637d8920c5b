/** Finding workspaces: by customerId, ARM id or name; the Log Analytics agent extensions that name one. */
import type { StoredResource } from "../store/resources";
import { EXTENSION_TYPES, LOG_ANALYTICS_PUBLISHER, WORKSPACE_TYPE } from "./resourceTypes";
import { getString } from "../util/json";
import type { StoreContext } from "./context";
import { docOf, type WorkspaceDoc } from "./documents";

export function workspaceCustomerId(ws: StoredResource): string {
  return docOf<WorkspaceDoc>(ws).properties?.customerId ?? "";
}

export function allWorkspaces(ctx: StoreContext): StoredResource[] {
  return ctx.store.listTypes([WORKSPACE_TYPE]);
}

export function workspaceByCustomerId(ctx: StoreContext, customerId: string): StoredResource | undefined {
  const l = customerId.toLowerCase();
  return allWorkspaces(ctx).find((w) => workspaceCustomerId(w).toLowerCase() === l);
}

/** A workspace named by customerId GUID, ARM id or name (the Logs API accepts each). */
export function findWorkspace(ctx: StoreContext, ref: string): StoredResource | undefined {
  const l = ref.toLowerCase().replace(/\/+$/, "");
  if (l.startsWith("/subscriptions/")) return ctx.store.get(l);
  return allWorkspaces(ctx).find((w) => workspaceCustomerId(w).toLowerCase() === l || String(w.doc["name"]).toLowerCase() === l);
}

/** Workspace-keyed agent extensions (MMA/OMS) and their workspace customerId. */
export function logAnalyticsExtensions(ctx: StoreContext): { ext: StoredResource; workspaceId: string }[] {
  const out: { ext: StoredResource; workspaceId: string }[] = [];
  for (const ext of ctx.store.listTypes(EXTENSION_TYPES)) {
    if ((getString(ext.doc, "properties", "publisher") ?? "").toLowerCase() !== LOG_ANALYTICS_PUBLISHER.toLowerCase()) continue;
    const ws = getString(ext.doc, "properties", "settings", "workspaceId");
    if (ws) out.push({ ext, workspaceId: ws.toLowerCase() });
  }
  return out;
}

