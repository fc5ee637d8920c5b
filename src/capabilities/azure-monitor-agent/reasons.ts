/**
 * The Azure Monitor Agent's reasons: one sentence per code, built from the values given and
 * nothing else (workspace ids are given whole; the sentence shows their names and rules).
 */
import { dataCollectionRuleName } from "../../spec/dcr";
import { workspaceLabel } from "../../core/kernel";
import type { ExistingRoute } from "../workspaces";

/** Where AMA sends once the plan is applied: the target, or a workspace kept by the seed's routes. */
export type AmaRoute = "target" | ExistingRoute;

/** Why the legacy agent cannot be removed (removeLegacyAgent true). */
export type LegacyBlocker = "direct" | "direct-extension" | "scom" | "dependency" | "uncovered";

/** What happens to the legacy agent: kept by choice, removed in a later run, or kept for a blocker. */
export type LegacyFate = "kept-by-choice" | "removed-later" | LegacyBlocker;

/** The agent a machine has before AMA is installed. */
export type PriorAgent = "extension" | "direct" | "scom" | "none";

const REMOVED_TOO = " AMA already reports, so the Log Analytics agent extension is removed after that.";
const LEGACY_STAYS = " The legacy agent stays (removeLegacyAgent is false).";

function destinationNote(route: AmaRoute): string {
  if (route === "keep-existing") return ", where its agent reports today (reconfigureExisting is false)";
  if (route === "keep-user-workspace") return ", the user workspace its agent reports to, which is never overridden";
  return "";
}

/** `<rule>, which sends to <workspace>` */
const rule = (workspaceId: string) => dataCollectionRuleName(workspaceId);

/**
 * What happens to the legacy agent, as a sentence. `scom`: the Operations Manager release;
 * `reportsToId` / `reportsToCustomerId`: where its extension reports (a workspace in the inventory,
 * or only its GUID) — given only where the sentence names them.
 */
export function legacyFateText(fate: LegacyFate, scom?: string, reportsToId?: string, reportsToCustomerId?: string | null, successor = true): string {
  // Under `agent: none` no agent is awaited before the owner uninstalls a direct one.
  const once = successor ? " once AMA reports" : "";
  switch (fate) {
    case "kept-by-choice":
      return "The legacy agent stays (removeLegacyAgent is false).";
    case "removed-later":
      return "The legacy agent is removed in a later run, once AMA reports.";
    case "direct":
      // Heartbeat is the only evidence of a direct agent: an extension removed minutes ago reads so until its last rows age (user trial 20, item 9).
      return `The legacy agent stays: it is installed directly, not as an extension, so this tool cannot remove it; uninstall it on the machine${once}. (Seen in Heartbeat only: if its extension was removed in the last 10 minutes, these are its last heartbeats, and the next plan after that shows it gone.)`;
    case "direct-extension":
      return `The legacy agent stays: removing the extension of a machine that also has a directly installed agent removes that agent too (as on Linux), and this tool never removes a direct agent; uninstall it on the machine${once}.`;
    case "scom":
      return `The legacy agent stays: the Operations Manager${scom ? " " + scom : ""} agent shares the Log Analytics agent's run-time libraries, so removing the extension could take it down.`;
    case "dependency":
      return "The legacy agent stays: the Dependency agent on this machine requires the Log Analytics agent.";
    case "uncovered": {
      const where = reportsToId ? workspaceLabel(reportsToId) : reportsToCustomerId ? `workspace ${reportsToCustomerId}, which is not in the inventory` : "a workspace";
      return `The legacy agent stays: its extension reports to ${where}, where the Azure Monitor Agent does not send, and Security Center never overrides a connection it did not make.`;
    }
  }
}

