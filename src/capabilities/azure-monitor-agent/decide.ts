/**
 * Machine decisions for the Azure Monitor Agent (`agent: ama`): the seed's promise with AMA's
 * means. AMA is not workspace-keyed: a data collection rule (DCR) decides where data goes, and
 * this tool makes one association per machine (DCR_ASSOCIATION_NAME) with the DCR of the
 * machine's destination workspace. Associations made by others are never changed or removed; one
 * of them with the destination's DCR (a DCR-association policy's, which declare.ts declares) counts
 * as associated while the machine has none of ours.
 *
 * Destination. The seed's workspace rules carry over (routeFromWorkspace): a machine whose agent
 * (our association, else its Log Analytics extension) reports to a user's workspace keeps it
 * (keep-user-workspace); to a Security Center workspace that is not the target, it keeps it
 * unless reconfigureExisting moves it to a custom target (keep-existing / reconnect); everything
 * else goes to the target. A migration therefore never changes where a machine's data lands.
 *
 * Precedence (first that applies):
 *   out-of-scope > skip-not-eligible (only when something is to do) >
 *   ama-install | ama-migrate (AMA missing) > reconnect | ama-associate (association missing or
 *   elsewhere) > ama-enable-identity > ama-remove-legacy > ama-keep-legacy > ama-awaiting-heartbeat >
 *   keep-existing | keep-user-workspace | ama-compliant.
 *
 * Legacy agent. Removed only with removeLegacyAgent, only the Log Analytics agent *extension*,
 * and only when the inventory already shows AMA reporting (an "Azure Monitor Agent" heartbeat)
 * and AMA's extension present: the removal step waits for this plan's identity and association
 * steps, so a machine is never without a reporting agent. It is never removed (ama-keep-legacy)
 * beside a direct agent (not an extension; and removing the extension removes a pre-existing
 * direct agent too, reference §1.2), an Operations Manager agent (the seed: it shares the Log
 * Analytics agent's run-time libraries), a Dependency agent (the seed: it requires the Log
 * Analytics agent), or when the extension reports to a workspace AMA does not send to (the seed:
 * a connection Security Center did not make is never overridden).
 *
 * The MMA-only rules under AMA (findings say so, see plan.ts): an Operations Manager 2012
 * agent no longer blocks (the seed's warning is about the Log Analytics agent's shared
 * libraries; AMA is a separate agent - INFERRED, not stated by the reference); a Linux direct
 * agent and a subscription onboarded before 2019-03-17 no longer stop the install (both rules are
 * about installing the Log Analytics extension beside an existing Log Analytics agent; AMA does
 * not multi-home that agent).
 */
import type { InventoryExtension, InventoryMachine, InventoryWorkspace } from "../../inventory/schema";
import { ineligibility } from "../../inventory/eligibility";
import { AZURE_MONITOR_AGENT, equalsIgnoreCase, type ExtensionKind } from "../../spec/extensions";
import { isOperationsManager2012 } from "../../spec/operationsManager";
import { trieChild, type MachineVerdict, type PlanContext, type Reason, type TrieNode } from "../../core/kernel";
import type { LaDecision } from "../log-analytics-agent";
import { hasSystemIdentity, identityTypeAdding } from "../machine-extensions";
import { routeFromWorkspace, type TargetWorkspace } from "../workspaces";
import { agentsOnMachine, legacyWorkspaceOf, machineBlocker } from "./legacy";
import { amaLookups } from "./lookups";
import { AMA_REASONS, type AmaRoute, type LegacyBlocker, type LegacyFate, type PriorAgent } from "./reasons";

/** The decisions only `agent: ama` makes, with what each means; reconnect, keep-*, skip-not-eligible and out-of-scope apply too. */
export const AMA_DECISIONS = {
  "ama-compliant": "AMA associated with the rule that sends to the right workspace",
  "ama-install": "no agent: AMA is installed and associated",
  "ama-migrate": "legacy agent present: AMA is installed and associated beside it",
  "ama-associate": "AMA present: the association with the rule is made",
  "ama-enable-identity": "AMA present: the system-assigned identity it signs in with is enabled",
  "ama-awaiting-heartbeat": "AMA set up: the legacy agent goes once AMA reports",
  "ama-remove-legacy": "AMA reports: the legacy agent extension is removed",
  "ama-keep-legacy": "AMA set up: the legacy agent cannot be removed safely",
} as const;
export type AmaDecision = keyof typeof AMA_DECISIONS;

/** The decisions an `agent: ama` plan shows: its own and those it shares with the Log Analytics agent. */
type AmaPlanDecision = AmaDecision | Extract<LaDecision, "reconnect" | "keep-existing" | "keep-user-workspace" | "skip-not-eligible" | "out-of-scope">;

