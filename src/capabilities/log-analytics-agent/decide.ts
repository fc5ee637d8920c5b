/**
 * The seed's machine decisions for the Log Analytics agent (DESIGN.md "Machine decisions"),
 * one machine at a time. The order of the checks is the order of precedence:
 *   out-of-scope > blocked-scom-2012 > skip-linux-direct-agent (a failed extension beside a
 *   direct agent: connectedElsewhere.ts) > (existing extension: compliant | upgrade | reconnect |
 *   keep-user-workspace | keep-existing) > skip-not-eligible > skip-linux-direct-agent >
 *   skip-legacy-subscription > skip-not-eligible (a region opened after 2024-01-01) > install-beside-scom > install-multihome > install.
 * Each verdict carries a reason code with its values (reasons.ts).
 */
import type { InventoryExtension, InventoryMachine, InventoryWorkspace } from "../../inventory/schema";
import { subscriptionOf } from "../../inventory/ids";
import { ineligibility } from "../../inventory/eligibility";
import { LOG_ANALYTICS_AGENT, compareVersions, equalsIgnoreCase, isSameExtension, type ExtensionKind } from "../../spec/extensions";
import { isOperationsManager2012 } from "../../spec/operationsManager";
import { legacyAgentOffered } from "../../spec/geography";
import type { MachineVerdict, PlanContext, Speaker } from "../../core/kernel";
import { routeFromWorkspace, softDeletedWithCustomerId } from "../workspaces";
import { failedExtensionBesideDirectAgent } from "./connectedElsewhere";
import { LA_REASONS } from "./reasons";
import { isLegacySubscription } from "./rules";

/** The decisions of the Log Analytics agent, with what each means (renderers show them in this order). */
export const LA_DECISIONS = {
  compliant: "reports to the right workspace at the current version",
  install: "no agent: the extension is installed",
  "install-multihome": "Windows direct agent: the extension is added, old connections stay",
  "install-beside-scom": "Operations Manager agent: the extension is installed side by side",
  reconnect: "moved from a Security Center workspace to the target",
  "keep-user-workspace": "reports to a user's workspace, never overridden",
  "keep-existing": "already has the agent; only new machines get the new workspace",
  upgrade: "right workspace, older version: upgraded",
  "skip-linux-direct-agent": "Linux direct agent: multi-homing unsupported, left alone",
  "skip-legacy-subscription": "onboarded before 2019-03-17 with an existing agent: left alone",
  "blocked-scom-2012": "Operations Manager 2012: must not be provisioned",
  "skip-not-eligible": "not running, no VM agent, an appliance, or (mma) a region opened after 2024-01-01, which refuses the legacy agent",
  "out-of-scope": "auto provisioning is off (or agent none): nothing installed",
} as const;
export type LaDecision = keyof typeof LA_DECISIONS;

/** What has to happen on the machine for its decision. */
export type MachineOp =
  | { readonly kind: "install"; readonly extension: ExtensionKind; readonly workspaceId: string }
  | { readonly kind: "upgrade"; readonly extension: ExtensionKind; readonly fromVersion: string; readonly workspaceId: string | null }
  | { readonly kind: "reconnect"; readonly extension: ExtensionKind; readonly fromWorkspaceId: string; readonly workspaceId: string };

export interface LaVerdict extends MachineVerdict<LaDecision> {
  readonly op?: MachineOp;
  /** For keep-user-workspace: the user's workspace (null when it is not in the inventory). */
  readonly userWorkspace?: InventoryWorkspace | null;
}

/** The Operations Manager release of the agent, e.g. "2012"; SCOM 2012 (and 2012 R2) blocks provisioning. */
function scomRelease(machine: InventoryMachine): string | undefined {
  return machine.agents?.find((a) => a.kind === "scom")?.version;
}

/**
 * Decides one machine. `targetWorkspaceId` is where the spec sends it (the custom workspace, or
 * the default workspace of its geography); `targetCustomerId` is that workspace's GUID if it exists.
 */
