/**
 * Workspace-side rules of the seed: default workspaces per geography (created only when a machine
 * needs one), the Security / SecurityCenterFree solution by Defender on/off, and never deleting a
 * default workspace that machines still report to.
 */
import type { InventoryWorkspace } from "../../inventory/schema";
import { resourceGroupOf, subscriptionOf } from "../../inventory/ids";
import { geographyOf } from "../../spec/geography";
import { defaultResourceGroupName, defaultWorkspaceId, defaultWorkspaceName, solutionForDefender, solutionName, type SecuritySolution } from "../../spec/naming";
import { resourceGroupId, solutionId, workspaceLabel, type Fleet, type PlanContext, type StepSink } from "../../core/kernel";
import { noteUserWorkspaceSolution, USER_WORKSPACE_REASON, USER_WORKSPACE_TABLE_REASON } from "./findings";
import { recovers, softDeletedHolder } from "./softDeleted";
import type { WorkspaceSteps } from "./steps";

/** Retention Security Center gives the workspaces it creates (reference §1.1). */
export const DEFAULT_WORKSPACE_RETENTION_DAYS = 30;
/** Pricing SKU of the default workspaces this tool creates. */
export const DEFAULT_WORKSPACE_SKU = "PerGB2018";

/** The marketplace plan of the Security / SecurityCenterFree solution named `name` (`<solution>(<workspace>)`). */
export function solutionPlan(solution: SecuritySolution, name: string): { name: string; product: string; publisher: string; promotionCode: string } {
  return { name, product: `OMSGallery/${solution}`, publisher: "Microsoft", promotionCode: "" };
}

/** A workspace the spec sends machines to, and what that needs. */
export interface TargetWorkspace {
  readonly id: string;
  /** `id` lower-cased, for lookups. */
  readonly key: string;
  /** Set for default workspaces: where to create it if missing. */
  readonly defaultFor?: { readonly subscriptionId: string; readonly code: string; readonly location: string };
}

/** Targets by subscription and region, per plan: a fleet has few of them and many machines. */
const TARGETS = {};

/** Where the spec sends a machine of `subscriptionId` in `region`. */
export function targetWorkspaceFor(ctx: PlanContext, subscriptionId: string, region: string): TargetWorkspace {
  const bySub = ctx.memo(TARGETS, () => new Map<string, Map<string, TargetWorkspace>>());
  let byRegion = bySub.get(subscriptionId);
  if (!byRegion) bySub.set(subscriptionId, (byRegion = new Map()));
  let target = byRegion.get(region);
  if (!target) byRegion.set(region, (target = computeTarget(ctx, subscriptionId, region)));
  return target;
}

/** The target of each machine of the fleet, in the fleet's order. */
export function fleetTargets(ctx: PlanContext, fleet: Fleet): TargetWorkspace[] {
  return fleet.machines.map((m, i) => targetWorkspaceFor(ctx, fleet.subscriptionIds[i]!, m.location));
}

function computeTarget(ctx: PlanContext, subscriptionId: string, region: string): TargetWorkspace {
  const choice = ctx.spec.logAnalyticsAgent.workspace;
  if (choice !== "default") return { id: choice.id, key: choice.id.toLowerCase() };
  const geo = geographyOf(region);
  const id = defaultWorkspaceId(subscriptionId, geo.code);
  return { id, key: id.toLowerCase(), defaultFor: { subscriptionId, code: geo.code, location: geo.workspaceLocation } };
}

/** Whether the workspace has the solution (named `Security` or `Security(<workspace>)`). */
export function hasSolution(ws: InventoryWorkspace, solution: SecuritySolution | "SecurityInsights"): boolean {
  const want = solution.toLowerCase();
  return ws.solutions.some((s) => s.toLowerCase() === want || s.toLowerCase().startsWith(want + "("));
}

/** With Defender on the workspace needs Security; with it off either solution will do. */
function solutionSatisfied(ws: InventoryWorkspace, defender: boolean): boolean {
  return hasSolution(ws, "Security") || (!defender && hasSolution(ws, "SecurityCenterFree"));
}

