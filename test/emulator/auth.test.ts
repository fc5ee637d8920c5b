/** Authentication: the AAD endpoints, ClientSecretCredential, and ARM's 401s. */
import { ClientSecretCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { armToken, errorOf, raw, withEmulator } from "./helpers";
import { EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, LOGS_SCOPE, type RunningEmulator } from "../../src/emulator";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await withEmulator();
});
afterAll(async () => emu?.stop());

const rgPath = (emu: RunningEmulator) => `/subscriptions/${emu.subscriptionIds[0]}/resourcegroups?api-version=2025-04-01`;

describe("token endpoint", () => {
  test("serves the OpenID configuration the credential needs", async () => {
    const r = await raw(emu, "GET", `/${emu.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(r.status).toBe(200);
    expect(r.body.token_endpoint).toBe(`${emu.url}/${emu.tenantId}/oauth2/v2.0/token`);
    expect(r.body.issuer).toBe(`${emu.url}/${emu.tenantId}/v2.0`);
  });

  test("ClientSecretCredential obtains a token that expires", async () => {
    const t = await emu.credential().getToken("https://management.azure.com/.default");
    expect(t?.token.split(".")).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(t!.token.split(".")[1]!, "base64url").toString("utf8"));
    expect(claims.tid).toBe(emu.tenantId);
    expect(claims.aud).toBe("https://management.azure.com");
    expect(claims.exp - claims.iat).toBe(3600);
  });

  test("a wrong secret is refused by the token endpoint", async () => {
    const cred = new ClientSecretCredential(emu.tenantId, EMULATOR_CLIENT_ID, "not-the-secret", { authorityHost: emu.url, disableInstanceDiscovery: true, tlsOptions: { ca: emu.caCert } });
    const err = await errorOf(cred.getToken("https://management.azure.com/.default"));
    expect(err.message).toMatch(/AADSTS7000215/);
  });

  test("an unknown client id is refused", async () => {
    const r = await raw(emu, "POST", `/${emu.tenantId}/oauth2/v2.0/token`, {
      body: `grant_type=client_credentials&client_id=00000000-0000-0000-0000-000000000000&client_secret=x&scope=https%3A%2F%2Fmanagement.azure.com%2F.default`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe("unauthorized_client");
  });
});

describe("ARM refuses requests without a valid token", () => {
  test("no Authorization header: 401 AuthenticationFailed in ARM's error shape", async () => {
    const r = await raw(emu, "GET", rgPath(emu));
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: { code: "AuthenticationFailed", message: expect.stringContaining("'Authorization' header is missing") } });
    expect(r.headers["www-authenticate"]).toMatch(/^Bearer /);
  });

  test("a forged token (bad signature): 401 InvalidAuthenticationToken", async () => {
    const token = await armToken(emu);
    const [h, p] = token.split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString("utf8"));
    claims.oid = "00000000-0000-0000-0000-0000000000ff";
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${token.split(".")[2]}`;
    const r = await raw(emu, "GET", rgPath(emu), { token: forged });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("InvalidAuthenticationToken");
  });

  test("a token of another tenant: the SDK gets 401 InvalidAuthenticationTokenTenant", async () => {
    const other = "11111111-2222-4333-8444-555555555555";
    const cred = new ClientSecretCredential(other, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, { authorityHost: emu.url, disableInstanceDiscovery: true, tlsOptions: { ca: emu.caCert } });
    const client = new ResourceManagementClient(cred, emu.subscriptionIds[0]!, { ...emu.clientOptions(), retryOptions: { maxRetries: 0 } });
    const err = await errorOf(client.resourceGroups.get("anything"));
    expect(err.statusCode).toBe(401);
    expect(err.code).toBe("InvalidAuthenticationTokenTenant");
  });

  test("a Log Analytics token is the wrong audience for ARM", async () => {
    const t = await emu.credential().getToken(LOGS_SCOPE);
    const r = await raw(emu, "GET", rgPath(emu), { token: t!.token });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("InvalidAuthenticationTokenAudience");
  });

  test("an expired token: 401 ExpiredAuthenticationToken, with the SDK's cached token", async () => {
    const fresh = await withEmulator();
    try {
      const cred = fresh.credential();
      const client = new ResourceManagementClient(cred, fresh.subscriptionIds[0]!, { ...fresh.clientOptions(), retryOptions: { maxRetries: 0 } });
      await client.resourceGroups.createOrUpdate("rg-before-expiry", { location: "eastus" });
      const token = (await cred.getToken("https://management.azure.com/.default"))!.token;
      // The credential keeps its cached token; the emulator's clock moves past its expiry.
      await fresh.admin("POST", "/admin/clock", { advanceSeconds: 2 * 3600 });
      const r = await raw(fresh, "GET", rgPath(fresh), { token });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("ExpiredAuthenticationToken");
      const err = await errorOf(client.resourceGroups.get("rg-before-expiry"));
      expect(err.statusCode).toBe(401);
      expect(err.code).toBe("ExpiredAuthenticationToken");
    } finally {
      await fresh.stop();
    }
  });

  test("a valid token passes", async () => {
    const r = await raw(emu, "GET", rgPath(emu), { token: await armToken(emu) });
    expect(r.status).toBe(200);
    expect(r.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

test("the token lifetime is configurable", async () => {
  const short = await withEmulator({ tokenLifetimeSeconds: 90 });
  try {
    const t = await short.credential().getToken("https://management.azure.com/.default");
    const claims = JSON.parse(Buffer.from(t!.token.split(".")[1]!, "base64url").toString("utf8"));
    expect(claims.exp - claims.iat).toBe(90);
  } finally {
    await short.stop();
  }
});
