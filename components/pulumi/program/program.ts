/**
 * The root program: the stack's declaration model (src/core/declarations: declareStack), rendered
 * as one AutoProvisioning per subscription of the stack config's spec.
 *
 * A custom (central) workspace has one solution and one security-event tier, whatever the number
 * of subscriptions that report to it: the model declares them once, owned by the subscription that
 * holds the workspace when it is in the list, otherwise by the first one (whose component then
 * makes a provider for the workspace's subscription). The owner's component renders them; the
 * others' AMA association remediations wait for it.
 */
import * as pulumi from "@pulumi/pulumi";
import { resolveScopeAt } from "../../../src/azure";
import { declareStack as declareStackModel, notScopesIn, type StackDeclarations } from "../../../src/core";
import type { LogAnalyticsAgentArgs } from "../args";
import { AutoProvisioning } from "../autoProvisioning";
import { CONFIG_NAMESPACE, EMULATOR_ENDPOINT_CONFIG_KEY } from "../provider";
import { currentStackConfig, readStackSettings, StackConfigError, stackInput, type StackSettings } from "./stackConfig";

/** What one subscription exports. */
export interface SubscriptionOutputs {
  /** Defender for Servers pricing tier set (null when auto provisioning is off). */
  readonly pricingTier: string | null;
  /** The workspace setting's ARM id (null with default workspaces). */
  readonly workspaceSettingId: string | null;
  /** Where machines report, by geography code (`*`: every geography, custom workspace). */
  readonly workspaces: pulumi.Output<Record<string, string>>;
  /** Policy assignment ids by extension toggle. */
  readonly policyAssignments: pulumi.Output<Record<string, string>>;
  /** AMA policy assignment ids by assignment name (`agent: ama`). */
  readonly amaPolicyAssignments: pulumi.Output<Record<string, string>>;
  /** The agent reconciliation's summary (with `asc-autoprovision:reconcile` other than off). */
  readonly agents?: {
    readonly mode: pulumi.Output<string>;
    readonly stepsApplied: pulumi.Output<number>;
    readonly remainingSteps: pulumi.Output<number>;
    readonly machineCount: pulumi.Output<number>;
    readonly planDigest: pulumi.Output<string>;
  };
}

export interface StackDeclaration {
  readonly settings: StackSettings;
  /** What the stack declares, as every front end renders it. */
  readonly model: StackDeclarations;
  readonly components: ReadonlyMap<string, AutoProvisioning>;
  readonly outputs: {
    /** `azure`, or the emulator's ARM endpoint. */
    readonly endpoint: string;
    readonly subscriptions: Record<string, SubscriptionOutputs>;
  };
}

/** The component name of a subscription's AutoProvisioning. */
export function componentName(subscriptionId: string): string {
  return `asc-${subscriptionId}`;
}

/** The subscriptions under a spec's management groups, as the CLI finds them (Resource Graph's `resourcecontainers`), through the stack's cloud. */
export type ScopeResolver = (settings: StackSettings, env: NodeJS.ProcessEnv) => Promise<readonly string[]>;

const throughStackCloud: ScopeResolver = (settings, env) =>
  resolveScopeAt(
    settings.spec,
    { value: settings.endpoint.kind === "emulator" ? settings.endpoint.endpoint : undefined, source: `${CONFIG_NAMESPACE}:${EMULATOR_ENDPOINT_CONFIG_KEY}` },
    env,
  );

/**
 * Declares the stack, the spec's management groups resolved first (at each program run, so a
 * subscription added under a group is declared on the next preview or up): the root program's way.
 */
export async function declareStackInScope(
  raw: Record<string, string | undefined> = currentStackConfig(),
  env: NodeJS.ProcessEnv = process.env,
  resolve: ScopeResolver = throughStackCloud,
): Promise<StackDeclaration> {
  const settings = readStackSettings(raw, env);
  if (!settings.unresolvedManagementGroups) return declareStack(settings);
  let resolved: readonly string[];
  try {
    resolved = await resolve(settings, env);
  } catch (err) {
    throw new StackConfigError([{ path: `${CONFIG_NAMESPACE}:managementGroups`, message: err instanceof Error ? err.message : String(err) }]);
  }
  return declareStack(readStackSettings(raw, env, resolved));
}

/** Declares the stack from its (validated) settings; a spec's management groups must be resolved already (declareStackInScope). */
export function declareStack(settings: StackSettings = readStackSettings()): StackDeclaration {
  const { spec } = settings;
  if (settings.unresolvedManagementGroups) {
    throw new StackConfigError([{ path: `${CONFIG_NAMESPACE}:managementGroups`, message: "names management groups whose subscriptions are not resolved: declare the stack with declareStackInScope" }]);
  }
  const la = spec.logAnalyticsAgent;
  const model = declareStackModel(stackInput(settings));
  const workspaceOwner = model.sharedWorkspace?.owner;

  const declared = new Map<string, AutoProvisioning>();
  // The workspace's owner first: the others' AMA association remediations wait for its rule.
  const order = workspaceOwner ? [workspaceOwner, ...spec.subscriptions.filter((s) => s !== workspaceOwner)] : spec.subscriptions;
  for (const sub of order) {
    const owns = sub === workspaceOwner;
    const logAnalyticsAgent: LogAnalyticsAgentArgs = {
      ...la,
      workspace:
        la.workspace === "default"
          ? "default"
          : {
              id: la.workspace.id,
              // The model's answer: the owner declares what this stack does not leave to another.
              installSolution: owns && !!model.sharedWorkspace?.solution,
              configureSecurityEvents: owns && !!model.sharedWorkspace?.securityEvents,
              sentinelOwnsSecurityEvents: settings.sentinelOwnsSecurityEvents,
              ...(settings.workspaceLocation !== undefined ? { location: settings.workspaceLocation } : {}),
              ...(owns || !workspaceOwner ? {} : { configuredBy: declared.get(workspaceOwner) }),
            },
    };
    const component = new AutoProvisioning(componentName(sub), {
      subscriptionId: sub,
      logAnalyticsAgent,
      extensions: spec.extensions,
      ...(spec.defender ? { defender: spec.defender } : {}),
      exclude: spec.exclude,
      machineRegions: settings.machineRegions.get(sub) ?? [],
      endpoint: settings.endpoint,
      ...(settings.reconcile ? { reconcile: settings.reconcile } : {}),
      amaPolicies: { ...settings.amaPolicies, notScopes: notScopesIn(sub, settings.amaPolicies.notScopes ?? []) },
    });
    declared.set(sub, component);
  }
  // Maps and outputs in the spec's order.
  const components = new Map(spec.subscriptions.map((sub) => [sub, declared.get(sub)!] as const));
  const subscriptions: Record<string, SubscriptionOutputs> = {};
  for (const [sub, component] of components) {
    subscriptions[sub] = {
      pricingTier: component.pricingTier ?? null,
      workspaceSettingId: component.workspaceSettingId ?? null,
      workspaces: component.workspaceIds,
      policyAssignments: component.policyAssignmentIds,
      amaPolicyAssignments: component.amaPolicyAssignmentIds,
      ...(component.agents
        ? {
            agents: {
              mode: component.agents.mode,
              stepsApplied: component.agents.stepsApplied,
              remainingSteps: component.agents.remainingSteps,
              machineCount: component.agents.machineCount,
              planDigest: component.agents.planDigest,
            },
          }
        : {}),
    };
  }
  const endpoint = settings.endpoint.kind === "emulator" ? settings.endpoint.endpoint : "azure";
  return { settings, model, components, outputs: { endpoint, subscriptions } };
}
