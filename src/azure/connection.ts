/**
 * How we reach ARM: real Azure with DefaultAzureCredential (the SDK's defaults), or the local
 * emulator with its well-known service principal, its endpoint and its self-signed certificate.
 * Every @azure/arm-* client is built with `clientOptions()`: retries off (the executor retries,
 * honouring Retry-After and the write budget), the endpoint, and for the emulator a policy that
 * trusts its certificate without NODE_EXTRA_CA_CERTS.
 */
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { DefaultAzureCredential, ClientSecretCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";

export const ARM_SCOPE = "https://management.azure.com/.default";

export type Cloud = "azure" | "local";

export interface EmulatorEndpoint {
  /** https://localhost:PORT */
  readonly url: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** PEM of the emulator's self-signed certificate. */
  readonly caCertPath: string;
}

/** Options every ARM client takes (a subset of CommonClientOptions, typed loosely on purpose: each SDK package pins its own core-client). */
export interface ArmClientOptions {
  endpoint?: string;
  credentialScopes?: string[];
  retryOptions: { maxRetries: number };
  additionalPolicies?: { policy: PipelinePolicy; position: "perCall" | "perRetry" }[];
  userAgentOptions: { userAgentPrefix: string };
}

export interface AzureConnection {
  readonly cloud: Cloud;
  readonly credential: TokenCredential;
  /** ARM endpoint; undefined for public Azure (the SDK's default). */
  readonly armEndpoint?: string;
  /** Log Analytics query endpoint (…/v1); undefined for public Azure. */
  readonly logsEndpoint?: string;
  clientOptions(): ArmClientOptions;
}

const USER_AGENT = { userAgentPrefix: "asc-autoprovision" };

export function azureConnection(credential: TokenCredential = new DefaultAzureCredential()): AzureConnection {
  return {
    cloud: "azure",
    credential,
    clientOptions: () => ({ retryOptions: { maxRetries: 0 }, userAgentOptions: USER_AGENT }),
  };
}

/** A pipeline policy that sends every request through an agent trusting the emulator's CA. */
function trustPolicy(ca: string): PipelinePolicy {
  const agent = new Agent({ ca, keepAlive: true });
  return {
    name: "ascEmulatorTrust",
    sendRequest: (request, next) => {
      request.agent = agent;
      return next(request);
    },
  };
}

export function emulatorConnection(endpoint: EmulatorEndpoint): AzureConnection {
  const ca = readFileSync(endpoint.caCertPath, "utf8");
  const trust = { policy: trustPolicy(ca), position: "perCall" as const };
  const credential = new ClientSecretCredential(endpoint.tenantId, endpoint.clientId, endpoint.clientSecret, {
    authorityHost: endpoint.url,
    disableInstanceDiscovery: true,
    additionalPolicies: [trust],
    retryOptions: { maxRetries: 2 },
  });
  return {
    cloud: "local",
    credential,
    armEndpoint: endpoint.url,
    logsEndpoint: `${endpoint.url}/v1`,
    clientOptions: () => ({
      endpoint: endpoint.url,
      credentialScopes: [ARM_SCOPE],
      retryOptions: { maxRetries: 0 },
      additionalPolicies: [trust],
      userAgentOptions: USER_AGENT,
    }),
  };
}
