/**
 * Machine decisions for the Azure Monitor Agent (`agent: ama`): the seed's promise with AMA's
 * means. AMA is not workspace-keyed: a data collection rule (DCR) decides where data goes, and
 * this tool makes one association per machine (DCR_ASSOCIATION_NAME) with the DCR of the
 * machine's destination workspace. Associations made by others are never changed or removed; one
 * of them with the destination's DCR (a DCR-association policy's, see components/policy) counts
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
 * The MMA-only rules under AMA (findings say so, see planAma.ts): an Operations Manager 2012
 * agent no longer blocks (the seed's warning is about the Log Analytics agent's shared
 * libraries; AMA is a separate agent - INFERRED, not stated by the reference); a Linux direct
 * agent and a subscription onboarded before 2019-03-17 no longer stop the install (both rules are
 * about installing the Log Analytics extension beside an existing Log Analytics agent; AMA does
 * not multi-home that agent).
 */
import type { InventoryExtension, InventoryMachine, InventoryWorkspace } from "../inventory/schema";
import { AZURE_MONITOR_AGENT, DEPENDENCY_AGENT, LOG_ANALYTICS_AGENT, equalsIgnoreCase, isSameExtension, type ExtensionKind } from "../spec/extensions";
import { dataCollectionRuleName } from "../spec/dcr";
import { workspaceLabel, type PlanContext } from "./context";
import { amaLookups } from "./amaLookups";
import { ineligibility, isScom2012, routeFromWorkspace, type ExistingRoute } from "./decide";
import type { Decision } from "./types";
import type { TargetWorkspace } from "./workspaces";

/** Where the machine's AMA sends once the plan is applied, and why. */
export type AmaRoute = "target" | ExistingRoute;

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

export interface AmaVerdict {
  readonly decision: Decision;
  /** ARM id of the workspace the machine's AMA sends to once the plan is applied (else where its agent reports), or null. */
  readonly workspace: string | null;
  readonly reason: string;
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

type LegacyBlocker = "direct" | "direct-extension" | "scom" | "dependency" | "uncovered";

/** System-assigned identity present? Arc-enabled servers always have one (the connected machine agent's). */
export function hasSystemIdentity(machine: InventoryMachine): boolean {
  return machine.kind === "arc" || /systemassigned/i.test(machine.identity?.type ?? "");
}

function identityTypeAdding(current: string | undefined): string {
  return current && /userassigned/i.test(current) ? "SystemAssigned, UserAssigned" : "SystemAssigned";
}

const OUT_OF_SCOPE = "Auto provisioning of the Azure Monitor Agent is off: nothing is installed, and no installed agent is removed.";

/**
 * Decides one machine under `agent: ama`. `target` is where the spec sends new machines of its
 * subscription and region.
 */
export function decideAmaMachine(ctx: PlanContext, machine: InventoryMachine, target: TargetWorkspace): AmaVerdict {
  const la = ctx.spec.logAnalyticsAgent;
  const look = amaLookups(ctx);
  const amaKind = AZURE_MONITOR_AGENT[machine.osType];
  const mmaKind = LOG_ANALYTICS_AGENT[machine.osType];
  const depKind = DEPENDENCY_AGENT[machine.osType];
  let ama: InventoryExtension | undefined;
  let mma: InventoryExtension | undefined;
  let dependency = false;
  for (const e of machine.extensions ?? []) {
    if (!ama && isSameExtension(amaKind, e)) ama = e;
    else if (!mma && isSameExtension(mmaKind, e)) mma = e;
    else if (isSameExtension(depKind, e)) dependency = true;
  }
  let direct = false;
  let scom: string | undefined;
  let heartbeat = false;
  for (const a of machine.agents ?? []) {
    if (a.kind === "direct") direct = true;
    else if (a.kind === "scom") scom ??= a.version ?? "";
    else heartbeat = true;
  }
  const association = look.associationOf(machine.id);
  const currentWs = association?.dataCollectionRuleId ? look.workspaceOfRule(association.dataCollectionRuleId) : undefined;
  const mmaCustomerId = mma?.workspaceCustomerId;
  const mmaWs = mmaCustomerId ? (ctx.workspaceByCustomerId.get(mmaCustomerId) ?? ctx.workspaceByCustomerId.get(mmaCustomerId.toLowerCase())) : undefined;
  const now = currentWs?.id ?? mmaWs?.id ?? null;
  const legacyWorkspace = mmaWs?.id;
  const currentWorkspace = currentWs?.id;

  if (!la.autoProvision) return { decision: "out-of-scope", workspace: now, reason: OUT_OF_SCOPE, legacyWorkspace, currentWorkspace };

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
    if (direct) blocker = mma ? "direct-extension" : "direct";
    else if (scom !== undefined) blocker = "scom";
    else if (dependency) blocker = "dependency";
    else if (!mmaWs || !coveredBy(ctx, mmaWs, target, destination)) blocker = "uncovered";
  }
  const canRemove = la.removeLegacyAgent && mma !== undefined && blocker === undefined && ama !== undefined && heartbeat;

