/**
 * Workspace-side rules of the seed: default workspaces per geography (created only when a machine
 * needs one), the Security / SecurityCenterFree solution by Defender on/off, the security-event
 * tier (stored only with Defender on; never on a workspace whose security events Sentinel owns),
 * and never deleting a default workspace that machines still report to.
 */
import type { InventoryWorkspace } from "../inventory/schema";
import { subscriptionOf } from "../inventory/ids";
import { API_TIER_BY_TIER, type SecurityEventTier } from "../spec/events";
import { geographyOf } from "../spec/geography";
import { defaultResourceGroupName, defaultWorkspaceId, defaultWorkspaceName, solutionForDefender, solutionName, type SecuritySolution } from "../spec/naming";
import { workspaceLabel, type PlanContext } from "./context";
import { resourceGroupId, SECURITY_EVENTS_DATA_SOURCE, securityEventsDataSourceId, solutionId } from "./ids";
import type { PlanBuilder } from "./steps";

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
const targetMemo = new WeakMap<PlanContext, Map<string, Map<string, TargetWorkspace>>>();

/** Where the spec sends a machine of `subscriptionId` in `region`. */
export function targetWorkspaceFor(ctx: PlanContext, subscriptionId: string, region: string): TargetWorkspace {
  let bySub = targetMemo.get(ctx);
  if (!bySub) targetMemo.set(ctx, (bySub = new Map()));
  let byRegion = bySub.get(subscriptionId);
  if (!byRegion) bySub.set(subscriptionId, (byRegion = new Map()));
  let target = byRegion.get(region);
  if (!target) byRegion.set(region, (target = computeTarget(ctx, subscriptionId, region)));
  return target;
}

function computeTarget(ctx: PlanContext, subscriptionId: string, region: string): TargetWorkspace {
  const choice = ctx.spec.logAnalyticsAgent.workspace;
  if (choice !== "default") return { id: choice.id, key: choice.id.toLowerCase() };
  const geo = geographyOf(region);
  const id = defaultWorkspaceId(subscriptionId, geo.code);
  return { id, key: id.toLowerCase(), defaultFor: { subscriptionId, code: geo.code, location: geo.workspaceLocation } };
}

function hasSolution(ws: InventoryWorkspace, solution: SecuritySolution): boolean {
  const want = solution.toLowerCase();
  return ws.solutions.some((s) => s.toLowerCase() === want || s.toLowerCase().startsWith(want + "("));
}

/** With Defender on the workspace needs Security; with it off either solution will do. */
function solutionSatisfied(ws: InventoryWorkspace, defender: boolean): boolean {
  return hasSolution(ws, "Security") || (!defender && hasSolution(ws, "SecurityCenterFree"));
}

/**
 * Steps that make a target workspace ready for the Log Analytics agent: resource group and
 * workspace (default workspaces only), solution, security-event tier. Returns the ids machine
 * steps must wait for, or undefined when the workspace cannot be used (a custom workspace that
 * does not exist).
 */
export function ensureTargetWorkspace(ctx: PlanContext, b: PlanBuilder, target: TargetWorkspace): string[] | undefined {
  const ready = ensureWorkspaceAndSolution(ctx, b, target);
  if (!ready) return undefined;
  const tierStep = securityEventsStep(ctx, b, target.id, ready.existing, ready.created);
  if (tierStep) ready.deps.push(tierStep);
  return ready.deps;
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
export function ensureWorkspaceAndSolution(ctx: PlanContext, b: PlanBuilder, target: TargetWorkspace): ReadyWorkspace | undefined {
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

function installSolution(b: PlanBuilder, workspaceId: string, location: string, solution: SecuritySolution, dependsOn?: string): string {
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
    },
    [dependsOn],
  );
}

/**
 * The seed's limits on a workspace's security-event tier: it is stored only with Azure Defender on,
 * and a workspace whose security events Sentinel configures is never configured by Security Center.
 * `allowed: false` means "set nothing"; `finding` says why when the spec asked for a tier.
 */
export type SecurityEventsRule =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly finding?: { readonly severity: "warning" | "error"; readonly code: "security-events-need-defender" | "security-events-owned-by-sentinel" } };

