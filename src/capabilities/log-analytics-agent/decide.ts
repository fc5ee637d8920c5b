/**
 * The seed's machine decisions for the Log Analytics agent (DESIGN.md "Machine decisions"),
 * one machine at a time. The order of the checks is the order of precedence:
 *   out-of-scope > blocked-scom-2012 > (existing extension: compliant | upgrade | reconnect |
 *   keep-user-workspace | keep-existing) > skip-not-eligible > skip-linux-direct-agent >
 *   skip-legacy-subscription > install-beside-scom > install-multihome > install.
 */
import type { InventoryExtension, InventoryMachine, InventoryWorkspace } from "../inventory/schema";
import { subscriptionOf } from "../inventory/ids";
import { LOG_ANALYTICS_AGENT, compareVersions, equalsIgnoreCase, isSameExtension, type ExtensionKind } from "../spec/extensions";
import { isDefaultWorkspaceName } from "../spec/naming";
import { isLegacySubscription, workspaceLabel, type PlanContext } from "./context";
import type { Decision } from "./types";

/** What has to happen on the machine for its decision. */
export type MachineOp =
  | { readonly kind: "install"; readonly extension: ExtensionKind; readonly workspaceId: string }
  | { readonly kind: "upgrade"; readonly extension: ExtensionKind; readonly fromVersion: string; readonly workspaceId: string | null }
  | { readonly kind: "reconnect"; readonly extension: ExtensionKind; readonly fromWorkspaceId: string; readonly workspaceId: string };

export interface MachineVerdict {
  readonly decision: Decision;
  /** Workspace the agent reports to once the plan is applied (ARM id), or null. */
  readonly workspace: string | null;
  readonly reason: string;
  readonly op?: MachineOp;
  /** For keep-user-workspace: the user's workspace (null when it is not in the inventory). */
  readonly userWorkspace?: InventoryWorkspace | null;
}

/** The Operations Manager release of the agent, e.g. "2012"; SCOM 2012 (and 2012 R2) blocks provisioning. */
function scomRelease(machine: InventoryMachine): string | undefined {
  return machine.agents?.find((a) => a.kind === "scom")?.version;
}

export function isScom2012(version: string | undefined): boolean {
  return version !== undefined && /^2012\b/.test(version);
}

const NOT_RUNNING: Readonly<Record<string, string>> = Object.fromEntries(
  ["stopped", "deallocated", "starting", "stopping", "unknown"].map((s) => [s, `it is ${s}, and extensions are only deployed to running machines`]),
);
const APPLIANCE = "it is a network appliance (WAF, NGFW), which Security Center never provisions";
const NO_VM_AGENT = "it has no ready VM agent, which extensions need";

/** Why a machine cannot get an extension operation, or undefined when it can. */
export function ineligibility(machine: InventoryMachine): string | undefined {
  if (machine.appliance) return APPLIANCE;
  if (machine.powerState !== "running") return NOT_RUNNING[machine.powerState] ?? NOT_RUNNING.unknown;
  if (!machine.vmAgent) return NO_VM_AGENT;
  return undefined;
}

export function isSecurityCenterWorkspace(ws: InventoryWorkspace): boolean {
  return ws.createdBySecurityCenter || isDefaultWorkspaceName(workspaceLabel(ws.id));
}

/** What the seed does with a machine whose agent reports to `ws`, a workspace that is not the target. */
export type ExistingRoute = "keep-user-workspace" | "reconnect" | "keep-existing";

/**
 * A user's workspace is never overridden. The portal's "reconfigure monitored VMs?" Yes moves
 * machines only from a Security Center workspace to a custom one (the 2023 FAQ: custom->custom or
 * ->default is not applied to existing machines); otherwise they stay.
 */