  const todo = needIdentity || !ama || !associated || canRemove;
  const notEligible = todo ? ineligibility(machine) : undefined;
  if (notEligible) {
    const reason = ctx.reason("not-eligible", notEligible, null, () => `Not eligible: ${notEligible}.`);
    return { decision: "skip-not-eligible", workspace: now, reason, legacyWorkspace, currentWorkspace };
  }

  const ops: AmaOps | undefined = todo
    ? {
        identityType: needIdentity ? identityTypeAdding(machine.identity?.type) : undefined,
        fromIdentityType: needIdentity ? (machine.identity?.type ?? null) : undefined,
        install: ama ? undefined : amaKind,
        associate: associated ? undefined : { fromRuleId: association?.dataCollectionRuleId ?? null },
        remove: canRemove ? mma : undefined,
      }
    : undefined;
  const dcr = () => dataCollectionRuleName(destination.id);
  const ws = () => workspaceLabel(destination.id);
  const removed = canRemove ? REMOVED_TOO : "";
  const stays = legacy ? LEGACY_STAYS : "";
  let scom2012: string | undefined;
  let decision: Decision;
  let reason: string;

  // One verdict object per machine, built at the end: a million machines, no intermediate copies.
  if (!ama) {
    scom2012 = isScom2012(scom) ? scom : undefined;
    const kind = mma ? 1 : direct ? 2 : scom !== undefined ? 3 : 0;
    decision = legacy ? "ama-migrate" : "ama-install";
    const tail = legacyTail(ctx, blocker);
    const variant = routeCode(route) * 100 + kind * 10 + tail.code;
    reason = ctx.reason(decision, destination.id, kind === 3 ? `${variant}\u0000${scom}` : variant, () => {
      const head =
        kind === 1
          ? "The Log Analytics agent extension is installed"
          : kind === 2
            ? "A Log Analytics agent is installed directly"
            : kind === 3
              ? `An Operations Manager ${scom} agent is present and stays`
              : "No agent";
      return `${head}: the Azure Monitor Agent is installed and associated with ${dcr()}, which sends to ${ws()}${destinationNote(route)}.${legacy ? " " + tail.text : ""}`;
    });
  } else if (!associated && route === "reconnect") {
    decision = "reconnect";
    const fromId = currentWs!.id;
    reason = ctx.reason(canRemove ? "ama-reconnect+remove" : "ama-reconnect", fromId, destination.id, () =>
      `The Azure Monitor Agent sends to the Security Center workspace ${workspaceLabel(fromId)}; with reconfigureExisting its association moves to ${dcr()}, which sends to ${ws()}.${removed}`,
    );
  } else if (!associated) {
    decision = "ama-associate";
    const elsewhere = association ? 1 : 0;
    reason = ctx.reason(canRemove ? "ama-associate+remove" : "ama-associate", destination.id, routeCode(route) * 10 + elsewhere, () =>
      `The Azure Monitor Agent is installed ${elsewhere ? "but its association points to another rule" : "without the association"}: it is associated with ${dcr()}, which sends to ${ws()}${destinationNote(route)}.${removed}`,
    );
  } else if (needIdentity) {
    decision = "ama-enable-identity";
    reason = ctx.reason("ama-identity", removed, null, () =>
      `The Azure Monitor Agent is installed and associated, but the machine has no system-assigned managed identity, which the agent signs in with: it is enabled.${removed}`,
    );
  } else if (canRemove) {
    decision = "ama-remove-legacy";
    reason = ctx.reason("ama-remove", destination.id, null, () =>
      `The Azure Monitor Agent reports (an "Azure Monitor Agent" heartbeat) through ${dcr()} to ${ws()}, and removeLegacyAgent is true: the Log Analytics agent extension is removed.`,
    );
  } else if (blocker) {
    decision = "ama-keep-legacy";
    const b = blocker;
    const detail = b === "scom" ? scom : b === "uncovered" ? (mmaWs?.id ?? mmaCustomerId ?? null) : null;
    reason = ctx.reason(KEEP_LEGACY_KEY[b], detail, null, () => `The Azure Monitor Agent is set up. ${legacyTail(ctx, b, { scom, reportsTo: mmaWs ?? mmaCustomerId }).text}`);
  } else if (la.removeLegacyAgent && mma) {
    decision = "ama-awaiting-heartbeat";
    reason = ctx.reason("ama-awaiting", destination.id, null, () =>
      `The Azure Monitor Agent is installed and associated with ${dcr()}; the Log Analytics agent extension is removed once AMA reports (no "Azure Monitor Agent" heartbeat yet).`,
    );
  } else if (route === "keep-existing") {
    decision = "keep-existing";
    reason = ctx.reason(legacy ? "ama-keep-existing+legacy" : "ama-keep-existing", destination.id, target.id, () =>
      `The Azure Monitor Agent sends to ${ws()}; with reconfigureExisting false only new machines get ${workspaceLabel(target.id)}.${stays}`,
    );
  } else if (route === "keep-user-workspace") {
    decision = "keep-user-workspace";
    reason = ctx.reason(legacy ? "ama-keep-user+legacy" : "ama-keep-user", destination.id, null, () =>
      `The Azure Monitor Agent sends to the user workspace ${ws()}, which is never overridden; Security Center uses it once the Security or SecurityCenterFree solution is there.${stays}`,
    );
  } else {
    decision = "ama-compliant";
    reason = ctx.reason(legacy ? "ama-compliant+legacy" : "ama-compliant", destination.id, null, () => `The Azure Monitor Agent is associated with ${dcr()}, which sends to ${ws()}, as it should.${stays}`);
  }
  return {
    decision,
    workspace: destination.id,
    reason,
    destination,
    route,
    ops,
    legacyWorkspace: canRemove ? undefined : legacyWorkspace,
    currentWorkspace,
    userWorkspace: route === "keep-user-workspace" ? from : undefined,
    scom2012,
  };
}