export function securityEventsRule(tier: SecurityEventTier, defender: boolean, sentinelOwned: boolean): SecurityEventsRule {
  if (!defender) {
    return tier !== "None" ? { allowed: false, finding: { severity: "warning", code: "security-events-need-defender" } } : { allowed: false };
  }
  if (sentinelOwned) {
    return tier !== "None" ? { allowed: false, finding: { severity: "error", code: "security-events-owned-by-sentinel" } } : { allowed: false };
  }
  return { allowed: true };
}

export function securityEventsNeedDefenderMessage(tier: SecurityEventTier): string {
  return `Storing Windows security events needs Azure Defender: the "${tier}" tier is not stored while logAnalyticsAgent.defender is false.`;
}

/** `currentTier`: the tier Sentinel set, when known. */
export function securityEventsOwnedBySentinelMessage(workspaceName: string, currentTier?: string): string {
  return `Azure Sentinel configures the security events of ${workspaceName}${currentTier !== undefined ? ` (tier ${currentTier})` : ""}; a workspace's security events are configured by Security Center or by Sentinel, never both. Set the tier in Sentinel, or disconnect Sentinel's Security Events connector first.`;
}

/**
 * May Security Center store the spec's tier in this target workspace? When not (Defender off,
 * Sentinel owns the workspace's security events), a finding says why if a tier was asked for.
 */
export function securityEventsAllowed(ctx: PlanContext, b: PlanBuilder, workspaceId: string, existing: InventoryWorkspace | undefined): boolean {
  const la = ctx.spec.logAnalyticsAgent;
  const current = existing?.securityEvents;
  const rule = securityEventsRule(la.securityEvents, la.defender, current?.owner === "sentinel");
  if (rule.allowed) return true;
  if (rule.finding?.code === "security-events-need-defender") {
    b.finding(rule.finding.severity, rule.finding.code, "logAnalyticsAgent.securityEvents", securityEventsNeedDefenderMessage(la.securityEvents));
  } else if (rule.finding) {
    b.finding(rule.finding.severity, rule.finding.code, workspaceId, securityEventsOwnedBySentinelMessage(workspaceLabel(workspaceId), current?.tier));
  }
  return false;
}

function securityEventsStep(
  ctx: PlanContext,
  b: PlanBuilder,
  workspaceId: string,
  existing: InventoryWorkspace | undefined,
  dependsOn: string | undefined,
): string | undefined {
  const la = ctx.spec.logAnalyticsAgent;
  const current = existing?.securityEvents;
  if (!securityEventsAllowed(ctx, b, workspaceId, existing)) return undefined;
  const currentTier = current?.tier ?? "None";
  if (currentTier === la.securityEvents) return undefined;
  return b.add(
    "set-security-events",
    securityEventsDataSourceId(workspaceId),
    { workspaceId, dataSource: SECURITY_EVENTS_DATA_SOURCE, tier: la.securityEvents, apiTier: API_TIER_BY_TIER[la.securityEvents] },
    [dependsOn],
  );
}

/** Seed: a user workspace that machines keep reporting to needs the Security or SecurityCenterFree solution. */
export function ensureUserWorkspaceSolution(ctx: PlanContext, b: PlanBuilder, ws: InventoryWorkspace): void {
  if (hasSolution(ws, "Security") || hasSolution(ws, "SecurityCenterFree")) return;
  installSolution(b, ws.id, ws.location, solutionForDefender(ctx.spec.logAnalyticsAgent.defender));
}

/**
 * Security Center default workspaces of the in-scope subscriptions that are no longer a target.
 * They are deleted only when asked to and only once no machine reports to them after this plan
 * (the deletion waits for the steps that move machines away from them: reconnects, and with AMA
 * association moves and legacy-agent removals); otherwise a finding says why not.
 */
export function retireDefaultWorkspaces(
  ctx: PlanContext,
  b: PlanBuilder,
  targets: ReadonlySet<string>,
  reportersAfter: ReadonlyMap<string, number>,
  reconnectStepsFrom: ReadonlyMap<string, string[]>,
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
    const still = reportersAfter.get(key) ?? 0;
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

/** The geography note for a default workspace in a region outside every FAQ geography. */
function noteOwnRegion(b: PlanBuilder, region: string): void {
  const geo = geographyOf(region);
  if (!geo.ownRegion) return;
  b.finding(
    "info",
    "region-outside-geographies",
    geo.workspaceLocation,
    `Region ${geo.workspaceLocation} is in none of Security Center's default-workspace geographies: its default workspace is created in that region (code ${geo.code}), keeping its data there.`,
  );
}