export function routeFromWorkspace(ctx: PlanContext, ws: InventoryWorkspace): ExistingRoute {
  if (!isSecurityCenterWorkspace(ws)) return "keep-user-workspace";
  const la = ctx.spec.logAnalyticsAgent;
  return la.reconfigureExisting && la.workspace !== "default" ? "reconnect" : "keep-existing";
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
): MachineVerdict {
  const la = ctx.spec.logAnalyticsAgent;
  const kind = LOG_ANALYTICS_AGENT[machine.osType];
  const extension = machine.extensions?.find((e) => isSameExtension(kind, e));
  const reportsTo = extension?.workspaceCustomerId;
  const currentWs = reportsTo ? (ctx.workspaceByCustomerId.get(reportsTo) ?? ctx.workspaceByCustomerId.get(reportsTo.toLowerCase())) : undefined;
  const label = () => workspaceLabel(targetWorkspaceId);

  if (!la.autoProvision) {
    return {
      decision: "out-of-scope",
      workspace: currentWs?.id ?? null,
      reason: "Auto provisioning of the Log Analytics agent is off: nothing is installed, and no installed agent is removed.",
    };
  }

  const scom = scomRelease(machine);
  if (isScom2012(scom)) {
    return {
      decision: "blocked-scom-2012",
      workspace: currentWs?.id ?? null,
      reason: ctx.reason("blocked", scom, null, () => `An Operations Manager ${scom} agent is installed: auto provisioning must not be enabled for this machine, so nothing is changed.`),
    };
  }

  if (extension) return decideWithExtension(ctx, machine, extension, kind, currentWs, targetWorkspaceId, targetCustomerId);

  const notEligible = ineligibility(machine);
  if (notEligible) return { decision: "skip-not-eligible", workspace: null, reason: ctx.reason("not-eligible", notEligible, null, () => `Not eligible: ${notEligible}.`) };

  const direct = machine.agents?.find((a) => a.kind === "direct");
  if (direct && machine.osType === "Linux") {
    return {
      decision: "skip-linux-direct-agent",
      workspace: null,
      reason: "A Log Analytics agent is installed directly on this Linux machine; multi-homing is not supported on Linux, so the machine is not altered.",
    };
  }
  const subscriptionId = subscriptionOf(machine.id);
  if ((direct || scom !== undefined) && isLegacySubscription(ctx, subscriptionId)) {
    return {
      decision: "skip-legacy-subscription",
      workspace: null,
      reason: ctx.reason(
        "legacy",
        subscriptionId,
        null,
        () =>
          `The subscription was onboarded on ${ctx.onboardedAt.get(subscriptionId)}, before 17 March 2019, and an existing agent was detected: ` +
          'the extension is not installed (see the "Resolve monitoring agent health issues" recommendation).',
      ),
    };
  }
  const op: MachineOp = { kind: "install", extension: kind, workspaceId: targetWorkspaceId };
  if (scom !== undefined) {
    return {
      decision: "install-beside-scom",
      workspace: targetWorkspaceId,
      reason: ctx.reason("beside-scom", scom, targetWorkspaceId, () => `An Operations Manager ${scom} agent is present: the extension is installed side by side and connected to ${label()}; the Operations Manager agent keeps reporting to its management server.`),
      op,
    };
  }
  if (direct) {
    const n = direct.workspaceCustomerIds?.length ?? 0;
    return {
      decision: "install-multihome",
      workspace: targetWorkspaceId,
      reason: ctx.reason(
        "multihome",
        n,
        targetWorkspaceId,
        () =>
          `A directly installed Log Analytics agent reports to ${n === 1 ? "1 workspace" : `${n} workspaces`}; the extension is installed and also reports to ${label()} (Windows multi-homing), and the existing connections stay.`,
      ),
      op,
    };
  }
  return {
    decision: "install",
    workspace: targetWorkspaceId,
    reason: ctx.reason("install", targetWorkspaceId, null, () => `No Log Analytics agent: the extension is installed and connected to ${label()}.`),
    op,
  };
}

