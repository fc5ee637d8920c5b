/**
 * AutoProvisioning's arguments in TypeScript: the types generated from its field schemas
 * (fields.ts → fields.generated.ts, each field documented there), with the few fields whose
 * TypeScript type is richer than the schema's (values known only at deployment, resources,
 * the endpoint object). The overrides are homomorphic mapped types, so every field keeps its
 * documentation in editors.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { DefenderFields, ExtensionsFields } from "../../src/core";
import type { AmaPoliciesArgsFields, AutoProvisioningFields, CustomWorkspaceArgsFields, LogAnalyticsAgentArgsFields, ReconcileArgsFields } from "./fields.generated";
import type { AzureEndpoint } from "./provider";

/** `T` with the types of the fields in `O` replaced (documentation kept). */
export type Override<T, O extends { readonly [K in keyof T]?: unknown }> = { readonly [K in keyof T]: K extends keyof O ? O[K] : T[K] };

/** `T` with the fields in `D` also taking Pulumi inputs (documentation kept). */
export type WithInputs<T, D extends keyof T> = { readonly [K in keyof T]: K extends D ? pulumi.Input<NonNullable<T[K]>> : T[K] };

/**
 * A user's existing Log Analytics workspace that every machine of the subscription reports to: the
 * spec's `logAnalyticsAgent.workspace`, with this component's options.
 */
export interface CustomWorkspaceArgs extends WithInputs<CustomWorkspaceArgsFields, "id" | "location"> {
  /**
   * With `configureSecurityEvents: false`, the resource that configures the shared workspace
   * instead (the AutoProvisioning that declares its tier and data collection rule): the AMA
   * association remediations here wait for it. Default none.
   */
  readonly configuredBy?: pulumi.Resource;
  /**
   * azure-native provider for the workspace's subscription, for the solution and the tier. Default:
   * the component's own (when the workspace is in `subscriptionId`), or one it creates for the
   * workspace's subscription when it created its own provider. Required when you passed your own
   * provider and the workspace is in another subscription.
   */
  readonly provider?: pulumi.ProviderResource;
}

/** The spec's `logAnalyticsAgent`, a custom workspace with this component's options. */
export type LogAnalyticsAgentArgs = Override<LogAnalyticsAgentArgsFields, { workspace?: "default" | CustomWorkspaceArgs }>;

/** The spec's `extensions`. */
export type ExtensionsArgs = ExtensionsFields;

/**
 * The spec's `defender`: the subscription's Defender plans and the settings of their components,
 * declared here; what each machine and cluster gets is the agent reconciliation's (`reconcile`).
 */
export type DefenderArgs = DefenderFields;

/** `agent: ama` with auto provisioning on: the AMA policy assignments (AzureMonitorAgentPolicy). */
export type AmaPoliciesArgs = AmaPoliciesArgsFields;

/** The agent reconciliation (AgentReconciliation): the per-machine work. */
export type ReconcileArgs = ReconcileArgsFields;

/** AutoProvisioning's arguments (fields.ts documents each). */
export type AutoProvisioningArgs = Override<AutoProvisioningFields, { logAnalyticsAgent?: LogAnalyticsAgentArgs; endpoint?: AzureEndpoint }>;
