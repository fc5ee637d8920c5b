/**
 * SecurityEventCollection: the workspace data source `SecurityEventCollectionConfiguration` that
 * stores the Windows security-event tier (kind SecurityEventCollectionConfiguration, properties
 * { Tier: <API word>, TierSetMethod: "Custom" }), as the planner's set-security-events step writes it.
 *
 * The seed's limits come from the planner's own rule (src/reconcile/workspaces.ts
 * `securityEventsRule`), with its outcome: with Azure Defender off a tier other than None is not
 * stored (a warning, nothing declared); a workspace whose security events Sentinel configures is
 * refused (an error naming the argument). `None` declares no data source: a workspace without it
 * stores no security events, and removing the tier from a stack deletes the data source.
 */
import * as pulumi from "@pulumi/pulumi";
import { DataSource } from "@pulumi/azure-native/operationalinsights";
import { API_TIER_BY_TIER, type SecurityEventTier } from "../../src/spec/events";
import { logAnalyticsAgentSchema } from "../../src/spec/schema";
import { workspaceLabel } from "../../src/reconcile/context";
import { SECURITY_EVENTS_DATA_SOURCE } from "../../src/reconcile/ids";
import { securityEventsNeedDefenderMessage, securityEventsOwnedBySentinelMessage, securityEventsRule } from "../../src/reconcile/workspaces";
import { failArgs, isKnown, schemaIssues, type ValidationIssue } from "../internal/validation";
import { checkedWorkspaceId, parseWorkspaceId, workspaceIdIssues } from "./workspaceId";

export const SECURITY_EVENT_COLLECTION_TYPE = "asc-autoprovision:workspace:SecurityEventCollection";

/** How the Security Events data source records who set the tier. */
export const TIER_SET_METHOD = "Custom";

export interface SecurityEventCollectionArgs {
  /**
   * ARM id of the Log Analytics workspace. May be an Output (e.g. a DefaultWorkspace's
   * `workspaceId`); then it is validated when known. The azure-native provider in effect must
   * target the workspace's subscription. Changing it replaces the data source.
   */
  readonly workspaceId: pulumi.Input<string>;
  /**
   * The tier in the portal's words: `None` (default), `Minimal`, `Common` or `All`; stored in the
   * API's words (`Common` is `Recommended`). `None` declares no data source.
   */
  readonly tier?: SecurityEventTier;
  /**
   * Azure Defender on (default `true`). Storing security events needs it: with `false` a tier
   * other than None is not stored and a warning says so (the planner's warning finding).
   */
  readonly defender?: boolean;
  /**
   * `true` when Microsoft Sentinel's Security Events connector configures this workspace's security
   * events (a SecurityInsightsSecurityEventCollectionConfiguration data source). A workspace's
   * security events are configured by Security Center or by Sentinel, never both: a tier other
   * than None is then refused. Default `false`.
   */
  readonly sentinelOwnsSecurityEvents?: boolean;
}

/** Validates SecurityEventCollection's arguments (known values only); each issue names the argument. Exported for tests. */
export function validateSecurityEventCollectionArgs(args: SecurityEventCollectionArgs): ValidationIssue[] {
  if (args === undefined || args === null || typeof args !== "object") return [{ path: "args", message: "are required" }];
  const issues = schemaIssues(logAnalyticsAgentSchema.shape.securityEvents, args.tier, "tier");
  for (const key of ["defender", "sentinelOwnsSecurityEvents"] as const) {
    if (args[key] !== undefined && typeof args[key] !== "boolean") issues.push({ path: key, message: `${JSON.stringify(args[key])} is not a boolean` });
  }
  if (args.workspaceId === undefined) issues.push({ path: "workspaceId", message: "is required (the workspace's ARM id)" });
  else if (isKnown(args.workspaceId)) issues.push(...workspaceIdIssues(args.workspaceId, "workspaceId"));
  if (issues.length) return issues;
  const tier = args.tier ?? "None";
  const rule = securityEventsRule(tier, args.defender ?? true, args.sentinelOwnsSecurityEvents ?? false);
  if (!rule.allowed && rule.finding?.severity === "error") {
    const label = isKnown(args.workspaceId) ? workspaceLabel(args.workspaceId) : "this workspace";
    issues.push({
      path: "tier",
      message: `"${tier}" cannot be set while sentinelOwnsSecurityEvents is true: ${securityEventsOwnedBySentinelMessage(label)}`,
    });
  }
  return issues;
}

export class SecurityEventCollection extends pulumi.ComponentResource {
  /** The tier asked for, in the portal's words. */
  public readonly tier!: SecurityEventTier;
  /** The tier as stored (`Recommended` for Common); undefined when nothing is declared. */
  public readonly apiTier?: string;
  /** The data source, when a tier other than None is stored. */
  public readonly dataSource?: DataSource;
  /** ARM id of the data source, or undefined when none is declared. */
  public readonly dataSourceId!: pulumi.Output<string | undefined>;

  constructor(name: string, args: SecurityEventCollectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(SECURITY_EVENT_COLLECTION_TYPE, name, {}, opts);
    if (opts?.urn) return;
    const issues = validateSecurityEventCollectionArgs(args);
    if (issues.length) failArgs(this, "SecurityEventCollection", name, issues);
    const tier = args.tier ?? "None";
    this.tier = tier;
    const rule = securityEventsRule(tier, args.defender ?? true, args.sentinelOwnsSecurityEvents ?? false);
    if (!rule.allowed && rule.finding?.code === "security-events-need-defender") {
      void pulumi.log.warn(securityEventsNeedDefenderMessage(tier), this);
    }
    if (rule.allowed && tier !== "None") {
      const parts = checkedWorkspaceId(this, "SecurityEventCollection", name, args.workspaceId, "workspaceId").apply(parseWorkspaceId);
      this.apiTier = API_TIER_BY_TIER[tier];
      this.dataSource = new DataSource(
        `${name}-data-source`,
        {
          resourceGroupName: parts.resourceGroupName,
          workspaceName: parts.workspaceName,
          dataSourceName: SECURITY_EVENTS_DATA_SOURCE,
          kind: SECURITY_EVENTS_DATA_SOURCE,
          properties: { Tier: this.apiTier, TierSetMethod: TIER_SET_METHOD },
        },
        { parent: this },
      );
      this.dataSourceId = this.dataSource.id;
    } else {
      this.dataSourceId = pulumi.output(undefined);
    }
    this.registerOutputs({ tier: this.tier, apiTier: this.apiTier, dataSourceId: this.dataSourceId });
  }
}