function decideWithExtension(
  ctx: PlanContext,
  machine: InventoryMachine,
  extension: InventoryExtension,
  kind: ExtensionKind,
  currentWs: InventoryWorkspace | undefined,
  targetWorkspaceId: string,
  targetCustomerId: string | undefined,
): MachineVerdict {
  const outdated = compareVersions(extension.version, kind.version) < 0;
  const upgrade = (workspaceId: string | null): MachineOp | undefined =>
    outdated ? { kind: "upgrade", extension: kind, fromVersion: extension.version, workspaceId } : undefined;
  const notEligible = ineligibility(machine);
  const target = () => workspaceLabel(targetWorkspaceId);
  const upgradeNote = () =>
    outdated
      ? notEligible
        ? ` Its version ${extension.version} is older than ${kind.version} but ${notEligible}.`
        : ` Its version ${extension.version} is upgraded to ${kind.version}.`
      : "";
  // What the note depends on, as a memo key: "" when current, else version and eligibility.
  const noteKey = outdated ? `${extension.version}\u0000${notEligible ?? ""}` : "";
  const withUpgrade = (v: MachineVerdict): MachineVerdict => {
    const op = notEligible ? undefined : upgrade(v.workspace);
    return op ? { ...v, op } : v;
  };

  const reportsToTarget =
    targetCustomerId !== undefined && !!extension.workspaceCustomerId && equalsIgnoreCase(extension.workspaceCustomerId, targetCustomerId);
  if (reportsToTarget) {
    if (extension.provisioningState?.toLowerCase() === "failed") {
      // Configured for the target but not running: a failed extension reports nothing. Security
      // Center reinstalls a missing agent; a failed one is installed again in place.
      if (notEligible) {
        return { decision: "skip-not-eligible", workspace: null, reason: ctx.reason("failed-not-eligible", notEligible, targetWorkspaceId, () => `The extension for ${target()} failed to provision, and it cannot be installed again: ${notEligible}.`) };
      }
      return {
        decision: "install",
        workspace: targetWorkspaceId,
        reason: ctx.reason("reinstall-failed", targetWorkspaceId, null, () => `The extension for ${target()} failed to provision: it is installed again.`),
        op: { kind: "install", extension: kind, workspaceId: targetWorkspaceId },
      };
    }
    if (!outdated) {
      return {
        decision: "compliant",
        workspace: targetWorkspaceId,
        reason: ctx.reason("compliant", extension.version, targetWorkspaceId, () => `The Log Analytics agent extension ${extension.version} reports to ${target()}, as it should.`),
      };
    }
    if (notEligible) {
      return { decision: "skip-not-eligible", workspace: targetWorkspaceId, reason: ctx.reason("outdated-not-eligible", notEligible, targetWorkspaceId, () => `The extension reports to ${target()} but is outdated, and it is not eligible: ${notEligible}.`) };
    }
    return {
      decision: "upgrade",
      workspace: targetWorkspaceId,
      reason: ctx.reason("upgrade", extension.version, targetWorkspaceId, () => `The extension reports to ${target()} but runs version ${extension.version}, older than ${kind.version}: it is upgraded.`),
      op: upgrade(targetWorkspaceId),
    };
  }

  if (!currentWs) {
    // The workspace is not visible to us (another tenant, no read access, or no setting at all):
    // Security Center cannot tell it from a user workspace, and never overrides a user workspace.
    const where = extension.workspaceCustomerId ? `workspace ${extension.workspaceCustomerId}, which is not in the inventory` : "no workspace we can read";
    return withUpgrade({
      decision: "keep-user-workspace",
      workspace: null,
      reason: ctx.reason("unknown-workspace", where, noteKey, () => `The extension reports to ${where}; Security Center never overrides a connection it did not make.${upgradeNote()}`),
      userWorkspace: null,
    });
  }

  const route = routeFromWorkspace(ctx, currentWs);
  if (route === "keep-user-workspace") {
    return withUpgrade({
      decision: "keep-user-workspace",
      workspace: currentWs.id,
      reason: ctx.reason("user-workspace", currentWs.id, noteKey, () => `The extension reports to the user workspace ${workspaceLabel(currentWs.id)}, which is never overridden; Security Center uses it once the Security or SecurityCenterFree solution is there.${upgradeNote()}`),
      userWorkspace: currentWs,
    });
  }

  // Reporting to a Security Center default workspace that is not the target.
  if (route === "reconnect") {
    if (notEligible) {
      return { decision: "skip-not-eligible", workspace: currentWs.id, reason: ctx.reason("reconnect-not-eligible", currentWs.id, notEligible, () => `The extension should be reconnected from ${workspaceLabel(currentWs.id)} to ${target()}, but ${notEligible}.`) };
    }
    return {
      decision: "reconnect",
      workspace: targetWorkspaceId,
      reason: ctx.reason("reconnect", currentWs.id, targetWorkspaceId, () => `The extension reports to the Security Center workspace ${workspaceLabel(currentWs.id)}; with reconfigureExisting it is reconnected to ${target()}.`),
      op: { kind: "reconnect", extension: kind, fromWorkspaceId: currentWs.id, workspaceId: targetWorkspaceId },
    };
  }
  return withUpgrade({
    decision: "keep-existing",
    workspace: currentWs.id,
    reason: ctx.reason("keep-existing", currentWs.id, targetWorkspaceId + "\u0000" + noteKey, () => `The extension already reports to ${workspaceLabel(currentWs.id)}; with reconfigureExisting false only new machines get ${target()}.${upgradeNote()}`),
  });
}
