/**
 * What the Azure Monitor Agent capability declares: with `agent: ama` and auto provisioning on,
 * its built-in Deploy-if-not-exists policies at the subscription (src/spec/amaPolicies.ts says
 * which and why): per OS the AMA extension, and per OS and destination workspace the association
 * with the workspace's data collection rule, limited to a default workspace's geography. Each is
 * one assignment with its roles and a remediation that waits for the roles and the rule.
 */
import { z } from "zod";
import { amaPolicyAssignments, amaPolicyParameters, regionSelectors, type AmaPoliciesOptions } from "../../spec/amaPolicies";
import { dataCollectionRuleId } from "../../spec/dcr";
import type { Geography } from "../../spec/geography";
import { AMA_POLICIES, AMA_POLICY_KEYS, policyDefinitionId, type AmaPolicyKey } from "../../spec/policies";
import { extensionsSchema } from "../../spec/schema";
import {
  booleanIssues,
  CUSTOM_WORKSPACE_EVENTS_KEY,
  declarationOf,
  derive,
  isDeferred,
  notScopeIssues,
  regionIssues,
  schemaIssues,
  subscriptionIdIssues,
  type CapabilityDeclarer,
  type DeclareInput,
  type PolicyUnit,
  type SecurityEventsUnit,
  type Unit,
  type ValidationIssue,
  type Value,
  type WithDeferred,
  type WorkspaceUnit,
} from "../../core/kernel";
import { declareDeployIfNotExists } from "../extension-policies";
import type { AmaPolicyFields } from "./fields.generated";

/** A data collection rule's ARM id. */
export const DATA_COLLECTION_RULE_ID_PATTERN = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Insights\/dataCollectionRules\/[^/]+$/i;
/** Policy assignment names at a subscription: at most 64 characters, none of ARM's reserved ones. */
const ASSIGNMENT_NAME_PATTERN = /^[^<>*%&:\\?.+/]{1,64}$/;

/** One AMA policy assignment (fields.ts documents each field); the rule id may be deferred. */
export interface AmaPolicyInput extends WithDeferred<AmaPolicyFields, "dataCollectionRuleId"> {
  /** Keys of what the remediation waits for besides the roles (the rule it links to). */
  readonly remediationDependsOn?: readonly string[];
}

