/**
 * Inventory v1 (DESIGN.md "Inventory"): a snapshot of the actual state, read from Azure or the
 * emulator, or written by hand. Unknown fields are allowed (later versions add fields; the fields
 * here keep their meaning). Optional lists default to empty where they are read.
 */
import { z } from "zod";
import { SECURITY_EVENT_TIERS } from "../spec/events";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}/, { error: "must be an ISO date (YYYY-MM-DD)" });
const armId = z.string().regex(/^\/subscriptions\/[^/]+\//i, { error: "must be an ARM resource id (/subscriptions/...)" });

export const subscriptionSchema = z.looseObject({
  id: z.string().min(1),
  /** When the subscription was onboarded to Security Center; before 2019-03-17 existing agents are left alone. */
  onboardedAt: isoDate.nullable().optional(),
  displayName: z.string().optional(),
});

export const SECURITY_EVENT_OWNERS = ["securityCenter", "sentinel"] as const;

export const workspaceSchema = z.looseObject({
  id: armId,
  /** The workspace GUID the agents' `workspaceId` setting names. */
  customerId: z.string().min(1),
  location: z.string().min(1),
  createdBySecurityCenter: z.boolean().default(false),
  solutions: z.array(z.string()).default([]),
  securityEvents: z
    .looseObject({
      tier: z.enum(SECURITY_EVENT_TIERS),
      /** Who configures the workspace's security events: Security Center or Sentinel (never both). */
      owner: z.enum(SECURITY_EVENT_OWNERS).nullable(),
    })
    .optional(),
});

export const extensionSchema = z.looseObject({
  publisher: z.string().min(1),
  type: z.string().min(1),
  version: z.string().min(1),
  name: z.string().optional(),
  /** For the Log Analytics agent: the customerId of the workspace it reports to. */
  workspaceCustomerId: z.string().nullable().optional(),
  provisioningState: z.string().optional(),
});

export const AGENT_KINDS = ["direct", "scom", "ama"] as const;
export const agentSchema = z.looseObject({
  kind: z.enum(AGENT_KINDS),
  workspaceCustomerIds: z.array(z.string()).optional(),
  /** Operations Manager version, e.g. "2012", "2016", "2019". */
  version: z.string().optional(),
});

export const machineIdentitySchema = z.looseObject({
  /** "SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned" or "None". */
  type: z.string().min(1),
  principalId: z.string().nullable().optional(),
});

export const MACHINE_KINDS = ["vm", "vmss", "arc"] as const;
export const OS_TYPES = ["Windows", "Linux"] as const;
export const POWER_STATES = ["running", "stopped", "deallocated", "starting", "stopping", "unknown"] as const;

export const machineSchema = z.looseObject({
  id: armId,
  kind: z.enum(MACHINE_KINDS),
  osType: z.enum(OS_TYPES),
  location: z.string().min(1),
  powerState: z.enum(POWER_STATES),
  /** Azure VM Agent (or the Arc connected machine agent) present and ready. */
  vmAgent: z.boolean(),
  /** A network appliance (WAF, NGFW): never provisioned. */
  appliance: z.boolean().optional(),
  extensions: z.array(extensionSchema).optional(),
  /** Guest agents not installed as extensions, as the Heartbeat table tells them apart. */
  agents: z.array(agentSchema).optional(),
  /** The machine's managed identity as ARM returns it (AMA signs in with the system-assigned one). */
  identity: machineIdentitySchema.nullable().optional(),
});

export const clusterSchema = z.looseObject({
  id: armId,
  location: z.string().min(1),
  addons: z.record(z.string(), z.boolean()).default({}),
});

export const policyAssignmentSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  policyDefinitionId: z.string().min(1),
  scope: z.string().min(1),
  identityPrincipalId: z.string().nullable(),
  location: z.string().nullable().optional(),
});

export const roleAssignmentSchema = z.looseObject({
  id: z.string().min(1),
  principalId: z.string().min(1),
  roleDefinitionId: z.string().min(1),
  scope: z.string().min(1),
});

export const remediationSchema = z.looseObject({
  id: z.string().min(1),
  policyAssignmentId: z.string().min(1),
  provisioningState: z.string().min(1),
});

/** A `Microsoft.Insights/dataCollectionRules` resource, reduced to what the planner compares. */
export const dataCollectionRuleSchema = z.looseObject({
  id: armId,
  location: z.string().min(1),
  /** ARM ids of the Log Analytics workspaces among the rule's destinations. */
  destinations: z.array(z.string()).default([]),
  /**
   * The xPath queries of the rule's Windows event log data sources whose streams include
   * Microsoft-SecurityEvent; empty when the rule has no security-event stream.
   */
  xPathQueries: z.array(z.string()).default([]),
});

