/**
 * The Entra ID (AAD) endpoints `@azure/identity`'s ClientSecretCredential calls when its
 * authorityHost is the emulator: OpenID configuration, instance discovery and the v2.0/v1
 * token endpoints (client credentials). Any GUID tenant is accepted for the well-known app (a
 * multi-tenant app), so tests can obtain a token for another tenant and see ARM refuse it.
 */
import type { EmuRequest, EmuResponse } from "../http/types";
import type { TokenService } from "./tokens";
import { EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, EMULATOR_PRINCIPAL_ID, GRAPH_AUDIENCE, LOGS_AUDIENCES, ARM_AUDIENCES, msGraphResourceId } from "../constants";
import { GUID_RE, newGuid } from "../util/random";

const KNOWN_RESOURCES = [...ARM_AUDIENCES, ...LOGS_AUDIENCES, GRAPH_AUDIENCE].map((a) => a.replace(/\/$/, "").toLowerCase());

export function isAadPath(segments: readonly string[]): boolean {
  const l = segments.map((s) => s.toLowerCase());
  const rest = l.slice(1).join("/");
  return (
    (l[0] === "common" && rest === "discovery/instance") ||
    ["v2.0/.well-known/openid-configuration", ".well-known/openid-configuration", "oauth2/v2.0/token", "oauth2/token", "discovery/v2.0/keys", "discovery/keys"].includes(rest)
  );
}

function aadError(status: number, error: string, code: number, description: string, correlationId: string): EmuResponse {
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${newGuid()}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${new Date().toISOString()}`,
      error_codes: [code],
      timestamp: new Date().toISOString(),
      trace_id: newGuid(),
      correlation_id: correlationId,
    },
  };
}

function openIdConfiguration(base: string, tenant: string): EmuResponse {
  return {
    status: 200,
    body: {
      token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
      jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${base}/${tenant}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${base}/oidc/userinfo`,
      authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
      claims_supported: ["sub", "iss", "aud", "exp", "iat", "tid"],
      tenant_region_scope: "WW",
      cloud_instance_name: "emulator",
      cloud_graph_host_name: "graph.emulator",
      msgraph_host: "graph.emulator",
    },
  };
}

/** The tenant segment of an ADFS authority. */
const ADFS_TENANT = "adfs";

/** ADFS's OpenID configuration (`{host}/adfs/.well-known/openid-configuration`): its token endpoint takes scopes too. */
function adfsConfiguration(base: string): EmuResponse {
  const doc = openIdConfiguration(base, ADFS_TENANT).body as Record<string, unknown>;
  return { status: 200, body: { ...doc, issuer: `${base}/adfs`, token_endpoint: `${base}/adfs/oauth2/token`, authorization_endpoint: `${base}/adfs/oauth2/authorize`, jwks_uri: `${base}/adfs/discovery/keys`, access_token_issuer: `${base}/adfs/services/trust` } };
}

export function handleAad(base: string, tokens: TokenService, req: EmuRequest): EmuResponse {
  const segs = req.segments;
  const tenant = segs[0]!;
  const rest = segs.slice(1).join("/").toLowerCase();
  if (tenant.toLowerCase() === "common" && rest === "discovery/instance") {
    const host = base.replace(/^https:\/\//, "");
    return {
      status: 200,
      body: {
        tenant_discovery_endpoint: `${base}/{tenantid}/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      },
    };
  }
  // The ADFS-style authority (`{host}/adfs`): clients that cannot skip instance discovery for a
  // custom AAD authority (MSAL before core.instance_discovery) accept this form; it is the emulator's tenant.
  const adfs = tenant.toLowerCase() === ADFS_TENANT;
  if (!adfs && !GUID_RE.test(tenant)) {
    return aadError(400, "invalid_request", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID.`, req.correlationId);
  }
  if (rest.endsWith("openid-configuration")) return adfs ? adfsConfiguration(base) : openIdConfiguration(base, tenant);
  if (rest.startsWith("discovery")) return { status: 200, body: { keys: [] } };
  if (req.method !== "POST") return aadError(405, "invalid_request", 900561, "The endpoint only accepts POST requests.", req.correlationId);
  const form = new URLSearchParams(req.rawBody.toString("utf8"));
  if (form.get("grant_type") !== "client_credentials") {
    return aadError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${form.get("grant_type") ?? ""}'; the emulator issues client credentials tokens only.`, req.correlationId);
  }
  let clientId = form.get("client_id");
  let secret = form.get("client_secret");
  const basic = /^Basic\s+(.+)$/i.exec(String(req.headers["authorization"] ?? ""));
  if (basic) {
    const [u, p] = Buffer.from(basic[1]!, "base64").toString("utf8").split(":");
    clientId = clientId ?? decodeURIComponent(u ?? "");
    secret = secret ?? decodeURIComponent(p ?? "");
  }
  if (clientId !== EMULATOR_CLIENT_ID) {
    return aadError(400, "unauthorized_client", 700016, `Application with identifier '${clientId ?? ""}' was not found in the directory '${tenant}'.`, req.correlationId);
  }
  if (secret !== EMULATOR_CLIENT_SECRET) {
    return aadError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.", req.correlationId);
  }
  let audience: string;
  if (rest === "oauth2/token" && form.get("resource") !== null) {
    audience = form.get("resource") ?? "";
  } else {
    const scope = (form.get("scope") ?? "").split(" ").find((s) => s.endsWith("/.default"));
    if (!scope) return aadError(400, "invalid_scope", 1002012, `The provided value for scope '${form.get("scope") ?? ""}' is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`, req.correlationId);
    audience = scope.slice(0, -"/.default".length);
  }
  // The emulator is itself an ARM endpoint: clients that derive the scope from their endpoint
  // (arm-policy asks for `${endpoint}/.default`) get a token for it, as sovereign clouds do.
  const known = [...KNOWN_RESOURCES, base.toLowerCase(), msGraphResourceId(base).slice(0, -1).toLowerCase()];
  if (!known.includes(audience.replace(/\/$/, "").toLowerCase())) {
    return aadError(400, "invalid_resource", 500011, `The resource principal named ${audience} was not found in the tenant named ${tenant}.`, req.correlationId);
  }
  const { token, expiresIn } = tokens.issue(adfs ? tokens.tenantId : tenant.toLowerCase(), clientId, EMULATOR_PRINCIPAL_ID, audience);
  return { status: 200, body: { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token } };
}