export function decideMachine(
  ctx: PlanContext,
  machine: InventoryMachine,
  targetWorkspaceId: string,
  targetCustomerId: string | undefined,
): LaVerdict {
  const la = ctx.spec.logAnalyticsAgent;
  const say = ctx.reasons.speaker(LA_REASONS);
  const kind = LOG_ANALYTICS_AGENT[machine.osType];
  const extension = machine.extensions?.find((e) => isSameExtension(kind, e));
  const reportsTo = extension?.workspaceCustomerId;
  const currentWs = reportsTo ? (ctx.workspaceByCustomerId.get(reportsTo) ?? ctx.workspaceByCustomerId.get(reportsTo.toLowerCase())) : undefined;

  if (!la.autoProvision) return { decision: "out-of-scope", workspace: currentWs?.id ?? null, reason: say("out-of-scope") };

  const scom = scomRelease(machine);
  if (isOperationsManager2012(scom)) return { decision: "blocked-scom-2012", workspace: currentWs?.id ?? null, reason: say("blocked-scom-2012", scom!) };

  // A failed extension beside a direct agent is no agent of ours: installed again (or moved), it fails again.
  const besideDirect = extension ? failedExtensionBesideDirectAgent(machine) : undefined;
  if (besideDirect) {
    return { decision: "skip-linux-direct-agent", workspace: null, reason: say("linux-direct-agent-failed-extension", besideDirect.evidence, besideDirect.extension.name ?? kind.name) };
  }

  if (extension) return decideWithExtension(ctx, say, machine, extension, kind, currentWs, targetWorkspaceId, targetCustomerId);

  const notEligible = ineligibility(machine);
  if (notEligible) return { decision: "skip-not-eligible", workspace: null, reason: say("not-eligible", notEligible) };

  const direct = machine.agents?.find((a) => a.kind === "direct");
  if (direct && machine.osType === "Linux") return { decision: "skip-linux-direct-agent", workspace: null, reason: say("linux-direct-agent") };
  const subscriptionId = subscriptionOf(machine.id);
  if ((direct || scom !== undefined) && isLegacySubscription(ctx, subscriptionId)) {
    return { decision: "skip-legacy-subscription", workspace: null, reason: say("legacy-subscription", ctx.onboardedAt.get(subscriptionId)) };
  }
  if (!legacyAgentOffered(machine.location)) {
    // Not eligible, as a machine the agent cannot run on: Azure refuses the extension there.
    return { decision: "skip-not-eligible", workspace: null, reason: say("region-without-agent", machine.location) };
  }
  const op: MachineOp = { kind: "install", extension: kind, workspaceId: targetWorkspaceId };
  if (scom !== undefined) return { decision: "install-beside-scom", workspace: targetWorkspaceId, reason: say("install-beside-scom", scom, targetWorkspaceId), op };
  if (direct) {
    const n = direct.workspaceCustomerIds?.length ?? 0;
    return { decision: "install-multihome", workspace: targetWorkspaceId, reason: say("install-multihome", n, targetWorkspaceId), op };
  }
  return { decision: "install", workspace: targetWorkspaceId, reason: say("install", targetWorkspaceId), op };
}

type SayLa = Speaker<typeof LA_REASONS>;

