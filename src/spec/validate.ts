/**
 * Spec validation: the schema, then the rules between fields that the seed states.
 */
import { defenderIssues, legacyDefenderSwitchIssues, serversPricing, resolveServers } from "./defenderSchema";
import { ValidationError, issuesFromZod, type ValidationIssue } from "./errors";
import { specSchema, type Spec } from "./schema";

/** Rules between fields. Each issue names the field a user must change. */
export function crossFieldIssues(spec: Spec): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const la = spec.logAnalyticsAgent;
  // Seed: "If you're enabling auto provisioning for the Microsoft Dependency agent, ensure the Log
  // Analytics agent is set to auto deploy too."
  for (const os of ["windows", "linux"] as const) {
    if (spec.extensions.dependencyAgent[os] && !la.autoProvision) {
      issues.push({
        path: `extensions.dependencyAgent.${os}`,
        message: "the Dependency agent requires the Log Analytics agent: set logAnalyticsAgent.autoProvision to true",
      });
    }
  }
  if (la.removeLegacyAgent && la.agent !== "ama") {
    issues.push({
      path: "logAnalyticsAgent.removeLegacyAgent",
      message: 'only applies with logAnalyticsAgent.agent "ama" (the legacy agent is removed only once AMA reports)',
    });
  }
  issues.push(...defenderIssues(spec.defender, spec.subscriptions.map((s) => s.toLowerCase())));
  const seen = new Set<string>();
  spec.subscriptions.forEach((sub, i) => {
    const key = sub.toLowerCase();
    if (seen.has(key)) issues.push({ path: `subscriptions[${i}]`, message: `"${sub}" is listed twice` });
    seen.add(key);
  });
  return issues;
}

/** Validates and fills defaults; throws ValidationError naming every bad path. */
export function parseSpec(input: unknown): Spec {
  const result = specSchema.safeParse(input);
  if (!result.success) throw new ValidationError("spec", issuesFromZod(result.error, input));
  const issues = [...legacyDefenderSwitchIssues(input, result.data.defender?.servers), ...crossFieldIssues(result.data)];
  if (issues.length) throw new ValidationError("spec", issues);
  return normalizeSpec(result.data);
}

/**
 * Subscription ids lower-cased, so ids compare as ARM compares them; with `defender.servers`,
 * `logAnalyticsAgent.defender` follows its plan (one source of truth).
 */
function normalizeSpec(spec: Spec): Spec {
  const servers = resolveServers(spec.defender);
  const logAnalyticsAgent = servers ? { ...spec.logAnalyticsAgent, defender: serversPricing(servers).pricingTier === "Standard" } : spec.logAnalyticsAgent;
  return { ...spec, logAnalyticsAgent, subscriptions: spec.subscriptions.map((s) => s.toLowerCase()) };
}
