/**
 * AutoProvisioning's inputs, documented once: the spec's fields (src/spec/schema.ts) and the
 * model's options (src/core) with their own descriptions, and this component's own options
 * described here. fields.generated.ts (the TypeScript types under AutoProvisioningArgs, args.ts)
 * and the component package's schema (package/schema.ts) are made from these schemas.
 * Validation is validateAutoProvisioningArgs' (autoProvisioning.ts).
 */
import { z } from "zod";
import { DEFAULT_STATE_DIR, RUNTIME_OPTIONS, STATE_OPTION_DESCRIPTION, type RuntimeOptionKey } from "../../src/azure";
import { stackOptionsSchema, type FieldFile } from "../../src/core";
import { amaPoliciesSchema, customWorkspaceSchema, logAnalyticsAgentSchema, specSchema } from "../../src/spec";
import { RECONCILE_MODES } from "./reconcile/types";

/** A runtime option's documentation, from the CLI's own table. */
function runtimeOptionDoc(key: RuntimeOptionKey): string {
  const o = RUNTIME_OPTIONS[key];
  return `${sentence(o.description)} Default: the CLI's (\`${o.flag}\`, ${o.default}).`;
}

/** A sentence from one of the CLI's option descriptions. */
const sentence = (text: string) => `${text[0]!.toUpperCase()}${text.slice(1)}.`;

const customWorkspaceArgsSchema = customWorkspaceSchema
  .extend({
    id: customWorkspaceSchema.shape.id.describe(
      `${customWorkspaceSchema.shape.id.description} May be known only at deployment (checked then; the workspace is then assumed to be in \`subscriptionId\` unless \`provider\` says otherwise). Changing it updates the workspace setting in place.`,
    ),
    location: z.string().optional().describe("The workspace's location, for its solution. Default: read from Azure (getWorkspace)."),
    installSolution: z
      .boolean()
      .default(true)
      .describe(
        "Declare the Security/SecurityCenterFree solution on the workspace. A workspace has one of each: when several subscriptions share a central workspace, exactly one AutoProvisioning declares it (the root program picks the workspace's own subscription, else the first), the others set `false`. Also `false` when it is already installed (import it instead).",
      ),
    configureSecurityEvents: z.boolean().default(true).describe("Declare the workspace's security-event tier (a SecurityEventCollection); same sharing rule as `installSolution`."),
    sentinelOwnsSecurityEvents: stackOptionsSchema.shape.sentinelOwnsSecurityEvents,
  })
  .describe("A user's existing Log Analytics workspace that every machine of the subscription reports to (the spec's `logAnalyticsAgent.workspace`), with this component's options.");

const logAnalyticsAgentArgsSchema = logAnalyticsAgentSchema
  .extend({
    workspace: z
      .union([z.literal("default"), customWorkspaceArgsSchema])
      .default("default")
      .describe(`${logAnalyticsAgentSchema.shape.workspace.description} A user's workspace takes this component's options too.`),
  })
  .describe(
    `${specSchema.shape.logAnalyticsAgent.description} \`reconfigureExisting\`, \`removeLegacyAgent\`, \`deleteUnusedDefaultWorkspaces\` and \`upgradeManualScaleSets\` are read by the agent reconciliation (\`reconcile\`).`,
  );

const reconcileArgsSchema = z
  .object({
    mode: z.enum(RECONCILE_MODES).default("apply").describe("`apply`: plan from the actual state and apply; `report`: plan only, the remediation steps become outputs."),
    delegateAbove: z.int().min(RUNTIME_OPTIONS.delegateAbove.min).optional().describe(runtimeOptionDoc("delegateAbove")),
    concurrency: z.int().min(RUNTIME_OPTIONS.concurrency.min).optional().describe(runtimeOptionDoc("concurrency")),
    inventory: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Plan from this inventory file (as `asc-autoprovision inventory --out` writes it) instead of reading the actual state: a snapshot, so only with `mode: report`. A relative path is taken from the program's directory.",
      ),
    state: z
      .string()
      .min(1)
      .optional()
      .describe(
        `${sentence(STATE_OPTION_DESCRIPTION)} A relative directory is taken from the program's directory; a URL holding a credential is refused. With a container, stacks on different pipeline agents that reconcile one subscription exclude each other, and an up cut short resumes on the next agent. Changing it alone is an update in place that changes nothing in Azure: the up records it. The plan files (\`planFile\`) stay on the machine that ran, under this directory or else the default one. Default: the CLI's (\`--state\`, ${DEFAULT_STATE_DIR}).`,
      ),
  })
  .describe(
    "Reconcile the subscription's machines (install, reconnect, upgrade agents; AMA rules and associations) with an AgentReconciliation child, after every other resource of the component. It talks to `endpoint`; nothing is uninstalled but the legacy agent's extension that `logAnalyticsAgent.removeLegacyAgent` asks to remove. Default: none (only the declarative resources).",
  );

