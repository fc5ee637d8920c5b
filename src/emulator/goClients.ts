/**
 * What Go clients of ARM (the azure-native Pulumi plugin; terraform's azurerm) need to use the
 * emulator. They read credentials from ARM_* variables, discover ARM and the login endpoint from
 * `https://<metadataHost>/metadata/endpoints`, and trust certificates through SSL_CERT_FILE on
 * Linux and other Unixes (Go reads only that file then: it replaces the system roots; macOS and
 * Windows ignore it and use the OS store, golang/go#37907). NODE_EXTRA_CA_CERTS is node's, not Go's.
 */

export interface GoClientTarget {
  readonly url: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly caCertPath: string;
}

/** The `metadataHost` (host:port) azure-native and azurerm take for the emulator at `url`. */
export function metadataHostOf(url: string): string {
  return new URL(url).host;
}

/** The metadata URL azure-native asks for (pulumi-azure-native provider/pkg/azure/cloud/metadata/client.go). */
export function metadataUrlOf(url: string): string {
  return `https://${metadataHostOf(url)}/metadata/endpoints?api-version=2022-09-01`;
}

/** ARM_TENANT_ID / ARM_CLIENT_ID / ARM_CLIENT_SECRET of the dev principal, and SSL_CERT_FILE. */
export function goClientEnv(t: GoClientTarget): Record<string, string> {
  return {
    ARM_TENANT_ID: t.tenantId,
    ARM_CLIENT_ID: t.clientId,
    ARM_CLIENT_SECRET: t.clientSecret,
    SSL_CERT_FILE: t.caCertPath,
  };
}
