/**
 * The inputs of the SecurityEventCollection components (Pulumi and CDKTF), documented once:
 * fields.generated.ts (the TypeScript types) and the Pulumi package schema are made from this
 * schema. Validation is securityEventsInputIssues' (declare.ts).
 */
import { z } from "zod";
import { SECURITY_EVENT_TIERS } from "../../spec/events";
import { COLLECTING_AGENTS } from "../../spec/schema";

export const securityEventsFieldsSchema = z
  .object({
    workspaceId: z
      .string()
      .describe(
        "ARM id of the Log Analytics workspace; may be known only at deployment (e.g. a DefaultWorkspace's `workspaceId`; checked then). The provider in effect must target the workspace's subscription. Changing it replaces the data source or the rule.",
      ),
    tier: z
      .enum(SECURITY_EVENT_TIERS)
      .default("None")
      .describe("The tier in the portal's words: `None`, `Minimal`, `Common` or `All`; stored in the API's words (`Common` is `Recommended`). `None` declares no data source."),
    defender: z
      .boolean()
      .default(true)
      .describe("Azure Defender on. Storing security events needs it: with `false` a tier other than None is not stored, and a warning says so (the planner's warning finding)."),
    sentinelOwnsSecurityEvents: z
      .boolean()
      .default(false)
      .describe(
        "`true` when Microsoft Sentinel's Security Events connector configures this workspace's security events. A workspace's security events are configured by Security Center or by Sentinel, never both: a tier other than None is then refused.",
      ),
    agent: z
      .enum(COLLECTING_AGENTS)
      .default("mma")
      .describe("The agent machines run: `mma` stores the tier in the legacy data source, `ama` in the workspace's data collection rule. Changing it replaces one by the other."),
    location: z.string().optional().describe("`ama` only: the workspace's location, where its rule is created. Default: read from Azure at deployment."),
  })
  .describe("A workspace's Windows security-event tier: the legacy data source (`agent: mma`) or the workspace's data collection rule (`agent: ama`).");
