/**
 * The root program's stack config: the spec of DESIGN.md under the project's namespace
 * (`asc-autoprovision:subscriptions`, `:logAnalyticsAgent`, `:extensions`, `:defender`), plus what a spec
 * file gets from an inventory instead (`:machineRegions`, `:sentinelOwnsSecurityEvents`,
 * `:workspaceLocation`: the model's other inputs, as the CDKTF stack's props), the
 * endpoint selection (`:emulatorEndpoint`), the agent reconciliation (`:reconcile`) and the AMA
 * policy assignments (`:amaPolicies`). Declared in Pulumi.yaml's `config:` block; validated
 * by parseSpec, so a bad value fails the preview with a message naming the key, e.g.
 * `asc-autoprovision:logAnalyticsAgent.securityEvents: "Most" is not one of None, Minimal, Common, All`.
 */
import * as pulumi from "@pulumi/pulumi";
import { readAmaPoliciesOptions, readMachineRegions as parseMachineRegions, regionIssues, resolvedScope, type StackInput } from "../../../src/core";
import { ValidationError, type Spec, type ValidationIssue } from "../../../src/spec";
import type { AmaPoliciesArgs, ReconcileArgs } from "../args";
import { RECONCILE_KEYS, reconcileIssues } from "../autoProvisioning";
import { parseSpecAs } from "../internal/validation";
import { CONFIG_NAMESPACE, EMULATOR_ENDPOINT_CONFIG_KEY, EndpointError, selectEndpoint, type AzureEndpoint } from "../provider";

/** The keys of the namespace, in Pulumi.yaml's order. */
export const STACK_CONFIG_KEYS = [
  "subscriptions",
  "managementGroups",
  "exclude",
  "logAnalyticsAgent",
  "extensions",
  "defender",
  "machineRegions",
  "sentinelOwnsSecurityEvents",
  "workspaceLocation",
  "installSolution",
  "configureSecurityEvents",
  EMULATOR_ENDPOINT_CONFIG_KEY,
  "reconcile",
  "amaPolicies",
] as const;

/** `asc-autoprovision:reconcile` as a word: no agent reconciliation, or one in that mode. */
export const RECONCILE_WORDS = ["off", "apply", "report"] as const;
export type StackConfigKey = (typeof STACK_CONFIG_KEYS)[number];

/** A stack config that fails validation; RunError, so Pulumi prints the message without a stack trace. */
export class StackConfigError extends pulumi.RunError {
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(new ValidationError("stack config", issues).message);
    this.name = "StackConfigError";
  }
}

export interface StackSettings {
  /**
   * The validated spec (defaults filled, subscription ids lower-cased); with management groups
   * resolved, its subscriptions are the listed ones and then those found under the groups.
   */
  readonly spec: Spec;
  /** The spec names management groups whose subscriptions are not resolved yet (declareStackInScope resolves them). */
  readonly unresolvedManagementGroups: boolean;
  /** Regions of each subscription's machines (lower-case subscription id → regions). */
  readonly machineRegions: ReadonlyMap<string, readonly string[]>;
  /** Sentinel configures the custom workspace's security events. */
  readonly sentinelOwnsSecurityEvents: boolean;
  /** The custom workspace's location; undefined: looked up at deployment. */
  readonly workspaceLocation?: string;
  /** Declare the custom workspace's solution in this stack (false: another stack owns it). */
  readonly installSolution: boolean;
  /** Declare the custom workspace's security-event tier in this stack (false: another stack owns it). */
  readonly configureSecurityEvents: boolean;
  readonly endpoint: AzureEndpoint;
  /** The agent reconciliation of every subscription; undefined: none (`off`, the default). */
  readonly reconcile?: ReconcileArgs;
  /** The AMA policy assignments' options as written (validated; not-scopes under the spec's subscriptions). */
  readonly amaPolicies: AmaPoliciesArgs;
}

/** The raw values of the namespace's keys (`key` → the string Pulumi passes), as the running program sees them. */
export function currentStackConfig(): Record<string, string> {
  const prefix = CONFIG_NAMESPACE + ":";
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  }
  return out;
}

/** Pulumi passes structured values as JSON text and scalars as plain text. */
function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function key(path: string): string {
  return `${CONFIG_NAMESPACE}:${path}`;
}

/**
 * Reads and validates the stack config. `raw` maps a key of the namespace (without the
 * `asc-autoprovision:` prefix) to its text; throws StackConfigError naming every bad key.
 * `resolved`: the subscriptions under the spec's management groups (resolveScopeAt), which the
 * inputs keyed by subscription (machineRegions, amaPolicies.notScopes) are then checked against.
 */