/** A target workspace made ready up to its solution; the agent-specific part follows. */
export interface ReadyWorkspace {
  readonly deps: string[];
  readonly existing: InventoryWorkspace | undefined;
  /** The create-workspace step, when the workspace is created by this plan. */
  readonly created: string | undefined;
  readonly location: string;
}

/** Resource group and workspace (default workspaces only) and solution; undefined for a custom workspace that does not exist. */
export function ensureWorkspaceAndSolution(ctx: PlanContext, b: StepSink<WorkspaceSteps>, target: TargetWorkspace): ReadyWorkspace | undefined {
  const la = ctx.spec.logAnalyticsAgent;
  const existing = ctx.workspaceById.get(target.key);
  const deps: string[] = [];
  if (target.defaultFor) noteOwnRegion(b, target.defaultFor.location);
  let location: string;
  if (!existing) {
    if (!target.defaultFor) {
      b.finding("error", "workspace-not-found", target.id, `The workspace ${target.id} is not in the inventory: it must exist (and be readable) before machines can be connected to it.`);
      return undefined;
    }
    const { subscriptionId, code, location: loc } = target.defaultFor;
    location = loc;
    if (!softDeletedNameAllows(ctx, b, target.id, location)) return undefined;
    const rgName = defaultResourceGroupName(code);
    const rg = b.add("create-resource-group", resourceGroupId(subscriptionId, rgName), { subscriptionId, name: rgName, location });
    deps.push(
      b.add(
        "create-workspace",
        target.id,
        {
          subscriptionId,
          resourceGroup: rgName,
          name: defaultWorkspaceName(subscriptionId, code),
          location,
          sku: DEFAULT_WORKSPACE_SKU,
          retentionInDays: DEFAULT_WORKSPACE_RETENTION_DAYS,
          createdBySecurityCenter: true,
        },
        [rg],
      ),
    );
  } else {
    location = existing.location;
  }
  const created = deps[0];
  if (!existing || !solutionSatisfied(existing, la.defender)) {
    deps.push(installSolution(b, target.id, location, solutionForDefender(la.defender), created));
  }
  return { deps, existing, created, location };
}

/**
 * A default workspace whose name a soft-deleted workspace holds: recovered by the create when that
 * one was in the same resource group and location (said in an info finding); otherwise Azure would
 * refuse the create (409), so nothing is written for it and an error finding says what to do.
 */
function softDeletedNameAllows(ctx: PlanContext, b: StepSink<WorkspaceSteps>, workspaceId: string, location: string): boolean {
  const held = softDeletedHolder(ctx, workspaceId);
  if (!held) return true;
  const label = workspaceLabel(workspaceId);
  const heldGroup = resourceGroupOf(held.id);
  const customer = held.customerId ? ` (customerId ${held.customerId})` : "";
  if (recovers(held, workspaceId, location)) {
    b.finding(
      "info",
      "default-workspace-recovered",
      workspaceId,
      `${label} is soft-deleted in ${heldGroup} (${held.location}): creating it there recovers it, with its workspace id${customer}, keys and data.`,
    );
    return true;
  }
  b.finding(
    "error",
    "default-workspace-name-soft-deleted",
    workspaceId,
    `${label} cannot be created in ${resourceGroupOf(workspaceId)} (${location}): a soft-deleted workspace${customer} in ${heldGroup} (${held.location}) holds the name for up to ${WORKSPACE_SOFT_DELETE_DAYS} days after its delete, and Azure refuses the create (409). Nothing is written for it. Recover that workspace and delete it for good (az monitor log-analytics workspace recover -g ${heldGroup} -n ${label}, then az monitor log-analytics workspace delete -g ${heldGroup} -n ${label} --force true), or wait until Azure purges it; then plan again.`,
  );
  return false;
}

function installSolution(b: StepSink<WorkspaceSteps>, workspaceId: string, location: string, solution: SecuritySolution, dependsOn?: string, reason?: string): string {
  const name = solutionName(solution, workspaceLabel(workspaceId));
  return b.add(
    "install-solution",
    solutionId(workspaceId, name),
    {
      workspaceId,
      solution,
      name,
      location,
      plan: solutionPlan(solution, name),
      ...(reason ? { reason } : {}),
    },
    [dependsOn],
  );
}

