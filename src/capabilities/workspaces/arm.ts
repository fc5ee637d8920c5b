/** Workspaces against ARM: resource groups, Log Analytics workspaces, solutions. */
import { nameOf, resourceGroupOf, subscriptionOf } from "../../inventory/ids";
import type { ArmEnv } from "../../azure/armEnv";
import type { LiveState, StepHandlers } from "../../core/kernel";
import type { CreateWorkspaceDetails, DeleteWorkspaceDetails, WorkspaceSteps } from "./steps";

/** Microsoft.OperationsManagement/solutions has one api-version (reference §2.5). */
const SOLUTIONS_API_VERSION = "2015-11-01-preview";

function solutionPath(d: { readonly workspaceId: string; readonly name: string }): string {
  return `/subscriptions/${subscriptionOf(d.workspaceId)}/resourceGroups/${resourceGroupOf(d.workspaceId)}/providers/Microsoft.OperationsManagement/solutions/${d.name}`;
}

/** The solution as it is: done once provisioned, in progress while it is being created. */
async function solutionInstalled(d: { readonly workspaceId: string; readonly name: string }, env: ArmEnv): Promise<LiveState> {
  const solution = await env.gate.readOrNull(() => env.clients.rest().get(solutionPath(d), SOLUTIONS_API_VERSION));
  if (!solution) return "absent";
  const state = String((solution as { properties?: { provisioningState?: string } }).properties?.provisioningState ?? "Succeeded");
  if (state === "Succeeded") return "done";
  if (state === "Failed" || state === "Canceled") return "absent";
  return "in-progress";
}

async function workspaceCreated(d: CreateWorkspaceDetails, env: ArmEnv): Promise<LiveState> {
  const ws = await env.gate.readOrNull(() => env.clients.insights(d.subscriptionId).workspaces.get(d.resourceGroup, d.name));
  if (!ws) return "absent";
  return (ws.provisioningState ?? "Succeeded").toLowerCase() === "succeeded" ? "done" : "in-progress";
}

async function workspaceDeleted(d: DeleteWorkspaceDetails, env: ArmEnv): Promise<LiveState> {
  const id = d.workspaceId;
  const ws = await env.gate.readOrNull(() => env.clients.insights(subscriptionOf(id)).workspaces.get(resourceGroupOf(id), nameOf(id)));
  return ws ? "absent" : "done";
}

export const HANDLERS = {
  "create-resource-group": {
    run: async ({ details: d }, env) => {
      await env.gate.write(() => env.clients.resources(d.subscriptionId).resourceGroups.createOrUpdate(d.name, { location: d.location }));
    },
  },
  "create-workspace": {
    run: async ({ details: d }, env, ctx) => {
      const oi = env.clients.insights(d.subscriptionId);
      const body = { location: d.location, sku: { name: d.sku as "PerGB2018" }, retentionInDays: d.retentionInDays };
      await env.lro.run(ctx, () => oi.workspaces.beginCreateOrUpdate(d.resourceGroup, d.name, body, env.lro.poll()), () => workspaceCreated(d, env));
    },
    check: ({ details: d }, env) => workspaceCreated(d, env),
  },
  "install-solution": {
    // Solutions_CreateOrUpdate is long-running in the spec: followed to its end, not done at its 201.
    run: async ({ details: d }, env, ctx) => {
      const body = { location: d.location, plan: d.plan, properties: { workspaceResourceId: d.workspaceId } };
      await env.lro.run(ctx, () => env.clients.rest().beginPut(solutionPath(d), SOLUTIONS_API_VERSION, body, env.lro.pollIntervalMs), () => solutionInstalled(d, env));
    },
    check: ({ details: d }, env) => solutionInstalled(d, env),
  },
  "delete-workspace": {
    run: async ({ details: d }, env, ctx) => {
      const id = d.workspaceId;
      const oi = env.clients.insights(subscriptionOf(id));
      await env.lro.run(ctx, () => oi.workspaces.beginDelete(resourceGroupOf(id), nameOf(id), env.lro.poll()), () => workspaceDeleted(d, env));
    },
    check: ({ details: d }, env) => workspaceDeleted(d, env),
  },
} satisfies StepHandlers<WorkspaceSteps, ArmEnv>;
