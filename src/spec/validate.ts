/**
 * Spec validation: the schema, then the rules between fields that the seed states.
 */
import type { z } from "zod";
import { defenderScopeIssues, legacyDefenderSwitchIssues, serversPricing, resolveServers } from "./defenderSchema";
import { ValidationError, issuesFromZod, type ValidationIssue } from "./errors";
import { specSchema, type Spec } from "./schema";

/**
 * A rule between fields of several sections, run once the sections it `needs` are valid. A rule
 * within one section runs in the section's schema (defenderSchema's refinements).
 */
interface CrossFieldRule {
  /** The spec's top-level fields it reads: each must parse before it can run (it reads their values with defaults). */
  readonly needs: readonly (keyof Spec)[];
  readonly issues: (spec: Spec, input: unknown) => ValidationIssue[];
}

const RULES: readonly CrossFieldRule[] = [
  { needs: ["defender"], issues: (spec, input) => legacyDefenderSwitchIssues(input, spec.defender?.servers) },
  {
    // Seed: "If you're enabling auto provisioning for the Microsoft Dependency agent, ensure the Log
    // Analytics agent is set to auto deploy too."
    needs: ["extensions", "logAnalyticsAgent"],
    issues: (spec) =>
      (["windows", "linux"] as const)
        .filter((os) => spec.extensions.dependencyAgent[os] && !spec.logAnalyticsAgent.autoProvision)
        .map((os) => ({ path: `extensions.dependencyAgent.${os}`, message: "the Dependency agent requires the Log Analytics agent: set logAnalyticsAgent.autoProvision to true" })),
  },
  {
    needs: ["logAnalyticsAgent"],
    issues: ({ logAnalyticsAgent: la }) =>
      la.removeLegacyAgent && la.agent === "mma"
        ? [{ path: "logAnalyticsAgent.removeLegacyAgent", message: 'applies with logAnalyticsAgent.agent "ama" (removed once AMA reports) or "none" (removed, no agent after it), not with "mma", the legacy agent itself' }]
        : [],
  },
  {
    // `none` provisions no agent: a field that would provision one, or collect through one, contradicts it.
    needs: ["logAnalyticsAgent"],
    issues: ({ logAnalyticsAgent: la }) => {
      if (la.agent !== "none") return [];
      const issues: ValidationIssue[] = [];
      if (la.autoProvision) issues.push({ path: "logAnalyticsAgent.autoProvision", message: 'must be false with logAnalyticsAgent.agent "none": no agent is provisioned' });
      if (la.securityEvents !== "None") {
        issues.push({ path: "logAnalyticsAgent.securityEvents", message: `"${la.securityEvents}" needs an agent to collect it: with logAnalyticsAgent.agent "none" leave it out (None)` });
      }
      return issues;
    },
  },
  { needs: ["subscriptions", "managementGroups"], issues: (spec) => (spec.subscriptions.length === 0 && spec.managementGroups.length === 0 ? [NO_SCOPE] : []) },
  {
    needs: ["subscriptions", "managementGroups"],
    issues: (spec) => {
      const issues: ValidationIssue[] = [];
      for (const field of ["subscriptions", "managementGroups"] as const) {
        const seen = new Set<string>();
        spec[field].forEach((item, i) => {
          const key = item.toLowerCase();
          if (seen.has(key)) issues.push({ path: `${field}[${i}]`, message: `"${item}" is listed twice` });
          seen.add(key);
        });
      }
      return issues;
    },
  },
  {
    needs: ["defender", "subscriptions", "managementGroups", "exclude"],
    issues: (spec) =>
      defenderScopeIssues(spec.defender, {
        subscriptions: spec.subscriptions.map((s) => s.toLowerCase()),
        unresolvedGroups: spec.managementGroups.length > 0,
        excluded: spec.exclude.subscriptions.map((s) => s.toLowerCase()),
      }),
  },
  {
    needs: ["subscriptions", "exclude"],
    issues: (spec) => {
      const excluded = new Set(spec.exclude.subscriptions.map((s) => s.toLowerCase()));
      return spec.subscriptions.flatMap((sub, i) => (excluded.has(sub.toLowerCase()) ? [{ path: `subscriptions[${i}]`, message: `"${sub}" is also in exclude.subscriptions: list it in one of them` }] : []));
    },
  },
];

/** Rules between fields of a valid spec. Each issue names the field a user must change. */
export function crossFieldIssues(spec: Spec, input: unknown = spec): ValidationIssue[] {
  return RULES.flatMap((rule) => rule.issues(spec, input));
}

