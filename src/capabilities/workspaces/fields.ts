/**
 * The inputs of the workspace components (Pulumi DefaultWorkspace, CDKTF DefaultWorkspace),
 * documented once: fields.generated.ts (the TypeScript types) and the Pulumi package schema are
 * made from these schemas. Validation is workspaceInputIssues' (declare.ts).
 */
import { z } from "zod";

export const defaultWorkspaceFieldsSchema = z
  .object({
    subscriptionId: z
      .string()
      .describe(
        "Subscription GUID the resource group and workspace are created in; it is part of the workspace name (`DefaultWorkspace-<subscriptionId>-<geo>`). The provider in effect must target it. Changing it replaces the resource group, the workspace and the solution.",
      ),
    region: z
      .string()
      .describe(
        "Any region of the machines this workspace serves, e.g. `northeurope`. Its geography gives the code and the location: northeurope is in Europe, so the workspace is `DefaultWorkspace-<sub>-WEU` in westeurope. A region outside every geography is a geography of its own (its own region and short code). Moving to another geography replaces everything; another region of the same geography changes nothing.",
      ),
    defender: z
      .boolean()
      .default(true)
      .describe("Azure Defender on/off: `true` installs the `Security` solution, `false` `SecurityCenterFree`. Changing it replaces the solution."),
  })
  .describe("Create Security Center's default workspace for the geography of `region`.");

export const existingWorkspaceFieldsSchema = z
  .object({
    existingWorkspaceId: z
      .string()
      .describe(
        "ARM id of the existing Log Analytics workspace (`/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>`); may be known only at deployment (checked then). The provider in effect must target the workspace's subscription.",
      ),
    location: z.string().optional().describe("The workspace's location, for the solution. Default: read from Azure at deployment."),
    installSolution: z
      .boolean()
      .default(true)
      .describe(
        "Install the Security/SecurityCenterFree solution on the workspace (seed: a user workspace that machines report to needs it). Set `false` when it is already installed (ARM keeps one per workspace; import it instead) or declared elsewhere.",
      ),
    defender: z.boolean().default(true).describe("Azure Defender on/off: `Security` or `SecurityCenterFree`. Changing it replaces the solution."),
  })
  .describe("Wire to a user's existing workspace: nothing is created but (optionally) the solution.");
