/**
 * Which Azure the components talk to, and the azure-native provider for one subscription.
 *
 * Real Azure by default. The local emulator (`asc-autoprovision emulator start`) when the stack
 * config `asc-autoprovision:emulatorEndpoint` names its ARM endpoint, else when the environment
 * `emulator start` prints names it (ASC_EMULATOR_CONFIG, ASC_EMULATOR_DIR, ASC_EMULATOR_ENDPOINT),
 * by the one precedence of src/azure/endpoint.ts. azure-native has no "endpoint" setting: it discovers ARM
 * and the login authority from the cloud-metadata document at
 * `https://<metadataHost>/metadata/endpoints?api-version=...`, as azurerm does, so the emulator is
 * selected with `metadataHost` = the endpoint's host:port and `disableInstanceDiscovery` (a local
 * authority is not a Microsoft one). The provider is a Go binary: it trusts the emulator's
 * self-signed certificate through SSL_CERT_FILE, not NODE_EXTRA_CA_CERTS. Credentials are the
 * provider's usual ones (ARM_CLIENT_ID / ARM_CLIENT_SECRET / ARM_TENANT_ID, or azure-native:*
 * config): this module never invents any.
 *
 * Why a provider per subscription: azure-native resources in a resource group (resource groups,
 * workspaces, solutions, data sources, remediations, workspace settings) take their subscription
 * from the provider, so one AutoProvisioning per subscription needs a provider for it.
 */
import * as pulumi from "@pulumi/pulumi";
import { Provider, type ProviderArgs } from "@pulumi/azure-native/provider";
import { chooseEndpoint, endpointUrlOf } from "../../src/azure";

/** The project's config namespace (Pulumi.yaml `name`). */
export const CONFIG_NAMESPACE = "asc-autoprovision";
/** Stack config key (under CONFIG_NAMESPACE) naming the emulator's ARM endpoint. */
export const EMULATOR_ENDPOINT_CONFIG_KEY = "emulatorEndpoint";
export { EMULATOR_ENDPOINT_ENV, EndpointError } from "../../src/azure";

export type AzureEndpoint =
  | { readonly kind: "azure" }
  | {
      readonly kind: "emulator";
      /** The ARM endpoint, e.g. `https://localhost:8443`. */
      readonly endpoint: string;
      /** What azure-native's `metadataHost` gets: the endpoint's host:port. */
      readonly metadataHost: string;
      /** Where the endpoint came from, for messages. */
      readonly source: string;
    };

/**
 * The endpoint named by `configValue` (the stack config value; empty = unset), else by the
 * environment, else real Azure, by the precedence every front end uses (src/azure/endpoint.ts). A
 * value that is not an https origin is an error naming its source.
 */
export function selectEndpoint(configValue: string | undefined, env: NodeJS.ProcessEnv = process.env): AzureEndpoint {
  const choice = chooseEndpoint({ value: configValue, source: `${CONFIG_NAMESPACE}:${EMULATOR_ENDPOINT_CONFIG_KEY}`, kinds: { azure: false, directory: false } }, env, { kind: "azure" });
  if (choice.kind === "azure") return { kind: "azure" };
  const url = new URL(endpointUrlOf(choice)!);
  return { kind: "emulator", endpoint: url.origin, metadataHost: url.host, source: choice.source };
}

/** The endpoint this stack selects: stack config first, then the environment. */
export function stackEndpoint(env: NodeJS.ProcessEnv = process.env): AzureEndpoint {
  return selectEndpoint(new pulumi.Config(CONFIG_NAMESPACE).get(EMULATOR_ENDPOINT_CONFIG_KEY), env);
}

const STRING_KEYS = [
  "tenantId", "clientId", "environment", "metadataHost", "msiEndpoint", "clientCertificatePath",
  "oidcRequestUrl", "oidcTokenFilePath", "location", "partnerId",
] as const;
const SECRET_KEYS = ["clientSecret", "clientCertificatePassword", "oidcToken", "oidcRequestToken"] as const;
const BOOLEAN_KEYS = ["useMsi", "useOidc", "useDefaultAzureCredential", "disableInstanceDiscovery", "disablePulumiPartnerId"] as const;

/**
 * The default provider's settings from `azure-native:*` stack config, so an explicit provider
 * authenticates as the default one would (explicit providers do not read that config themselves;
 * they do read the ARM_* environment). `subscriptionId` is left out: it is set per provider.
 */
export function azureNativeStackConfig(): ProviderArgs {
  const config = new pulumi.Config("azure-native");
  const args: Record<string, unknown> = {};
  for (const key of STRING_KEYS) {
    const v = config.get(key);
    if (v !== undefined && v !== "") args[key] = v;
  }
  for (const key of SECRET_KEYS) {
    const v = config.getSecret(key);
    if (v !== undefined) args[key] = v;
  }
  for (const key of BOOLEAN_KEYS) {
    const v = config.getBoolean(key);
    if (v !== undefined) args[key] = v;
  }
  const aux = config.getObject<string[]>("auxiliaryTenantIds");
  if (aux !== undefined) args["auxiliaryTenantIds"] = aux;
  return args as ProviderArgs;
}

/** Provider arguments for `subscriptionId` at `endpoint`, on top of `base` (default: the azure-native stack config). */
export function azureNativeProviderArgs(subscriptionId: string, endpoint: AzureEndpoint, base: ProviderArgs = azureNativeStackConfig()): ProviderArgs {
  const args: ProviderArgs = { ...base, subscriptionId };
  if (endpoint.kind === "emulator") {
    return { ...args, metadataHost: endpoint.metadataHost, disableInstanceDiscovery: true };
  }
  return args;
}

/** An explicit azure-native provider for one subscription at the selected endpoint. */
export function subscriptionProvider(
  name: string,
  subscriptionId: string,
  endpoint: AzureEndpoint,
  opts?: pulumi.CustomResourceOptions,
): Provider {
  return new Provider(name, azureNativeProviderArgs(subscriptionId, endpoint), opts);
}