/**
 * Windows security events a data collection rule sends land in the workspace's SecurityEvent table,
 * which the Security or SecurityInsights solution provides (reference §3: a rule sending them to a
 * workspace without it fails with InvalidOutputTable). Returns the solution step when it is missing.
 */
export function ensureSecurityEventTable(ctx: PlanContext, b: StepSink<WorkspaceSteps>, ws: InventoryWorkspace): string | undefined {
  if (hasSolution(ws, "Security") || hasSolution(ws, "SecurityInsights")) return undefined;
  if (ws.createdBySecurityCenter) return installSolution(b, ws.id, ws.location, "Security");
  noteUserWorkspaceSolution(ctx, ws.id, "Security");
  return installSolution(b, ws.id, ws.location, "Security", undefined, USER_WORKSPACE_TABLE_REASON);
}

/** Seed: Security Center processes the Log Analytics agent's data in a workspace once it has the Security or SecurityCenterFree solution. */
export function securityCenterUses(ws: InventoryWorkspace): boolean {
  return hasSolution(ws, "Security") || hasSolution(ws, "SecurityCenterFree");
}

/**
 * Seed: a user workspace that machines keep reporting to needs the Security or SecurityCenterFree
 * solution, which "you will need to install"; this tool installs it, and says so (findings.ts).
 */
export function ensureUserWorkspaceSolution(ctx: PlanContext, b: StepSink<WorkspaceSteps>, ws: InventoryWorkspace): void {
  if (securityCenterUses(ws)) return;
  const solution = solutionForDefender(ctx.spec.logAnalyticsAgent.defender);
  noteUserWorkspaceSolution(ctx, ws.id, solution);
  installSolution(b, ws.id, ws.location, solution, undefined, USER_WORKSPACE_REASON);
}

/** Which reporters the caller counts itself in its `reportersAfter` (the agent it plans); the rest are counted here. */
export interface CountedByCaller {
  /** Azure Monitor Agent reporters (associations and AMA heartbeats): the AMA capability counts and moves them. */
  readonly ama: boolean;
}

const OTHER_REPORTERS = { ama: {}, noAma: {} };

/**
 * Machines reporting to each workspace (lower-case id) other than through the Log Analytics
 * extension, which the agent capabilities count: directly installed and Operations Manager agents
 * (as the Heartbeat table tells them), and unless the caller counts them, Azure Monitor Agents
 * (their heartbeats and their rules' associations). Each machine counts once per workspace.
 */
export function otherReporters(ctx: PlanContext, counted: CountedByCaller): ReadonlyMap<string, number> {
  return ctx.memo(counted.ama ? OTHER_REPORTERS.noAma : OTHER_REPORTERS.ama, () => {
    const out = new Map<string, number>();
    const rules = new Map<string, readonly string[]>();
    if (!counted.ama) for (const r of ctx.inventory.dataCollectionRules ?? []) rules.set(r.id.toLowerCase(), r.destinations);
    const byMachine = new Map<string, Set<string>>();
    const note = (machineId: string, workspaceKey: string) => {
      const key = machineId.toLowerCase();
      let set = byMachine.get(key);
      if (!set) byMachine.set(key, (set = new Set()));
      set.add(workspaceKey);
    };
    for (const m of ctx.inventory.machines) {
      for (const a of m.agents ?? []) {
        if (a.kind === "ama" && counted.ama) continue;
        for (const customerId of a.workspaceCustomerIds ?? []) {
          const ws = ctx.workspaceByCustomerId.get(customerId) ?? ctx.workspaceByCustomerId.get(customerId.toLowerCase());
          if (ws) note(m.id, ctx.lower(ws.id));
        }
      }
    }
    for (const a of counted.ama ? [] : (ctx.inventory.dataCollectionRuleAssociations ?? [])) {
      for (const dest of (a.dataCollectionRuleId && rules.get(a.dataCollectionRuleId.toLowerCase())) || []) note(a.machineId, ctx.lower(dest));
    }
    for (const set of byMachine.values()) for (const key of set) out.set(key, (out.get(key) ?? 0) + 1);
    return out;
  });
}

