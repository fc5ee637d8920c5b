/**
 * What the security-events capability declares: where a workspace's Windows security-event tier
 * lives.
 *
 * - Log Analytics agent (`agent: mma`): the workspace data source
 *   `SecurityEventCollectionConfiguration` (properties { Tier: <API word>, TierSetMethod: "Custom" }),
 *   as the planner's set-security-events step writes it. `None` declares no data source.
 * - Azure Monitor Agent (`agent: ama`): the workspace's data collection rule (src/spec/dcr.ts),
 *   declared whatever the tier (machines are associated with it to report to the workspace).
 *
 * The seed's limits are the planner's own rule (`securityEventsRule`): with Azure Defender off a
 * tier is not stored (a warning); a workspace whose security events Sentinel configures refuses one
 * (an issue naming the tier).
 */
import { nameOf, resourceGroupOf, subscriptionOf } from "../../inventory/ids";
import { dataCollectionRuleBody, dataCollectionRuleName } from "../../spec/dcr";
import { API_TIER_BY_TIER } from "../../spec/events";
import { logAnalyticsAgentSchema } from "../../spec/schema";
import {
  booleanIssues,
  CUSTOM_WORKSPACE_EVENTS_KEY,
  CUSTOM_WORKSPACE_KEY,
  declarationOf,
  derive,
  isDeferred,
  reference,
  schemaIssues,
  workspaceIdIssues,
  workspaceLabel,
  type CapabilityDeclarer,
  type DataCollectionRuleDeclaration,
  type SecurityEventsDataSourceDeclaration,
  type SecurityEventsUnit,
  type ValidationIssue,
  type Value,
  type WithDeferred,
  type WorkspaceUnit,
} from "../../core/kernel";
import { workspaceLookup } from "../workspaces";
import { securityEventsFieldsSchema } from "./fields";
import type { SecurityEventsFields } from "./fields.generated";
import { SECURITY_EVENTS_DATA_SOURCE, securityEventsNeedDefenderMessage, securityEventsOwnedBySentinelMessage, securityEventsRule } from "./plan";

/** How the Security Events data source records who set the tier. */
export const TIER_SET_METHOD = "Custom";

/** fields.ts documents each field; the workspace's id and location may be deferred. */
export interface SecurityEventsInput extends WithDeferred<SecurityEventsFields, "workspaceId" | "location"> {
  /** Keys of what the tier waits for (the workspace, when it is declared too). */
  readonly dependsOn?: readonly string[];
}

/** The seed's refusal: a tier on a workspace whose security events Sentinel configures. */
function sentinelIssues(input: SecurityEventsInput): ValidationIssue[] {
  const tier = input.tier ?? "None";
  const rule = securityEventsRule(tier, input.defender ?? true, input.sentinelOwnsSecurityEvents ?? false);
  if (rule.allowed || rule.finding?.severity !== "error") return [];
  const label = isDeferred(input.workspaceId) ? "this workspace" : workspaceLabel(input.workspaceId);
  return [{ path: "tier", message: `"${tier}" cannot be set while sentinelOwnsSecurityEvents is true: ${securityEventsOwnedBySentinelMessage(label)}` }];
}

/** Issues of a security-events input, each naming the field (deferred values are checked once known). */
export function securityEventsInputIssues(input: SecurityEventsInput): ValidationIssue[] {
  if (input === undefined || input === null || typeof input !== "object") return [{ path: "args", message: "are required" }];
  const issues = schemaIssues(logAnalyticsAgentSchema.shape.securityEvents, input.tier, "tier");
  issues.push(...schemaIssues(securityEventsFieldsSchema.shape.agent, input.agent, "agent"));
  issues.push(...booleanIssues(input.defender, "defender"), ...booleanIssues(input.sentinelOwnsSecurityEvents, "sentinelOwnsSecurityEvents"));
  if (input.workspaceId === undefined) issues.push({ path: "workspaceId", message: "is required (the workspace's ARM id)" });
  else issues.push(...workspaceIdIssues(input.workspaceId, "workspaceId"));
  return issues.length ? issues : sentinelIssues(input);
}

/** May Security Center store a tier here at all (Defender on, Sentinel not configuring the workspace)? */
export function securityEventsAllowedFor(input: Pick<SecurityEventsInput, "tier" | "defender" | "sentinelOwnsSecurityEvents">): boolean {
  return securityEventsRule(input.tier ?? "None", input.defender ?? true, input.sentinelOwnsSecurityEvents ?? false).allowed;
}