/**
 * The rules whose sections are valid in a spec that is not (so a spec's problems show in one
 * error): each top-level field parsed on its own.
 */
function partialCrossFieldIssues(input: unknown): ValidationIssue[] {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return [];
  const fields = input as Record<string, unknown>;
  const parsed: Partial<Record<keyof Spec, unknown>> = {};
  for (const [key, schema] of Object.entries(specSchema.shape) as [keyof Spec, z.ZodType][]) {
    const r = schema.safeParse(fields[key]);
    if (r.success) parsed[key] = r.data;
  }
  const spec = parsed as Spec;
  return RULES.filter((rule) => rule.needs.every((key) => Object.hasOwn(parsed, key))).flatMap((rule) => rule.issues(spec, input));
}

/**
 * Keys of the Pulumi stack config and the CDKTF props that are not spec fields, and what the CLI
 * does instead of reading them.
 */
const FRONT_END_KEYS: Readonly<Record<string, string>> = {
  machineRegions: "the CLI reads the machines' regions from the inventory",
  sentinelOwnsSecurityEvents: "the CLI reads the workspace's owner from the inventory",
  workspaceLocation: "the CLI reads the workspace's location from the inventory",
  amaPolicies: "the CLI assigns no Azure Monitor Agent policies: `apply` and `reconcile --watch` install per machine",
  reconcile: "the CLI's own commands (`plan`, `apply`, `reconcile`) do the reconciliation",
  emulatorEndpoint: "the CLI reaches the emulator with `--cloud local`",
  installSolution: "the CLI installs the workspace's solution when the spec's workspace lacks it",
  configureSecurityEvents: "the CLI keeps the workspace's rule at the spec's securityEvents tier: specs sharing one workspace must agree on it",
};

function explainStackKey(issue: ValidationIssue): ValidationIssue {
  const instead = FRONT_END_KEYS[issue.path];
  if (instead === undefined || !Object.hasOwn(FRONT_END_KEYS, issue.path) || !issue.message.startsWith("is not a known field")) return issue;
  return { path: issue.path, message: `is a Pulumi stack config key and a CDKTF prop, not a spec field: ${instead} (remove it from the spec)` };
}

const NO_SCOPE: ValidationIssue = { path: "subscriptions", message: "must list at least one subscription (or name managementGroups)" };

/** Neither subscriptions nor management groups in the input as written (reported with the schema's issues, so every problem shows at once). */
function lacksScope(input: unknown): boolean {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return false;
  const listed = (x: unknown) => Array.isArray(x) && x.length > 0;
  const fields = input as Record<string, unknown>;
  return !listed(fields["subscriptions"]) && !listed(fields["managementGroups"]);
}

const issueKey = (i: ValidationIssue) => `${i.path}\n${i.message}`;

/** Validates and fills defaults; throws ValidationError naming every bad path. */
export function parseSpec(input: unknown): Spec {
  const result = specSchema.safeParse(input);
  if (!result.success) {
    const issues = issuesFromZod(result.error, input).map(explainStackKey);
    if (lacksScope(input) && !issues.some((i) => i.path === NO_SCOPE.path)) {
      // After the unknown fields (a misspelt key is the likelier cause), before the rest.
      const at = issues.findIndex((i) => !i.message.startsWith("is not a known field"));
      issues.splice(at < 0 ? issues.length : at, 0, NO_SCOPE);
    }
    const seen = new Set(issues.map(issueKey));
    throw new ValidationError("spec", [...issues, ...partialCrossFieldIssues(input).filter((i) => !seen.has(issueKey(i)))]);
  }
  const issues = crossFieldIssues(result.data, input);
  if (issues.length) throw new ValidationError("spec", issues);
  return normalizeSpec(result.data);
}

/**
 * Subscription ids lower-cased, so ids compare as ARM compares them; with `defender.servers`,
 * `logAnalyticsAgent.defender` follows its plan (one source of truth).
 */
function normalizeSpec(spec: Spec): Spec {
  const exclude = { ...spec.exclude, subscriptions: spec.exclude.subscriptions.map((s) => s.toLowerCase()) };
  const servers = resolveServers(spec.defender);
  const logAnalyticsAgent = servers ? { ...spec.logAnalyticsAgent, defender: serversPricing(servers).pricingTier === "Standard" } : spec.logAnalyticsAgent;
  return { ...spec, logAnalyticsAgent, subscriptions: spec.subscriptions.map((s) => s.toLowerCase()), exclude };
}
