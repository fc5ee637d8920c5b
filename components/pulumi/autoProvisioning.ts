/**
 * AutoProvisioning: the seed's "Auto provisioning" page for one subscription, declared. It takes
 * the spec of DESIGN.md (the same shape as a spec file's `logAnalyticsAgent` and `extensions`,
 * validated by the same validators) and composes:
 *
 * - with `logAnalyticsAgent.autoProvision` on: the Defender for Servers pricing (`VirtualMachines`
 *   Standard with Defender on, Free off); then either one DefaultWorkspace per geography of
 *   `machineRegions`, or, for a custom workspace, the workspace setting that sends the
 *   subscription's machines there and that workspace's solution; and a SecurityEventCollection
 *   per workspace (the legacy data source with `agent: mma`, the data collection rule with `ama`);
 * - one ExtensionPolicy per extension toggle that is on (auto provisioning on or off, as the
 *   planner does);
 * - with `agent: ama` and auto provisioning on, the AMA policies (AzureMonitorAgentPolicy): per OS
 *   the AMA extension, and per OS and workspace the association with the workspace's data
 *   collection rule, limited to its geography's regions for a default workspace
 *   (src/spec/amaPolicies.ts), so machines created later are covered without a reconciliation.
 *
 * Azure has no declarative resource for the agent itself any more (autoProvisioningSettings "On"
 * is rejected as Deprecated, and azure-native v3 has no autoProvisioningSettings resource): the
 * per-machine work belongs to the AgentReconciliation dynamic resource, declared as one more child
 * when `reconcile` is given (from `spec`, after everything else this component declares).
 *
 * `pulumi destroy` is not how to turn Defender plans off: ARM refuses a pricing DELETE at
 * subscription scope (azapi issue #818; what azure-native's Pricing does on delete is not verified
 * here, no azure-native plugin runs on these machines), and the reconciliation undoes nothing
 * (examples/pulumi/README.md). Set the plans off and `pulumi up` before destroying.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Provider } from "@pulumi/azure-native/provider";
import type { Pricing, WorkspaceSetting } from "@pulumi/azure-native/security";
import {
  declareSubscription,
  readAmaPoliciesOptions,
  regionIssues,
  type AmaPoliciesOptions,
  type CustomWorkspaceInput,
  type SubscriptionDeclarations,
  unitName,
  workspaceSettingId,
  type Value,
} from "../../src/core";
import { runtimeOptionProblem, stateLocationProblem } from "../../src/azure";
import { geographiesOf, type ExtensionPolicyKey, type LogAnalyticsAgentSpec, type Spec } from "../../src/spec";
import type { AutoProvisioningArgs, CustomWorkspaceArgs, ExtensionsArgs, LogAnalyticsAgentArgs } from "./args";
import { failArgs, isKnown, joinPath, modelValue, parseSpecAs, unknownKeyIssues, type ValidationIssue } from "./internal/validation";
import { AzureMonitorAgentPolicy } from "./policy/azureMonitorAgentPolicy";
import { ExtensionPolicy } from "./policy/extensionPolicy";
import { EndpointError, stackEndpoint, subscriptionProvider, type AzureEndpoint } from "./provider";
import { AgentReconciliation } from "./reconcile/agentReconciliation";
import { RECONCILE_MODES, type ReconcileMode } from "./reconcile/types";
import { RenderedDeclarations } from "./render/registry";
import { renderDeclaration, renderUnit } from "./render/resources";
import { DefaultWorkspace } from "./workspace/defaultWorkspace";
import { SecurityEventCollection } from "./workspace/securityEventCollection";
import { checkedWorkspaceId } from "./workspace/workspaceId";

export const AUTO_PROVISIONING_TYPE = "asc-autoprovision:index:AutoProvisioning";

// The arguments name exactly the spec's fields (a spec change that the components miss fails typecheck).
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false;
const sameFields: [SameKeys<LogAnalyticsAgentArgs, LogAnalyticsAgentSpec>, SameKeys<ExtensionsArgs, Spec["extensions"]>] = [true, true];
void sameFields;

const TOP_LEVEL_KEYS = ["subscriptionId", "logAnalyticsAgent", "extensions", "defender", "exclude", "machineRegions", "endpoint", "reconcile", "amaPolicies"] as const;
/** The keys of a `reconcile` argument (and of the stack config's object), as refusals list them. */
export const RECONCILE_KEYS = ["mode", "delegateAbove", "concurrency", "inventory", "state"] as const;
const CUSTOM_WORKSPACE_KEYS = ["id", "location", "installSolution", "configureSecurityEvents", "sentinelOwnsSecurityEvents", "configuredBy", "provider"] as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The other subscriptions `defender` names (the designated subscription, an override's machine):
 * a component is one of the stack's subscriptions, and the stack's spec holds the others.
 */
function otherSubscriptionsIn(defender: unknown, own: unknown): string[] {
  const servers = (defender as { servers?: { directOnboarding?: { subscription?: unknown }; overrides?: unknown } } | null | undefined)?.servers;
  const named: unknown[] = [servers?.directOnboarding?.subscription];
  if (Array.isArray(servers?.overrides)) for (const o of servers.overrides as { id?: unknown }[]) named.push(typeof o?.id === "string" ? /^\/subscriptions\/([^/]+)\//i.exec(o.id)?.[1] : undefined);
  const ownId = typeof own === "string" ? own.toLowerCase() : "";
  return [...new Set(named.filter((s): s is string => typeof s === "string" && GUID.test(s)).map((s) => s.toLowerCase()))].filter((s) => s !== ownId);
}

/** Stands in for a workspace id known only at deployment, so the rest of the spec can be validated now. */
const PENDING_WORKSPACE_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/pending/providers/Microsoft.OperationalInsights/workspaces/pending";

/**
 * Validates AutoProvisioning's arguments with the spec's validators; issues name the argument
 * (`subscriptionId`, `logAnalyticsAgent.securityEvents`, `machineRegions[2]`...). Returns the
 * validated spec for this one subscription (a workspace id that is an Output is a placeholder
 * in it). Exported for tests.
 */
export function validateAutoProvisioningArgs(args: AutoProvisioningArgs): { spec: Spec | undefined; amaPolicies: AmaPoliciesOptions; issues: ValidationIssue[] } {
  if (args === undefined || args === null || typeof args !== "object") {
    return { spec: undefined, amaPolicies: readAmaPoliciesOptions(undefined, "amaPolicies", [], []), issues: [{ path: "args", message: "are required" }] };
  }
  const issues: ValidationIssue[] = unknownKeyIssues(args, TOP_LEVEL_KEYS, "");
  let la: unknown = args.logAnalyticsAgent;
  const ws = args.logAnalyticsAgent?.workspace;
  if (la !== null && typeof la === "object" && ws !== null && typeof ws === "object") {
    issues.push(...unknownKeyIssues(ws, CUSTOM_WORKSPACE_KEYS, "logAnalyticsAgent.workspace"));
    la = { ...la, workspace: { id: isKnown(ws.id) ? ws.id : PENDING_WORKSPACE_ID } };
    for (const key of ["installSolution", "configureSecurityEvents", "sentinelOwnsSecurityEvents"] as const) {
      if (ws[key] !== undefined && typeof ws[key] !== "boolean") {
        issues.push({ path: `logAnalyticsAgent.workspace.${key}`, message: `${JSON.stringify(ws[key])} is not a boolean` });
      }
    }
  }
  const others = otherSubscriptionsIn(args.defender, args.subscriptionId);
  const input: Record<string, unknown> = { subscriptions: [args.subscriptionId, ...others] };
  if (la !== undefined) input["logAnalyticsAgent"] = la;
  if (args.extensions !== undefined) input["extensions"] = args.extensions;
  if (args.defender !== undefined) input["defender"] = args.defender;
  if (args.exclude !== undefined) input["exclude"] = args.exclude;
  const parsed = parseSpecAs(input, (p) => (p.startsWith("subscriptions[0]") ? "subscriptionId" + p.slice("subscriptions[0]".length) : p));
  issues.push(...parsed.issues);
  if (args.machineRegions !== undefined) {
    if (!Array.isArray(args.machineRegions)) {
      issues.push({ path: "machineRegions", message: `${JSON.stringify(args.machineRegions)} is not an array of region names` });
    } else {
      args.machineRegions.forEach((r, i) => issues.push(...regionIssues(r, `machineRegions[${i}]`)));
    }
  }
  if (args.reconcile !== undefined) issues.push(...reconcileIssues(args.reconcile, "reconcile"));
  const amaPolicies = readAmaPoliciesOptions(args.amaPolicies, "amaPolicies", typeof args.subscriptionId === "string" ? [args.subscriptionId] : [], issues);
  const spec = parsed.spec && others.length ? { ...parsed.spec, subscriptions: parsed.spec.subscriptions.slice(0, 1) } : parsed.spec;
  return { spec: issues.length ? undefined : spec, amaPolicies, issues };
}

/** Issues of a `reconcile` argument (or stack config value), named under `path`. */
export function reconcileIssues(value: unknown, path: string): ValidationIssue[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [{ path, message: `${JSON.stringify(value)} is not an object (${RECONCILE_KEYS.join(", ")})` }];
  const issues = unknownKeyIssues(value, RECONCILE_KEYS, path);
  const r = value as Record<string, unknown>;
  if (r.mode !== undefined && !RECONCILE_MODES.includes(r.mode as ReconcileMode)) {
    issues.push({ path: joinPath(path, "mode"), message: `${JSON.stringify(r.mode)} is not one of ${RECONCILE_MODES.join(", ")}` });
  }
  if (r.inventory !== undefined) {
    if (typeof r.inventory !== "string" || r.inventory === "") issues.push({ path: joinPath(path, "inventory"), message: `${JSON.stringify(r.inventory)} is not a file name` });
    else if ((r.mode ?? "apply") !== "report") issues.push({ path: joinPath(path, "inventory"), message: `an inventory file is a snapshot: it can only be reported on (mode "report")` });
  }
  // The runtime options' own table (src/azure/options.ts), as the CLI and AgentReconciliation check them.
  for (const key of ["delegateAbove", "concurrency"] as const) {
    const problem = r[key] === undefined ? undefined : runtimeOptionProblem(key, r[key]);
    if (problem) issues.push({ path: joinPath(path, key), message: `${JSON.stringify(r[key])} ${problem}` });
  }
  // The CLI's check of `--state`, as AgentReconciliation's check words it.
  const stateProblem = r.state === undefined ? undefined : stateLocationProblem(r.state);
  if (stateProblem) issues.push({ path: joinPath(path, "state"), message: stateProblem });
  return issues;
}

/** Re-exported for callers of the component; the rule lives in src/spec/geography. */
export { geographiesOf };

/**
 * Auto provisioning for one subscription: a renderer of the subscription's part of the
 * declaration model (src/core/declarations: declareSubscription).
 *
 * Providers: resources that live in a resource group take their subscription from the provider, so
 * unless the options carry an azure-native provider (`provider`/`providers`, or inherited from a
 * parent), the component creates one for `subscriptionId` (`<name>-provider`, at `endpoint`).
 *
 * Agent reconciliation: with `reconcile`, an AgentReconciliation (`<name>-agents`) reconciles the
 * subscription's machines from `spec`, against `endpoint`, once every other resource here exists.
 * It is parented here without the azure-native provider (a dynamic resource has its own).
 */
export class AutoProvisioning extends pulumi.ComponentResource {
  /** The subscription GUID, lower-cased. */
  public readonly subscriptionId!: string;
  /** This subscription's spec, validated and with defaults (the custom workspace's id resolved). */
  public readonly spec!: pulumi.Output<Spec>;
  /** What this component declares: its subscription's part of the declaration model. */
  public readonly declarations!: SubscriptionDeclarations;
  /** The resources it rendered, by declaration key. */
  public readonly rendered!: RenderedDeclarations;
  /** Which Azure this component's resources (and the agent reconciliation) talk to. */
  public readonly endpoint!: AzureEndpoint;
  /** The azure-native provider this component created, if it created one. */
  public readonly provider?: Provider;
  /** Defender for Servers pricing, when auto provisioning is on. */
  public readonly pricing?: Pricing;
  /** Workspace setting sending new machines to the custom workspace. */
  public readonly workspaceSetting?: WorkspaceSetting;
  /** The default workspaces, one per geography of `machineRegions`. */
  public readonly defaultWorkspaces!: DefaultWorkspace[];
  /** The wiring to the custom workspace (its solution), when this component declares it. */
  public readonly customWorkspace?: DefaultWorkspace;
  /** The security-event tier of each workspace this component configures. */
  public readonly securityEvents!: SecurityEventCollection[];
  /** The agent reconciliation, when `reconcile` was given. */
  public readonly agents?: AgentReconciliation;
  /** The extension policies that are on. */
  public readonly policies!: Partial<Record<ExtensionPolicyKey, ExtensionPolicy>>;
  /** The AMA policy assignments (`agent: ama`), in src/spec/amaPolicies.ts's order. */
  public readonly amaPolicies!: AzureMonitorAgentPolicy[];
  /** The resources of the units no component presents (capabilities without a component of their own). */
  public readonly others!: pulumi.CustomResource[];
  /** AMA assignment ids by assignment name. */
  public readonly amaPolicyAssignmentIds!: pulumi.Output<Record<string, string>>;
  /** Where machines report, by geography code (`*` for every geography with a custom workspace). */
  public readonly workspaceIds!: pulumi.Output<Record<string, string>>;
  /** Assignment ids by extension toggle. */
  public readonly policyAssignmentIds!: pulumi.Output<Record<string, string>>;
  /** The ARM id of the workspace setting, when there is one. */
  public readonly workspaceSettingId?: string;
  /** The Defender for Servers pricing tier set, when auto provisioning is on. */
  public readonly pricingTier?: "Standard" | "Free";
  /** What an agent install waits for: workspaces, solutions, tiers, the workspace setting. */
  public readonly readiness!: pulumi.Resource[];
  /** Options for children: parented here, with this component's provider if it made one. */
  protected readonly childOptions!: pulumi.CustomResourceOptions;

  constructor(name: string, args: AutoProvisioningArgs, opts?: pulumi.ComponentResourceOptions) {
    super(AUTO_PROVISIONING_TYPE, name, {}, opts);
    if (opts?.urn) return;
    const { spec, amaPolicies: amaOptions, issues } = validateAutoProvisioningArgs(args);
    if (!spec) failArgs(this, "AutoProvisioning", name, issues);
    const sub = spec.subscriptions[0]!;
    this.subscriptionId = sub;

    let endpoint: AzureEndpoint;
    try {
      endpoint = args.endpoint ?? stackEndpoint();
    } catch (err) {
      if (err instanceof EndpointError) failArgs(this, "AutoProvisioning", name, [{ path: "endpoint", message: err.message }]);
      throw err;
    }
    this.endpoint = endpoint;
    const ownProvider = this.getProvider("azure-native:index:Provider") === undefined;
    if (ownProvider) this.provider = subscriptionProvider(`${name}-provider`, sub, endpoint, { parent: this });
    this.childOptions = this.provider ? { parent: this, provider: this.provider } : { parent: this };

    const customArgs = typeof args.logAnalyticsAgent?.workspace === "object" ? args.logAnalyticsAgent.workspace : undefined;
    // A custom workspace id known only at deployment is validated then; everything that uses it derives from it.
    const checkedId = customArgs ? checkedWorkspaceId(this, "AutoProvisioning", name, customArgs.id, "logAnalyticsAgent.workspace.id") : undefined;
    this.spec = checkedId ? checkedId.apply((id) => ({ ...spec, logAnalyticsAgent: { ...spec.logAnalyticsAgent, workspace: { id } } })) : pulumi.output(spec);
    const customWorkspace: CustomWorkspaceInput | undefined = customArgs && {
      id: isKnown(customArgs.id) ? customArgs.id : modelValue<string>(checkedId!),
      ...(customArgs.location !== undefined ? { location: modelValue<string>(customArgs.location) } : {}),
      declareSolution: customArgs.installSolution ?? true,
      declareSecurityEvents: customArgs.configureSecurityEvents ?? true,
      sentinelOwnsSecurityEvents: customArgs.sentinelOwnsSecurityEvents ?? false,
    };
    const model = declareSubscription({
      spec,
      subscriptionId: sub,
      machineRegions: args.machineRegions ?? [],
      amaPolicies: { ...amaOptions, remediate: args.amaPolicies?.remediate ?? !args.reconcile },
      ...(customWorkspace ? { customWorkspace } : {}),
    });
    this.declarations = model;
    // Another AutoProvisioning may declare the shared workspace's rule: `configuredBy` stands for it.
    const registry = new RenderedDeclarations((key) => (model.external.includes(key) && customArgs?.configuredBy ? [customArgs.configuredBy] : []));
    this.rendered = registry;
    const here = { parent: this, name, registry, options: this.childOptions };
    // Each child renders its unit through this component's registry.
    const child = <U>(declared: U) => ({ declared, registry });

    const readiness: pulumi.Resource[] = [];
    const workspaceIds: Record<string, pulumi.Input<string>> = {};
    this.defaultWorkspaces = [];
    this.securityEvents = [];
    for (const d of model.settings) {
      const resource = renderDeclaration(here, d);
      if (d.kind === "pricing") {
        this.pricing = resource as Pricing;
        this.pricingTier = d.props.tier;
      } else {
        this.workspaceSetting = resource as WorkspaceSetting;
        this.workspaceSettingId = workspaceSettingId(sub);
        readiness.push(resource);
      }
    }
    for (const { workspace, securityEvents } of model.defaultWorkspaces) {
      const code = workspace.geography!.code;
      const dw = new DefaultWorkspace(`${name}-${code}`, child(workspace), this.childOptions);
      const events = new SecurityEventCollection(`${name}-${code}-security-events`, child(securityEvents), this.childOptions);
      this.defaultWorkspaces.push(dw);
      this.securityEvents.push(events);
      readiness.push(dw, events);
      workspaceIds[code] = dw.workspaceId;
    }
    const custom = model.customWorkspace;
    if (custom && customArgs) {
      for (const code of custom.geographyCodes) workspaceIds[code] = registry.input(custom.workspaceId);
      if (custom.solution || custom.securityEvents) {
        const wsOptions = this.workspaceOptions(name, customArgs, custom.solution?.subscriptionId ?? custom.securityEvents!.subscriptionId, endpoint);
        if (custom.solution) {
          this.customWorkspace = new DefaultWorkspace(`${name}-workspace`, child(custom.solution), wsOptions);
          readiness.push(this.customWorkspace);
        }
        if (custom.securityEvents) {
          const events = new SecurityEventCollection(`${name}-security-events`, child(custom.securityEvents), wsOptions);
          this.securityEvents.push(events);
          readiness.push(events);
        }
      }
    }

    this.policies = {};
    const assignmentIds: Record<string, pulumi.Output<string>> = {};
    for (const unit of model.extensionPolicies) {
      const policy = new ExtensionPolicy(`${name}-${unit.assignmentName}`, child(unit), this.childOptions);
      this.policies[unit.policyKey as ExtensionPolicyKey] = policy;
      assignmentIds[unit.policyKey] = policy.assignmentId;
    }
    this.amaPolicies = [];
    const amaAssignmentIds: Record<string, pulumi.Output<string>> = {};
    for (const unit of model.amaPolicies) {
      const policy = new AzureMonitorAgentPolicy(`${name}-${unit.assignmentName}`, child(unit), this.childOptions);
      this.amaPolicies.push(policy);
      amaAssignmentIds[unit.assignmentName] = policy.assignmentId;
    }

    // Units of capabilities no component here presents: rendered as they are, in this subscription.
    this.others = [];
    for (const unit of model.others) {
      if (unit.issues.length) failArgs(this, "AutoProvisioning", name, unit.issues);
      for (const warning of unit.warnings) void pulumi.log.warn(warning, this);
      this.others.push(...renderUnit({ parent: this, name: `${name}-${unitName(unit, sub)}`, registry, options: this.childOptions }, unit).values());
    }

    this.readiness = readiness;
    this.workspaceIds = pulumi.output(workspaceIds);
    this.policyAssignmentIds = pulumi.output(assignmentIds);
    this.amaPolicyAssignmentIds = pulumi.output(amaAssignmentIds);

    if (args.reconcile) {
      // The plan covers the whole subscription: it must find the pricing, workspaces, tiers and
      // policies this component declares already in place, or it would plan them a second time.
      const before: pulumi.Resource[] = [...readiness, ...(this.pricing ? [this.pricing] : []), ...Object.values(this.policies), ...this.amaPolicies, ...this.others];
      this.agents = new AgentReconciliation(
        `${name}-agents`,
        {
          spec: this.spec,
          endpoint,
          mode: args.reconcile.mode ?? "apply",
          inventory: args.reconcile.inventory,
          delegateAbove: args.reconcile.delegateAbove,
          concurrency: args.reconcile.concurrency,
          state: args.reconcile.state,
        },
        { parent: this, dependsOn: before },
      );
    }
    this.registerOutputs({
      subscriptionId: this.subscriptionId,
      pricingTier: this.pricingTier,
      workspaceSettingId: this.workspaceSettingId,
      workspaceIds: this.workspaceIds,
      policyAssignmentIds: this.policyAssignmentIds,
      amaPolicyAssignmentIds: this.amaPolicyAssignmentIds,
      ...(this.agents
        ? {
            agents: {
              mode: this.agents.mode,
              stepsApplied: this.agents.stepsApplied,
              remainingSteps: this.agents.remainingSteps,
              machineCount: this.agents.machineCount,
              planDigest: this.agents.planDigest,
            },
          }
        : {}),
    });
  }

  /** Options for the custom workspace's resources: parented here, with a provider for the workspace's subscription. */
  private workspaceOptions(name: string, ws: CustomWorkspaceArgs, workspaceSubscription: Value<string>, endpoint: AzureEndpoint): pulumi.CustomResourceOptions {
    if (ws.provider) return { parent: this, provider: ws.provider };
    // Known only at deployment: assumed to be this subscription (`provider` says otherwise).
    const wsSub = typeof workspaceSubscription === "string" ? workspaceSubscription : this.subscriptionId;
    if (wsSub === this.subscriptionId) return this.childOptions;
    if (this.provider) {
      return { parent: this, provider: subscriptionProvider(`${name}-workspace-provider`, wsSub, endpoint, { parent: this }) };
    }
    return failArgs(this, "AutoProvisioning", name, [
      {
        path: "logAnalyticsAgent.workspace.provider",
        message: `the workspace is in subscription ${wsSub}, not ${this.subscriptionId}: pass an azure-native provider for that subscription (or set installSolution and configureSecurityEvents to false)`,
      },
    ]);
  }
}
