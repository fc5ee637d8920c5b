/**
 * The inputs of the AzureMonitorAgentPolicy components (Pulumi and CDKTF), documented once:
 * fields.generated.ts (the TypeScript types) and the Pulumi package schema are made from this
 * schema. Validation is amaPolicyInputIssues' (declare.ts).
 */
import { z } from "zod";
import { AMA_POLICY_KEYS, type AmaPolicyKey } from "../../spec/policies";
import { extensionsSchema } from "../../spec/schema";

export const amaPolicyFieldsSchema = z
  .object({
    subscriptionId: z.string().describe("Subscription GUID: the assignment's scope and its roles' scope (`/subscriptions/<id>`). Changing it replaces everything."),
    policy: z
      .enum(AMA_POLICY_KEYS as [AmaPolicyKey, ...AmaPolicyKey[]])
      .describe(
        "Which built-in policy: `amaWindowsVm` (ca817e41) or `amaLinuxVm` (a4034bc6), the AMA extension with a system-assigned identity; `dcrAssociationWindowsVm` (244efd75) or `dcrAssociationLinuxVm` (58e891b9), the machines' association with `dataCollectionRuleId`.",
      ),
    dataCollectionRuleId: z
      .string()
      .optional()
      .describe(
        "The data collection rule the association policies link machines to (their `dcrResourceId`); may be known only at deployment (checked then). Required for `dcrAssociation*`, refused for the extension policies.",
      ),
    regions: z
      .array(z.string())
      .optional()
      .describe("Only machines in these regions (a `resourceLocation` resource selector on the assignment), e.g. a default workspace's geography. Default: every region of the subscription."),
    assignmentName: z.string().optional().describe("Assignment (and remediation) name. Default: the catalog's (`asc-ama-windows`, `asc-ama-dcr-linux`, ...)."),
    displayName: z.string().optional().describe("The assignment's display name. Default: the definition's display name."),
    // The spec's own default (extensions.identityLocation).
    identityLocation: extensionsSchema.shape.identityLocation.describe("Location of the assignment's managed identity."),
    notScopes: z.array(z.string()).default([]).describe("ARM ids under the subscription the assignment leaves alone (resource groups, machines)."),
    remediate: z
      .boolean()
      .default(true)
      .describe("Start a remediation task for the machines non-compliant when it is created. One-shot, as an extension policy's; machines created later are handled by the policy itself."),
  })
  .describe("One of the Azure Monitor Agent's built-in Deploy-if-not-exists policies assigned at a subscription, with its roles and a remediation.");