/** What has to happen on the machine. */
export interface AmaOps {
  /** The identity type to set, when the system-assigned identity is missing. */
  readonly identityType?: string;
  readonly fromIdentityType?: string | null;
  /** The AMA extension to install. */
  readonly install?: ExtensionKind;
  /** Associate with the destination's DCR; `from` is the DCR our association points to today. */
  readonly associate?: { readonly fromRuleId: string | null };
  /** The Log Analytics agent extension to remove. */
  readonly remove?: InventoryExtension;
}

export interface AmaVerdict extends MachineVerdict<AmaPlanDecision> {
  /** Set when AMA sends (or will send) somewhere: the DCR of this workspace must exist. */
  readonly destination?: TargetWorkspace;
  readonly route?: AmaRoute;
  readonly ops?: AmaOps;
  /** The workspace the Log Analytics extension still reports to after the plan (for workspace retirement). */
  readonly legacyWorkspace?: string;
  /** The workspace our association sends to today, if any. */
  readonly currentWorkspace?: string;
  /** For keep-user-workspace: the user's workspace, which needs a solution. */
  readonly userWorkspace?: InventoryWorkspace;
  /** Findings about this machine the plan must raise. */
  readonly scom2012?: string;
}

export { hasSystemIdentity };

/**
 * Decides one machine under `agent: ama`. `target` is where the spec sends new machines of its
 * subscription and region.
 */
export function decideAmaMachine(ctx: PlanContext, machine: InventoryMachine, target: TargetWorkspace): AmaVerdict {
  const la = ctx.spec.logAnalyticsAgent;
  const look = amaLookups(ctx);
  const amaKind = AZURE_MONITOR_AGENT[machine.osType];
  const agents = agentsOnMachine(machine);
  const { ama, mma, direct, scom, amaReports: heartbeat } = agents;
  const association = look.associationOf(machine.id);
  const currentWs = association?.dataCollectionRuleId ? look.workspaceOfRule(association.dataCollectionRuleId) : undefined;
  const mmaCustomerId = mma?.workspaceCustomerId;
  const mmaWs = legacyWorkspaceOf(ctx, mma);
  const now = currentWs?.id ?? mmaWs?.id ?? null;
  const legacyWorkspace = mmaWs?.id;
  const currentWorkspace = currentWs?.id;

  if (!la.autoProvision) return { decision: "out-of-scope", workspace: now, reason: ctx.reasons.say(AMA_REASONS, "out-of-scope"), legacyWorkspace, currentWorkspace };

  // Where AMA sends: our association's workspace, else the extension's, under the seed's rules.
  let route: AmaRoute = "target";
  let destination = target;
  const from = currentWs ?? mmaWs;
  if (from && ctx.lower(from.id) !== target.key) {
    route = routeFromWorkspace(ctx, from);
    // Nothing to reconnect before AMA is associated: it goes to the target at once.
    if (route === "reconnect" && !currentWs) route = "target";
    if (route !== "target" && route !== "reconnect") destination = look.destination(from.id);
  }
  const ruleId = look.ruleIdFor(destination.id);
  // Ours decides when it exists (it is moved); without it, another association with the rule counts.
  const associated = association
    ? association.dataCollectionRuleId != null && equalsIgnoreCase(association.dataCollectionRuleId, ruleId)
    : look.otherAssociationTo(machine.id, ruleId);
  const needIdentity = !hasSystemIdentity(machine);
  const legacy = mma !== undefined || direct;

  let blocker: LegacyBlocker | undefined;
  if (la.removeLegacyAgent && legacy) {
    blocker = machineBlocker(agents);
    if (!blocker && (!mmaWs || !coveredBy(ctx, mmaWs, target, destination))) blocker = "uncovered";
  }
  const canRemove = la.removeLegacyAgent && mma !== undefined && blocker === undefined && ama !== undefined && heartbeat;

  const todo = needIdentity || !ama || !associated || canRemove;
  const notEligible = todo ? ineligibility(machine) : undefined;
  if (notEligible) {
    const reason = ctx.reasons.say(AMA_REASONS, "not-eligible", notEligible);
    return { decision: "skip-not-eligible", workspace: now, reason, legacyWorkspace, currentWorkspace };
  }

  const ops: AmaOps | undefined = todo
    ? opsOf(ctx, needIdentity ? (machine.identity?.type ?? null) : undefined, ama ? undefined : amaKind, associated ? undefined : (association?.dataCollectionRuleId ?? null), canRemove ? mma : undefined)
    : undefined;
  const say = ctx.reasons.speaker(AMA_REASONS);
  let scom2012: string | undefined;
  let decision: AmaPlanDecision;
  let reason: Reason;

  // One verdict object per machine, built at the end: a million machines, no intermediate copies.
  if (!ama) {
    scom2012 = isOperationsManager2012(scom) ? scom : undefined;
    const prior: PriorAgent = mma ? "extension" : direct ? "direct" : scom !== undefined ? "scom" : "none";
    decision = legacy ? "ama-migrate" : "ama-install";
    const fate: LegacyFate | null = !legacy ? null : !la.removeLegacyAgent ? "kept-by-choice" : (blocker ?? "removed-later");
    reason = say("install", prior, prior === "scom" ? scom : undefined, destination.id, route, fate);
  } else if (!associated && route === "reconnect") {
    decision = "reconnect";
    reason = say("reconnect", currentWs!.id, destination.id, canRemove);
  } else if (!associated) {
    decision = "ama-associate";
    reason = say("associate", association !== undefined, destination.id, route, canRemove);
  } else if (needIdentity) {
    decision = "ama-enable-identity";
    reason = say("enable-identity", canRemove);
  } else if (canRemove) {
    decision = "ama-remove-legacy";
    reason = say("remove-legacy", destination.id);
  } else if (blocker) {
    decision = "ama-keep-legacy";
    const uncovered = blocker === "uncovered";
    reason = say("keep-legacy", blocker, blocker === "scom" ? scom : undefined, uncovered ? mmaWs?.id : undefined, uncovered && !mmaWs ? mmaCustomerId : undefined);
  } else if (la.removeLegacyAgent && mma) {
    decision = "ama-awaiting-heartbeat";
    reason = say("awaiting-heartbeat", destination.id);
  } else if (route === "keep-existing") {
    decision = "keep-existing";
    reason = say("keep-existing", destination.id, target.id, legacy);
  } else if (route === "keep-user-workspace") {
    decision = "keep-user-workspace";
    reason = say("keep-user-workspace", destination.id, legacy);
  } else {
    decision = "ama-compliant";
    reason = say("compliant", destination.id, legacy);
  }
  return sharedVerdict(ctx, decision, reason, destination, route, ops, canRemove ? undefined : legacyWorkspace, currentWorkspace, route === "keep-user-workspace" ? from : undefined, scom2012);
}