export const AMA_REASONS = {
  "out-of-scope": () => "Auto provisioning of the Azure Monitor Agent is off: nothing is installed, and no installed agent is removed.",
  "not-eligible": (notEligible: string) => `Not eligible: ${notEligible}.`,
  /** AMA missing; `fate` null when there is no legacy agent. */
  install: (prior: PriorAgent, scom: string | undefined, destinationId: string, route: AmaRoute, fate: LegacyFate | null) => {
    const head =
      prior === "extension"
        ? "The Log Analytics agent extension is installed"
        : prior === "direct"
          ? "A Log Analytics agent is installed directly"
          : prior === "scom"
            ? `An Operations Manager ${scom} agent is present and stays`
            : "No agent";
    return `${head}: the Azure Monitor Agent is installed and associated with ${rule(destinationId)}, which sends to ${workspaceLabel(destinationId)}${destinationNote(route)}.${fate ? " " + legacyFateText(fate) : ""}`;
  },
  reconnect: (fromId: string, destinationId: string, removesLegacy: boolean) =>
    `The Azure Monitor Agent sends to the Security Center workspace ${workspaceLabel(fromId)}; with reconfigureExisting its association moves to ${rule(destinationId)}, which sends to ${workspaceLabel(destinationId)}.${removesLegacy ? REMOVED_TOO : ""}`,
  associate: (elsewhere: boolean, destinationId: string, route: AmaRoute, removesLegacy: boolean) =>
    `The Azure Monitor Agent is installed ${elsewhere ? "but its association points to another rule" : "without this tool's association (associations others made are kept)"}: it is associated with ${rule(destinationId)}, which sends to ${workspaceLabel(destinationId)}${destinationNote(route)}.${removesLegacy ? REMOVED_TOO : ""}`,
  "enable-identity": (removesLegacy: boolean) =>
    `The Azure Monitor Agent is installed and associated, but the machine has no system-assigned managed identity, which the agent signs in with: it is enabled.${removesLegacy ? REMOVED_TOO : ""}`,
  "remove-legacy": (destinationId: string) =>
    `The Azure Monitor Agent reports (an "Azure Monitor Agent" heartbeat) through ${rule(destinationId)} to ${workspaceLabel(destinationId)}, and removeLegacyAgent is true: the Log Analytics agent extension is removed.`,
  "keep-legacy": (blocker: LegacyBlocker, scom: string | undefined, reportsToId: string | undefined, reportsToCustomerId: string | null | undefined) =>
    `The Azure Monitor Agent is set up. ${legacyFateText(blocker, scom, reportsToId, reportsToCustomerId)}`,
  "awaiting-heartbeat": (destinationId: string) =>
    `The Azure Monitor Agent is installed and associated with ${rule(destinationId)}; the Log Analytics agent extension is removed once AMA reports (no "Azure Monitor Agent" heartbeat yet).`,
  "keep-existing": (destinationId: string, targetId: string, legacy: boolean) =>
    `The Azure Monitor Agent sends to ${workspaceLabel(destinationId)}; with reconfigureExisting false only new machines get ${workspaceLabel(targetId)}.${legacy ? LEGACY_STAYS : ""}`,
  "keep-user-workspace": (destinationId: string, legacy: boolean) =>
    `The Azure Monitor Agent sends to the user workspace ${workspaceLabel(destinationId)}, which is never overridden; Security Center uses it once the Security or SecurityCenterFree solution is there.${legacy ? LEGACY_STAYS : ""}`,
  /** `agent: none`: no agent is provisioned; `legacy` the machine runs the legacy agent (kept: removeLegacyAgent is false). */
  "no-agent": (legacy: boolean) =>
    `logAnalyticsAgent.agent is none: no agent is installed.${legacy ? " The legacy agent stays (removeLegacyAgent is false)." : " The machine runs no Log Analytics agent extension to remove."}`,
  /** `agent: none` with removeLegacyAgent: `reportsToId` the workspace it stops reporting to, when the inventory holds it. */
  "retire-legacy": (reportsToId: string | undefined) =>
    `logAnalyticsAgent.agent is none and removeLegacyAgent is true: the Log Analytics agent extension is removed and no agent replaces it${reportsToId ? `, so nothing of this machine's reaches ${workspaceLabel(reportsToId)} any more` : ""}.`,
  "retire-keep-legacy": (blocker: LegacyBlocker, scom: string | undefined) => `logAnalyticsAgent.agent is none and removeLegacyAgent is true. ${legacyFateText(blocker, scom, undefined, undefined, false)}`,
  compliant: (destinationId: string, legacy: boolean) =>
    `The Azure Monitor Agent is associated with ${rule(destinationId)}, which sends to ${workspaceLabel(destinationId)}, as it should.${legacy ? LEGACY_STAYS : ""}`,
};