/** A `Microsoft.Insights/dataCollectionRuleAssociations` extension resource of a machine. */
export const dataCollectionRuleAssociationSchema = z.looseObject({
  id: z.string().min(1),
  machineId: armId,
  /** Null for an association with a data collection endpoint. */
  dataCollectionRuleId: z.string().nullable(),
});

export const settingsSchema = z.looseObject({
  autoProvision: z.enum(["On", "Off"]).nullable().optional(),
  /** workspaceSettings/default: the custom workspace new machines report to, null when none. */
  workspaceId: z.string().nullable().optional(),
  pricingTier: z.enum(["Free", "Standard"]).nullable().optional(),
});

/** The top level; array items are validated one by one by the loader (see load.ts). */
export const inventoryEnvelopeSchema = z.looseObject({
  version: z.literal(1, { error: "must be 1 (the only inventory version this tool reads)" }),
  generatedAt: z.string().optional(),
  subscriptions: z.array(z.unknown()),
  workspaces: z.array(z.unknown()).default([]),
  machines: z.array(z.unknown()).default([]),
  clusters: z.array(z.unknown()).default([]),
  policyAssignments: z.array(z.unknown()).default([]),
  roleAssignments: z.array(z.unknown()).default([]),
  remediations: z.array(z.unknown()).default([]),
  dataCollectionRules: z.array(z.unknown()).default([]),
  dataCollectionRuleAssociations: z.array(z.unknown()).default([]),
  settings: z.record(z.string(), z.unknown()).default({}),
});

/** Item schema of each top-level list, in one place for the loader and the JSON Schema export. */
export const INVENTORY_ITEM_SCHEMAS = {
  subscriptions: subscriptionSchema,
  workspaces: workspaceSchema,
  machines: machineSchema,
  clusters: clusterSchema,
  policyAssignments: policyAssignmentSchema,
  roleAssignments: roleAssignmentSchema,
  remediations: remediationSchema,
  dataCollectionRules: dataCollectionRuleSchema,
  dataCollectionRuleAssociations: dataCollectionRuleAssociationSchema,
} as const;

export type InventorySubscription = z.output<typeof subscriptionSchema>;
export type InventoryWorkspace = z.output<typeof workspaceSchema>;
export type InventoryExtension = z.output<typeof extensionSchema>;
export type InventoryAgent = z.output<typeof agentSchema>;
export type InventoryMachine = z.output<typeof machineSchema>;
export type InventoryCluster = z.output<typeof clusterSchema>;
export type InventoryPolicyAssignment = z.output<typeof policyAssignmentSchema>;
export type InventoryRoleAssignment = z.output<typeof roleAssignmentSchema>;
export type InventoryRemediation = z.output<typeof remediationSchema>;
export type InventorySettings = z.output<typeof settingsSchema>;
export type InventoryDataCollectionRule = z.output<typeof dataCollectionRuleSchema>;
export type InventoryDataCollectionRuleAssociation = z.output<typeof dataCollectionRuleAssociationSchema>;
export type InventoryMachineIdentity = z.output<typeof machineIdentitySchema>;
export type MachineKind = (typeof MACHINE_KINDS)[number];

export interface Inventory {
  version: 1;
  generatedAt?: string;
  subscriptions: InventorySubscription[];
  workspaces: InventoryWorkspace[];
  machines: InventoryMachine[];
  clusters: InventoryCluster[];
  policyAssignments: InventoryPolicyAssignment[];
  roleAssignments: InventoryRoleAssignment[];
  remediations: InventoryRemediation[];
  /** Optional so inventories written before AMA support stay valid; the loader fills []. */
  dataCollectionRules?: InventoryDataCollectionRule[];
  dataCollectionRuleAssociations?: InventoryDataCollectionRuleAssociation[];
  settings: Record<string, InventorySettings>;
}

/** The whole document, for JSON Schema export only (loading goes item by item). */
export const inventorySchema = z.looseObject({
  version: z.literal(1),
  generatedAt: z.string().optional(),
  subscriptions: z.array(subscriptionSchema),
  workspaces: z.array(workspaceSchema).optional(),
  machines: z.array(machineSchema).optional(),
  clusters: z.array(clusterSchema).optional(),
  policyAssignments: z.array(policyAssignmentSchema).optional(),
  roleAssignments: z.array(roleAssignmentSchema).optional(),
  remediations: z.array(remediationSchema).optional(),
  dataCollectionRules: z.array(dataCollectionRuleSchema).optional(),
  dataCollectionRuleAssociations: z.array(dataCollectionRuleAssociationSchema).optional(),
  settings: z.record(z.string(), settingsSchema).optional(),
});
