/**
 * The components the Pulumi component package (pulumi-plugin/, PulumiPlugin.yaml) offers to other
 * Pulumi languages: token, class, the schemas of their inputs (each field documented once, in
 * those schemas: fields.ts of the capability or of components/pulumi) and of the outputs other
 * languages read. The package schema (schema.ts) and the provider (provider.ts) both read this table.
 */
import { z } from "zod";
import { amaPolicyFieldsSchema } from "../../../src/capabilities/azure-monitor-agent";
import { extensionPolicyFieldsSchema } from "../../../src/capabilities/extension-policies";
import { securityEventsFieldsSchema } from "../../../src/capabilities/security-events";
import { defaultWorkspaceFieldsSchema, existingWorkspaceFieldsSchema } from "../../../src/capabilities/workspaces";
import type { FieldRoot } from "../../../src/core";
import { SECURITY_EVENT_TIERS } from "../../../src/spec";
import type { AutoProvisioning } from "../autoProvisioning";
import { PULUMI_FIELD_FILE } from "../fields";
import type { AzureMonitorAgentPolicy } from "../policy/azureMonitorAgentPolicy";
import type { ExtensionPolicy } from "../policy/extensionPolicy";
import type { DefaultWorkspace } from "../workspace/defaultWorkspace";
import type { SecurityEventCollection } from "../workspace/securityEventCollection";

export const PACKAGE_NAME = "asc-autoprovision";

export interface ComponentEntry {
  readonly token: string;
  readonly className: "AutoProvisioning" | "DefaultWorkspace" | "SecurityEventCollection" | "ExtensionPolicy" | "AzureMonitorAgentPolicy";
  /** The input schemas; several when the constructor takes a union (their properties merged). */
  readonly inputs: readonly FieldRoot[];
  /** What the component is; default: its one input schema's description. */
  readonly description?: string;
  /** The component's public fields other languages read, described (nested objects named). */
  readonly outputs: Omit<FieldRoot, "name">;
}

/** Outputs named by public fields of the component `C` (a misspelt or removed field fails typecheck). */
function outputsOf<C>(shape: { readonly [K in keyof C]?: z.ZodType }, nested: Readonly<Record<string, string>> = {}): Omit<FieldRoot, "name"> {
  return { schema: z.object(shape as z.ZodRawShape), nested };
}

const tier = z.enum(SECURITY_EVENT_TIERS);
const byName = (what: string) => z.record(z.string(), z.string()).describe(what);
const policyOutputs = {
  assignmentId: z.string().describe("ARM id of the policy assignment."),
  principalId: z.string().describe("Principal id of the assignment's system-assigned identity."),
  roleAssignmentIds: z.array(z.string()).describe("ARM ids of the role assignments granted to that identity."),
  remediationId: z.string().describe("ARM id of the remediation task; absent without `remediate`."),
};

export const COMPONENTS: readonly ComponentEntry[] = [
  {
    token: `${PACKAGE_NAME}:index:AutoProvisioning`,
    className: "AutoProvisioning",
    inputs: PULUMI_FIELD_FILE.roots,
    outputs: outputsOf<AutoProvisioning>({
      subscriptionId: z.string().describe("The subscription GUID, lower-cased."),
      pricingTier: z.enum(["Standard", "Free"]).describe("The Defender for Servers pricing tier set, when auto provisioning is on."),
      workspaceSettingId: z.string().describe("The ARM id of the workspace setting, when there is one (a custom workspace)."),
      workspaceIds: byName("Where machines report, by geography code (`*` for every geography with a custom workspace)."),
      policyAssignmentIds: byName("Assignment ids by extension toggle."),
      amaPolicyAssignmentIds: byName("AMA assignment ids by assignment name."),
    }),
  },
  {
    token: `${PACKAGE_NAME}:workspace:DefaultWorkspace`,
    className: "DefaultWorkspace",
    inputs: [
      { schema: defaultWorkspaceFieldsSchema, name: "DefaultWorkspaceFields" },
      { schema: existingWorkspaceFieldsSchema, name: "ExistingWorkspaceFields" },
    ],
    description:
      "Security Center's default Log Analytics workspace for one geography (`DefaultResourceGroup-<geo>` and `DefaultWorkspace-<sub>-<geo>` with the Security or SecurityCenterFree solution), given `subscriptionId` and `region`; or, given `existingWorkspaceId`, the wiring to a user's existing workspace (nothing created but, optionally, the solution).",
    outputs: outputsOf<DefaultWorkspace>({
      workspaceId: z.string().describe("ARM id of the workspace (created or existing)."),
      workspaceName: z.string().describe("Name of the workspace, e.g. `DefaultWorkspace-<sub>-WEU`."),
      resourceGroupName: z.string().describe("Resource group of the workspace, e.g. `DefaultResourceGroup-WEU`."),
      location: z.string().describe("Location of the workspace (empty for an existing one without a solution and no `location` given)."),
      geography: z
        .object({
          key: z.string().describe('Key, e.g. "europe"; a region outside every geography is its own key, "region:<name>".'),
          displayName: z.string().describe('The geography\'s name in Security Center\'s FAQ, e.g. "Europe".'),
          workspaceLocation: z.string().describe("Where the default workspace is created."),
          code: z.string().describe("Short code used in DefaultWorkspace-<sub>-<code> and DefaultResourceGroup-<code>."),
          ownRegion: z.boolean().describe("True when the region is in none of the FAQ's geographies."),
        })
        .describe("The geography served (created workspaces only)."),
      solutionProduct: z.enum(["Security", "SecurityCenterFree"]).describe("The solution declared; absent when none is."),
    }, { geography: "Geography" }),
  },
  {
    token: `${PACKAGE_NAME}:workspace:SecurityEventCollection`,
    className: "SecurityEventCollection",
    inputs: [{ schema: securityEventsFieldsSchema, name: "SecurityEventsFields" }],
    outputs: outputsOf<SecurityEventCollection>({
      tier: tier.describe("The tier asked for, in the portal's words."),
      storedTier: tier.describe("The tier actually stored: `tier`, or None where the seed's limits forbid it."),
      apiTier: z.string().describe("MMA: the tier in the data source's words (`Recommended` for Common); absent when no data source is declared."),
      dataSourceId: z.string().describe("MMA: ARM id of the data source; absent when none is declared."),
      dataCollectionRuleId: z.string().describe("AMA: ARM id of the workspace's data collection rule; absent with MMA."),
    }),
  },
  {
    token: `${PACKAGE_NAME}:policy:ExtensionPolicy`,
    className: "ExtensionPolicy",
    inputs: [{ schema: extensionPolicyFieldsSchema, name: "ExtensionPolicyFields" }],
    outputs: outputsOf<ExtensionPolicy>(policyOutputs),
  },
  {
    token: `${PACKAGE_NAME}:policy:AzureMonitorAgentPolicy`,
    className: "AzureMonitorAgentPolicy",
    inputs: [{ schema: amaPolicyFieldsSchema, name: "AmaPolicyFields" }],
    outputs: outputsOf<AzureMonitorAgentPolicy>(policyOutputs),
  },
];
