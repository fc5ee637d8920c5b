/**
 * The Log Analytics agent's own Deploy-if-not-exists policies for virtual machines (reference
 * §2.11). Deprecated with the agent, their `effect` parameter now defaults to Disabled, so an
 * assignment must set it to DeployIfNotExists. The executor uses them to hand a large batch of
 * installs on one workspace to a remediation task, as Azure's own auto provisioning did.
 */
import type { OsType } from "./extensions";
import { ROLES } from "./policies";

export interface LegacyAgentPolicy {
  readonly definitionName: string;
  readonly displayName: string;
  readonly osType: OsType;
  /** Parameter naming the workspace (ARM id). */
  readonly workspaceParameter: "logAnalytics";
  readonly roles: readonly { readonly id: string; readonly name: string }[];
}

export const LEGACY_AGENT_POLICIES: Readonly<Record<OsType, LegacyAgentPolicy>> = Object.freeze({
  Windows: {
    definitionName: "0868462e-646c-4fe3-9ced-a733534b6a2c",
    displayName: "[Deprecated]: Deploy - Configure Log Analytics extension to be enabled on Windows virtual machines",
    osType: "Windows",
    workspaceParameter: "logAnalytics",
    roles: [ROLES.logAnalyticsContributor],
  },
  Linux: {
    definitionName: "053d3325-282c-4e5c-b944-24faffd30d77",
    displayName: "[Deprecated]: Deploy Log Analytics extension for Linux VMs",
    osType: "Linux",
    workspaceParameter: "logAnalytics",
    roles: [ROLES.logAnalyticsContributor],
  },
});