const amaPoliciesArgsSchema = amaPoliciesSchema
  .extend({
    remediate: z
      .boolean()
      .optional()
      .describe(
        `${amaPoliciesSchema.shape.remediate.description} Default \`true\`, or \`false\` when \`reconcile\` is given (the agent reconciliation does the existing machines itself).`,
      ),
  })
  .describe(`${amaPoliciesSchema.description} Default: declared.`);

export const autoProvisioningFieldsSchema = z
  .object({
    subscriptionId: z.string().describe("The subscription GUID. Every resource of the component is in it or scoped to it."),
    logAnalyticsAgent: logAnalyticsAgentArgsSchema.optional(),
    extensions: specSchema.shape.extensions,
    defender: specSchema.shape.defender.describe(
      `${specSchema.shape.defender.description ?? ""} This subscription's plans: each AutoProvisioning has its own, so subscriptions with different plans are one component each (a stack config, like a spec, has one \`defender\` for all its subscriptions: different plans there take a stack each, the second of two sharing a workspace with \`installSolution\` and \`configureSecurityEvents\` false).`.trim(),
    ),
    exclude: specSchema.shape.exclude
      .optional()
      .describe(
        `${specSchema.shape.exclude.description} Its resource groups in \`subscriptionId\` are what the Dependency-agent assignments are created without; the agent reconciliation leaves all of it alone. Default: nothing left out.`,
      ),
    machineRegions: z
      .array(z.string())
      .optional()
      .describe(
        "Regions the subscription's machines are in (e.g. from `asc-autoprovision inventory`), for the default workspaces: one per geography they map to, duplicates folded. Default: none, so no default workspace is declared until a region is given.",
      ),
    endpoint: z
      .string()
      .optional()
      .describe(
        "Which Azure the provider this component creates talks to: the emulator's ARM endpoint, e.g. `https://localhost:8443` (in TypeScript the AzureEndpoint that `selectEndpoint` returns for it). Default: the stack's selection (config `asc-autoprovision:emulatorEndpoint`, env ASC_EMULATOR_ENDPOINT, else real Azure). Ignored when you pass your own azure-native provider in the options.",
      ),
    reconcile: reconcileArgsSchema.optional(),
    amaPolicies: amaPoliciesArgsSchema.optional(),
  })
  .describe(
    "Auto provisioning for one subscription, the seed's \"Auto provisioning\" page declared: the Defender for Servers pricing; default workspaces for the geographies of `machineRegions`, or the wiring to a custom workspace; each workspace's security-event tier; the extension policies that are on; with `agent: ama` the Azure Monitor Agent's policies; and, with `reconcile`, the agent reconciliation.",
  );

/** The generated types of AutoProvisioning's inputs (nested names also name the package schema's types). */
export const PULUMI_FIELD_FILE: FieldFile = {
  file: "components/pulumi/fields.generated.ts",
  roots: [
    {
      schema: autoProvisioningFieldsSchema,
      name: "AutoProvisioningFields",
      nested: {
        logAnalyticsAgent: "LogAnalyticsAgentArgsFields",
        "logAnalyticsAgent.workspace": "CustomWorkspaceArgsFields",
        extensions: "ExtensionsFields",
        "extensions.dependencyAgent": "DependencyAgentFields",
        defender: "DefenderFields",
        "defender.servers": "DefenderServersFields",
        "defender.servers.agentlessScanning": "DefenderAgentlessScanningFields",
        "defender.servers.endpointProtection": "DefenderEndpointProtectionFields",
        "defender.servers.fileIntegrityMonitoring": "DefenderFileIntegrityMonitoringFields",
        "defender.servers.fileIntegrityMonitoring.workspace": "DefenderWorkspaceRefFields",
        "defender.servers.fileIntegrityMonitoring.monitoredEntities": "DefenderMonitoredEntitiesFields",
        "defender.servers.directOnboarding": "DefenderDirectOnboardingFields",
        "defender.servers.overrides[]": "DefenderOverrideFields",
        "defender.containers": "DefenderContainersFields",
        "defender.plans{}": "DefenderOtherPlanFields",
        "defender.plans{}.extensions{}": "DefenderPlanExtensionFields",
        exclude: "ExcludeFields",
        reconcile: "ReconcileArgsFields",
        amaPolicies: "AmaPoliciesArgsFields",
      },
    },
  ],
  imports: {
    ExtensionsFields: "../../src/core",
    DefenderFields: "../../src/core",
    CustomWorkspaceFields: "../../src/core",
    LogAnalyticsAgentFields: "../../src/core",
    AmaPoliciesFields: "../../src/core",
  },
  // The spec's own fields are the core's interfaces; only what this component adds or words differently is written here.
  bases: {
    CustomWorkspaceArgsFields: { name: "CustomWorkspaceFields", schema: customWorkspaceSchema },
    LogAnalyticsAgentArgsFields: { name: "LogAnalyticsAgentFields", schema: logAnalyticsAgentSchema },
    AmaPoliciesArgsFields: { name: "AmaPoliciesFields", schema: amaPoliciesSchema },
  },
};
