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
 * A renderer of the security-events capability's unit (src/capabilities/security-events/declare.ts),
 * with the planner's own rule: with Azure Defender off a tier other than None is not stored (a
 * warning, nothing declared); a workspace whose security events Sentinel configures is refused (an
 * error naming the argument). `None` declares no data source: a workspace without it stores no
 * security events, and removing the tier from a stack deletes the data source. (With AMA a blocked
 * or None tier is a rule without a security-event stream, as the planner writes it.)
 */
import * as pulumi from "@pulumi/pulumi";
import type { DataCollectionRule } from "@pulumi/azure-native/monitor";
import type { DataSource } from "@pulumi/azure-native/operationalinsights";
import { declareSecurityEvents, securityEventsInputIssues, type SecurityEventsFields } from "../../../src/capabilities/security-events";
import { type SecurityEventsUnit } from "../../../src/core";
import type { SecurityEventTier } from "../../../src/spec";
import type { WithInputs } from "../args";
import { failArgs, modelValue, type ValidationIssue } from "../internal/validation";
import { isDeclaredUnit, type DeclaredUnit } from "../render/declared";
import { RenderedDeclarations } from "../render/registry";
import { renderUnit } from "../render/resources";
import { checkedWorkspaceId } from "./workspaceId";

export { TIER_SET_METHOD } from "../../../src/capabilities/security-events";

export const SECURITY_EVENT_COLLECTION_TYPE = "asc-autoprovision:workspace:SecurityEventCollection";

/** Each field's documentation is the capability's (fields.ts); the workspace's id and location may be Outputs, validated when known. */
export type SecurityEventCollectionArgs = WithInputs<SecurityEventsFields, "workspaceId" | "location">;

function modelInput(args: SecurityEventCollectionArgs) {
  return {
    ...args,
    workspaceId: args.workspaceId === undefined ? (undefined as never) : modelValue(args.workspaceId),
    location: args.location === undefined ? undefined : modelValue(args.location),
  };
}

/** Validates SecurityEventCollection's arguments (known values only); each issue names the argument. Exported for tests. */
export function validateSecurityEventCollectionArgs(args: SecurityEventCollectionArgs): ValidationIssue[] {
  if (args === undefined || args === null || typeof args !== "object") return [{ path: "args", message: "are required" }];
  return securityEventsInputIssues(modelInput(args));
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

  constructor(name: string, args: SecurityEventCollectionArgs | DeclaredUnit<SecurityEventsUnit>, opts?: pulumi.ComponentResourceOptions) {
    super(SECURITY_EVENT_COLLECTION_TYPE, name, {}, opts);
    if (opts?.urn) return;
    const { declared: unit, registry } = isDeclaredUnit<SecurityEventsUnit>(args) ? args : { declared: this.declare(name, args), registry: new RenderedDeclarations() };
    if (unit.issues.length) failArgs(this, "SecurityEventCollection", name, unit.issues);
    for (const warning of unit.warnings) void pulumi.log.warn(warning, this);
    this.tier = unit.tier;
    this.storedTier = unit.storedTier;
    this.apiTier = unit.apiTier;
    const rendered = renderUnit({ parent: this, name, registry, options: { parent: this } }, unit);
    this.dataSource = rendered.get("data-source") as DataSource | undefined;
    this.dataCollectionRule = rendered.get("rule") as DataCollectionRule | undefined;
    this.dataSourceId = this.dataSource ? this.dataSource.id : pulumi.output(undefined);
    this.dataCollectionRuleId = this.dataCollectionRule ? this.dataCollectionRule.id : pulumi.output(undefined);
    this.registerOutputs({ tier: this.tier, storedTier: this.storedTier, dataSourceId: this.dataSourceId, dataCollectionRuleId: this.dataCollectionRuleId });
  }

  /** The unit the arguments describe (validated first; the workspace id is checked once known). */
  private declare(name: string, args: SecurityEventCollectionArgs): SecurityEventsUnit {
    const issues = validateSecurityEventCollectionArgs(args);
    if (issues.length) failArgs(this, "SecurityEventCollection", name, issues);
    return declareSecurityEvents(name, { ...modelInput(args), workspaceId: modelValue(checkedWorkspaceId(this, "SecurityEventCollection", name, args.workspaceId, "workspaceId")) });
  }
}
