/**
 * Workspace reporters: the machines that still report to a workspace, through the Log Analytics
 * agent extension, a directly installed or Operations Manager agent, or the Azure Monitor Agent.
 */
import type { StoredResource } from "../store/resources";
import { getString } from "../util/json";
import type { ModelContext } from "./context";
import { AMA_CATEGORY, AmaIndex, connectionsOf } from "./connections";
import { guestOf, isAmaExtension } from "./machines";
import { EXTENSION_TYPES } from "./resourceTypes";
import { logAnalyticsExtensions, workspaceCustomerId } from "./workspaces";

function amaReporters(ctx: ModelContext, customerId: string): string[] {
  const index = AmaIndex.build(ctx);
  const machines = new Set<string>();
  for (const ext of ctx.store.listTypes(EXTENSION_TYPES)) {
    if (!isAmaExtension(ext) || getString(ext.doc, "properties", "provisioningState") !== "Succeeded") continue;
    const machine = ctx.store.get(ext.id.replace(/\/extensions\/[^/]+$/i, ""));
    if (!machine || machines.has(machine.id)) continue;
    if (connectionsOf(ctx, machine, guestOf(ctx, machine), index).some((c) => c.category === AMA_CATEGORY && c.workspace === customerId)) machines.add(machine.id);
  }
  return [...machines];
}

/** Machines that still report to a workspace: its agent extensions, directly installed agents and Azure Monitor Agents. */
export function workspaceReporters(ctx: ModelContext, ws: StoredResource): { extensions: string[]; directAgents: string[]; amaAgents: string[] } {
  const cid = workspaceCustomerId(ws).toLowerCase();
  const extensions = logAnalyticsExtensions(ctx)
    .filter((e) => e.workspaceId === cid && getString(e.ext.doc, "properties", "provisioningState") !== "Failed")
    .map((e) => e.ext.id.replace(/\/(extensions)\/[^/]+$/i, ""));
  const directAgents: string[] = [];
  for (const [machine, guest] of ctx.guest.all()) {
    const ids = [...(guest.directAgent?.workspaceCustomerIds ?? []), ...(guest.scom?.workspaceCustomerIds ?? [])];
    if (ids.some((w) => w.toLowerCase() === cid)) directAgents.push(ctx.store.get(machine)?.id ?? machine);
  }
  return { extensions: [...new Set(extensions)], directAgents, amaAgents: amaReporters(ctx, cid) };
}
