/**
 * What both front ends take besides the spec, and how it is read: the machines' regions (for the
 * default workspaces), whether Sentinel owns a custom workspace's security events, the custom
 * workspace's location, and the AMA policy assignments' options. The Pulumi stack config and the
 * CDKTF stack props are these inputs under their own names; one reader each, so both report the
 * same issue for the same value.
 */
import { z } from "zod";
import { amaPoliciesSchema, notScopesIn, type AmaPoliciesInput, type AmaPoliciesOptions } from "../../spec/amaPolicies";
import type { ValidationIssue } from "../../spec/errors";
import { GUID_PATTERN, type Spec } from "../../spec/schema";
import { notScopeIssues, regionIssues, schemaIssues } from "../kernel";

/** Regions of the machines: one list for every subscription, or a list per subscription GUID. */
export type MachineRegions = readonly string[] | Readonly<Record<string, readonly string[]>>;

/**
 * The model's inputs besides the spec, documented once: the Pulumi stack config's keys and the
 * CDKTF stack's props of the same names (fieldDocs.ts generates their doc comments). The readers
 * below validate them, with the messages both front ends give.
 */
export const stackOptionsSchema = z
  .object({
    machineRegions: z
      .union([z.array(z.string()), z.record(z.string(), z.array(z.string()))])
      .optional()
      .describe(
        "Regions of the machines, for the default workspaces (one per geography): a list for every subscription, or a map from subscription GUID to its list (`asc-autoprovision inventory` lists them). Default: none, so no default workspace is declared.",
      ),
    sentinelOwnsSecurityEvents: z
      .boolean()
      .default(false)
      .describe("Sentinel's Security Events connector configures the custom workspace's security events: a tier other than None is then refused."),
    workspaceLocation: z
      .string()
      .optional()
      .describe("The custom workspace's location, for its solution and data collection rule. Default: read from Azure at deployment."),
    installSolution: z
      .boolean()
      .default(true)
      .describe(
        "Declare the custom workspace's Security/SecurityCenterFree solution in this stack. A workspace has one: when several stacks (say one per subscription, for a different Defender plan in each) send their machines to one workspace, exactly one declares it and the others set `false`, or two Terraform states or Pulumi stacks own one resource. Also `false` when it is installed already. The same switch as the Pulumi components' `logAnalyticsAgent.workspace.installSolution`.",
      ),
    configureSecurityEvents: z
      .boolean()
      .default(true)
      .describe(
        "Declare the custom workspace's security-event tier (its data collection rule, or its legacy data source) in this stack; same sharing rule as `installSolution`. With `false`, the AMA association remediations do not wait for the rule: deploy the stack that declares it first.",
      ),
    amaPolicies: amaPoliciesSchema.optional(),
  })
  .describe("The declaration model's inputs besides the spec.");

/** The model's input for a whole spec (AutoProvisioningStack, the Pulumi root program). */
export interface StackInput {
  readonly spec: Spec;
  /** Regions of each subscription's machines (lower-case subscription id → regions). */
  readonly machineRegions: ReadonlyMap<string, readonly string[]>;
  /** Sentinel configures the custom workspace's security events. */
  readonly sentinelOwnsSecurityEvents: boolean;
  /** The custom workspace's location; undefined: looked up at deployment. */
  readonly workspaceLocation?: string;
  /** The AMA assignments' options, defaults filled; not-scopes of every subscription. */
  readonly amaPolicies: AmaPoliciesOptions;
  /** Declare the custom workspace's solution here (default true: another stack may own it). */
  readonly installSolution?: boolean;
  /** Declare the custom workspace's security-event tier here (default true). */
  readonly configureSecurityEvents?: boolean;
}

/** How a front end names the inputs in its messages. */
export interface InputLabels {
  readonly machineRegions: string;
  readonly subscriptions: string;
}

/** The regions per (lower-case) subscription; a bad value adds issues naming the path. */
export function readMachineRegions(value: unknown, subscriptions: readonly string[], issues: ValidationIssue[], labels: InputLabels): Map<string, string[]> {
  const out = new Map<string, string[]>(subscriptions.map((sub) => [sub, []]));
  if (value === undefined) return out;
  const regionList = (list: unknown, at: string): string[] => {
    if (!Array.isArray(list)) {
      issues.push({ path: at, message: `${JSON.stringify(list)} is not a list of region names` });
      return [];
    }
    const found = list.flatMap((r: unknown, i) => regionIssues(r, `${at}[${i}]`));
    issues.push(...found);
    return found.length ? [] : (list as string[]);
  };
  if (Array.isArray(value)) {
    const regions = regionList(value, labels.machineRegions);
    for (const sub of subscriptions) out.set(sub, regions);
    return out;
  }
  if (value === null || typeof value !== "object") {
    issues.push({ path: labels.machineRegions, message: `${JSON.stringify(value)} is neither a list of regions nor a map from subscription id to regions` });
    return out;
  }
  for (const [sub, list] of Object.entries(value as Record<string, unknown>)) {
    const at = `${labels.machineRegions}.${sub}`;
    const lower = sub.toLowerCase();
    if (!GUID_PATTERN.test(sub)) issues.push({ path: at, message: "is not a subscription GUID" });
    // With no valid subscriptions the spec's own issue says so; naming them here would be noise.
    else if (subscriptions.length && !subscriptions.includes(lower)) issues.push({ path: at, message: `is not one of ${labels.subscriptions} (${subscriptions.join(", ")})` });
    out.set(lower, regionList(list, at));
  }
  return out;
}

/** The `amaPolicies` options (components, stack config, CDKTF props) validated, with defaults; issues name `path`. */
export function readAmaPoliciesOptions(value: unknown, path: string, subscriptionIds: readonly string[], issues: ValidationIssue[]): z.output<typeof amaPoliciesSchema> {
  const parsed = amaPoliciesSchema.safeParse(value ?? {});
  if (!parsed.success) {
    issues.push(...schemaIssues(amaPoliciesSchema, value, path));
    return amaPoliciesSchema.parse({});
  }
  const outside = notScopeIssues(parsed.data.notScopes, `${path}.notScopes`, subscriptionIds);
  issues.push(...outside);
  return outside.length ? amaPoliciesSchema.parse({}) : parsed.data;
}

/** The options one subscription's assignments get: the not-scopes under it. */
export function amaPoliciesOf(subscriptionId: string, options: AmaPoliciesOptions): AmaPoliciesOptions {
  return { ...options, notScopes: notScopesIn(subscriptionId, options.notScopes) };
}

export { notScopesIn, type AmaPoliciesInput, type AmaPoliciesOptions };
