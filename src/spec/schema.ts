/**
 * The desired state (DESIGN.md "Spec"): what a user declares in a spec file or a Pulumi stack
 * config. Defaults follow the portal: auto provisioning off, security events None, reconfigure No.
 *
 * Each field's documentation lives here, once, as its description: the JSON Schema carries it
 * (editors show it on hover) and the front ends' arguments reuse it (fieldDocs.ts generates their
 * doc comments; a test keeps them current).
 */
import { z } from "zod";
import { closedObject } from "./errors";
import { defenderSchema } from "./defenderSchema";
import { SECURITY_EVENT_TIERS } from "./events";
import { regionProblem } from "./geography";

import { GUID_PATTERN, WORKSPACE_ID_PATTERN } from "./patterns";

export { GUID_PATTERN, WORKSPACE_ID_PATTERN } from "./patterns";

export const AGENTS = ["mma", "ama", "none"] as const;
export type AgentChoice = (typeof AGENTS)[number];
/** The agents that collect into a workspace: where a security-event tier lives (`none` collects nothing). */
export const COLLECTING_AGENTS = ["mma", "ama"] as const;
export type CollectingAgent = (typeof COLLECTING_AGENTS)[number];

const guid = z.string().regex(GUID_PATTERN, { error: "must be a subscription GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)" });

export const customWorkspaceSchema = closedObject({
  id: z
    .string()
    .regex(WORKSPACE_ID_PATTERN, {
      error: "must be the ARM id of a Log Analytics workspace (/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>)",
    })
    .describe("ARM id of an existing Log Analytics workspace, in any subscription (`/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>`)."),
}).describe("A user's existing workspace that every machine reports to.");

const workspaceChoice = z.union([z.literal("default"), customWorkspaceSchema], {
  error: (iss) => (iss.code === "invalid_union" ? 'must be "default" or { id: <workspace ARM id> }' : undefined),
});

export const logAnalyticsAgentSchema = closedObject({
  autoProvision: z
    .boolean()
    .default(false)
    .describe("Provision the agent on every existing and new machine. Off (the portal's default): only the extension policies apply, and turning it off never removes an agent."),
  agent: z
    .enum(AGENTS)
    .default("ama")
    .describe(
      "`ama` (the default): the Azure Monitor Agent; `mma`: the seed's Log Analytics agent (retired on 2024-08-31), kept exactly as the seed describes; `none`: no agent (Defender for Servers needs neither: Defender for Endpoint and agentless scanning), with `autoProvision` off and no `securityEvents`, and with `removeLegacyAgent` the legacy agent removed without a successor. Decides where the security-event tier lives: the workspace's data collection rule, or its legacy data source.",
    ),
  workspace: workspaceChoice
    .default("default")
    .describe("Where machines report: `default`, Security Center's default workspace for each geography of the machines, or a user's workspace `{ id }`."),
  securityEvents: z
    .enum(SECURITY_EVENT_TIERS)
    .default("None")
    .describe(
      "Windows security events stored in the workspace, in the portal's words: `None`, `Minimal`, `Common` (the API's `Recommended`) or `All`. Stored only with Azure Defender on, and never on a workspace whose security events Sentinel configures.",
    ),
  reconfigureExisting: z
    .boolean()
    .default(false)
    .describe("The portal's \"reconfigure monitored VMs?\": Yes moves machines off Security Center's default workspaces to the custom one. A user's own workspace is never overridden."),
  defender: z
    .boolean()
    .default(true)
    .describe(
      "Azure Defender on: pricing Standard and the `Security` solution; off: pricing Free and `SecurityCenterFree`. With a `defender.servers` section, its plan decides this (the two must not contradict).",
    ),
  removeLegacyAgent: z
    .boolean()
    .default(false)
    .describe(
      "Remove the Log Analytics agent (MMA) extension: with `agent: ama` from a machine once the Azure Monitor Agent reports from it; with `agent: none` from every machine, no agent replacing it. Never where a direct or Operations Manager agent, or the Dependency agent, needs it.",
    ),
  deleteUnusedDefaultWorkspaces: z
    .boolean()
    .default(false)
    .describe("Delete Security Center's default workspaces that no machine reports to any more (never one a machine still reports to, so not before every machine is reconnected)."),
  upgradeManualScaleSets: z
    .boolean()
    .default(false)
    .describe(
      "Scale sets whose upgrade policy is `Manual`: upgrade their instances to the latest model (`manualUpgrade`) once an extension is in it, so the extension reaches them. An upgrade applies the whole model, the owner's changes too, and may restart instances. Off (the default): the plan reports the instances not upgraded and changes none.",
    ),
});