function decideWithExtension(
  ctx: PlanContext,
  say: SayLa,
  machine: InventoryMachine,
  extension: InventoryExtension,
  kind: ExtensionKind,
  currentWs: InventoryWorkspace | undefined,
  targetWorkspaceId: string,
  targetCustomerId: string | undefined,
): LaVerdict {
  const outdated = compareVersions(extension.version, kind.version) < 0;
  const upgrade = (workspaceId: string | null): MachineOp | undefined =>
    outdated ? { kind: "upgrade", extension: kind, fromVersion: extension.version, workspaceId } : undefined;
  const notEligible = ineligibility(machine);
  // The version note of a reason: from and to when outdated, else nulls.
  const from = outdated ? extension.version : null;
  const to = outdated ? kind.version : null;
  const withUpgrade = (v: LaVerdict): LaVerdict => {
    const op = notEligible ? undefined : upgrade(v.workspace);
    return op ? { ...v, op } : v;
  };

  const reportsToTarget =
    targetCustomerId !== undefined && !!extension.workspaceCustomerId && equalsIgnoreCase(extension.workspaceCustomerId, targetCustomerId);
  if (reportsToTarget) {
    if (extension.provisioningState?.toLowerCase() === "failed") {
      // Configured for the target but not running: a failed extension reports nothing. Security
      // Center reinstalls a missing agent; a failed one is installed again in place.
      if (notEligible) return { decision: "skip-not-eligible", workspace: null, reason: say("failed-not-eligible", targetWorkspaceId, notEligible) };
      return {
        decision: "install",
        workspace: targetWorkspaceId,
        reason: say("reinstall-failed", targetWorkspaceId),
        op: { kind: "install", extension: kind, workspaceId: targetWorkspaceId },
      };
    }
    if (!outdated) return { decision: "compliant", workspace: targetWorkspaceId, reason: say("compliant", extension.version, targetWorkspaceId) };
    if (notEligible) return { decision: "skip-not-eligible", workspace: targetWorkspaceId, reason: say("outdated-not-eligible", targetWorkspaceId, notEligible) };
    return { decision: "upgrade", workspace: targetWorkspaceId, reason: say("upgrade", extension.version, kind.version, targetWorkspaceId), op: upgrade(targetWorkspaceId) };
  }

  if (!currentWs) {
    // The workspace is not visible to us (another tenant, no read access, or no setting at all):
    // Security Center cannot tell it from a user workspace, and never overrides a user workspace.
    return withUpgrade({
      decision: "keep-user-workspace",
      workspace: null,
      reason: say("unknown-workspace", extension.workspaceCustomerId, from, to, notEligible, extension.workspaceCustomerId ? softDeletedWithCustomerId(ctx, extension.workspaceCustomerId)?.id : undefined),
      userWorkspace: null,
    });
  }

  const route = routeFromWorkspace(ctx, currentWs);
  if (route === "keep-user-workspace") {
    return withUpgrade({ decision: "keep-user-workspace", workspace: currentWs.id, reason: say("user-workspace", currentWs.id, from, to, notEligible), userWorkspace: currentWs });
  }

  // Reporting to a Security Center default workspace that is not the target.
  if (route === "reconnect") {
    if (notEligible) return { decision: "skip-not-eligible", workspace: currentWs.id, reason: say("reconnect-not-eligible", currentWs.id, targetWorkspaceId, notEligible) };
    return {
      decision: "reconnect",
      workspace: targetWorkspaceId,
      reason: say("reconnect", currentWs.id, targetWorkspaceId),
      op: { kind: "reconnect", extension: kind, fromWorkspaceId: currentWs.id, workspaceId: targetWorkspaceId },
    };
  }
  // reconfigureExisting false keeps monitored machines where they report; a failed extension reports
  // nothing, so the machine is not one of them: it is installed again, as on a machine without the agent.
  if (extension.provisioningState?.toLowerCase() === "failed") {
    if (notEligible) return { decision: "skip-not-eligible", workspace: null, reason: say("failed-not-eligible", currentWs.id, notEligible) };
    const op: MachineOp = { kind: "install", extension: kind, workspaceId: targetWorkspaceId };
    return { decision: "install", workspace: targetWorkspaceId, reason: say("reinstall-failed-elsewhere", currentWs.id, targetWorkspaceId), op };
  }
  return withUpgrade({ decision: "keep-existing", workspace: currentWs.id, reason: say("keep-existing", currentWs.id, targetWorkspaceId, from, to, notEligible) });
}
