/**
 * Steps and findings for `agent: ama`, from the verdicts of decide.ts.
 *
 * Data collection rules: one per destination workspace (spec/dcr.ts names it and places it in
 * the workspace's resource group, in the workspace's location). On a target workspace the rule
 * carries the spec's tier, within the seed's limits (stored only with Defender on, never where
 * Sentinel owns the security events: then the rule has no security-event stream). A workspace a
 * machine keeps (keep-existing, keep-user-workspace) gets a new rule that reproduces what the
 * legacy agent collected there, the workspace's own tier; an existing rule there is left as it
 * is, as the legacy tier of a workspace that is no longer a target is.
 *
 * Order: resource group, workspace, solution and rule before any association; identity before
 * the AMA extension; a legacy-agent removal after the machine's identity and association steps.
 */
import type { InventoryMachine, InventoryWorkspace } from "../../inventory/schema";
import { sameId, subscriptionOf } from "../../inventory/ids";
import { dataCollectionRuleAssociationId, dataCollectionRuleBody, dataCollectionRuleName, tierOfXPathQueries, DCR_ASSOCIATION_NAME } from "../../spec/dcr";
import type { SecurityEventTier } from "../../spec/events";
import { extensionId, ShapeSlots, workspaceLabel, type Fleet, type PlanContext, type StepSink } from "../../core/kernel";
import { isLegacySubscription } from "../log-analytics-agent";
import { noteModelChange, planInstallName, planSystemIdentity, selfUpgradingInstall, type MachineExtensionSteps } from "../machine-extensions";
import { noteTierChange, securityEventsAllowed, type SecurityEventSteps } from "../security-events";
import {
  ensureSecurityEventTable,
  ensureUserWorkspaceSolution,
  ensureWorkspaceAndSolution,
  retireDefaultWorkspaces,
  fleetTargets,
  WORKSPACE_REASONS,
  type TargetWorkspace,
  type WorkspaceSteps,
} from "../workspaces";
import { decideAmaMachine, type AmaVerdict } from "./decide";
import { legacyWorkspaceOf, noteLegacyRemovals, planLegacyRemoval } from "./legacy";
import { StoppedSecurityEvents } from "./legacyEvents";
import { amaLookups } from "./lookups";
import { planLegacyRetirement, type RetireVerdict } from "./retire";
import type { AmaSteps } from "./steps";

/** What this capability plans into. */
export type AzureMonitorAgentPlanSteps = AmaSteps & WorkspaceSteps & SecurityEventSteps & MachineExtensionSteps;
type Sink = StepSink<AzureMonitorAgentPlanSteps>;

/** The shapes of the machine steps planned here, by what their details differ by besides the machine's id. */
const STEP_SHAPES = {};

/** The machines phase: the verdicts when the spec's agent is the Azure Monitor Agent, or none (the legacy agent's removal alone). */
export function planAzureMonitorAgent(ctx: PlanContext, b: Sink, fleet: Fleet): readonly (AmaVerdict | RetireVerdict)[] | undefined {
  const agent = ctx.spec.logAnalyticsAgent.agent;
  if (agent === "none") return planLegacyRetirement(ctx, b, fleet);
  if (agent !== "ama") return undefined;
  const { machines, subscriptionIds } = fleet;
  const targets = fleetTargets(ctx, fleet);
  const verdicts = machines.map((m, i) => decideAmaMachine(ctx, m, targets[i]!));
  emitAmaMachineSteps(ctx, b, machines, subscriptionIds, verdicts, targets);
  return verdicts;
}

/**
 * Emits the machine steps; returns the verdicts with the reason of blocked machines amended
 * (a custom target that does not exist: the decision stands, nothing happens yet).
 */