export function readStackSettings(raw: Record<string, string | undefined> = currentStackConfig(), env: NodeJS.ProcessEnv = process.env, resolved?: readonly string[]): StackSettings {
  const issues: ValidationIssue[] = [];
  for (const k of Object.keys(raw)) {
    if (raw[k] !== undefined && !(STACK_CONFIG_KEYS as readonly string[]).includes(k)) {
      issues.push({ path: key(k), message: `is not a known key (allowed: ${STACK_CONFIG_KEYS.join(", ")})` });
    }
  }
  const input: Record<string, unknown> = {};
  for (const k of ["subscriptions", "managementGroups", "exclude", "logAnalyticsAgent", "extensions", "defender"] as const) {
    const text = raw[k];
    if (text === undefined) continue;
    const value = decode(text);
    // Pulumi.yaml's default `{}` for defender means "not managed", as an absent key does.
    if (k === "defender" && value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0) continue;
    input[k] = value;
  }
  const parsed = parseSpecAs(input, (p) => key(p));
  issues.push(...parsed.issues);
  const spec = parsed.spec && resolved ? resolvedScope(parsed.spec, resolved) : parsed.spec;
  const unresolvedManagementGroups = !!spec?.managementGroups.length && !resolved;

  const subscriptions = spec?.subscriptions ?? [];
  // Until the groups are resolved, a subscription under them is not known: the keys are checked then.
  const machineRegions = unresolvedManagementGroups ? new Map<string, string[]>() : readMachineRegions(raw["machineRegions"], subscriptions, issues);

  const flag = (k: "sentinelOwnsSecurityEvents" | "installSolution" | "configureSecurityEvents", otherwise: boolean): boolean => {
    const text = raw[k];
    if (text === undefined || text === "") return otherwise;
    const v = decode(text);
    if (typeof v === "boolean") return v;
    issues.push({ path: key(k), message: `${JSON.stringify(v)} is not a boolean` });
    return otherwise;
  };
  const sentinelOwnsSecurityEvents = flag("sentinelOwnsSecurityEvents", false);
  const installSolution = flag("installSolution", true);
  const configureSecurityEvents = flag("configureSecurityEvents", true);

  const location = raw["workspaceLocation"];
  const workspaceLocation = location === undefined || location === "" ? undefined : decode(location);
  if (workspaceLocation !== undefined) issues.push(...regionIssues(workspaceLocation, key("workspaceLocation")));

  let endpoint: AzureEndpoint = { kind: "azure" };
  try {
    endpoint = selectEndpoint(raw[EMULATOR_ENDPOINT_CONFIG_KEY], env);
  } catch (err) {
    if (!(err instanceof EndpointError)) throw err;
    issues.push({ path: err.source, message: err.detail });
  }

  const reconcile = readReconcile(raw["reconcile"], issues);
  const amaText = raw["amaPolicies"];
  const amaPolicies = amaText === undefined || amaText === "" ? {} : (decode(amaText) as AmaPoliciesArgs);
  if (!unresolvedManagementGroups) readAmaPoliciesOptions(amaPolicies, key("amaPolicies"), subscriptions, issues);

  if (issues.length || !spec) throw new StackConfigError(issues);
  return {
    spec,
    unresolvedManagementGroups,
    machineRegions,
    sentinelOwnsSecurityEvents,
    ...(typeof workspaceLocation === "string" ? { workspaceLocation } : {}),
    installSolution,
    configureSecurityEvents,
    endpoint,
    ...(reconcile ? { reconcile } : {}),
    amaPolicies,
  };
}

/**
 * `reconcile`: `off` (default), `apply` or `report`, or an object `{mode, delegateAbove,
 * concurrency, inventory, state}` (`pulumi config set --path asc-autoprovision:reconcile.mode report`).
 */
function readReconcile(text: string | undefined, issues: ValidationIssue[]): ReconcileArgs | undefined {
  if (text === undefined || text === "") return undefined;
  const value = decode(text);
  const path = key("reconcile");
  if (typeof value === "string") {
    if (value === "off") return undefined;
    if (value === "apply" || value === "report") return { mode: value };
    issues.push({ path, message: `${JSON.stringify(value)} is not one of ${RECONCILE_WORDS.join(", ")} (or an object with ${RECONCILE_KEYS.join(", ")})` });
    return undefined;
  }
  const found = reconcileIssues(value, path);
  issues.push(...found);
  return found.length ? undefined : (value as ReconcileArgs);
}

/**
 * `machineRegions`: a list of regions (every subscription's machines are there) or a map from
 * subscription id to its list. Unset: no regions (no default workspace is declared).
 */
function readMachineRegions(text: string | undefined, subscriptions: readonly string[], issues: ValidationIssue[]): Map<string, string[]> {
  const value = text === undefined || text === "" ? undefined : decode(text);
  return parseMachineRegions(value, subscriptions, issues, { machineRegions: key("machineRegions"), subscriptions: key("subscriptions") });
}

/** The declaration model's input for the stack's settings (the AMA remediations default to off beside the agent reconciliation). */
export function stackInput(settings: StackSettings): StackInput {
  const ama = readAmaPoliciesOptions(settings.amaPolicies, "amaPolicies", settings.spec.subscriptions, []);
  return {
    spec: settings.spec,
    machineRegions: settings.machineRegions,
    sentinelOwnsSecurityEvents: settings.sentinelOwnsSecurityEvents,
    ...(settings.workspaceLocation !== undefined ? { workspaceLocation: settings.workspaceLocation } : {}),
    installSolution: settings.installSolution,
    configureSecurityEvents: settings.configureSecurityEvents,
    amaPolicies: { ...ama, remediate: settings.amaPolicies.remediate ?? !settings.reconcile },
  };
}
