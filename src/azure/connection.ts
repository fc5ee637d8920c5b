/**
 * How we reach ARM: real Azure with DefaultAzureCredential (the SDK's defaults), or the local
 * emulator with its well-known service principal, its endpoint and its self-signed certificate
 * (trusted through the clients' `tlsOptions`, without NODE_EXTRA_CA_CERTS). Every @azure/arm-*
 * client is built with `clientOptions()`: SDK retries off (the executor retries, honouring
 * Retry-After and the write budget) and, for the emulator, its endpoint, scopes and CA.
 */
import { DefaultAzureCredential, ClientSecretCredential, type TokenCredential } from "@azure/identity";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { emulatorInstance } from "./emulatorEndpoint";
import { emulatorOf, type EmulatorEndpoint, type EndpointChoice } from "./endpoint";

export { emulatorEndpointFromDir, type EmulatorEndpoint } from "./emulatorEndpoint";

export const ARM_SCOPE = "https://management.azure.com/.default";

export type Cloud = "azure" | "local";

/** Options every ARM client takes: the common subset of the SDK packages' client options. */
export interface ArmClientOptions {
  endpoint?: string;
  /** Older clients (arm-security, arm-authorization, ...) read scopes here ... */
  credentialScopes?: string[];
  /** ... newer ones (arm-compute 25, arm-policy 7, ...) here. */
  credentials?: { scopes: string[] };
  tlsOptions?: { ca: string };
  retryOptions: { maxRetries: number };
  userAgentOptions: { userAgentPrefix: string };
  /** Policies an apply adds to its own clients (the pacer: budget and health). */
  additionalPolicies?: { policy: PipelinePolicy; position: "perCall" | "perRetry" }[];
}

export interface AzureConnection {
  readonly cloud: Cloud;
  readonly credential: TokenCredential;
  /** ARM endpoint; undefined for public Azure (the SDK's default). */
  readonly armEndpoint?: string;
  /**
   * Which emulator this is, for the names of journals and leases (undefined for Azure): its
   * certificate's fingerprint, kept with its state across restarts whatever its port, so an apply
   * killed before a restart on another port still finds its journal (user trial 16).
   */
  readonly instance?: string;
  /** Log Analytics query endpoint (…/v1); undefined for public Azure. */
  readonly logsEndpoint?: string;
  clientOptions(): ArmClientOptions;
  /** Options for @azure/monitor-query-logs' LogsQueryClient. */
  logsOptions(): { endpoint?: string; tlsOptions?: { ca: string }; retryOptions: { maxRetries: number } };
}

const USER_AGENT = { userAgentPrefix: "asc-autoprovision" };

export function azureConnection(credential: TokenCredential = new DefaultAzureCredential()): AzureConnection {
  return {
    cloud: "azure",
    credential,
    clientOptions: () => ({ retryOptions: { maxRetries: 0 }, userAgentOptions: USER_AGENT }),
    logsOptions: () => ({ retryOptions: { maxRetries: 0 } }),
  };
}

export function emulatorConnection(endpoint: EmulatorEndpoint): AzureConnection {
  const tlsOptions = { ca: endpoint.caCert };
  const credential = new ClientSecretCredential(endpoint.tenantId, endpoint.clientId, endpoint.clientSecret, {
    authorityHost: endpoint.url,
    disableInstanceDiscovery: true,
    tlsOptions,
  });
  return {
    cloud: "local",
    credential,
    armEndpoint: endpoint.url,
    instance: emulatorInstance(endpoint),
    logsEndpoint: `${endpoint.url}/v1`,
    clientOptions: () => ({
      endpoint: endpoint.url,
      credentialScopes: [ARM_SCOPE],
      credentials: { scopes: [ARM_SCOPE] },
      tlsOptions,
      retryOptions: { maxRetries: 0 },
      userAgentOptions: USER_AGENT,
    }),
    logsOptions: () => ({ endpoint: `${endpoint.url}/v1`, tlsOptions, retryOptions: { maxRetries: 0 } }),
  };
}

/** The connection for an endpoint: DefaultAzureCredential for Azure, the emulator's service principal and certificate for it. */
export function connectionOf(choice: EndpointChoice, env: NodeJS.ProcessEnv = process.env): AzureConnection {
  return choice.kind === "azure" ? azureConnection() : emulatorConnection(emulatorOf(choice, env));
}