function emitAmaMachineSteps(
  ctx: PlanContext,
  b: Sink,
  machines: readonly InventoryMachine[],
  subscriptionIds: readonly string[],
  verdicts: AmaVerdict[],
  targets: readonly TargetWorkspace[],
): void {
  const la = ctx.spec.logAnalyticsAgent;
  const look = amaLookups(ctx);
  const shapes = ctx.memo(STEP_SHAPES, () => ({ install: new ShapeSlots(4), associate: new ShapeSlots(2) }));
  // A workspace is a target when the spec sends some machine there; decided per workspace, so a
  // rule's content does not depend on which machine asked for it first.
  const targetKeys = new Set<string>();
  for (const t of targets) targetKeys.add(t.key);
  if (la.workspace !== "default") targetKeys.add(ctx.lower(la.workspace.id));
  const ready = new Map<TargetWorkspace, string[] | undefined>();
  const ensuredTargets = new Set<string>();
  const reportersAfter = new Map<string, number>();
  const movesFrom = new Map<string, string[]>();
  const removalsFrom = new Map<string, number>();
  const blocked = new Map<string, number>();
  const keptLegacy = { n: 0 };
  const linuxDirect = { n: 0 };
  const legacySubscriptions = new Map<string, number>();
  /** The tier each destination's rule selects once this plan is applied, by workspace key. */
  const ruleTiers = new Map<string, SecurityEventTier | undefined>();
  const stoppedEvents = new StoppedSecurityEvents();

  const ensure = (dest: TargetWorkspace): string[] | undefined => {
    if (!ready.has(dest)) {
      const isTarget = targetKeys.has(dest.key);
      if (isTarget) ensuredTargets.add(dest.key);
      ready.set(dest, ensureDestination(ctx, b, dest, isTarget, ruleTiers));
    }
    return ready.get(dest);
  };
  const moved = (fromWorkspaceId: string | undefined, stepId: string) => {
    if (!fromWorkspaceId) return;
    const key = ctx.lower(fromWorkspaceId);
    let list = movesFrom.get(key);
    if (!list) movesFrom.set(key, (list = []));
    list.push(stepId);
  };

  if (la.autoProvision && la.workspace !== "default") {
    // Configured whether or not a machine connects to it today: new machines will.
    ensure(look.destination(la.workspace.id));
  }

  for (let i = 0; i < machines.length; i++) {
    const m = machines[i]!;
    const v = verdicts[i]!;
    if (v.decision === "ama-keep-legacy") keptLegacy.n++;
    if (v.userWorkspace) ensureUserWorkspaceSolution(ctx, b, v.userWorkspace);
    const deps = v.destination ? ensure(v.destination) : undefined;
    const ops = v.ops;
    if (v.destination && !deps && ops) {
      // Blocked: no step, so the machine goes on reporting where it reports today.
      bump(blocked, v.destination.id);
      verdicts[i] = { ...v, workspace: v.currentWorkspace ?? v.legacyWorkspace ?? null, reason: ctx.reasons.say(WORKSPACE_REASONS, "blocked-by-workspace", v.reason) };
      if (v.currentWorkspace) bump(reportersAfter, ctx.lower(v.currentWorkspace));
      if (v.legacyWorkspace && v.legacyWorkspace !== v.currentWorkspace) bump(reportersAfter, ctx.lower(v.legacyWorkspace));
      continue;
    }
    if (v.workspace) bump(reportersAfter, ctx.lower(v.workspace));
    if (v.legacyWorkspace && v.legacyWorkspace !== v.workspace) bump(reportersAfter, ctx.lower(v.legacyWorkspace));
    const dest = v.destination;
    if (!ops || !deps || !dest) continue;

    const identity = ops.identityType ? planSystemIdentity(ctx, b, machines, i) : undefined;
    if (ops.install) {
      const kind = ops.install;
      const name = planInstallName(b, m, kind);
      // The extension kind holds the OS.
      const slot = shapes.install.slot(kind, name, m.kind, m.location);
      noteModelChange(ctx, m, b.addUnique("install-extension", extensionId(m.id, name), selfUpgradingInstall(m, kind, name), identity, slot));
      noteInstallBesideLegacy(ctx, m, subscriptionIds[i]!, linuxDirect, legacySubscriptions);
      if (v.scom2012 !== undefined) {
        b.finding(
          "warning",
          "scom-2012-ama",
          m.id,
          `An Operations Manager ${v.scom2012} agent is installed. The seed forbids auto provisioning the Log Analytics agent here, because it shares the Operations Manager agent's run-time libraries; the Azure Monitor Agent is a separate agent (INFERRED) and is installed. The Operations Manager agent is not touched and the legacy agent is never removed from this machine.`,
        );
      }
    }
    let associateStep: string | undefined;
    if (ops.associate) {
      const ruleId = look.ruleIdFor(dest.id);
      const from = ops.associate.fromRuleId;
      associateStep = b.addUnique(
        "associate-dcr",
        dataCollectionRuleAssociationId(m.id),
        { machineId: m.id, name: DCR_ASSOCIATION_NAME, dataCollectionRuleId: ruleId, workspaceId: dest.id, fromDataCollectionRuleId: from },
        deps,
        // The rule's id is the destination's.
        shapes.associate.slot(dest.id, from),
      );
      if (ops.associate.fromRuleId) moved(look.workspaceOfRule(ops.associate.fromRuleId)?.id, associateStep);
    }
    if (ops.remove) {
      const fromWs = legacyWorkspaceOf(ctx, ops.remove);
      const removeStep = planLegacyRemoval(ctx, b, m, ops.remove, fromWs?.id, [identity?.[0], associateStep].filter((s): s is string => s !== undefined));
      moved(fromWs?.id, removeStep);
      if (fromWs) {
        bump(removalsFrom, fromWs.id);
        stoppedEvents.note(ctx, m.id, fromWs, ruleTiers.get(dest.key), targetKeys.has(dest.key));
      }
    }
  }

  for (const [workspaceId, n] of blocked) {
    b.finding("error", "machines-blocked-by-workspace", workspaceId, `${n} machine(s) cannot be connected until ${workspaceId} exists.`);
  }
  stoppedEvents.report(b);
  noteLegacyRemovals(b, removalsFrom, keptLegacy.n, "ama-keep-legacy", true);
  if (linuxDirect.n > 0) {
    b.finding(
      "info",
      "ama-beside-linux-direct-agent",
      "logAnalyticsAgent.agent",
      `${linuxDirect.n} Linux machine(s) with a directly installed Log Analytics agent get the Azure Monitor Agent. The seed leaves them unaltered because the Log Analytics agent cannot multi-home on Linux; AMA does not multi-home that agent, so the rule does not apply. The direct agent stays.`,
    );
  }
  for (const [sub, n] of [...legacySubscriptions].sort(([a], [c]) => (a < c ? -1 : 1))) {
    b.finding(
      "info",
      "legacy-subscription-ama",
      `/subscriptions/${sub}`,
      `The subscription was onboarded before 17 March 2019: the seed does not install the Log Analytics extension where an agent already exists. That rule is about the Log Analytics extension; ${n} machine(s) with an existing agent get the Azure Monitor Agent beside it.`,
    );
  }
  retireDefaultWorkspaces(ctx, b, ensuredTargets, reportersAfter, movesFrom, { ama: true }, (ws, moving) => {
    const ruleId = look.ruleIdFor(ws.id);
    if (!look.dataCollectionRule(ruleId)) return moving;
    return [b.add("delete-dcr", ruleId, { dataCollectionRuleId: ruleId, workspaceId: ws.id }, moving)];
  });
}

