/**
 * Which parameters of Azure Landing Zones' Defender initiative (Deploy-MDFC-Config) set something
 * other than the spec asks for one subscription: each is a plan or component its remediation and
 * this tool would set back and forth. Only parameters the spec decides are compared (a plan the
 * spec does not manage is ALZ's to set); one that agrees is not listed.
 */
import type { InventoryPolicyAssignment } from "../../inventory/schema";
import { ALZ_DEPLOY_EFFECT, ALZ_MDFC_DEFAULTS, ALZ_MDFC_PLAN_SWITCHES, resolveContainers, resolveServers, type Spec } from "../../spec";

/** One parameter that differs: `enableAscForContainers: Disabled, spec: defender.containers.enabled true`. */
export interface ParameterDifference {
  readonly parameter: string;
  readonly value: string;
  /** The value is the set's default: the assignment does not give the parameter. */
  readonly defaulted: boolean;
  /** The spec's field and value it differs from. */
  readonly spec: string;
}

/** The comparison of one assignment's parameters with the spec: those compared, and those of them that differ. */
export interface ParameterComparison {
  readonly compared: readonly string[];
  /** Those of `compared` the assignment does not give (the set's default applies). */
  readonly defaulted: readonly string[];
  readonly differences: readonly ParameterDifference[];
}

interface Check {
  readonly parameter: string;
  /** Whether the parameter's value (as a string) is what the spec asks. */
  readonly agrees: (value: string) => boolean;
  readonly spec: string;
}

const deploys = (value: string) => value.toLowerCase() === ALZ_DEPLOY_EFFECT.toLowerCase();
const same = (want: string) => (value: string) => value.toLowerCase() === want.toLowerCase();

/** What the spec asks of each parameter it decides, for `subscriptionId`. */
function checksFor(spec: Spec, subscriptionId: string): Check[] {
  const checks: Check[] = [];
  const servers = resolveServers(spec.defender);
  if (servers) {
    const on = servers.plan !== "Off";
    checks.push({ parameter: "enableAscForServers", agrees: (v) => deploys(v) === on, spec: `defender.servers.plan ${servers.plan}` });
    if (on) {
      checks.push({ parameter: "ascForServersSubPlan", agrees: same(servers.plan), spec: `defender.servers.plan ${servers.plan}` });
      if (servers.plan === "P2") {
        checks.push({ parameter: "ascForServersIsAgentlessVmScanningEnabled", agrees: same(String(servers.agentlessScanning)), spec: `defender.servers.agentlessScanning.enabled ${servers.agentlessScanning}` });
      }
      const designated = servers.designatedSubscription;
      checks.push({
        parameter: "ascForServersIsMdeDesignatedSubscriptionEnabled",
        agrees: same(String(designated === subscriptionId.toLowerCase())),
        spec: `defender.servers.directOnboarding.subscription ${designated ?? "(none)"}`,
      });
      const va = servers.vulnerabilityAssessment;
      checks.push({ parameter: "enableAscForServersVulnerabilityAssessments", agrees: (v) => deploys(v) === (va === "mdeTvm"), spec: `defender.servers.vulnerabilityAssessment ${va}` });
      if (va === "mdeTvm") checks.push({ parameter: "vulnerabilityAssessmentProvider", agrees: same("mdeTvm"), spec: `defender.servers.vulnerabilityAssessment ${va}` });
    }
  }
  const containers = resolveContainers(spec.defender);
  if (containers) {
    checks.push({ parameter: "enableAscForContainers", agrees: (v) => deploys(v) === containers.enabled, spec: `defender.containers.enabled ${containers.enabled}` });
  }
  for (const [plan, wanted] of Object.entries(spec.defender?.plans ?? {})) {
    const params = ALZ_MDFC_PLAN_SWITCHES[plan];
    if (!params) continue;
    checks.push({ parameter: params.effect, agrees: (v) => deploys(v) === wanted.enabled, spec: `defender.plans.${plan}.enabled ${wanted.enabled}` });
    if (params.subPlan && wanted.enabled && wanted.subPlan) {
      checks.push({ parameter: params.subPlan, agrees: same(wanted.subPlan), spec: `defender.plans.${plan}.subPlan ${wanted.subPlan}` });
    }
  }
  return checks;
}

/** The assignment's value of a parameter as text, or the set's default when it does not give it. */
function valueOf(a: InventoryPolicyAssignment, parameter: string): { value: string; defaulted: boolean } | undefined {
  const given = a.parameters?.[parameter];
  if (given !== undefined && given !== null) return { value: typeof given === "string" ? given : JSON.stringify(given), defaulted: false };
  const fallback = ALZ_MDFC_DEFAULTS[parameter];
  return fallback === undefined ? undefined : { value: fallback, defaulted: true };
}

/** ALZ's initiative assignment `a` against the spec for `subscriptionId`. */
export function compareAlzParameters(spec: Spec, a: InventoryPolicyAssignment, subscriptionId: string): ParameterComparison {
  const compared: string[] = [];
  const defaulted: string[] = [];
  const differences: ParameterDifference[] = [];
  for (const check of checksFor(spec, subscriptionId)) {
    const found = valueOf(a, check.parameter);
    if (!found) continue;
    compared.push(check.parameter);
    if (found.defaulted) defaulted.push(check.parameter);
    if (!check.agrees(found.value)) differences.push({ parameter: check.parameter, ...found, spec: check.spec });
  }
  return { compared, defaulted, differences };
}

/** The comparison in a finding's words (empty when nothing was compared). */
export function describeComparison(c: ParameterComparison): string {
  if (!c.compared.length) return "";
  if (!c.differences.length) {
    const defaults = c.defaulted.length === c.compared.length ? ": the assignment gives none of them, the set's defaults apply" : c.defaulted.length ? `; not given, the set's default: ${c.defaulted.join(", ")}` : "";
    return `Its parameters this spec decides agree with it (${c.compared.join(", ")})${defaults}.`;
  }
  const items = c.differences.map((d) => `${d.parameter}: ${d.value}${d.defaulted ? " (not given: the set's default)" : ""}, spec: ${d.spec}`);
  return `Its parameters that differ from this spec: ${items.join("; ")}.`;
}
