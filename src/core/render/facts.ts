/** Figures the renderers share, derived from a plan only. */
import { subscriptionOf } from "../../inventory/ids";
import type { Decision, Plan, Step } from "../types";

/** One line each, in the words of DESIGN.md's decision table. */
export const DECISION_MEANING: Readonly<Record<Decision, string>> = {
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
  "skip-not-eligible": "not running, no VM agent, or an appliance",
  "out-of-scope": "auto provisioning is off",
  "ama-compliant": "AMA associated with the rule that sends to the right workspace",
  "ama-install": "no agent: AMA is installed and associated",
  "ama-migrate": "legacy agent present: AMA is installed and associated beside it",
  "ama-associate": "AMA present: the association with the rule is made",
  "ama-enable-identity": "AMA present: the system-assigned identity it signs in with is enabled",
  "ama-awaiting-heartbeat": "AMA set up: the legacy agent goes once AMA reports",
  "ama-remove-legacy": "AMA reports: the legacy agent extension is removed",
  "ama-keep-legacy": "AMA set up: the legacy agent cannot be removed safely",
};

/** Machines that a step of the plan changes. */
export function changedMachines(plan: Plan): Set<string> {
  const out = new Set<string>();
  for (const s of plan.steps) {
    const id = s.details.machineId;
    if (typeof id === "string") out.add(id.toLowerCase());
  }
  return out;
}

export function subscriptionsOf(plan: Plan): string[] {
  const subs = new Set<string>();
  for (const m of plan.machines) subs.add(subscriptionOf(m.id));
  for (const s of plan.steps) {
    const sub = subscriptionOf(s.target);
    if (sub) subs.add(sub);
  }
  return [...subs].sort();
}

/** Steps grouped by the subscription of their target, in plan order. */
export function stepsBySubscription(plan: Plan): Map<string, Step[]> {
  const out = new Map<string, Step[]>();
  for (const s of plan.steps) {
    const sub = subscriptionOf(s.target) || "(tenant)";
    let list = out.get(sub);
    if (!list) out.set(sub, (list = []));
    list.push(s);
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function shortName(id: string): string {
  const i = id.lastIndexOf("/");
  return i < 0 ? id : id.slice(i + 1);
}

/** What a step does to what, in a few words: "vm-1 (MicrosoftMonitoringAgent)", "ws1: Common". */
export function stepLabel(s: Step): string {
  const d = s.details;
  const str = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : "");
  const m = /\/(virtualMachines|virtualMachineScaleSets|machines)\/([^/]+)\/extensions\/([^/]+)$/i.exec(s.target);
  switch (s.action) {
    case "set-pricing":
      return `${str("pricingName")}: ${str("pricingTier")}`;
    case "set-workspace-setting":
      return str("workspaceId") ? `new machines report to ${shortName(str("workspaceId"))}` : "new machines report to the default workspaces";
    case "set-security-events":
      return `${shortName(str("workspaceId"))}: ${str("tier")}`;
    case "grant-role":
      return `${str("roleName")} to ${shortName(str("policyAssignmentId"))}`;
    case "create-remediation":
      return `${str("name")} (${Array.isArray(d.resourceIds) ? d.resourceIds.length : 0} resources)`;
    case "enable-identity":
      return `${shortName(str("machineId"))}: ${str("identityType")} identity`;
    case "create-dcr":
    case "update-dcr":
      return `${str("name")}: ${str("tier")}`;
    case "associate-dcr":
      return `${shortName(str("machineId"))} -> ${shortName(str("dataCollectionRuleId"))}`;
    default:
      return m ? `${m[2]} (${m[3]})` : shortName(s.target);
  }
}