/**
 * Security Center default workspaces of the in-scope subscriptions that are no longer a target.
 * They are deleted only when asked to and only once no machine reports to them after this plan,
 * whatever its agent (extension, direct, Operations Manager, Azure Monitor Agent)
 * (the deletion waits for the steps that move machines away from them: reconnects, and with AMA
 * association moves and legacy-agent removals); otherwise a finding says why not.
 */
export function retireDefaultWorkspaces(
  ctx: PlanContext,
  b: StepSink<WorkspaceSteps>,
  targets: ReadonlySet<string>,
  reportersAfter: ReadonlyMap<string, number>,
  reconnectStepsFrom: ReadonlyMap<string, string[]>,
  /** Which reporters `reportersAfter` already holds: every other one (seed: any agent reporting to it) is counted here. */
  counted: CountedByCaller,
  /** Steps to take down with the workspace (its data collection rule); returns what the deletion waits for. */
  beforeDelete?: (ws: InventoryWorkspace, moving: readonly string[]) => readonly string[],
): void {
  const la = ctx.spec.logAnalyticsAgent;
  if (!la.autoProvision) return;
  const candidates = ctx.inventory.workspaces
    .filter((ws) => ws.createdBySecurityCenter && ctx.inScope.has(subscriptionOf(ws.id)) && !targets.has(ws.id.toLowerCase()))
    .sort((a, b2) => (a.id.toLowerCase() < b2.id.toLowerCase() ? -1 : 1));
  for (const ws of candidates) {
    const key = ws.id.toLowerCase();
    const still = (reportersAfter.get(key) ?? 0) + (otherReporters(ctx, counted).get(key) ?? 0);
    const moving = reconnectStepsFrom.get(key) ?? [];
    const label = workspaceLabel(ws.id);
    if (still > 0) {
      b.finding(
        la.deleteUnusedDefaultWorkspaces ? "warning" : "info",
        "default-workspace-in-use",
        ws.id,
        `${label} is no longer a target but ${still} machine(s) still report to it: it must not be deleted until they are reconnected.`,
      );
    } else if (la.deleteUnusedDefaultWorkspaces) {
      b.add("delete-workspace", ws.id, { workspaceId: ws.id }, beforeDelete ? beforeDelete(ws, moving) : moving);
      // Workspaces_Delete without force soft-deletes (learn.microsoft.com "Delete and recover a Log Analytics workspace").
      b.finding(
        "info",
        "default-workspace-soft-deleted",
        ws.id,
        `${label} is deleted without force: Azure keeps it soft-deleted for ${WORKSPACE_SOFT_DELETE_DAYS} days, its name reserved; creating it again in ${resourceGroupOf(ws.id)} (${ws.location}) within them recovers it with the same workspace id (customerId ${ws.customerId}) and its data.`,
      );
    } else {
      b.finding(
        "info",
        "default-workspace-unused",
        ws.id,
        `${label} is no longer a target and ${moving.length ? "no machine reports to it once reconnected" : "no machine reports to it"}; set logAnalyticsAgent.deleteUnusedDefaultWorkspaces to delete it.`,
      );
    }
  }
}

/** How long Azure keeps a workspace deleted without `force=true` before it is gone. */
export const WORKSPACE_SOFT_DELETE_DAYS = 14;

/** The geography note for a default workspace in a region outside every FAQ geography. */
function noteOwnRegion(b: StepSink<WorkspaceSteps>, region: string): void {
  const geo = geographyOf(region);
  if (!geo.ownRegion) return;
  b.finding(
    "info",
    "region-outside-geographies",
    geo.workspaceLocation,
    `Region ${geo.workspaceLocation} is in none of Security Center's default-workspace geographies: its default workspace is created in that region (code ${geo.code}), keeping its data there.`,
  );
}