/** The security-events unit under `key`, in the workspace's subscription. */
export function declareSecurityEvents(key: string, input: SecurityEventsInput): SecurityEventsUnit {
  const tier = input.tier ?? "None";
  const agent = input.agent ?? "mma";
  const rule = securityEventsRule(tier, input.defender ?? true, input.sentinelOwnsSecurityEvents ?? false);
  const stored = rule.allowed ? tier : "None";
  const workspaceId = input.workspaceId;
  const resourceGroupName = derive(resourceGroupOf, workspaceId);
  const dependsOn = [...(input.dependsOn ?? [])];
  const base = {
    kind: "security-events" as const,
    key,
    subscriptionId: derive(subscriptionOf, workspaceId),
    workspaceId,
    agent,
    tier,
    storedTier: stored,
    issues: sentinelIssues(input),
    warnings: !rule.allowed && rule.finding?.code === "security-events-need-defender" ? [securityEventsNeedDefenderMessage(tier)] : [],
  };
  if (agent === "ama") {
    const lookup = input.location === undefined ? workspaceLookup(key, workspaceId) : undefined;
    const location: Value<string> = input.location ?? reference(lookup!.key, "location");
    const ruleDeclaration: DataCollectionRuleDeclaration = {
      kind: "data-collection-rule",
      key: `${key}/rule`,
      role: "rule",
      dependsOn,
      props: {
        workspaceId,
        resourceGroupName,
        name: derive(dataCollectionRuleName, workspaceId),
        tier: stored,
        body: derive((loc: string, id: string) => dataCollectionRuleBody({ location: loc, workspaceResourceId: id, tier: stored }), location, workspaceId),
      },
    };
    return { ...base, resources: [ruleDeclaration], lookups: lookup ? [lookup] : [] };
  }
  if (stored === "None") return { ...base, resources: [], lookups: [] };
  const apiTier = API_TIER_BY_TIER[stored];
  const dataSource: SecurityEventsDataSourceDeclaration = {
    kind: "security-events-data-source",
    key: `${key}/data-source`,
    role: "data-source",
    dependsOn,
    props: {
      workspaceId,
      resourceGroupName,
      workspaceName: derive(nameOf, workspaceId),
      name: SECURITY_EVENTS_DATA_SOURCE,
      kind: SECURITY_EVENTS_DATA_SOURCE,
      properties: { Tier: apiTier, TierSetMethod: TIER_SET_METHOD },
    },
  };
  return { ...base, apiTier, resources: [dataSource], lookups: [] };
}

/**
 * With auto provisioning on, the tier of each workspace machines report to: each default workspace
 * the workspaces capability declared (waiting for it), and the custom workspace when this
 * subscription declares its tier (in the location its solution uses, when declared here).
 */
export const SECURITY_EVENTS_DECLARER: CapabilityDeclarer = {
  subscription: ({ spec, subscriptionId, customWorkspace }, declared) => {
    const la = spec.logAnalyticsAgent;
    // `none` collects nothing (and validation holds it to autoProvision off).
    if (!la.autoProvision || la.agent === "none") return { units: [] };
    const workspaces = declared.filter((u): u is WorkspaceUnit => u.kind === "workspace");
    const tier = { tier: la.securityEvents, defender: la.defender, agent: la.agent };
    if (!customWorkspace) {
      return {
        units: workspaces
          .filter((w) => w.created)
          .map((w) =>
            declareSecurityEvents(`${subscriptionId}/security-events-${w.geography!.code}`, {
              ...tier,
              workspaceId: w.workspaceId,
              location: w.location,
              dependsOn: [declarationOf(w, "log-analytics-workspace")!.key],
            }),
          ),
      };
    }
    if (!customWorkspace.declareSecurityEvents) return { units: [] };
    const solution = workspaces.find((w) => w.key === CUSTOM_WORKSPACE_KEY);
    return {
      units: [
        declareSecurityEvents(CUSTOM_WORKSPACE_EVENTS_KEY, {
          ...tier,
          workspaceId: customWorkspace.id,
          sentinelOwnsSecurityEvents: customWorkspace.sentinelOwnsSecurityEvents,
          // The location the solution uses (given or looked up once), else the tier's own lookup.
          location: customWorkspace.location ?? solution?.location,
        }),
      ],
    };
  },
};
