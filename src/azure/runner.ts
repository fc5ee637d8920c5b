/**
 * Plan steps as ARM calls through the official SDK clients. Every write takes a token from the
 * write budget first and is retried by withRetries (Retry-After, backoff, terminal errors).
 * Long-running operations are journaled as "sent" once Azure accepted them, so a resumed apply
 * waits for them instead of sending them again. Workspace keys are fetched here, at apply time,
 * held in memory for this run only, and sent only in protectedSettings: never logged, never
 * journaled, never returned.
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import { HybridComputeManagementClient } from "@azure/arm-hybridcompute";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { PolicyClient } from "@azure/arm-policy";
import { PolicyInsightsClient } from "@azure/arm-policyinsights";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ResourceManagementClient } from "@azure/arm-resources";
import { SecurityCenter } from "@azure/arm-security";
import type { Step } from "../reconcile/types";
import { nameOf, resourceGroupOf, subscriptionOf } from "../inventory/ids";
import { compareVersions } from "../spec/extensions";
import type { TokenBucket } from "./budget";
import { ArmRest } from "./rest";
import type { AzureConnection } from "./connection";
import type { LiveState, StepContext, StepOutputs, StepRunner } from "./executor";
import { withRetries, sleep, type RetryOptions } from "./retry";
import { classifyError } from "./errors";
import { at, str } from "./read/machines";

export interface RunnerOptions {
  readonly budget: TokenBucket;
  readonly retry?: RetryOptions;
  /** Interval between polls of a long-running operation or remediation. Default 2 s (Azure's). */
  readonly pollIntervalMs?: number;
  /** Give up waiting for a remediation after this long. Default 30 min. */
  readonly remediationTimeoutMs?: number;
}

type Details = Record<string, unknown>;
const s = (d: Details, k: string): string => {
  const v = d[k];
  if (typeof v !== "string") throw new Error(`step details: ${k} is missing`);
  return v;
};

/** Data collection rules and their associations (the version the planner's body is written for). */
const INSIGHTS_API_VERSION = "2022-06-01";

/** Microsoft.OperationsManagement/solutions has one api-version (reference §2.5). */
const SOLUTIONS_API_VERSION = "2015-11-01-preview";

const TERMINAL_REMEDIATION = new Set(["succeeded", "failed", "canceled", "complete"]);
const isNotFound = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;

/** Per-run caches and clients (one client per subscription and kind). */
export class AzureStepRunner implements StepRunner {
  private readonly clients = new Map<string, unknown>();
  /** customerId and key per workspace id, for this run only. */
  private readonly workspaceSecrets = new Map<string, Promise<{ customerId: string; key: string }>>();

  constructor(
    private readonly conn: AzureConnection,
    private readonly options: RunnerOptions,
  ) {}

  private client<T>(kind: string, subscriptionId: string, make: () => T): T {
    const key = `${kind}:${subscriptionId}`;
    let c = this.clients.get(key) as T | undefined;
    if (!c) this.clients.set(key, (c = make()));
    return c;
  }

  private compute = (sub: string) => this.client("compute", sub, () => new ComputeManagementClient(this.conn.credential, sub, this.conn.clientOptions()));
  private hybrid = (sub: string) => this.client("hybrid", sub, () => new HybridComputeManagementClient(this.conn.credential, sub, this.conn.clientOptions()));
  private insights = (sub: string) => this.client("oi", sub, () => new OperationalInsightsManagementClient(this.conn.credential, sub, this.conn.clientOptions()));
  private resources = (sub: string) => this.client("res", sub, () => new ResourceManagementClient(this.conn.credential, sub, this.conn.clientOptions()));
  private security = (sub: string) => this.client("sec", sub, () => new SecurityCenter(this.conn.credential, sub, this.conn.clientOptions()));
  private policy = (sub: string) => this.client("pol", sub, () => new PolicyClient(this.conn.credential, sub, this.conn.clientOptions()));
  private authorization = (sub: string) => this.client("auth", sub, () => new AuthorizationManagementClient(this.conn.credential, sub, this.conn.clientOptions()));
  private remediations = (sub: string) => this.client("pi", sub, () => new PolicyInsightsClient(this.conn.credential, sub, this.conn.clientOptions()));
  private rest = () => this.client("rest", "", () => new ArmRest(this.conn));

