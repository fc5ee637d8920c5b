/**
 * The desired state (DESIGN.md "Spec"): what a user declares in a spec file or a Pulumi stack
 * config. Defaults follow the portal: auto provisioning off, security events None, reconfigure No.
 */
import { z } from "zod";
import { closedObject } from "./errors";
import { SECURITY_EVENT_TIERS } from "./events";

export const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const WORKSPACE_ID_PATTERN =
  /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i;

export const AGENTS = ["mma", "ama"] as const;
export type AgentChoice = (typeof AGENTS)[number];

const guid = z.string().regex(GUID_PATTERN, { error: "must be a subscription GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)" });

const customWorkspace = closedObject({
  /** ARM id of an existing Log Analytics workspace, in any subscription. */
  id: z.string().regex(WORKSPACE_ID_PATTERN, {
    error: "must be the ARM id of a Log Analytics workspace (/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>)",
  }),
});

const workspaceChoice = z.union([z.literal("default"), customWorkspace], {
  error: (iss) => (iss.code === "invalid_union" ? 'must be "default" or { id: <workspace ARM id> }' : undefined),
});

export const logAnalyticsAgentSchema = closedObject({
  autoProvision: z.boolean().default(false),
  agent: z.enum(AGENTS).default("mma"),
  workspace: workspaceChoice.default("default"),
  securityEvents: z.enum(SECURITY_EVENT_TIERS).default("None"),
  reconfigureExisting: z.boolean().default(false),
  defender: z.boolean().default(true),
  removeLegacyAgent: z.boolean().default(false),
  /**
   * Delete Security Center default workspaces that are no longer a target once no machine reports
   * to them (seed: never before every VM is reconnected).
   */
  deleteUnusedDefaultWorkspaces: z.boolean().default(false),
});

export const extensionsSchema = closedObject({
  kubernetesPolicyAddon: z.boolean().default(false),
  dependencyAgent: closedObject({ windows: z.boolean().default(false), linux: z.boolean().default(false) }).default({
    windows: false,
    linux: false,
  }),
  /** Location of the policy assignments' managed identities (it has no effect on what they remediate). */
  identityLocation: z.string().min(1).default("eastus"),
});

export const specSchema = closedObject({
  subscriptions: z.array(guid).min(1, { error: "must list at least one subscription" }),
  logAnalyticsAgent: logAnalyticsAgentSchema.default(() => logAnalyticsAgentSchema.parse({})),
  extensions: extensionsSchema.default(() => extensionsSchema.parse({})),
});

export type Spec = z.output<typeof specSchema>;
export type SpecInput = z.input<typeof specSchema>;
export type LogAnalyticsAgentSpec = Spec["logAnalyticsAgent"];
export type WorkspaceChoice = LogAnalyticsAgentSpec["workspace"];