/** The seed's MMA-only install rules that AMA does not follow, counted for their findings. */
function noteInstallBesideLegacy(
  ctx: PlanContext,
  m: InventoryMachine,
  subscriptionId: string,
  linuxDirect: { n: number },
  legacySubscriptions: Map<string, number>,
): void {
  // One pass, no closure: once per installing machine.
  let direct = false;
  let scom = false;
  for (const a of m.agents ?? []) {
    if (a.kind === "direct") direct = true;
    else if (a.kind === "scom") scom = true;
  }
  if (direct && m.osType === "Linux") linuxDirect.n++;
  if ((direct || scom) && isLegacySubscription(ctx, subscriptionId)) bump(legacySubscriptions, subscriptionId);
}

/**
 * Workspace (targets: resource group, workspace, solution) and its data collection rule. Returns
 * what associations wait for, or undefined when the workspace cannot be used.
 */
function ensureDestination(ctx: PlanContext, b: Sink, dest: TargetWorkspace, isTarget: boolean, ruleTiers: Map<string, SecurityEventTier | undefined>): string[] | undefined {
  if (isTarget) {
    const ws = ensureWorkspaceAndSolution(ctx, b, dest);
    if (!ws) return undefined;
    const tier = securityEventsAllowed(ctx, b, dest.id, ws.existing) ? ctx.spec.logAnalyticsAgent.securityEvents : "None";
    ruleTiers.set(dest.key, tier);
    // A rule with security events waits for the solution that gives the workspace its SecurityEvent table.
    const rule = ruleStep(ctx, b, dest.id, ws.location, tier, tier === "None" ? [ws.created] : ws.deps, true);
    return rule ? [...ws.deps, rule] : ws.deps;
  }
  const existing = ctx.workspaceById.get(dest.key);
  if (!existing) return undefined;
  const tier = legacyTier(existing);
  // Only a rule created now needs the table: an existing one was accepted, so the workspace has it.
  const look = amaLookups(ctx);
  const existingRule = look.dataCollectionRule(look.ruleIdFor(dest.id));
  // An existing rule is left as it is: it selects what its queries say (undefined: not one of the tiers).
  ruleTiers.set(dest.key, existingRule ? tierOfXPathQueries(existingRule.xPathQueries) : tier);
  const table = tier === "None" || existingRule ? undefined : ensureSecurityEventTable(ctx, b, existing);
  const rule = ruleStep(ctx, b, dest.id, existing.location, tier, [table], false);
  return rule ? [rule] : [];
}

