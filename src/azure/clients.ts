/**
 * The ARM clients of one apply: one official SDK client per kind and subscription, made on first
 * use with the connection's options (endpoint, scopes, TLS, SDK retries off).
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { HybridComputeManagementClient } from "@azure/arm-hybridcompute";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { PolicyClient } from "@azure/arm-policy";
import { PolicyInsightsClient } from "@azure/arm-policyinsights";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ResourceManagementClient } from "@azure/arm-resources";
import { SecurityCenter } from "@azure/arm-security";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import type { ArmClientOptions, AzureConnection } from "./connection";
import { ArmRest } from "./rest";

export class ArmClients {
  private readonly made = new Map<string, unknown>();

  constructor(
    private readonly conn: AzureConnection,
    /** Added to every client this apply makes (the pacer). */
    private readonly policies: readonly PipelinePolicy[] = [],
  ) {}

  /** The connection's client options with this apply's policies. */
  options(): ArmClientOptions {
    const o = this.conn.clientOptions();
    return this.policies.length ? { ...o, additionalPolicies: [...(o.additionalPolicies ?? []), ...this.policies.map((policy) => ({ policy, position: "perRetry" as const }))] } : o;
  }

  private client<T>(kind: string, subscriptionId: string, make: () => T): T {
    const key = `${kind}:${subscriptionId}`;
    let c = this.made.get(key) as T | undefined;
    if (!c) this.made.set(key, (c = make()));
    return c;
  }

  containers = (sub: string) => this.client("aks", sub, () => new ContainerServiceClient(this.conn.credential, sub, this.options()));
  compute = (sub: string) => this.client("compute", sub, () => new ComputeManagementClient(this.conn.credential, sub, this.options()));
  hybrid = (sub: string) => this.client("hybrid", sub, () => new HybridComputeManagementClient(this.conn.credential, sub, this.options()));
  insights = (sub: string) => this.client("oi", sub, () => new OperationalInsightsManagementClient(this.conn.credential, sub, this.options()));
  resources = (sub: string) => this.client("res", sub, () => new ResourceManagementClient(this.conn.credential, sub, this.options()));
  security = (sub: string) => this.client("sec", sub, () => new SecurityCenter(this.conn.credential, sub, this.options()));
  policy = (sub: string) => this.client("pol", sub, () => new PolicyClient(this.conn.credential, sub, this.options()));
  authorization = (sub: string) => this.client("auth", sub, () => new AuthorizationManagementClient(this.conn.credential, sub, this.options()));
  remediations = (sub: string) => this.client("pi", sub, () => new PolicyInsightsClient(this.conn.credential, sub, this.options()));
  /** Plain REST on the SDK pipeline, for resources whose SDK package takes no TLS options. */
  rest = () => this.client("rest", "", () => new ArmRest(this.conn, this.options()));
}