interface VerdictNode extends TrieNode<VerdictNode> {
  verdict?: AmaVerdict;
}

/** The root of the shared verdicts of one plan. */
const VERDICTS = {};

/**
 * The verdict with these values: one object per distinct combination (a million machines, a few
 * dozen), not one per machine that lives to the end of the plan. A verdict whose ops remove the
 * machine's own extension is the machine's alone and is not kept.
 */
function sharedVerdict(
  ctx: PlanContext,
  decision: AmaPlanDecision,
  reason: Reason,
  destination: TargetWorkspace,
  route: AmaRoute,
  ops: AmaOps | undefined,
  legacyWorkspace: string | undefined,
  currentWorkspace: string | undefined,
  userWorkspace: InventoryWorkspace | undefined,
  scom2012: string | undefined,
): AmaVerdict {
  if (ops?.remove) return { decision, workspace: destination.id, reason, destination, route, ops, legacyWorkspace, currentWorkspace, userWorkspace, scom2012 };
  let node = trieChild(ctx.memo(VERDICTS, newVerdictNode), reason);
  node = trieChild(node, decision);
  node = trieChild(node, destination);
  node = trieChild(node, ops);
  node = trieChild(node, route);
  node = trieChild(node, legacyWorkspace);
  node = trieChild(node, currentWorkspace);
  node = trieChild(node, userWorkspace);
  node = trieChild(node, scom2012);
  return (node.verdict ??= Object.freeze({ decision, workspace: destination.id, reason, destination, route, ops, legacyWorkspace, currentWorkspace, userWorkspace, scom2012 }));
}

const newVerdictNode = (): VerdictNode => ({});

interface OpsNode extends TrieNode<OpsNode> {
  ops?: AmaOps;
}

/** The root of the shared ops of one plan. */
const OPS = {};

/**
 * What has to happen on a machine. `fromIdentityType`: undefined when the identity is there, else
 * the identity type today (null: none); `fromRuleId`: undefined when associated, else the rule our
 * association points to today (null: none). Machines that need the same share one object (a
 * million machines, a few dozen combinations), except those whose own extension is removed.
 */
function opsOf(ctx: PlanContext, fromIdentityType: string | null | undefined, install: ExtensionKind | undefined, fromRuleId: string | null | undefined, remove: InventoryExtension | undefined): AmaOps {
  const build = (): AmaOps => ({
    identityType: fromIdentityType !== undefined ? identityTypeAdding(fromIdentityType ?? undefined) : undefined,
    fromIdentityType,
    install,
    associate: fromRuleId !== undefined ? { fromRuleId } : undefined,
    remove,
  });
  if (remove) return build();
  const node = trieChild(trieChild(trieChild(ctx.memo(OPS, (): OpsNode => ({})), fromIdentityType), install), fromRuleId);
  return (node.ops ??= Object.freeze(build()));
}

/** Does AMA, sending to `destination`, take over where the extension reports (the seed's route from that workspace)? */
function coveredBy(ctx: PlanContext, mmaWs: InventoryWorkspace, target: TargetWorkspace, destination: TargetWorkspace): boolean {
  const key = ctx.lower(mmaWs.id);
  if (key === destination.key) return true;
  return key !== target.key && routeFromWorkspace(ctx, mmaWs) === "reconnect" && destination.key === target.key;
}
