/**
 * The Log Analytics agent's reasons: one sentence per code, built from the values given and
 * nothing else (ids are given whole; the sentence shows their names).
 */
import { workspaceLabel } from "../../core/kernel";

/** The tail of a reason for an extension that stays where it reports: what happens to its version. */
function upgradeNote(fromVersion: string | null, toVersion: string | null, notEligible: string | undefined): string {
  if (fromVersion === null || toVersion === null) return "";
  return notEligible ? ` Its version ${fromVersion} is older than ${toVersion} but ${notEligible}.` : ` Its version ${fromVersion} is upgraded to ${toVersion}.`;
}

export const LA_REASONS = {
  "out-of-scope": () => "Auto provisioning of the Log Analytics agent is off: nothing is installed, and no installed agent is removed.",
  "blocked-scom-2012": (release: string) =>
    `An Operations Manager ${release} agent is installed: auto provisioning must not be enabled for this machine, so nothing is changed.`,
  "not-eligible": (notEligible: string) => `Not eligible: ${notEligible}.`,
  "linux-direct-agent": () =>
    "A Log Analytics agent is installed directly on this Linux machine; multi-homing is not supported on Linux, so the machine is not altered.",
  "linux-direct-agent-failed-extension": (evidence: "exit-code-10" | "heartbeat", extensionName: string) =>
    (evidence === "exit-code-10"
      ? `The Log Analytics extension ${extensionName} failed with exit code 10: this Linux machine is already connected to another workspace, one this tool cannot read (a directly installed agent). `
      : `A Log Analytics agent is installed directly on this Linux machine, and the extension ${extensionName} beside it failed to provision. `) +
    "Multi-homing is not supported on Linux, so the machine is not altered: the extension is not installed again, and the failed one is left in place, because removing it removes the directly installed agent too.",
  "legacy-subscription": (onboardedAt: string | null | undefined) =>
    `The subscription was onboarded on ${onboardedAt}, before 17 March 2019, and an existing agent was detected: ` +
    'the extension is not installed (see the "Resolve monitoring agent health issues" recommendation).',
  "region-without-agent": (region: string) =>
    `The machine is in ${region}, a region opened after 1 January 2024 where the Log Analytics agent was never offered: the extension cannot be installed there (the Azure Monitor Agent, logAnalyticsAgent.agent "ama", can).`,
  "install-beside-scom": (release: string, targetId: string) =>
    `An Operations Manager ${release} agent is present: the extension is installed side by side and connected to ${workspaceLabel(targetId)}; the Operations Manager agent keeps reporting to its management server.`,
  "install-multihome": (directWorkspaces: number, targetId: string) =>
    `A directly installed Log Analytics agent reports to ${directWorkspaces === 1 ? "1 workspace" : `${directWorkspaces} workspaces`}; the extension is installed and also reports to ${workspaceLabel(targetId)} (Windows multi-homing), and the existing connections stay.`,
  install: (targetId: string) => `No Log Analytics agent: the extension is installed and connected to ${workspaceLabel(targetId)}.`,
  "failed-not-eligible": (targetId: string, notEligible: string) =>
    `The extension for ${workspaceLabel(targetId)} failed to provision, and it cannot be installed again: ${notEligible}.`,
  "reinstall-failed": (targetId: string) => `The extension for ${workspaceLabel(targetId)} failed to provision: it is installed again.`,
  "reinstall-failed-elsewhere": (configuredId: string, targetId: string) =>
    `The extension for ${workspaceLabel(configuredId)} failed to provision and reports nothing, so reconfigureExisting false does not keep it there: it is installed again, connected to ${workspaceLabel(targetId)}.`,
  compliant: (version: string, targetId: string) => `The Log Analytics agent extension ${version} reports to ${workspaceLabel(targetId)}, as it should.`,
  "outdated-not-eligible": (targetId: string, notEligible: string) =>
    `The extension reports to ${workspaceLabel(targetId)} but is outdated, and it is not eligible: ${notEligible}.`,
  upgrade: (fromVersion: string, toVersion: string, targetId: string) =>
    `The extension reports to ${workspaceLabel(targetId)} but runs version ${fromVersion}, older than ${toVersion}: it is upgraded.`,
  "unknown-workspace": (reportsToCustomerId: string | null | undefined, fromVersion: string | null, toVersion: string | null, notEligible: string | undefined, softDeletedId?: string) =>
    `The extension reports to ${
      softDeletedId
        ? `${workspaceLabel(softDeletedId)} (workspace ${reportsToCustomerId}), which is soft-deleted: created again in its resource group and location within 14 days, it is recovered with its connected agents`
        : reportsToCustomerId
          ? `workspace ${reportsToCustomerId}, which is not in the inventory`
          : "no workspace we can read"
    }; Security Center never overrides a connection it did not make.${upgradeNote(fromVersion, toVersion, notEligible)}`,
  "user-workspace": (workspaceId: string, fromVersion: string | null, toVersion: string | null, notEligible: string | undefined) =>
    `The extension reports to the user workspace ${workspaceLabel(workspaceId)}, which is never overridden; Security Center uses it once the Security or SecurityCenterFree solution is there.${upgradeNote(fromVersion, toVersion, notEligible)}`,
  "reconnect-not-eligible": (fromId: string, targetId: string, notEligible: string) =>
    `The extension should be reconnected from ${workspaceLabel(fromId)} to ${workspaceLabel(targetId)}, but ${notEligible}.`,
  reconnect: (fromId: string, targetId: string) =>
    `The extension reports to the Security Center workspace ${workspaceLabel(fromId)}; with reconfigureExisting it is reconnected to ${workspaceLabel(targetId)}.`,
  "keep-existing": (currentId: string, targetId: string, fromVersion: string | null, toVersion: string | null, notEligible: string | undefined) =>
    `The extension already reports to ${workspaceLabel(currentId)}; with reconfigureExisting false only new machines get ${workspaceLabel(targetId)}.${upgradeNote(fromVersion, toVersion, notEligible)}`,
};