/** Issues of an AMA policy input, each naming the field (a deferred rule id is checked once known). */
export function amaPolicyInputIssues(args: { readonly [K in keyof AmaPolicyInput]?: unknown }): ValidationIssue[] {
  if (args === undefined || args === null || typeof args !== "object") return [{ path: "args", message: "are required" }];
  const issues: ValidationIssue[] = [];
  issues.push(...subscriptionIdIssues(args.subscriptionId, "subscriptionId"));
  issues.push(...schemaIssues(z.enum(AMA_POLICY_KEYS as [AmaPolicyKey, ...AmaPolicyKey[]]), args.policy, "policy"));
  const policy = typeof args.policy === "string" ? AMA_POLICIES[args.policy as AmaPolicyKey] : undefined;
  const rule = args.dataCollectionRuleId;
  if (policy?.deploys === "association" && rule === undefined) {
    issues.push({ path: "dataCollectionRuleId", message: `is required by ${args.policy as string} (the rule its associations link machines to)` });
  } else if (policy?.deploys === "extension" && rule !== undefined) {
    issues.push({ path: "dataCollectionRuleId", message: `is only for the association policies (${AMA_POLICY_KEYS.filter((k) => AMA_POLICIES[k].deploys === "association").join(", ")})` });
  } else if (rule !== undefined && !isDeferred(rule)) {
    issues.push(...dataCollectionRuleIdIssues(rule));
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
  issues.push(...schemaIssues(extensionsSchema.shape.identityLocation, args.identityLocation, "identityLocation"));
  issues.push(...notScopeIssues(args.notScopes, "notScopes", typeof args.subscriptionId === "string" ? [args.subscriptionId] : []));
  issues.push(...booleanIssues(args.remediate, "remediate"));
  return issues;
}

/** Issues of a known data collection rule id. */
export function dataCollectionRuleIdIssues(rule: unknown): ValidationIssue[] {
  return typeof rule === "string" && DATA_COLLECTION_RULE_ID_PATTERN.test(rule)
    ? []
    : [
        {
          path: "dataCollectionRuleId",
          message: `${JSON.stringify(rule)} must be the ARM id of a data collection rule (/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Insights/dataCollectionRules/<name>)`,
        },
      ];
}

/** One AMA assignment under `key`, defaults filled. */
export function declareAmaPolicy(key: string, input: AmaPolicyInput): PolicyUnit {
  const policy = AMA_POLICIES[input.policy];
  const assignmentName = input.assignmentName ?? policy.shortName;
  return declareDeployIfNotExists({
    key,
    family: "ama",
    policyKey: input.policy,
    subscriptionId: input.subscriptionId.toLowerCase(),
    assignmentName,
    policyDefinitionId: policyDefinitionId(policy),
    displayName: input.displayName ?? policy.displayName,
    roles: policy.roles,
    identityLocation: extensionsSchema.shape.identityLocation.parse(input.identityLocation),
    parameters: amaPolicyParameters(input.dataCollectionRuleId),
    // dcrResourceId is marked assignPermissions: a rule in another subscription (a hub's) gets the roles too.
    linkedScopes: input.dataCollectionRuleId === undefined ? [] : [input.dataCollectionRuleId],
    linkedDependsOn: input.remediationDependsOn,
    resourceSelectors: regionSelectors(input.regions),
    notScopes: input.notScopes,
    remediate: input.remediate ?? true,
    remediationDependsOn: input.remediationDependsOn,
  });
}

/** Where a subscription's machines send: a workspace's rule, and the key of its declaration. */
export interface AmaDestinationInput {
  readonly dataCollectionRuleId: Value<string>;
  /** A default workspace's geography; undefined for a custom workspace (every region). */
  readonly geography?: Geography;
  /** The key of the rule's declaration (in this model or another one: the front end resolves it). */
  readonly ruleKey: string;
}

/** A subscription's AMA assignments under `keyPrefix` (none unless `options.enabled`), in src/spec/amaPolicies.ts's order. */
export function declareAmaPolicies(
  keyPrefix: string,
  input: { readonly subscriptionId: string; readonly destinations: readonly AmaDestinationInput[]; readonly identityLocation: string; readonly options: AmaPoliciesOptions },
): PolicyUnit[] {
  if (!input.options.enabled) return [];
  return amaPolicyAssignments(input.destinations).map((a) =>
    declareAmaPolicy(`${keyPrefix}/${a.name}`, {
      subscriptionId: input.subscriptionId,
      policy: a.policy.key,
      assignmentName: a.name,
      displayName: a.displayName,
      dataCollectionRuleId: a.dataCollectionRuleId,
      regions: a.regions,
      identityLocation: input.identityLocation,
      notScopes: input.options.notScopes,
      remediate: input.options.remediate,
      // The rule the associations link to: find the destination by its object (ids may be deferred).
      remediationDependsOn: a.dataCollectionRuleId === undefined ? undefined : input.destinations.filter((d) => d.dataCollectionRuleId === a.dataCollectionRuleId).map((d) => d.ruleKey),
    }),
  );
}

/** Where the subscription's machines send: each declared default workspace's rule, or the custom workspace's (declared here or by another subscription). */
function destinationsOf(input: DeclareInput, declared: readonly Unit[]): { destinations: AmaDestinationInput[]; external: string[] } {
  const custom = input.customWorkspace;
  if (custom) {
    // Whoever declares the shared workspace's rule, its key is the same.
    const ruleKey = `${CUSTOM_WORKSPACE_EVENTS_KEY}/rule`;
    const here = declared.some((u) => u.kind === "security-events" && u.key === CUSTOM_WORKSPACE_EVENTS_KEY);
    return { destinations: [{ dataCollectionRuleId: derive(dataCollectionRuleId, custom.id), ruleKey }], external: here ? [] : [ruleKey] };
  }
  const workspaces = declared.filter((u): u is WorkspaceUnit => u.kind === "workspace" && u.created);
  const destinations = declared
    .filter((u): u is SecurityEventsUnit => u.kind === "security-events")
    .flatMap((events): AmaDestinationInput[] => {
      const rule = declarationOf(events, "data-collection-rule");
      const workspace = workspaces.find((w) => w.workspaceId === events.workspaceId);
      if (!rule || !workspace) return [];
      return [{ dataCollectionRuleId: dataCollectionRuleId(workspace.workspaceId as string), geography: workspace.geography, ruleKey: rule.key }];
    });
  return { destinations, external: [] };
}

/** With `agent: ama` and auto provisioning on: the AMA assignments for the workspaces' rules the capabilities before it declared. */
export const AMA_DECLARER: CapabilityDeclarer = {
  subscription: (input, declared) => {
    const { spec, subscriptionId } = input;
    const la = spec.logAnalyticsAgent;
    if (!la.autoProvision || la.agent !== "ama") return { units: [] };
    const { destinations, external } = destinationsOf(input, declared);
    return {
      units: declareAmaPolicies(`${subscriptionId}/ama`, { subscriptionId, destinations, identityLocation: spec.extensions.identityLocation, options: input.amaPolicies }),
      external,
    };
  },
};