export const extensionsSchema = closedObject({
  kubernetesPolicyAddon: z.boolean().default(false).describe("The Azure Policy Add-on for Kubernetes, on AKS clusters."),
  dependencyAgent: closedObject({
    windows: z.boolean().default(false).describe("On Windows machines."),
    linux: z.boolean().default(false).describe("On Linux machines."),
  })
    .default({ windows: false, linux: false })
    .describe("The Microsoft Dependency agent, per OS. Needs `logAnalyticsAgent.autoProvision`."),
  identityLocation: z
    .string()
    .min(1)
    .superRefine((value, ctx) => {
      if (value === "") return; // min(1) says so already
      const problem = regionProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .default("eastus")
    .describe("Location of the policy assignments' managed identities (ARM needs one for an assignment with an identity; it does not limit what they remediate)."),
});

/** ARM's rule for a management group's name (its id's last segment): up to 90 letters, digits, `-`, `_`, `(`, `)`, `.`, not ending in `.`. */
export const MANAGEMENT_GROUP_NAME_PATTERN = /^[A-Za-z0-9\-_().]{0,89}[A-Za-z0-9\-_()]$/;
export const RESOURCE_GROUP_ID_PATTERN = /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w.()]{0,89}[-\w()]$/;

export const excludeSchema = closedObject({
  subscriptions: z.array(guid).default([]).describe("Subscriptions left out, typically ones under `managementGroups` (a sandbox, a partner's)."),
  resourceGroups: z
    .array(z.string().regex(RESOURCE_GROUP_ID_PATTERN, { error: "must be a resource group's ARM id (/subscriptions/<guid>/resourceGroups/<name>)" }))
    .default([])
    .describe("Resource groups whose machines are left alone, by ARM id (`/subscriptions/<guid>/resourceGroups/<name>`)."),
  machineTags: z
    .record(z.string().min(1), z.string())
    .default({})
    .describe("Machines carrying any of these tags are left alone: `{ name: value }`, the name matched without case, `\"*\"` for any value."),
}).describe("What the scope leaves out: subscriptions, resource groups, and machines by tag.");

export const specSchema = closedObject({
  subscriptions: z
    .array(guid)
    .default([])
    .describe("The subscription GUIDs to provision; the spec applies to each. At least one, unless `managementGroups` names the scope."),
  managementGroups: z
    .array(z.string().regex(MANAGEMENT_GROUP_NAME_PATTERN, { error: "must be a management group's name (its id's last segment: letters, digits, -, _, (, ), .)" }))
    .default([])
    .describe(
      "Management groups (by name) whose subscriptions, at any depth, are provisioned as if listed in `subscriptions`; found with Resource Graph's `resourcecontainers` when the plan is made.",
    ),
  exclude: excludeSchema.default(() => excludeSchema.parse({})).describe("What the scope leaves out: subscriptions, resource groups, and machines by tag."),
  logAnalyticsAgent: logAnalyticsAgentSchema
    .default(() => logAnalyticsAgentSchema.parse({}))
    .describe("The Log Analytics agent's auto provisioning: the portal's \"Auto provisioning\" page."),
  extensions: extensionsSchema
    .default(() => extensionsSchema.parse({}))
    .describe("The seed's \"Enable auto provisioning of extensions\" toggles: each one on is a Deploy-if-not-exists policy assignment with its roles and a remediation task."),
  defender: defenderSchema.optional(),
}).describe("The desired state: the subscriptions, and how Security Center provisions their machines (the shape of a spec file and of the Pulumi stack config).");

export type Spec = z.output<typeof specSchema>;
export type SpecInput = z.input<typeof specSchema>;
export type LogAnalyticsAgentSpec = Spec["logAnalyticsAgent"];
export type WorkspaceChoice = LogAnalyticsAgentSpec["workspace"];
export type ScopeExclusions = Spec["exclude"];
export type { DefenderSpec } from "./defenderSchema";
