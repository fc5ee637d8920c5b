/**
 * SecurityEventCollection: where a workspace's Windows security-event tier lives.
 *
 * - Log Analytics agent (`agent: mma`, the default): the workspace data source
 *   `SecurityEventCollectionConfiguration` (kind SecurityEventCollectionConfiguration, properties
 *   { Tier: <API word>, TierSetMethod: "Custom" }), as the planner's set-security-events step writes it.
 * - Azure Monitor Agent (`agent: ama`): the workspace's data collection rule (src/spec/dcr.ts:
 *   `asc-<workspace>` in the workspace's resource group and location, the tier as xPath queries),
 *   as the planner's create-dcr step writes it. The rule is declared whatever the tier: machines
 *   are associated with it to report to the workspace.
 *
 * The seed's limits come from the planner's own rule (src/reconcile/workspaces.ts
 * `securityEventsRule`), with its outcome: with Azure Defender off a tier other than None is not
 * stored (a warning, nothing declared); a workspace whose security events Sentinel configures is
 * refused (an error naming the argument). `None` declares no data source: a workspace without it
 * stores no security events, and removing the tier from a stack deletes the data source. (With AMA
 * a blocked or None tier is a rule without a security-event stream, as the planner writes it.)
 */
import * as pulumi from "@pulumi/pulumi";
import { DataCollectionRule } from "@pulumi/azure-native/monitor";
import { DataSource, getWorkspaceOutput } from "@pulumi/azure-native/operationalinsights";
import { dataCollectionRuleBody, dataCollectionRuleName, type DataCollectionRuleBody } from "../../src/spec/dcr";
import { API_TIER_BY_TIER, type SecurityEventTier } from "../../src/spec/events";
import { logAnalyticsAgentSchema, type AgentChoice } from "../../src/spec/schema";
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
  /**
   * The agent machines run: `mma` (default) stores the tier in the legacy data source, `ama` in a
   * data collection rule. Changing it replaces one by the other.
   */
  readonly agent?: AgentChoice;
  /** `ama` only: the workspace's location, where its rule is created. Default: read from Azure (getWorkspace). */
  readonly location?: pulumi.Input<string>;
}

/** Validates SecurityEventCollection's arguments (known values only); each issue names the argument. Exported for tests. */
export function validateSecurityEventCollectionArgs(args: SecurityEventCollectionArgs): ValidationIssue[] {
  if (args === undefined || args === null || typeof args !== "object") return [{ path: "args", message: "are required" }];
  const issues = schemaIssues(logAnalyticsAgentSchema.shape.securityEvents, args.tier, "tier");
  issues.push(...schemaIssues(logAnalyticsAgentSchema.shape.agent, args.agent, "agent"));
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
  /** The tier actually stored: `tier`, or None where the seed's limits forbid it. */
  public readonly storedTier!: SecurityEventTier;
  /** MMA: the tier in the data source's words (`Recommended` for Common); undefined when no data source is declared. */
  public readonly apiTier?: string;
  /** MMA: the data source, when a tier other than None is stored. */
  public readonly dataSource?: DataSource;
  /** MMA: ARM id of the data source, or undefined when none is declared. */
  public readonly dataSourceId!: pulumi.Output<string | undefined>;
  /** AMA: the workspace's data collection rule. */
  public readonly dataCollectionRule?: DataCollectionRule;
  /** AMA: ARM id of the rule, or undefined with MMA. */
  public readonly dataCollectionRuleId!: pulumi.Output<string | undefined>;

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
    this.storedTier = rule.allowed ? tier : "None";
    const workspaceId = () => checkedWorkspaceId(this, "SecurityEventCollection", name, args.workspaceId, "workspaceId");

    if ((args.agent ?? "mma") === "ama") {
      this.dataCollectionRule = this.declareRule(name, workspaceId(), args.location, this.storedTier);
      this.dataCollectionRuleId = this.dataCollectionRule.id;
      this.dataSourceId = pulumi.output(undefined);
    } else if (this.storedTier !== "None") {
      const parts = workspaceId().apply(parseWorkspaceId);
      this.apiTier = API_TIER_BY_TIER[this.storedTier];
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
      this.dataCollectionRuleId = pulumi.output(undefined);
    } else {
      this.dataSourceId = pulumi.output(undefined);
      this.dataCollectionRuleId = pulumi.output(undefined);
    }
    this.registerOutputs({ tier: this.tier, storedTier: this.storedTier, dataSourceId: this.dataSourceId, dataCollectionRuleId: this.dataCollectionRuleId });
  }

  /** The workspace's data collection rule with `tier`, from the body the planner and the executor build. */
  private declareRule(name: string, workspaceId: pulumi.Output<string>, location: pulumi.Input<string> | undefined, tier: SecurityEventTier): DataCollectionRule {
    const parts = workspaceId.apply(parseWorkspaceId);
    const where =
      location !== undefined
        ? pulumi.output(location)
        : getWorkspaceOutput({ resourceGroupName: parts.resourceGroupName, workspaceName: parts.workspaceName }, { parent: this }).location;
    const body: pulumi.Output<DataCollectionRuleBody> = pulumi
      .all([workspaceId, where])
      .apply(([id, loc]) => dataCollectionRuleBody({ location: loc, workspaceResourceId: id, tier }));
    return new DataCollectionRule(
      `${name}-rule`,
      {
        resourceGroupName: parts.resourceGroupName,
        dataCollectionRuleName: workspaceId.apply(dataCollectionRuleName),
        location: body.location,
        tags: body.apply((b) => ({ ...b.tags })),
        description: body.properties.description,
        dataSources: body.apply((b) => ({
          ...(b.properties.dataSources.windowsEventLogs
            ? { windowsEventLogs: b.properties.dataSources.windowsEventLogs.map((d) => ({ name: d.name, streams: [...d.streams], xPathQueries: [...d.xPathQueries] })) }
            : {}),
        })),
        destinations: body.apply((b) => ({ logAnalytics: b.properties.destinations.logAnalytics.map((d) => ({ ...d })) })),
        dataFlows: body.apply((b) => b.properties.dataFlows.map((f) => ({ streams: [...f.streams], destinations: [...f.destinations] }))),
      },
      { parent: this },
    );
  }
}
