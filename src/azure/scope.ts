/**
 * A spec's scope as subscriptions: the ones it lists, and those under the management groups it
 * names, found with Resource Graph's `resourcecontainers` (one query per group, paged), less the
 * excluded ones. Resource Graph answers at most 5,000 subscriptions under one management group
 * and 10,000 in all (reference: Resource Graph's limits): a group at the first cap, or one whose
 * answer carries `x-ms-tenant-subscription-limit-hit: true` (the header Resource Graph sets when it
 * cut the answer at a cap), is refused, naming it, rather than provisioned in part; a scope over
 * the second is refused too.
 */
import { defenderScopeIssues } from "../spec/defenderSchema";
import { ValidationError } from "../spec/errors";
import type { Spec } from "../spec/schema";
import { connectionOf, type AzureConnection } from "./connection";
import { chooseEndpoint } from "./endpoint";
import { queryGraphUnder, SUBSCRIPTION_LIMIT_HIT_HEADER, SubscriptionLimitHitError } from "./graph";
import type { RetryOptions } from "./retry";

export const SUBSCRIPTIONS_PER_MANAGEMENT_GROUP_CAP = 5000;
export const SUBSCRIPTIONS_CAP = 10_000;
const SUBSCRIPTION_LIMIT_LABEL = `${SUBSCRIPTIONS_PER_MANAGEMENT_GROUP_CAP.toLocaleString("en-US")} under one management group, ${SUBSCRIPTIONS_CAP.toLocaleString("en-US")} in all`;

export const SUBSCRIPTIONS_UNDER_QUERY = [
  "resourcecontainers",
  "| where type =~ 'microsoft.resources/subscriptions'",
  "| project id, type, subscriptionId, name",
  "| order by id asc",
].join("\n");

export class ScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScopeError";
  }
}

/** The spec's subscriptions with its management groups resolved (lower-case, sorted, exclusions applied). */
export async function resolveSubscriptions(conn: AzureConnection, spec: Spec, options: { retry?: RetryOptions; onProgress?: (message: string) => void } = {}): Promise<string[]> {
  return (await resolveScope(conn, spec, options)).subscriptions;
}

/** resolveSubscriptions, and the excluded subscriptions it found (the plan says which exclusions matched nothing). */
export async function resolveScope(
  conn: AzureConnection,
  spec: Spec,
  options: { retry?: RetryOptions; onProgress?: (message: string) => void } = {},
): Promise<{ subscriptions: string[]; excluded: string[] }> {
  const out = new Set(spec.subscriptions.map((s) => s.toLowerCase()));
  for (const group of spec.managementGroups) {
    options.onProgress?.(`finding the subscriptions under management group ${group}`);
    let rows;
    try {
      rows = await queryGraphUnder(conn, SUBSCRIPTIONS_UNDER_QUERY, group, options.retry);
    } catch (err) {
      if (err instanceof SubscriptionLimitHitError) {
        throw new ScopeError(
          `managementGroups: ${group}: Resource Graph listed only part of its subscriptions (${SUBSCRIPTION_LIMIT_HIT_HEADER}: its cap is ${SUBSCRIPTION_LIMIT_LABEL}): name its child groups instead`,
        );
      }
      throw new ScopeError(`managementGroups: ${group}: cannot list its subscriptions (${err instanceof Error ? err.message : String(err)})`);
    }
    if (rows.length >= SUBSCRIPTIONS_PER_MANAGEMENT_GROUP_CAP) {
      throw new ScopeError(
        `managementGroups: ${group} holds at least ${SUBSCRIPTIONS_PER_MANAGEMENT_GROUP_CAP} subscriptions, Resource Graph's limit under one management group: name its child groups instead`,
      );
    }
    for (const r of rows) {
      const id = (typeof r.subscriptionId === "string" && r.subscriptionId) || r.id.split("/")[2];
      if (id) out.add(id.toLowerCase());
    }
  }
  const excluded = new Set(spec.exclude.subscriptions.map((s) => s.toLowerCase()));
  const subscriptions = [...out].filter((s) => !excluded.has(s)).sort();
  if (subscriptions.length > SUBSCRIPTIONS_CAP) {
    throw new ScopeError(`the scope holds ${subscriptions.length} subscriptions, more than Resource Graph's ${SUBSCRIPTIONS_CAP}: split the spec`);
  }
  // The defender fields that name a subscription could only be checked against the listed ones when the spec was read.
  const described = `the scope's ${subscriptions.length} subscription(s) (listed, or under managementGroups ${spec.managementGroups.join(", ")}, less exclude.subscriptions)`;
  const issues = defenderScopeIssues(spec.defender, { subscriptions, described, excluded: [...excluded] });
  if (issues.length) throw new ValidationError("spec", issues);
  return { subscriptions, excluded: [...out].filter((s) => excluded.has(s)).sort() };
}

/**
 * The subscriptions a run of `spec` must lease before it reads the state it will change: the listed
 * ones, and those under its management groups (resolved here, before the lease; the run checks
 * that what it then planned stays within them: outOfLease).
 */
export async function subscriptionsToLease(conn: AzureConnection, spec: Spec, options: { retry?: RetryOptions } = {}): Promise<string[]> {
  return spec.managementGroups.length ? resolveSubscriptions(conn, spec, options) : [...spec.subscriptions];
}

/** The subscriptions of a planned inventory that its run holds no lease on (a subscription placed under a group after the lease was taken). */
export function outOfLease(leased: readonly string[], planned: readonly { readonly id: string }[]): string[] {
  const held = new Set(leased.map((s) => s.toLowerCase()));
  return planned.map((s) => s.id.toLowerCase()).filter((s) => !held.has(s));
}

/**
 * The subscriptions a spec's scope resolves to through the cloud an endpoint value names (a front
 * end's setting, then the environment, by src/azure/endpoint.ts's precedence; else Azure): what
 * the Pulumi program and the CDKTF app declare for when the spec names management groups. The
 * spec's listed subscriptions are returned unread when it names none.
 */
export async function resolveScopeAt(spec: Spec, endpoint: { readonly value?: string; readonly source: string }, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  if (!spec.managementGroups.length) return [...spec.subscriptions];
  const choice = chooseEndpoint({ value: endpoint.value, source: endpoint.source, kinds: { azure: true, directory: true } }, env, { kind: "azure" });
  return resolveSubscriptions(connectionOf(choice, env), spec);
}

/** The machine tags the reader must keep for the spec (lower-case names): src/inventory/readFor.ts. */
export { tagsNamedBy } from "../inventory/readFor";
