/**
 * Policy assignments, their roles and remediation tasks against ARM. A remediation is followed
 * until it ends; it fails the step only when nothing was deployed (it also tries resources the
 * plan left out, whose deployments fail as they do in Azure); the counts are the step's outputs.
 */
import { nameOf, sameId, subscriptionOf } from "../../inventory/ids";
import type { ArmEnv } from "../../azure/armEnv";
import { sleep } from "../../azure/retry";
import type { StepContext, StepHandlers, StepOutputs } from "../../core/kernel";
import type { CreateRemediationDetails, PolicySteps } from "./steps";

const TERMINAL_REMEDIATION = new Set(["succeeded", "failed", "canceled", "complete"]);

/** The remediation API at the task's scope: its subscription, or a resource group of it (a group's own assignment). */
function remediationsAt(d: CreateRemediationDetails, env: ArmEnv) {
  const ops = env.clients.remediations(subscriptionOf(d.scope)).remediations;
  const group = /\/resourceGroups\/([^/]+)$/i.exec(d.scope)?.[1];
  const body = { policyAssignmentId: d.policyAssignmentId, resourceDiscoveryMode: d.resourceDiscoveryMode, resourceCount: d.resourceCount, parallelDeployments: d.parallelDeployments };
  return group === undefined
    ? { get: () => ops.getAtSubscription(d.name), create: () => ops.createOrUpdateAtSubscription(d.name, body) }
    : { get: () => ops.getAtResourceGroup(group, d.name), create: () => ops.createOrUpdateAtResourceGroup(group, d.name, body) };
}

/** Polls the remediation until it ends. */
async function followRemediation(d: CreateRemediationDetails, env: ArmEnv): Promise<StepOutputs> {
  const task = remediationsAt(d, env);
  const deadline = Date.now() + env.remediationTimeoutMs;
  for (;;) {
    const r = await env.gate.read(() => task.get());
    const state = (r.provisioningState ?? "").toLowerCase();
    if (TERMINAL_REMEDIATION.has(state)) {
      const st = r.deploymentStatus;
      const counts = `${st?.successfulDeployments ?? 0} succeeded, ${st?.failedDeployments ?? 0} failed of ${st?.totalDeployments ?? 0}`;
      if ((st?.successfulDeployments ?? 0) === 0 && (st?.totalDeployments ?? 0) > 0) throw new Error(`remediation ${d.name} ended ${r.provisioningState}: ${counts}`);
      // "0 of 0" is no success when the plan handed it machines: the task found nothing to remediate.
      if ((st?.totalDeployments ?? 0) === 0 && d.resourceIds.length > 0) {
        throw new Error(`remediation ${d.name} ended ${r.provisioningState} having found nothing to remediate, though the plan expected ${d.resourceIds.length} installs`);
      }
      return { deployments: counts };
    }
    if (Date.now() > deadline) throw new Error(`remediation ${d.name} still ${r.provisioningState} after the timeout`);
    await sleep(env.lro.pollIntervalMs, env.lro.signal);
  }
}

/** The principal of the assignment this step's assignment step created (its output). */
function principalFrom(ctx: StepContext, assignmentId: string): string {
  for (const out of ctx.outputs.values()) if (out.principalId) return out.principalId;
  throw new Error(`no principal id for ${assignmentId}: its assignment step did not report one`);
}