/** What the legacy agent collected in a workspace: its own tier, unless Sentinel configures it. */
function legacyTier(ws: InventoryWorkspace): SecurityEventTier {
  return ws.securityEvents && ws.securityEvents.owner !== "sentinel" ? ws.securityEvents.tier : "None";
}

/** create-dcr when the rule is missing; update-dcr when a target's rule selects another tier or sends elsewhere. */
function ruleStep(
  ctx: PlanContext,
  b: Sink,
  workspaceId: string,
  location: string,
  tier: SecurityEventTier,
  dependsOn: readonly (string | undefined)[],
  mayUpdate: boolean,
): string | undefined {
  const look = amaLookups(ctx);
  const ruleId = look.ruleIdFor(workspaceId);
  const existing = look.dataCollectionRule(ruleId);
  const sub = subscriptionOf(workspaceId);
  const rg = /\/resourceGroups\/([^/]+)\//i.exec(workspaceId)?.[1] ?? "";
  const details = (loc: string) => ({
    subscriptionId: sub,
    resourceGroup: rg,
    name: dataCollectionRuleName(workspaceId),
    location: loc,
    workspaceId,
    tier,
    body: dataCollectionRuleBody({ location: loc, workspaceResourceId: workspaceId, tier }),
  });
  if (!existing) return b.add("create-dcr", ruleId, details(location), dependsOn);
  if (!mayUpdate) return undefined;
  const currentTier = tierOfXPathQueries(existing.xPathQueries);
  const sendsThere = existing.destinations.length === 1 && sameId(existing.destinations[0], workspaceId);
  if (currentTier === tier && sendsThere) return undefined;
  if (currentTier !== undefined && currentTier !== tier && !ctx.inScope.has(sub)) {
    // A hub's workspace serves other specs' machines too: its one rule holds one tier for all of them.
    b.finding(
      "warning",
      "shared-rule-tier-changed",
      ruleId,
      `${dataCollectionRuleName(workspaceId)} is the rule of ${workspaceLabel(workspaceId)}, in subscription ${sub} outside this spec's scope, so machines of other specs may send through it too. It selects the ${currentTier} tier; this plan sets ${tier}, for every machine it serves. Specs sharing a workspace must agree on securityEvents: otherwise each apply (and each reconcile --watch round) sets the other's tier back.`,
    );
  }
  if (currentTier !== undefined) noteTierChange(ctx, "rule", dataCollectionRuleName(workspaceId), currentTier, tier);
  return b.add("update-dcr", ruleId, { ...details(existing.location), fromTier: currentTier ?? null }, dependsOn);
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
