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
import { declareStack as declareStackModel, notScopesIn, type StackDeclarations } from "../../../src/core";
import type { LogAnalyticsAgentArgs } from "../args";
import { AutoProvisioning } from "../autoProvisioning";
import { readStackSettings, stackInput, type StackSettings } from "./stackConfig";

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

/** Declares the stack from its (validated) settings. */
export function declareStack(settings: StackSettings = readStackSettings()): StackDeclaration {
  const { spec } = settings;
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
              installSolution: owns,
              configureSecurityEvents: owns,
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