export const HANDLERS = {
  "assign-policy": {
    run: async ({ details: d }, env) => {
      const created = await env.gate.write(() =>
        env.clients.policy(d.subscriptionId).policyAssignments.create(d.scope, d.name, {
          location: d.location,
          identity: { type: "SystemAssigned" },
          policyDefinitionId: d.policyDefinitionId,
          displayName: d.displayName,
          ...(d.parameters ? { parameters: d.parameters as Record<string, { value: unknown }> } : {}),
          ...(d.notScopes?.length ? { notScopes: [...d.notScopes] } : {}),
        }),
      );
      const principalId = created.identity?.principalId;
      if (!principalId) throw new Error(`policy assignment ${d.name}: Azure returned no managed identity`);
      return { principalId };
    },
  },
  "grant-role": {
    run: async ({ details: d, target }, env, ctx) => {
      const principalId = d.principalId ?? principalFrom(ctx, d.policyAssignmentId);
      const grants = env.clients.authorization(subscriptionOf(d.scope)).roleAssignments;
      if (d.replacesPrincipalId) {
        // The plan's orphan (a deleted identity's grant of this name) goes first: Azure refuses a new principal on it.
        // Only that principal's: a grant that has since become anyone else's is left, and the PUT says why.
        const held = await env.gate.readOrNull(() => grants.get(d.scope, nameOf(target)));
        if (held?.principalId && held.principalId.toLowerCase() === d.replacesPrincipalId.toLowerCase()) {
          await env.gate.write(() => grants.delete(d.scope, nameOf(target)));
        }
      }
      await env.gate
        .write(() => grants.create(d.scope, nameOf(target), { roleDefinitionId: d.roleDefinitionId, principalId, principalType: "ServicePrincipal" }))
        .catch((err) => {
          // The same principal already has the role at the scope (under another name): done.
          if ((err as { code?: string }).code !== "RoleAssignmentExists") throw err;
        });
    },
  },
  "create-remediation": {
    run: async ({ details: d }, env, ctx) => {
      const task = remediationsAt(d, env);
      await env.gate.write(() => task.create());
      // Accepted: journaled as sent, and the task is followed without holding a sending slot.
      await ctx.accepted();
      return followRemediation(d, env);
    },
    check: async ({ details: d }, env) => {
      const task = remediationsAt(d, env);
      const r = await env.gate.readOrNull(() => task.get());
      if (!r) return "absent";
      return TERMINAL_REMEDIATION.has((r.provisioningState ?? "").toLowerCase()) ? "done" : "in-progress";
    },
    wait: ({ details: d }, env) => followRemediation(d, env),
  },
  "set-policy-not-scopes": {
    run: async ({ details: d }, env) => {
      const policy = env.clients.policy(subscriptionOf(d.scope)).policyAssignments;
      const current = await env.gate.read(() => policy.get(d.scope, d.name));
      // The assignment as it is (identity, parameters, selectors...), but for its notScopes.
      await env.gate.write(() => policy.create(d.scope, d.name, { ...current, notScopes: [...d.notScopes] }));
    },
  },
  "unassign-policy": {
    run: async ({ details: d }, env) => {
      const id = d.policyAssignmentId;
      const sub = subscriptionOf(id);
      const scope = id.slice(0, id.toLowerCase().indexOf("/providers/microsoft.authorization/"));
      const assignment = await env.gate.readOrNull(() => env.clients.policy(sub).policyAssignments.get(scope, nameOf(id)));
      const principal = assignment?.identity?.principalId;
      if (principal) {
        // The roles granted to the assignment's identity go with it: no orphaned role assignment stays behind.
        const auth = env.clients.authorization(sub);
        const granted: { scope: string; name: string }[] = [];
        await env.gate.read(async () => {
          granted.length = 0;
          for await (const ra of auth.roleAssignments.listForSubscription({ filter: `principalId eq '${principal}'` })) {
            if (ra.principalId === principal && ra.scope && ra.name) granted.push({ scope: ra.scope, name: ra.name });
          }
          // A hub's workspace or rule the identity was granted roles at (another subscription's).
          for (const linked of d.linkedScopes ?? []) {
            for await (const ra of env.clients.authorization(subscriptionOf(linked)).roleAssignments.listForScope(linked, { filter: `principalId eq '${principal}'` })) {
              if (ra.principalId === principal && ra.scope && ra.name && sameId(ra.scope, linked)) granted.push({ scope: ra.scope, name: ra.name });
            }
          }
        });
        for (const ra of granted) await env.gate.write(() => env.clients.authorization(subscriptionOf(ra.scope)).roleAssignments.delete(ra.scope, ra.name));
      }
      if (assignment) await env.gate.write(() => env.clients.policy(sub).policyAssignments.delete(scope, nameOf(id)));
    },
  },
} satisfies StepHandlers<PolicySteps, ArmEnv>;
