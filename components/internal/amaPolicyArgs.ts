/**
 * Validation of an AMA policy assignment's arguments, shared by the Pulumi AzureMonitorAgentPolicy
 * and its CDKTF twin (pure: the CDKTF constructs load no Pulumi). Each issue names the argument.
 */
import { z } from "zod";
import { issuesFromZod, type ValidationIssue } from "../../src/spec/errors";
import { amaPoliciesSchema, amaPolicyParameters, notScopesIn, regionSelectors } from "../../src/spec/amaPolicies";
import { AMA_POLICIES, AMA_POLICY_KEYS, policyDefinitionId, type AmaPolicyDefinition, type AmaPolicyKey } from "../../src/spec/policies";
import { extensionsSchema, specSchema } from "../../src/spec/schema";
import { regionIssues } from "./machineRegions";

/** A data collection rule's ARM id. */
export const DATA_COLLECTION_RULE_ID_PATTERN = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Insights\/dataCollectionRules\/[^/]+$/i;
/** Policy assignment names at a subscription: at most 64 characters, none of ARM's reserved ones. */
const ASSIGNMENT_NAME_PATTERN = /^[^<>*%&:\\?.+/]{1,64}$/;

export interface AmaPolicyArgsInput {
  readonly subscriptionId?: unknown;
  readonly policy?: unknown;
  /** The value when known now; `undefined` when not given; `null` when given but known only at deployment. */
  readonly dataCollectionRuleId?: unknown;
  readonly regions?: unknown;
  readonly assignmentName?: unknown;
  readonly displayName?: unknown;
  readonly identityLocation?: unknown;
  readonly notScopes?: unknown;
  readonly remediate?: unknown;
}

function join(prefix: string, path: string): string {
  return !path ? prefix : path.startsWith("[") ? prefix + path : `${prefix}.${path}`;
}

function zodIssues(schema: z.ZodType, value: unknown, path: string): ValidationIssue[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return issuesFromZod(result.error, value).map((i) => ({ path: join(path, i.path), message: i.message }));
}

export function amaPolicyArgsIssues(args: AmaPolicyArgsInput): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  issues.push(...zodIssues(specSchema.shape.subscriptions.element, args.subscriptionId, "subscriptionId"));
  issues.push(...zodIssues(z.enum(AMA_POLICY_KEYS as [AmaPolicyKey, ...AmaPolicyKey[]]), args.policy, "policy"));
  const policy = typeof args.policy === "string" ? AMA_POLICIES[args.policy as AmaPolicyKey] : undefined;
  const rule = args.dataCollectionRuleId;
  if (policy?.deploys === "association" && rule === undefined) {
    issues.push({ path: "dataCollectionRuleId", message: `is required by ${args.policy as string} (the rule its associations link machines to)` });
  } else if (policy?.deploys === "extension" && rule !== undefined) {
    issues.push({ path: "dataCollectionRuleId", message: `is only for the association policies (${AMA_POLICY_KEYS.filter((k) => AMA_POLICIES[k].deploys === "association").join(", ")})` });
  } else if (rule !== undefined && rule !== null && (typeof rule !== "string" || !DATA_COLLECTION_RULE_ID_PATTERN.test(rule))) {
    issues.push({
      path: "dataCollectionRuleId",
      message: `${JSON.stringify(rule)} must be the ARM id of a data collection rule (/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Insights/dataCollectionRules/<name>)`,
    });
  }
  if (args.regions !== undefined) {
    if (!Array.isArray(args.regions) || args.regions.length === 0) issues.push({ path: "regions", message: `${JSON.stringify(args.regions)} is not a non-empty list of region names` });
    else args.regions.forEach((r: unknown, i) => issues.push(...regionIssues(r, `regions[${i}]`)));
  }
  if (args.assignmentName !== undefined && (typeof args.assignmentName !== "string" || !ASSIGNMENT_NAME_PATTERN.test(args.assignmentName))) {
    issues.push({ path: "assignmentName", message: `${JSON.stringify(args.assignmentName)} must be 1 to 64 characters without <>*%&:\\?.+/` });
  }
  if (args.displayName !== undefined && (typeof args.displayName !== "string" || args.displayName === "")) {
    issues.push({ path: "displayName", message: `${JSON.stringify(args.displayName)} is not a non-empty string` });
  }
  issues.push(...zodIssues(extensionsSchema.shape.identityLocation, args.identityLocation, "identityLocation"));
  issues.push(...notScopeIssues(args.notScopes, "notScopes", typeof args.subscriptionId === "string" ? [args.subscriptionId] : []));
  if (args.remediate !== undefined && typeof args.remediate !== "boolean") issues.push({ path: "remediate", message: `${JSON.stringify(args.remediate)} is not a boolean` });
  return issues;
}

/** Issues of a not-scopes list: ARM ids, each under one of `subscriptionIds`. */
export function notScopeIssues(value: unknown, path: string, subscriptionIds: readonly string[]): ValidationIssue[] {
  const found = zodIssues(amaPoliciesSchema.shape.notScopes, value, path);
  if (found.length || !Array.isArray(value)) return found;
  return (value as string[]).flatMap((s, i) =>
    subscriptionIds.some((sub) => notScopesIn(sub, [s]).length)
      ? []
      : [{ path: `${path}[${i}]`, message: `${JSON.stringify(s)} is not in ${subscriptionIds.length === 1 ? `subscription ${subscriptionIds[0]}` : `any of the subscriptions (${subscriptionIds.join(", ")})`}` }],
  );
}

/** The `amaPolicies` options (components, stack config, CDKTF props) validated, with defaults; issues name `path`. */
export function readAmaPoliciesOptions(
  value: unknown,
  path: string,
  subscriptionIds: readonly string[],
  issues: ValidationIssue[],
): z.output<typeof amaPoliciesSchema> {
  const parsed = amaPoliciesSchema.safeParse(value ?? {});
  if (!parsed.success) {
    issues.push(...zodIssues(amaPoliciesSchema, value, path));
    return amaPoliciesSchema.parse({});
  }
  const outside = notScopeIssues(parsed.data.notScopes, `${path}.notScopes`, subscriptionIds);
  issues.push(...outside);
  return outside.length ? amaPoliciesSchema.parse({}) : parsed.data;
}

/** An AMA policy assignment's arguments (validated) in each front end's own value type for the rule id. */
export interface AmaAssignmentArgs<RuleId> {
  readonly subscriptionId: string;
  readonly policy: AmaPolicyKey;
  readonly dataCollectionRuleId?: RuleId;
  readonly regions?: readonly string[];
  readonly assignmentName?: string;
  readonly displayName?: string;
  readonly identityLocation?: string;
  readonly notScopes?: readonly string[];
  readonly remediate?: boolean;
}

/** The Deploy-if-not-exists assignment the arguments describe, defaults filled, in ARM's shapes. */
export function amaAssignment<RuleId>(args: AmaAssignmentArgs<RuleId>) {
  const policy: AmaPolicyDefinition = AMA_POLICIES[args.policy];
  return {
    subscriptionId: args.subscriptionId.toLowerCase(),
    assignmentName: args.assignmentName ?? policy.shortName,
    policyDefinitionId: policyDefinitionId(policy),
    displayName: args.displayName ?? policy.displayName,
    roles: policy.roles,
    identityLocation: extensionsSchema.shape.identityLocation.parse(args.identityLocation),
    parameters: amaPolicyParameters(args.dataCollectionRuleId),
    resourceSelectors: regionSelectors(args.regions),
    notScopes: args.notScopes,
    remediate: args.remediate ?? true,
  };
}