  /** Poll interval of the SDK's long-running-operation pollers (Azure's Retry-After wins when sent). */
  private poll() {
    return { updateIntervalInMs: this.options.pollIntervalMs ?? 2000 };
  }

  /** A write: one budget token, then the call with retries. */
  private async write<T>(call: () => Promise<T>): Promise<T> {
    return withRetries(async () => {
      await this.options.budget.take();
      return call();
    }, this.options.retry);
  }

  /**
   * Sends a long-running change and waits for it. The SDK's poller is used first; if a poll fails
   * for a reason worth retrying (a 429 or 503, a dropped connection), the poller cannot resume, so
   * we look at the resource itself: done, still changing (we wait, never sending it again), or
   * absent because the change was never accepted — only then is it sent again. An operation that
   * failed (the extension reported an error) fails the step.
   */
  private async lro(step: Step, ctx: StepContext, begin: () => Promise<{ pollUntilDone(): Promise<unknown> }>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const poller = await this.write(begin);
      ctx.accepted();
      try {
        await poller.pollUntilDone();
        return;
      } catch (err) {
        if (classifyError(err).kind === "terminal") throw err;
        const live = await this.check(step, ctx);
        if (live === "done") return;
        if (live === "in-progress") {
          await this.wait(step, ctx);
          return;
        }
        if (attempt >= (this.options.retry?.maxTransientAttempts ?? 6)) throw err;
      }
    }
  }

  private read<T>(call: () => Promise<T>): Promise<T> {
    return withRetries(call, this.options.retry);
  }

  private async readOrNull<T>(call: () => Promise<T>): Promise<T | null> {
    try {
      return await this.read(call);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** The workspace's customerId and primary key, read once per run; the key never leaves memory. */
  private secretsOf(workspaceId: string): Promise<{ customerId: string; key: string }> {
    const k = workspaceId.toLowerCase();
    let p = this.workspaceSecrets.get(k);
    if (!p) {
      const sub = subscriptionOf(workspaceId);
      const [rg, name] = [resourceGroupOf(workspaceId), nameOf(workspaceId)];
      p = (async () => {
        const ws = await this.read(() => this.insights(sub).workspaces.get(rg, name));
        const keys = await this.read(() => this.insights(sub).sharedKeys.getSharedKeys(rg, name));
        if (!ws.customerId || !keys.primarySharedKey) throw new Error(`workspace ${name}: no customerId or key in the answer`);
        return { customerId: ws.customerId, key: keys.primarySharedKey };
      })();
      p.catch(() => this.workspaceSecrets.delete(k));
      this.workspaceSecrets.set(k, p);
    }
    return p;
  }

  async run(step: Step, ctx: StepContext): Promise<StepOutputs | void> {
    const d = step.details as Details;
    switch (step.action) {
      case "set-pricing":
        await this.write(() => this.security(s(d, "subscriptionId")).pricings.update(s(d, "pricingName"), { pricingTier: s(d, "pricingTier") }));
        return;
      case "set-workspace-setting": {
        const sec = this.security(s(d, "subscriptionId"));
        const workspaceId = d.workspaceId;
        if (typeof workspaceId === "string") await this.write(() => sec.workspaceSettings.create("default", { workspaceId, scope: s(d, "scope") }));
        else await this.write(() => sec.workspaceSettings.delete("default")).catch((err) => { if (!isNotFound(err)) throw err; });
        return;
      }
      case "create-resource-group":
        await this.write(() => this.resources(s(d, "subscriptionId")).resourceGroups.createOrUpdate(s(d, "name"), { location: s(d, "location") }));
        return;
      case "create-workspace": {
        const oi = this.insights(s(d, "subscriptionId"));
        await this.lro(step, ctx, () => oi.workspaces.beginCreateOrUpdate(s(d, "resourceGroup"), s(d, "name"), {
            location: s(d, "location"),
            sku: { name: s(d, "sku") as "PerGB2018" },
            retentionInDays: Number(d.retentionInDays),
          }, this.poll()),);
        return;
      }
      case "install-solution": {
        const wsId = s(d, "workspaceId");
        const plan = d.plan as { name: string; product: string; publisher: string; promotionCode: string };
        const path = `/subscriptions/${subscriptionOf(wsId)}/resourceGroups/${resourceGroupOf(wsId)}/providers/Microsoft.OperationsManagement/solutions/${s(d, "name")}`;
        await this.write(() => this.rest().put(path, SOLUTIONS_API_VERSION, { location: s(d, "location"), plan, properties: { workspaceResourceId: wsId } }));
        return;
      }
      case "set-security-events": {
        const wsId = s(d, "workspaceId");
        await this.write(() =>
          this.insights(subscriptionOf(wsId)).dataSources.createOrUpdate(resourceGroupOf(wsId), nameOf(wsId), s(d, "dataSource"), {
            kind: "SecurityEventCollectionConfiguration",
            properties: { Tier: s(d, "apiTier"), TierSetMethod: "Custom" },
          }),
        );
        return;
      }
      case "install-extension":
      case "upgrade-extension":
      case "reconnect-extension":
        await this.putExtension(step, ctx);
        return;
      case "assign-policy": {
        const created = await this.write(() =>
          this.policy(s(d, "subscriptionId")).policyAssignments.create(s(d, "scope"), s(d, "name"), {
            location: s(d, "location"),
            identity: { type: "SystemAssigned" },
            policyDefinitionId: s(d, "policyDefinitionId"),
            displayName: s(d, "displayName"),
            ...(d.parameters ? { parameters: d.parameters as Record<string, { value: unknown }> } : {}),
            ...(Array.isArray(d.notScopes) && d.notScopes.length ? { notScopes: d.notScopes as string[] } : {}),
          }),
        );
        const principalId = created.identity?.principalId;
        if (!principalId) throw new Error(`policy assignment ${s(d, "name")}: Azure returned no managed identity`);
        return { principalId };
      }
      case "grant-role": {
        const principalId = typeof d.principalId === "string" ? d.principalId : principalFrom(ctx, s(d, "policyAssignmentId"));
        const scope = s(d, "scope");
        await this.write(() =>
          this.authorization(subscriptionOf(scope)).roleAssignments.create(scope, nameOf(step.target), {
            roleDefinitionId: s(d, "roleDefinitionId"),
            principalId,
            principalType: "ServicePrincipal",
          }),
        ).catch((err) => {
          // The same principal already has the role at the scope (under another name): done.
          if ((err as { code?: string }).code !== "RoleAssignmentExists") throw err;
        });
        return;
      }
      case "create-remediation":
        return this.remediate(step, ctx);
      case "unassign-policy": {
        const id = s(d, "policyAssignmentId");
        const sub = subscriptionOf(id);
        const scope = id.slice(0, id.toLowerCase().indexOf("/providers/microsoft.authorization/"));
        const assignment = await this.readOrNull(() => this.policy(sub).policyAssignments.get(scope, nameOf(id)));
        const principal = assignment?.identity?.principalId;
        if (principal) {
          // The roles granted to the assignment's identity go with it: no orphaned role assignment stays behind.
          const auth = this.authorization(sub);
          const granted: { scope: string; name: string }[] = [];
          await this.read(async () => {
            granted.length = 0;
            for await (const ra of auth.roleAssignments.listForSubscription({ filter: `principalId eq '${principal}'` })) {
              if (ra.principalId === principal && ra.scope && ra.name) granted.push({ scope: ra.scope, name: ra.name });
            }
          });
          for (const ra of granted) await this.write(() => auth.roleAssignments.delete(ra.scope, ra.name));
        }
        if (assignment) await this.write(() => this.policy(sub).policyAssignments.delete(scope, nameOf(id)));
        return;
      }
      case "enable-identity": {
        const machineId = s(d, "machineId");
        const [sub, rg, name] = [subscriptionOf(machineId), resourceGroupOf(machineId), nameOf(machineId)];
        const identity = { type: s(d, "identityType") as "SystemAssigned" };
        if (d.machineKind === "vmss") await this.lro(step, ctx, () => this.compute(sub).virtualMachineScaleSets.beginUpdate(rg, name, { identity }, this.poll()));
        else await this.lro(step, ctx, () => this.compute(sub).virtualMachines.beginUpdate(rg, name, { identity }, this.poll()));
        return;
      }
      case "create-dcr":
      case "update-dcr": {
        const path = `/subscriptions/${s(d, "subscriptionId")}/resourceGroups/${s(d, "resourceGroup")}/providers/Microsoft.Insights/dataCollectionRules/${s(d, "name")}`;
        await this.write(() => this.rest().put(path, INSIGHTS_API_VERSION, d.body));
        return;
      }
      case "associate-dcr":
        await this.write(() => this.rest().put(step.target, INSIGHTS_API_VERSION, { properties: { dataCollectionRuleId: s(d, "dataCollectionRuleId") } }));
        return;
      case "delete-dcr":
        await this.write(() => this.rest().delete(s(d, "dataCollectionRuleId"), INSIGHTS_API_VERSION)).catch((err) => {
          if (!isNotFound(err)) throw err;
        });
        return;
      case "remove-extension":
        await this.removeExtension(step, ctx);
        return;
      case "delete-workspace": {
        const id = s(d, "workspaceId");
        await this.lro(step, ctx, () => this.insights(subscriptionOf(id)).workspaces.beginDelete(resourceGroupOf(id), nameOf(id), this.poll()));
        return;
      }
    }
  }

  private async putExtension(step: Step, ctx: StepContext): Promise<void> {
    const d = step.details as Details;
    if (step.action === "upgrade-extension") return this.patchVersion(step, ctx);
    const machineId = s(d, "machineId");
    const sub = subscriptionOf(machineId);
    const [rg, machine, name] = [resourceGroupOf(machineId), nameOf(machineId), s(d, "name")];
    const common = typeof d.workspaceId === "string" ? await this.logAnalyticsAgentBody(d) : this.azureMonitorAgentBody(d);
    const kind = s(d, "machineKind");
    if (kind === "vm") {
      const c = this.compute(sub);
      await this.lro(step, ctx, () => c.virtualMachineExtensions.beginCreateOrUpdate(rg, machine, name, { location: s(d, "location"), typePropertiesType: s(d, "type"), ...common }, this.poll()));
    } else if (kind === "vmss") {
      const c = this.compute(sub);
      await this.lro(step, ctx, () => c.virtualMachineScaleSetExtensions.beginCreateOrUpdate(rg, machine, name, { typePropertiesType: s(d, "type"), ...common }, this.poll()));
    } else {
      const c = this.hybrid(sub);
      await this.lro(step, ctx, () => c.machineExtensions.beginCreateOrUpdate(rg, machine, name, { location: s(d, "location"), properties: { type: s(d, "type"), ...common } }, this.poll()));
    }
  }

  /** The Log Analytics agent: workspace GUID in settings, its key only in protectedSettings. */
  private async logAnalyticsAgentBody(d: Details) {
    const secrets = await this.secretsOf(s(d, "workspaceId"));
    const settings = {
      workspaceId: secrets.customerId,
      // Windows multi-homing is supported (seed): an agent already connected elsewhere must not stop the extension.
      stopOnMultipleConnections: d.osType === "Windows" ? "false" : "true",
    };
    return { publisher: s(d, "publisher"), typeHandlerVersion: s(d, "typeHandlerVersion"), autoUpgradeMinorVersion: true, settings, protectedSettings: { workspaceKey: secrets.key } };
  }

  /** The Azure Monitor Agent is not workspace-keyed: no settings, no key; the association routes its data. */
  private azureMonitorAgentBody(d: Details) {
    return { publisher: s(d, "publisher"), typeHandlerVersion: s(d, "typeHandlerVersion"), autoUpgradeMinorVersion: true, enableAutomaticUpgrade: d.enableAutomaticUpgrade === true };
  }

  private async removeExtension(step: Step, ctx: StepContext): Promise<void> {
    const d = step.details as Details;
    const machineId = s(d, "machineId");
    const sub = subscriptionOf(machineId);
    const [rg, machine, name] = [resourceGroupOf(machineId), nameOf(machineId), s(d, "name")];
    const kind = s(d, "machineKind");
    try {
      if (kind === "vm") await this.lro(step, ctx, () => this.compute(sub).virtualMachineExtensions.beginDelete(rg, machine, name, this.poll()));
      else if (kind === "vmss") await this.lro(step, ctx, () => this.compute(sub).virtualMachineScaleSetExtensions.beginDelete(rg, machine, name, this.poll()));
      else await this.lro(step, ctx, () => this.hybrid(sub).machineExtensions.beginDelete(rg, machine, name, this.poll()));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * An upgrade is a PATCH of typeHandlerVersion alone: the extension keeps its settings and the
   * protected key Azure already holds, so no key is needed (nor read) for a workspace we don't own.
   */
  private async patchVersion(step: Step, ctx: StepContext): Promise<void> {
    const d = step.details as Details;
    const machineId = s(d, "machineId");
    const sub = subscriptionOf(machineId);
    const [rg, machine, name] = [resourceGroupOf(machineId), nameOf(machineId), nameOf(step.target)];
    const version = { typeHandlerVersion: s(d, "typeHandlerVersion"), autoUpgradeMinorVersion: true };
    const kind = s(d, "machineKind");
    if (kind === "vm") {
      await this.lro(step, ctx, () => this.compute(sub).virtualMachineExtensions.beginUpdate(rg, machine, name, version, this.poll()));
    } else if (kind === "vmss") {
      await this.lro(step, ctx, () => this.compute(sub).virtualMachineScaleSetExtensions.beginUpdate(rg, machine, name, version, this.poll()));
    } else {
      await this.lro(step, ctx, () => this.hybrid(sub).machineExtensions.beginUpdate(rg, machine, name, { properties: version }, this.poll()));
    }
  }

  private async getExtension(step: Step): Promise<Details | null> {
    const d = step.details as Details;
    const machineId = s(d, "machineId");
    const sub = subscriptionOf(machineId);
    const [rg, machine, name] = [resourceGroupOf(machineId), nameOf(machineId), nameOf(step.target)];
    const kind = s(d, "machineKind");
    if (kind === "vm") {
      const e = await this.readOrNull(() => this.compute(sub).virtualMachineExtensions.get(rg, machine, name));
      return e ? { settings: e.settings, typeHandlerVersion: e.typeHandlerVersion, provisioningState: e.provisioningState } : null;
    }
    if (kind === "vmss") {
      const e = await this.readOrNull(() => this.compute(sub).virtualMachineScaleSetExtensions.get(rg, machine, name));
      return e ? { settings: e.settings, typeHandlerVersion: e.typeHandlerVersion, provisioningState: e.provisioningState } : null;
    }
    const e = await this.readOrNull(() => this.hybrid(sub).machineExtensions.get(rg, machine, name));
    return e ? { settings: e.properties?.settings, typeHandlerVersion: e.properties?.typeHandlerVersion, provisioningState: e.properties?.provisioningState } : null;
  }

  private async remediate(step: Step, _ctx: StepContext): Promise<StepOutputs> {
    const d = step.details as Details;
    const pi = this.remediations(subscriptionOf(s(d, "scope")));
    const name = s(d, "name");
    await this.write(() =>
      pi.remediations.createOrUpdateAtSubscription(name, {
        policyAssignmentId: s(d, "policyAssignmentId"),
        resourceDiscoveryMode: s(d, "resourceDiscoveryMode") as "ExistingNonCompliant",
        resourceCount: Number(d.resourceCount),
        parallelDeployments: Number(d.parallelDeployments),
      }),
    );
    return this.followRemediation(step);
  }

  /**
   * Polls the remediation until it ends. It fails the step only when nothing was deployed: a
   * remediation also tries resources the plan left out (stopped machines, machines without VM
   * agent), whose deployments fail as they do in Azure; the counts are the step's outputs.
   */
  private async followRemediation(step: Step): Promise<StepOutputs> {
    const d = step.details as Details;
    const pi = this.remediations(subscriptionOf(s(d, "scope")));
    const deadline = Date.now() + (this.options.remediationTimeoutMs ?? 30 * 60_000);
    for (;;) {
      const r = await this.read(() => pi.remediations.getAtSubscription(s(d, "name")));
      const state = (r.provisioningState ?? "").toLowerCase();
      if (TERMINAL_REMEDIATION.has(state)) {
        const st = r.deploymentStatus;
        const counts = `${st?.successfulDeployments ?? 0} succeeded, ${st?.failedDeployments ?? 0} failed of ${st?.totalDeployments ?? 0}`;
        if ((st?.successfulDeployments ?? 0) === 0 && (st?.totalDeployments ?? 0) > 0) {
          throw new Error(`remediation ${s(d, "name")} ended ${r.provisioningState}: ${counts}`);
        }
        return { deployments: counts };
      }
      if (Date.now() > deadline) throw new Error(`remediation ${s(d, "name")} still ${r.provisioningState} after the timeout`);
      await sleep(this.options.pollIntervalMs ?? 2000);
    }
  }

  async check(step: Step, _ctx: StepContext): Promise<LiveState> {
    const d = step.details as Details;
    switch (step.action) {
      case "install-extension":
      case "upgrade-extension":
      case "reconnect-extension": {
        const ext = await this.getExtension(step);
        if (!ext) return "absent";
        const workspaceId = typeof d.workspaceId === "string" ? d.workspaceId : null;
        const want = workspaceId ? (await this.secretsOf(workspaceId)).customerId : str(at(ext, "settings", "workspaceId"));
        const sameWorkspace = str(at(ext, "settings", "workspaceId"))?.toLowerCase() === want?.toLowerCase();
        const sameVersion = compareVersions(str(ext.typeHandlerVersion) ?? "0", s(d, "typeHandlerVersion")) >= 0;
        if (!sameWorkspace || !sameVersion) return "absent";
        const state = (str(ext.provisioningState) ?? "").toLowerCase();
        return state === "succeeded" ? "done" : state === "failed" ? "absent" : "in-progress";
      }
      case "remove-extension": {
        const ext = await this.getExtension(step);
        if (!ext) return "done";
        return (str(ext.provisioningState) ?? "").toLowerCase() === "deleting" ? "in-progress" : "absent";
      }
      case "enable-identity": {
        const machineId = s(d, "machineId");
        const [sub, rg, name] = [subscriptionOf(machineId), resourceGroupOf(machineId), nameOf(machineId)];
        const got =
          d.machineKind === "vmss"
            ? await this.readOrNull(() => this.compute(sub).virtualMachineScaleSets.get(rg, name))
            : await this.readOrNull(() => this.compute(sub).virtualMachines.get(rg, name));
        return got?.identity?.type?.toLowerCase().includes("systemassigned") ? "done" : "absent";
      }
      case "create-workspace": {
        const ws = await this.readOrNull(() => this.insights(s(d, "subscriptionId")).workspaces.get(s(d, "resourceGroup"), s(d, "name")));
        if (!ws) return "absent";
        return (ws.provisioningState ?? "Succeeded").toLowerCase() === "succeeded" ? "done" : "in-progress";
      }
      case "create-remediation": {
        const r = await this.readOrNull(() => this.remediations(subscriptionOf(s(d, "scope"))).remediations.getAtSubscription(s(d, "name")));
        if (!r) return "absent";
        return TERMINAL_REMEDIATION.has((r.provisioningState ?? "").toLowerCase()) ? "done" : "in-progress";
      }
      case "delete-workspace": {
        const id = s(d, "workspaceId");
        const ws = await this.readOrNull(() => this.insights(subscriptionOf(id)).workspaces.get(resourceGroupOf(id), nameOf(id)));
        return ws ? "absent" : "done";
      }
      default:
        // The other steps are single idempotent PUTs/DELETEs: sending one again is harmless.
        return "absent";
    }
  }

  async wait(step: Step, ctx: StepContext): Promise<StepOutputs | void> {
    if (step.action === "create-remediation") return this.followRemediation(step);
    for (let i = 0; ; i++) {
      const live = await this.check(step, ctx);
      if (live === "done") return;
      if (live === "absent") throw new Error(`${step.target}: the operation an earlier run started did not complete`);
      await sleep(Math.min(this.options.pollIntervalMs ?? 2000, 50 * 2 ** i));
    }
  }
}

function principalFrom(ctx: StepContext, assignmentId: string): string {
  for (const out of ctx.outputs.values()) if (out.principalId) return out.principalId;
  throw new Error(`no principal id for ${assignmentId}: its assignment step did not report one`);
}
