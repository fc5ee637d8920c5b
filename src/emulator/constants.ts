/**
 * Well-known identities of the emulator, like Azurite's well-known account key: public on
 * purpose, useless anywhere but against a local emulator.
 */

export const EMULATOR_TENANT_ID = "a5c0e111-7e5a-4c3e-9e5a-00000000a5c0";
export const EMULATOR_CLIENT_ID = "a5c0c11e-0000-4000-8000-00000000a5c0";
/** Object id of the dev service principal (the caller of every request made with the credential). */
export const EMULATOR_PRINCIPAL_ID = "a5c00b1d-0000-4000-8000-00000000a5c0";
/** The dev service principal's client secret: a well-known development constant, not a secret. */
export const EMULATOR_CLIENT_SECRET = "ascEmu8Q~WellKnownDevSecret.NotASecret-UseOnlyWithTheEmulator";

export const ARM_SCOPE = "https://management.azure.com/.default";
export const LOGS_SCOPE = "https://api.loganalytics.io/.default";

/** Audiences ARM accepts, as Azure lists them in its InvalidAuthenticationTokenAudience error. */
export const ARM_AUDIENCES = [
  "https://management.core.windows.net/",
  "https://management.core.windows.net",
  "https://management.azure.com/",
  "https://management.azure.com",
] as const;

export const LOGS_AUDIENCES = ["https://api.loganalytics.io", "https://api.loganalytics.azure.com"] as const;

/**
 * Microsoft Graph's audience. The emulator serves no Graph API, but its token endpoint issues
 * Graph tokens as Entra does: azure-native's GetClientConfig asks for one only to read the
 * token's claims (`oid`, `tid`, `appid`), which the emulator's tokens carry.
 */
export const GRAPH_AUDIENCE = "https://graph.microsoft.com";

/** Microsoft Graph on the emulator: `{origin}/graph/` (the metadata's microsoftGraphResourceId). */
export function msGraphResourceId(origin: string): string {
  return `${origin}/graph/`;
}

/** Audiences a Graph request may carry: the emulator's Graph resource, and the public one. */
export function msGraphAudiences(origin: string): string[] {
  return [msGraphResourceId(origin), msGraphResourceId(origin).slice(0, -1), GRAPH_AUDIENCE, `${GRAPH_AUDIENCE}/`];
}

/** Subscription tag holding the date the subscription was onboarded to Security Center (YYYY-MM-DD). */
export const ONBOARDED_AT_TAG = "ascOnboardedAt";
/** Tag the fleet generator puts on every machine naming its case (emulator metadata, not a rule input). */
export const FLEET_CASE_TAG = "ascEmulatorCase";
/** Tag on appliance VMs (besides their marketplace plan), e.g. `NGFW` or `WAF`. */
export const APPLIANCE_TAG = "applianceType";
/** Marketplace publishers whose images are network appliances (WAF/NGFW) in the fleet. */
export const APPLIANCE_PUBLISHERS = ["paloaltonetworks", "fortinet", "barracudanetworks", "f5-networks", "checkpoint"] as const;
/** EmulatorOptions.defenderDelayMs' default (CLI `--defender-delay` 600): Defender's Deploy-if-not-exists evaluation delay. */
export const DEFAULT_DEFENDER_DELAY_MS = 600_000;