/** Memo keys of the keep-legacy reasons, one constant per blocker (no string built per machine). */
const KEEP_LEGACY_KEY: Readonly<Record<LegacyBlocker, string>> = {
  direct: "ama-keep-legacy:direct",
  "direct-extension": "ama-keep-legacy:direct-extension",
  scom: "ama-keep-legacy:scom",
  dependency: "ama-keep-legacy:dependency",
  uncovered: "ama-keep-legacy:uncovered",
};

const REMOVED_TOO = " AMA already reports, so the Log Analytics agent extension is removed after that.";
const LEGACY_STAYS = " The legacy agent stays (removeLegacyAgent is false).";

/** Does AMA, sending to `destination`, take over where the extension reports (the seed's route from that workspace)? */
function coveredBy(ctx: PlanContext, mmaWs: InventoryWorkspace, target: TargetWorkspace, destination: TargetWorkspace): boolean {
  const key = ctx.lower(mmaWs.id);
  if (key === destination.key) return true;
  return key !== target.key && routeFromWorkspace(ctx, mmaWs) === "reconnect" && destination.key === target.key;
}

function routeCode(route: AmaRoute): number {
  return route === "target" ? 0 : route === "keep-existing" ? 1 : route === "keep-user-workspace" ? 2 : 3;
}

function destinationNote(route: AmaRoute): string {
  if (route === "keep-existing") return ", where its agent reports today (reconfigureExisting is false)";
  if (route === "keep-user-workspace") return ", the user workspace its agent reports to, which is never overridden";
  return "";
}

interface LegacyTail {
  readonly code: number;
  readonly text: string;
}
const TAIL_KEPT_BY_CHOICE: LegacyTail = { code: 1, text: "The legacy agent stays (removeLegacyAgent is false)." };
const TAIL_REMOVED_LATER: LegacyTail = { code: 2, text: "The legacy agent is removed in a later run, once AMA reports." };
/** Tails without detail, built once per blocker. */
const GENERIC_TAILS: Partial<Record<LegacyBlocker, LegacyTail>> = {};

/**
 * What happens to the legacy agent, as the end of a reason; `code` is a memo key for the text
 * without `detail` (the Operations Manager release, where the extension reports).
 */
function legacyTail(
  ctx: PlanContext,
  blocker: LegacyBlocker | undefined,
  detail?: { readonly scom?: string | undefined; readonly reportsTo?: InventoryWorkspace | string | null | undefined },
): LegacyTail {
  if (!ctx.spec.logAnalyticsAgent.removeLegacyAgent) return TAIL_KEPT_BY_CHOICE;
  if (blocker === undefined) return TAIL_REMOVED_LATER;
  if (!detail) return (GENERIC_TAILS[blocker] ??= legacyTail(ctx, blocker, {}));
  const scom = detail.scom;
  const reportsTo = detail.reportsTo;
  switch (blocker) {
    case "direct":
      return { code: 3, text: "The legacy agent stays: it is installed directly, not as an extension, so this tool cannot remove it; uninstall it on the machine once AMA reports." };
    case "direct-extension":
      return {
        code: 7,
        text: "The legacy agent stays: removing the extension of a machine that also has a directly installed agent removes that agent too (as on Linux), and this tool never removes a direct agent; uninstall it on the machine once AMA reports.",
      };
    case "scom":
      return {
        code: 4,
        text: `The legacy agent stays: the Operations Manager${scom ? " " + scom : ""} agent shares the Log Analytics agent's run-time libraries, so removing the extension could take it down.`,
      };
    case "dependency":
      return { code: 5, text: "The legacy agent stays: the Dependency agent on this machine requires the Log Analytics agent." };
    case "uncovered": {
      const where =
        typeof reportsTo === "string"
          ? `workspace ${reportsTo}, which is not in the inventory`
          : reportsTo
            ? workspaceLabel(reportsTo.id)
            : "a workspace";
      return {
        code: 6,
        text: `The legacy agent stays: its extension reports to ${where}, where the Azure Monitor Agent does not send, and Security Center never overrides a connection it did not make.`,
      };
    }
  }
}
