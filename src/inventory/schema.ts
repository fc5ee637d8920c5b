/**
 * Inventory v1 (DESIGN.md "Inventory"): a snapshot of the actual state, read from Azure or the
 * emulator, or written by hand. Unknown fields are allowed (later versions add fields; the fields
 * here keep their meaning). Optional lists default to empty where they are read.
 */
import { z } from "zod";
import { armIdProblem, armNameProblem, armPathProblem } from "../spec/armIds";
import { SECURITY_EVENT_TIERS } from "../spec/events";
import { regionProblem } from "../spec/geography";
import { GUID_PATTERN } from "../spec/patterns";
import { CLUSTER_TYPES, clusterIdFormProblem, clusterKindProblem, GUID_FORM, MACHINE_TYPES, machineIdFormProblem, machineKindProblem } from "./shapes";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}/, { error: "must be an ISO date (YYYY-MM-DD)" });

/** A string that `problem` accepts (ids and names go into request URLs: src/spec/armIds.ts). */
function checked(base: z.ZodString, problem: (value: string) => string | undefined) {
  return base.superRefine((value, ctx) => {
    const p = problem(value);
    if (p) ctx.addIssue({ code: "custom", message: p, input: value });
  });
}
const armId = checked(z.string().regex(/^\/subscriptions\/[^/]+\//i, { error: "must be an ARM resource id (/subscriptions/...)", abort: true }), armIdProblem);
/** An id at any scope (a subscription, a management group, the tenant). */
const armPath = checked(z.string().min(1), armPathProblem);
const armName = checked(z.string(), armNameProblem);
/** An Azure region's name, as ARM gives a resource's `location` (geography.ts: "westeurope"; "West Europe" is the same region to ARM). */
const region = checked(z.string().min(1), regionProblem);
/** A GUID (`what`: whose), as Azure gives subscriptions and workspaces: the planner keys them by it. */
const guid = (what: string) => z.string().regex(GUID_PATTERN, { error: `must be ${what} GUID (${GUID_FORM})` });
/** An ARM id (armIds.ts's rule) of one of the forms shapes.ts gives; one message an id (the form's when armIds.ts has none). */
const armIdOfForm = (problem: (id: string) => string | undefined) => checked(armId, (id) => (armIdProblem(id) ? undefined : problem(id)));

/** An issue at the kind when the id is of another kind's form (the kind picks the API the steps call); `absent`: the kind an absent one means. */
function kindMatchesId(problem: (id: string, kind: string) => string | undefined, absent?: string) {
  return (item: { id: string; kind?: string | undefined }, ctx: z.RefinementCtx) => {
    const kind = item.kind ?? absent;
    const p = kind === undefined ? undefined : problem(item.id, kind);
    if (p) ctx.addIssue({ code: "custom", path: ["kind"], message: item.kind === undefined ? `is absent, which means ${kind}, but ${p}` : p, input: item.kind });
  };
}

export const subscriptionSchema = z.looseObject({
  id: guid("a subscription").describe("The subscription's GUID."),
  onboardedAt: isoDate.nullable().optional().describe("When the subscription was onboarded to Security Center; before 2019-03-17 existing agents are left alone."),
  displayName: z.string().optional().describe("The subscription's name (Resource Graph's `resourcecontainers` row `name`); `report` shows it beside the GUID."),
  managementGroupAncestors: z
    .array(z.string().min(1))
    .optional()
    .describe(
      "The names of the management groups above the subscription, from its direct parent up to the tenant root group (Resource Graph's `managementGroupAncestorsChain`). Absent: not known, so whether a management group's policy assignment applies to the subscription is not known either.",
    ),
});

export const SECURITY_EVENT_OWNERS = ["securityCenter", "sentinel"] as const;

export const workspaceSchema = z.looseObject({
  id: armId,
  customerId: guid("the workspace's").describe("The workspace GUID the agents' `workspaceId` setting names."),
  location: region,
  createdBySecurityCenter: z.boolean().default(false),
  solutions: z.array(z.string()).default([]),
  securityEvents: z
    .looseObject({
      tier: z.enum(SECURITY_EVENT_TIERS),
      owner: z.enum(SECURITY_EVENT_OWNERS).nullable().describe("Who configures the workspace's security events: Security Center or Sentinel (never both)."),
    })
    .optional(),
});

export const extensionSchema = z.looseObject({
  publisher: z.string().min(1),
  type: z.string().min(1),
  version: z.string().min(1),
  name: armName.optional(),
  workspaceCustomerId: z.string().nullable().optional().describe("For the Log Analytics agent: the customerId of the workspace it reports to."),
  provisioningState: z.string().optional(),
  failure: z
    .looseObject({ code: z.string().optional(), message: z.string().optional() })
    .optional()
    .describe(
      "Why a Failed extension failed, as its instance view says (status code, e.g. \"ProvisioningState/failed/10\", and message): read for the Log Analytics agent's Linux extension, whose exit code 10 means the machine is already connected to another workspace.",
    ),
});

/** `mde`: a Defender for Endpoint sensor onboarded without the MDE extension (another tool, a script). */
export const AGENT_KINDS = ["direct", "scom", "ama", "mde"] as const;
export const agentSchema = z.looseObject({
  kind: z.enum(AGENT_KINDS),
  workspaceCustomerIds: z.array(z.string()).optional(),
  version: z.string().optional().describe("Operations Manager version, e.g. \"2012\", \"2016\", \"2019\"."),
});

/** A Defender pricing as ARM's 2024-01-01 pricings API returns it (properties only). */
export const pricingExtensionSchema = z.looseObject({
  name: z.string().min(1),
  isEnabled: z.enum(["True", "False"]),
  additionalExtensionProperties: z.record(z.string(), z.unknown()).nullable().optional(),
});

/** A Defender pricing's tiers (Microsoft.Security/pricings). */
export const PRICING_TIERS = ["Free", "Standard"] as const;

export const planPricingSchema = z.looseObject({
  pricingTier: z.enum(PRICING_TIERS),
  subPlan: z.string().nullable().optional(),
  enforce: z.enum(["True", "False"]).nullable().optional(),
  extensions: z.array(pricingExtensionSchema).optional(),
});

export const resourcePricingSchema = z.looseObject({
  pricingTier: z.enum(PRICING_TIERS),
  subPlan: z.string().nullable().optional(),
});

export const machineIdentitySchema = z.looseObject({
  type: z.string().min(1).describe("\"SystemAssigned\", \"UserAssigned\", \"SystemAssigned, UserAssigned\" or \"None\"."),
  principalId: z.string().nullable().optional(),
});

export const MACHINE_KINDS = ["vm", "vmss", "arc"] as const;
export const OS_TYPES = ["Windows", "Linux"] as const;
export const POWER_STATES = ["running", "stopped", "deallocated", "starting", "stopping", "unknown"] as const;

/**
 * A soft-deleted Log Analytics workspace (`Microsoft.OperationalInsights/deletedWorkspaces`): Azure
 * keeps it 14 days, its name reserved in the subscription; a create of that name in its resource
 * group and location recovers it, anywhere else is refused (409).
 */
export const deletedWorkspaceSchema = z.looseObject({
  id: armId.describe("The workspace's id before its delete (its resource group and name)."),
  location: region,
  customerId: z.string().optional().describe("The workspace GUID it keeps when recovered."),
});

export const SCALE_SET_UPGRADE_POLICIES = ["Automatic", "Manual", "Rolling"] as const;

/** A scale set's upgrade policy and, under `Manual`, how many of its instances run an older model. */
export const scaleSetSchema = z.looseObject({
  upgradePolicy: z.enum(SCALE_SET_UPGRADE_POLICIES).describe("`upgradePolicy.mode`: under `Manual`, a change of the model (its extensions) reaches an existing instance only when that instance is upgraded."),
  instances: z.number().int().min(0).optional().describe("Instances of the scale set (read under `Manual` only)."),
  instancesNotUpgraded: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("Instances whose `latestModelApplied` is false: they lack what the model gained since their last upgrade (read under `Manual` only)."),
});

export const machineSchema = z.looseObject({
  id: armIdOfForm(machineIdFormProblem).describe(`A ${Object.values(MACHINE_TYPES).join(", ")} id (/subscriptions/<GUID>/resourceGroups/<group>/providers/<type>/<name>), of its kind.`),
  kind: z.enum(MACHINE_KINDS),
  osType: z.enum(OS_TYPES),
  location: region,
  powerState: z.enum(POWER_STATES),
  vmAgent: z.boolean().describe("Azure VM Agent (or the Arc connected machine agent) present and ready."),
  appliance: z.boolean().optional().describe("A network appliance (WAF, NGFW): never provisioned."),
  extensions: z.array(extensionSchema).optional(),
  agents: z.array(agentSchema).optional().describe("Guest agents not installed as extensions, as the Heartbeat table tells them apart."),
  identity: machineIdentitySchema.nullable().optional().describe("The machine's managed identity as ARM returns it (AMA signs in with the system-assigned one)."),
  tags: z.record(z.string(), z.string()).optional().describe("The machine's ARM tags that the spec names: its exclude.machineTags and the tags Defender's resource-level overrides select by (the reader keeps no others)."),
  osName: z.string().optional().describe("The operating system's name as ARM reports it (e.g. \"Windows Server 2016 Datacenter\"), for what Defender for Endpoint supports."),
  generalized: z.boolean().optional().describe("The machine is a generalized image (OS state Generalized): Defender does not provision it."),
  pricing: resourcePricingSchema.nullable().optional().describe("The machine's own Defender for Servers pricing (resource level); absent or null: it inherits the subscription's."),
  scaleSet: scaleSetSchema.optional().describe("Scale sets: the upgrade policy and, under `Manual`, the instances not on the latest model."),
  vulnerabilityAssessment: z
    .looseObject({ name: z.string().min(1), provisioningState: z.string().optional() })
    .nullable()
    .optional()
    .describe("The machine-level vulnerability assessment (`Microsoft.Security/serverVulnerabilityAssessments`), when there is one."),
}).superRefine(kindMatchesId(machineKindProblem));

export const CLUSTER_KINDS = ["aks", "arc"] as const;

export const clusterSchema = z.looseObject({
  id: armIdOfForm(clusterIdFormProblem).describe(`A ${Object.values(CLUSTER_TYPES).join(" or ")} id (/subscriptions/<GUID>/resourceGroups/<group>/providers/<type>/<name>), of its kind.`),
  location: region,
  kind: z.enum(CLUSTER_KINDS).optional().describe("`aks` (default): an AKS managed cluster; `arc`: an Arc-enabled Kubernetes cluster."),
  addons: z.record(z.string(), z.boolean()).default({}),
  defenderSensor: z.boolean().optional().describe("The Defender sensor is on: AKS `securityProfile.defender.securityMonitoring.enabled`, or the Arc cluster's Defender extension."),
}).superRefine(kindMatchesId(clusterKindProblem, "aks"));

/** Azure gives a parameter as `{ value }`; an inventory may give the value itself. */
const assignmentParameters = z.record(
  z.string(),
  z.unknown().transform((v) => (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "value" in v ? (v as { value: unknown }).value : v)),
);

export const policyAssignmentSchema = z.looseObject({
  id: armPath,
  name: z.string().optional(),
  policyDefinitionId: z.string().min(1),
  scope: armPath,
  identityPrincipalId: z.string().nullable(),
  location: z.string().nullable().optional(),
  displayName: z.string().nullable().optional(),
  assignedBy: z.string().nullable().optional().describe("The assignment's `metadata.assignedBy` (Defender for Cloud writes \"Security Center\" on its own)."),
  notScopes: z.array(z.string()).optional().describe("The scopes the assignment leaves out (absent: none)."),
  parameters: assignmentParameters
    .optional()
    .describe("The values the assignment gives its definition's parameters, by name: `{ <name>: <value> }` (Azure's `{ <name>: { value } }` is read the same). Absent: none given."),
});

export const roleAssignmentSchema = z.looseObject({
  id: armPath,
  principalId: z.string().min(1),
  roleDefinitionId: z.string().min(1),
  scope: armPath,
});

export const remediationSchema = z.looseObject({
  id: armPath,
  policyAssignmentId: armPath,
  provisioningState: z.string().min(1),
});

/** A `Microsoft.Insights/dataCollectionRules` resource, reduced to what the planner compares. */
export const dataCollectionRuleSchema = z.looseObject({
  id: armId,
  location: region,
  destinations: z.array(z.string()).default([]).describe("ARM ids of the Log Analytics workspaces among the rule's destinations."),
  xPathQueries: z
    .array(z.string())
    .default([])
    .describe("The xPath queries of the rule's Windows event log data sources whose streams include Microsoft-SecurityEvent; empty when the rule has no security-event stream."),
});

/** A `Microsoft.Insights/dataCollectionRuleAssociations` extension resource of a machine. */
export const dataCollectionRuleAssociationSchema = z.looseObject({
  id: z.string().min(1),
  machineId: armId,
  dataCollectionRuleId: z.string().nullable().describe("Null for an association with a data collection endpoint."),
});

export const settingsSchema = z.looseObject({
  autoProvision: z.enum(["On", "Off"]).nullable().optional(),
  workspaceId: z.string().nullable().optional().describe("workspaceSettings/default: the custom workspace new machines report to, null when none."),
  pricingTier: z.enum(PRICING_TIERS).nullable().optional(),
  plans: z.record(z.string(), planPricingSchema).optional().describe("Every Defender plan's pricing by name (2024-01-01: tier, sub-plan, enforce, extensions)."),
  securitySettings: z.record(z.string(), z.boolean()).optional().describe("`Microsoft.Security/settings` by name (WDATP, WDATP_UNIFIED_SOLUTION, ...): enabled or not."),
  vulnerabilityAssessmentProvider: z.string().nullable().optional().describe("`serverVulnerabilityAssessmentsSettings/AzureServersSetting`'s selectedProvider (MdeTvm), null when not set."),
});

/** The top level; array items are validated one by one by the loader (see load.ts). */
/**
 * What an inventory was read for (readFor.ts): the scope and the machine tags the reader kept. A
 * file read for one spec and planned with another could otherwise lack a tag that spec excludes
 * by, or subscriptions under a group it names, and nothing would say so.
 */
export const readForSchema = z.looseObject({
  subscriptions: z.array(guid("a subscription")).describe("The subscriptions listed (the spec's `subscriptions`, or `inventory --subscription`), lower-case."),
  managementGroups: z.array(z.string().min(1)).describe("The management groups whose subscriptions were read (the spec's `managementGroups`)."),
  excludedSubscriptions: z.array(guid("a subscription")).describe("The spec's `exclude.subscriptions`, lower-case: left out of the read."),
  machineTags: z
    .array(z.string().min(1))
    .describe("The machine tag names kept, lower-case (the spec's exclude.machineTags, Defender's override tags and ExcludeMdeAutoUpdate): a machine's other tags were not kept."),
});

/** Whose Heartbeat a read covered (src/azure/read/heartbeatWorkspaces.ts): an agent reporting to a workspace not read is not seen. */
export const heartbeatReadSchema = z.looseObject({
  workspaces: z.number().int().min(0).describe("Workspaces whose Heartbeat was read: the inventory's and every other one the caller can see."),
  outside: z.number().int().min(0).describe("Of those, workspaces outside the inventory's (another subscription's, a hub's)."),
  unread: z.number().int().min(0).describe("Workspaces outside the inventory's that were listed but could not be queried: their agents are not seen."),
  complete: z.boolean().describe("False when Resource Graph listed the tenant's workspaces for only part of its subscriptions (its cap): workspaces it left out were not read."),
});

export const inventoryEnvelopeSchema = z.looseObject({
  version: z.literal(1, { error: "must be 1 (the only inventory version this tool reads)" }),
  generatedAt: z.string().optional(),
  subscriptions: z.array(z.unknown()),
  excludedSubscriptions: z.array(guid("a subscription")).optional(),
  readFor: readForSchema.optional(),
  heartbeat: heartbeatReadSchema.optional(),
  workspaces: z.array(z.unknown()).default([]),
  machines: z.array(z.unknown()).default([]),
  clusters: z.array(z.unknown()).default([]),
  policyAssignments: z.array(z.unknown()).default([]),
  roleAssignments: z.array(z.unknown()).default([]),
  remediations: z.array(z.unknown()).default([]),
  dataCollectionRules: z.array(z.unknown()).default([]),
  dataCollectionRuleAssociations: z.array(z.unknown()).default([]),
  deletedWorkspaces: z.array(z.unknown()).default([]),
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
  deletedWorkspaces: deletedWorkspaceSchema,
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
export type InventoryDeletedWorkspace = z.output<typeof deletedWorkspaceSchema>;
export type InventoryMachineIdentity = z.output<typeof machineIdentitySchema>;
export type InventoryPlanPricing = z.output<typeof planPricingSchema>;
export type InventoryPricingExtension = z.output<typeof pricingExtensionSchema>;
export type InventoryResourcePricing = z.output<typeof resourcePricingSchema>;
export type InventoryReadFor = z.output<typeof readForSchema>;
export type InventoryHeartbeatRead = z.output<typeof heartbeatReadSchema>;
export type MachineKind = (typeof MACHINE_KINDS)[number];

export interface Inventory {
  version: 1;
  generatedAt?: string;
  subscriptions: InventorySubscription[];
  /** The subscriptions under the spec's management groups that its exclusions left out (read from Azure; absent in older files). */
  excludedSubscriptions?: string[];
  /** The scope and machine tags it was read for (absent in older and hand-written files: readFor.ts says what that means). */
  readFor?: InventoryReadFor;
  /** Whose Heartbeat the read covered (absent in older and hand-written files: nothing is said about agents not seen). */
  heartbeat?: InventoryHeartbeatRead;
  workspaces: InventoryWorkspace[];
  machines: InventoryMachine[];
  clusters: InventoryCluster[];
  policyAssignments: InventoryPolicyAssignment[];
  roleAssignments: InventoryRoleAssignment[];
  remediations: InventoryRemediation[];
  /** Optional so inventories written before AMA support stay valid; the loader fills []. */
  dataCollectionRules?: InventoryDataCollectionRule[];
  dataCollectionRuleAssociations?: InventoryDataCollectionRuleAssociation[];
  /** Optional so earlier inventories stay valid; the loader fills []. */
  deletedWorkspaces?: InventoryDeletedWorkspace[];
  settings: Record<string, InventorySettings>;
}

/** The whole document, for JSON Schema export only (loading goes item by item). */
export const inventorySchema = z.looseObject({
  version: z.literal(1).describe("The inventory format's version: 1."),
  generatedAt: z.string().optional().describe("When the inventory was read (ISO date and time)."),
  subscriptions: z.array(subscriptionSchema).describe("The subscriptions read."),
  excludedSubscriptions: z
    .array(guid("a subscription"))
    .optional()
    .describe("Subscriptions under the spec's management groups that its exclude.subscriptions left out: found, not read (so an exclusion that matches nothing can be told apart)."),
  readFor: readForSchema
    .optional()
    .describe(
      "What the inventory was read for: `plan --inventory` and `report` refuse a spec that needs a machine tag it did not keep, and count a scope it does not cover (a management group it was not read for) as a scope problem. Absent (older or hand-written files): taken to hold every tag and the whole scope the spec names.",
    ),
  heartbeat: heartbeatReadSchema
    .optional()
    .describe("Whose Heartbeat (the guest agents' rows) the read covered: how many workspaces, how many outside the inventory's, how many could not be queried."),
  workspaces: z.array(workspaceSchema).optional().describe("Their Log Analytics workspaces, and those the machines report to."),
  machines: z.array(machineSchema).optional().describe("Virtual machines, scale sets and Arc machines, with their extensions and guest agents."),
  clusters: z.array(clusterSchema).optional().describe("AKS clusters and their add-ons."),
  policyAssignments: z.array(policyAssignmentSchema).optional().describe("Policy assignments at the subscriptions."),
  roleAssignments: z.array(roleAssignmentSchema).optional().describe("Role assignments to the policy assignments' identities."),
  remediations: z.array(remediationSchema).optional().describe("Policy remediation tasks."),
  dataCollectionRules: z.array(dataCollectionRuleSchema).optional().describe("Data collection rules (agent ama)."),
  dataCollectionRuleAssociations: z.array(dataCollectionRuleAssociationSchema).optional().describe("The machines' associations with data collection rules (agent ama)."),
  deletedWorkspaces: z.array(deletedWorkspaceSchema).optional().describe("Soft-deleted Log Analytics workspaces of the subscriptions (their names stay reserved for 14 days)."),
  settings: z.record(z.string(), settingsSchema).optional().describe("Security Center settings per subscription GUID."),
});
