/**
 * How Microsoft's Azure CLI (`az`, the PyPI package azure-cli) logs in to the emulator with
 * documented settings only, no client patches:
 *
 * - `REQUESTS_CA_BUNDLE` = the emulator's certificate (the CLI's HTTP stack, requests, reads it;
 *   to reach other hosts too, point it at a bundle of the system roots and the certificate);
 * - `az config set core.instance_discovery=false`: MSAL then accepts the emulator as an authority
 *   instead of asking login.microsoftonline.com about it;
 * - `az cloud register --endpoint-resource-manager <url>/`: the CLI reads every endpoint from the
 *   emulator's `/metadata/endpoints?api-version=2022-09-01` (ARM, the login authority, the token
 *   audience, Microsoft Graph);
 * - `az login --service-principal` with the emulator's well-known development principal.
 *
 * Older clients that cannot skip instance discovery use the ADFS-style authority instead
 * (`--endpoint-active-directory <url>/adfs`), which MSAL never looks up (see `adfsCloudArgs`).
 */

/** The cloud name the recipe registers. */
export const AZURE_CLI_CLOUD = "AscEmulator";

export interface AzureCliTarget {
  readonly url: string;
  readonly caCertPath: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface AzureCliRecipe {
  /** Environment the `az` processes need. */
  readonly env: Readonly<Record<string, string>>;
  /** `az` argument lists, in order. */
  readonly commands: readonly (readonly string[])[];
}

export function azureCliRecipe(t: AzureCliTarget, cloud = AZURE_CLI_CLOUD): AzureCliRecipe {
  return {
    env: { REQUESTS_CA_BUNDLE: t.caCertPath },
    commands: [
      ["config", "set", "core.instance_discovery=false"],
      ["cloud", "register", "--name", cloud, "--endpoint-resource-manager", `${t.url}/`],
      ["cloud", "set", "--name", cloud],
      ["login", "--service-principal", "--username", t.clientId, "--password", t.clientSecret, "--tenant", t.tenantId],
    ],
  };
}

/** `az cloud register` arguments of the ADFS-style authority (for clients without core.instance_discovery). */
export function adfsCloudArgs(url: string, cloud: string): string[] {
  return ["cloud", "register", "--name", cloud, "--endpoint-resource-manager", `${url}/`, "--endpoint-active-directory", `${url}/adfs`];
}

const quote = (arg: string): string => (/^[\w@%+=:,./~-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);

/** The recipe as shell lines. */
export function azureCliLines(t: AzureCliTarget): string[] {
  const recipe = azureCliRecipe(t);
  return [
    ...Object.entries(recipe.env).map(([k, v]) => `export ${k}=${quote(v)}`),
    ...recipe.commands.map((c) => `az ${c.map(quote).join(" ")}`),
  ];
}
