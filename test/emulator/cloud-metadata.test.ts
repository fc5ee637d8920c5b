/**
 * The ARM cloud-metadata endpoint (`/metadata/endpoints`) and the discovery chain a Go provider
 * (azure-native with `metadataHost`) follows from it, done here with the official JS clients:
 * metadata document -> login endpoint and audience -> token -> ARM at `resourceManager`.
 *
 * The recorded key sets are management.azure.com's answers as kept in pulumi/pulumi-azure-native
 * provider/pkg/azure/cloud/metadata/client_test.go (the same fixtures as hashicorp/go-azure-sdk).
 */
import https from "node:https";
import { readFileSync } from "node:fs";
import { ClientSecretCredential, type TokenCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ServiceClient } from "@azure/core-client";
import { createPipelineRequest } from "@azure/core-rest-pipeline";
import { armToken, raw, withEmulator } from "./helpers";
import { EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, EMULATOR_PRINCIPAL_ID, type RunningEmulator } from "../../src/emulator";
import { EMULATOR_CLOUD_NAME } from "../../src/emulator/metadata/documents";
import { schemaForApiVersion } from "../../src/emulator/metadata/handler";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await withEmulator();
});
afterAll(async () => emu?.stop());

/** Keys of management.azure.com's 2022-09-01 document (one object). */
const KEYS_2022 = [
  "portal", "authentication", "media", "graphAudience", "graph", "name", "suffixes", "batch", "resourceManager",
  "vmImageAliasDoc", "activeDirectoryDataLake", "sqlManagement", "microsoftGraphResourceId", "appInsightsResourceId",
  "appInsightsTelemetryChannelResourceId", "attestationResourceId", "synapseAnalyticsResourceId", "logAnalyticsResourceId",
  "ossrDbmsResourceId",
];
const SUFFIXES_2022 = [
  "azureDataLakeStoreFileSystem", "acrLoginServer", "sqlServerHostname", "azureDataLakeAnalyticsCatalogAndJob", "keyVaultDns",
  "storage", "azureFrontDoorEndpointSuffix", "storageSyncEndpointSuffix", "mhsmDns", "mysqlServerEndpoint",
  "postgresqlServerEndpoint", "mariadbServerEndpoint", "synapseAnalytics", "attestationEndpoint",
];
/** Keys of each cloud in management.azure.com's 2019-05-01 array. */
const KEYS_2019 = [
  "portal", "authentication", "media", "graphAudience", "graph", "name", "suffixes", "batch", "resourceManager",
  "vmImageAliasDoc", "activeDirectoryDataLake", "sqlManagement", "gallery",
];
const SUFFIXES_2019 = [
  "azureDataLakeStoreFileSystem", "acrLoginServer", "sqlServerHostname", "azureDataLakeAnalyticsCatalogAndJob", "keyVaultDns",
  "storage", "azureFrontDoorEndpointSuffix",
];
const KEYS_2015 = ["galleryEndpoint", "graphEndpoint", "portalEndpoint", "authentication"];
const KEYS_2018 = ["galleryEndpoint", "graphEndpoint", "portalEndpoint", "graphAudience", "authentication", "cloudEndpoint"];

const sorted = (keys: readonly string[]): string[] => [...keys].sort();
const metadata = (apiVersion: string) => raw(emu, "GET", `/metadata/endpoints?api-version=${apiVersion}`);

describe("GET /metadata/endpoints: the document per api-version", () => {
  test.each(["2022-09-01", "2023-11-01"])("%s: one object, the emulator's cloud, management.azure.com's keys", async (v) => {
    const r = await metadata(v);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^application\/json/);
    expect(Array.isArray(r.body)).toBe(false);
    expect(sorted(Object.keys(r.body))).toEqual(sorted(KEYS_2022));
    expect(sorted(Object.keys(r.body.suffixes))).toEqual(sorted(SUFFIXES_2022));
    expect(r.body.name).toBe(EMULATOR_CLOUD_NAME);
    expect(r.body.resourceManager).toBe(`${emu.url}/`);
    expect(r.body.authentication).toEqual({
      loginEndpoint: emu.url,
      audiences: [`${emu.url}/`, "https://management.core.windows.net/", "https://management.azure.com/"],
      tenant: "common",
      identityProvider: "AAD",
    });
    // Microsoft Graph is served on the emulator (the calls the Azure CLI makes), never the public host.
    expect(r.body.microsoftGraphResourceId).toBe(`${emu.url}/graph/`);
    expect(r.body.logAnalyticsResourceId).toBe("https://api.loganalytics.io");
    // Services the emulator does not serve point nowhere (.invalid never resolves), not at Azure.
    expect(r.body.suffixes.storage).toMatch(/\.invalid$/);
    expect(r.body.portal).toMatch(/\.invalid$/);
  });

  test.each(["2019-05-01", "2019-10-01", "2020-06-01", "2022-08-31"])("%s: an array of clouds holding the emulator's", async (v) => {
    const r = await metadata(v);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    expect(r.body).toHaveLength(1);
    const cloud = r.body[0];
    expect(sorted(Object.keys(cloud))).toEqual(sorted(KEYS_2019));
    expect(sorted(Object.keys(cloud.suffixes))).toEqual(sorted(SUFFIXES_2019));
    expect(cloud.name).toBe(EMULATOR_CLOUD_NAME);
    expect(cloud.resourceManager).toBe(`${emu.url}/`);
    expect(cloud.authentication.loginEndpoint).toBe(`${emu.url}/`);
    expect(cloud.authentication.audiences[0]).toBe(`${emu.url}/`);
  });

  test.each(["1.0", "2015-01-01", "2017-06-30"])("%s: the legacy object", async (v) => {
    const r = await metadata(v);
    expect(r.status).toBe(200);
    expect(sorted(Object.keys(r.body))).toEqual(sorted(KEYS_2015));
    expect(r.body.authentication).toEqual({ loginEndpoint: `${emu.url}/`, audiences: [`${emu.url}/`, "https://management.core.windows.net/", "https://management.azure.com/"] });
  });

  test.each(["2018-01-01", "2018-09-03"])("%s: the legacy object with tenant and cloudEndpoint", async (v) => {
    const r = await metadata(v);
    expect(r.status).toBe(200);
    expect(sorted(Object.keys(r.body))).toEqual(sorted(KEYS_2018));
    expect(r.body.authentication.tenant).toBe("common");
    expect(r.body.cloudEndpoint.emulator.endpoint).toBe(new URL(emu.url).host);
    expect(r.body.cloudEndpoint.emulator.locations).toContain("westeurope");
  });

  test("a missing api-version: 400 MissingApiVersionParameter", async () => {
    const r = await raw(emu, "GET", "/metadata/endpoints");
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: { code: "MissingApiVersionParameter", message: expect.any(String) } });
  });

  test.each(["latest", "2022-13-01", "2022-02-30", "2014-12-31", "2022-09-01-preview"])("api-version %s: 400 InvalidApiVersionParameter", async (v) => {
    const r = await metadata(v);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("InvalidApiVersionParameter");
    expect(r.body.error.message).toContain(`'${v}'`);
  });

  test("schemaForApiVersion picks the newest schema not after the date", () => {
    expect(schemaForApiVersion("2022-09-01")).toBe("2022-09-01");
    expect(schemaForApiVersion("2030-01-01")).toBe("2022-09-01");
    expect(schemaForApiVersion("2022-08-31")).toBe("2019-05-01");
    expect(schemaForApiVersion("2019-05-01")).toBe("2019-05-01");
    expect(schemaForApiVersion("2019-04-30")).toBe("2018-01-01");
    expect(schemaForApiVersion("2017-12-31")).toBe("2015-01-01");
    expect(schemaForApiVersion("1.0")).toBe("2015-01-01");
    expect(schemaForApiVersion("2014-12-31")).toBeNull();
  });
});

describe("the route is anonymous, outside ARM's pipeline", () => {
  test("no Authorization header is needed; the request is counted as metadata", async () => {
    await emu.admin("POST", "/admin/counters/reset");
    const r = await raw(emu, "GET", "/metadata/endpoints?api-version=2022-09-01");
    expect(r.status).toBe(200);
    expect(r.headers["x-ms-request-id"]).toBeDefined();
    const c = await emu.admin<{ byClass: Record<string, number>; byOperation: Record<string, number> }>("GET", "/admin/counters");
    expect(c.byClass.metadata).toBe(1);
    expect(c.byClass.read).toBe(0);
    expect(c.byOperation["GET metadata/endpoints"]).toBe(1);
  });

  test("faults scripted for reads do not touch it", async () => {
    const token = await armToken(emu);
    await emu.admin("POST", "/admin/faults", { scripted: [{ class: "read", status: 503, count: 5 }] });
    try {
      expect((await metadata("2022-09-01")).status).toBe(200);
      expect((await raw(emu, "GET", `/subscriptions/${emu.subscriptionIds[0]}?api-version=2022-12-01`, { token })).status).toBe(503);
    } finally {
      await emu.admin("DELETE", "/admin/faults");
    }
  });

  test("an unknown path under /metadata: 404 in ARM's error shape", async () => {
    for (const path of ["/metadata", "/metadata/endpoint?api-version=2022-09-01", "/metadata/endpoints/x?api-version=2022-09-01", "/metadata/identity/oauth2/token"]) {
      const r = await raw(emu, "GET", path);
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ error: { code: "InvalidRequestUri", message: expect.stringContaining("/metadata") } });
    }
  });

  test("another method: 405 MethodNotAllowed", async () => {
    const r = await raw(emu, "POST", "/metadata/endpoints?api-version=2022-09-01", { body: {} });
    expect(r.status).toBe(405);
    expect(r.body.error.code).toBe("MethodNotAllowed");
  });
});

/** A plain HTTPS GET trusting only the certificate file, as a Go client with SSL_CERT_FILE does. */
function getJson(url: string, caFile: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca: readFileSync(caFile, "utf8") }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown }));
      })
      .on("error", reject);
  });
}

interface Cloud2022 {
  name: string;
  resourceManager: string;
  microsoftGraphResourceId: string;
  authentication: { loginEndpoint: string; audiences: string[] };
}

const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;

describe("the discovery chain azure-native follows from metadataHost", () => {
  let cloud: Cloud2022;
  let credential: ClientSecretCredential;
  let ca: string;

  beforeAll(async () => {
    // azure-native (provider/pkg/azure/cloud/cloud.go FromMetadataEndpoint): metadataHost is a
    // host[:port]; "https://" is prefixed and the metadata client asks for api-version 2022-09-01.
    const metadataHost = new URL(emu.url).host;
    const r = await getJson(`https://${metadataHost}/metadata/endpoints?api-version=2022-09-01`, emu.caCertPath);
    expect(r.status).toBe(200);
    cloud = r.body as Cloud2022;
    ca = emu.caCert;
    credential = new ClientSecretCredential(emu.tenantId, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, {
      authorityHost: cloud.authentication.loginEndpoint,
      disableInstanceDiscovery: true,
      tlsOptions: { ca },
    });
  });

  test("the document has what the Go clients require", () => {
    // go-azure-sdk environments.FromEndpoint refuses an empty name, resourceManager or
    // microsoftGraphResourceId; azure-native indexes audiences[0].
    expect(cloud.name).not.toBe("");
    expect(cloud.resourceManager).not.toBe("");
    expect(cloud.microsoftGraphResourceId).not.toBe("");
    expect(cloud.authentication.audiences.length).toBeGreaterThan(0);
    expect(cloud.authentication.loginEndpoint).toBe(emu.url);
  });

  test("a token for audiences[0] + '/.default' (azcore's scope) reaches ARM at resourceManager", async () => {
    // azcore/arm/runtime builds the scope as Audience + "/.default": with the trailing slash of
    // the audience that is "https://host:port//.default", as against Azure.
    const scope = `${cloud.authentication.audiences[0]}/.default`;
    expect(scope).toBe(`${emu.url}//.default`);
    const token = await credential.getToken(scope);
    expect(token).not.toBeNull();
    const claims = claimsOf(token!.token);
    expect(claims.aud).toBe(`${emu.url}/`);
    expect(claims.tid).toBe(emu.tenantId);

    // The SDK clients must ask for the discovered scope, not their default management.azure.com one.
    const asked: string[] = [];
    const recording: TokenCredential = {
      getToken: (scopes, opts) => {
        asked.push(...(Array.isArray(scopes) ? scopes : [scopes]));
        return credential.getToken(scopes, opts);
      },
    };
    const sub = emu.subscriptionIds[0]!;
    const options = { endpoint: cloud.resourceManager, credentials: { scopes: [scope] }, tlsOptions: { ca } };
    const rm = new ResourceManagementClient(recording, sub, options);
    const created = await rm.resourceGroups.createOrUpdate("rg-discovered", { location: "westeurope" });
    expect(created.id).toBe(`/subscriptions/${sub}/resourceGroups/rg-discovered`);
    const names: string[] = [];
    for await (const rg of rm.resourceGroups.list()) names.push(rg.name!);
    expect(names).toContain("rg-discovered");

    const client = new ServiceClient({ credential: recording, credentialScopes: [scope], baseUri: cloud.resourceManager, tlsOptions: { ca } });
    const res = await client.sendRequest(createPipelineRequest({ url: `${cloud.resourceManager}subscriptions/${sub}?api-version=2022-12-01`, method: "GET" }));
    expect(res.status).toBe(200);
    expect((JSON.parse(res.bodyAsText ?? "{}") as { subscriptionId?: string }).subscriptionId).toBe(sub);
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(asked)).toEqual(new Set([scope]));
  });

  test("the other listed audiences are accepted by ARM too", async () => {
    const sub = emu.subscriptionIds[0]!;
    for (const audience of cloud.authentication.audiences.slice(1)) {
      const token = await credential.getToken(`${audience}/.default`);
      const r = await raw(emu, "GET", `/subscriptions/${sub}?api-version=2022-12-01`, { token: token!.token });
      expect(r.status).toBe(200);
    }
  });

  test("a Microsoft Graph token (azure-native's GetClientConfig asks for one) carries the claims; ARM refuses it", async () => {
    const token = await credential.getToken(`${cloud.microsoftGraphResourceId}.default`);
    const claims = claimsOf(token!.token);
    expect(claims).toMatchObject({ aud: `${emu.url}/graph`, oid: EMULATOR_PRINCIPAL_ID, tid: emu.tenantId, appid: EMULATOR_CLIENT_ID });
    const r = await raw(emu, "GET", `/subscriptions/${emu.subscriptionIds[0]}?api-version=2022-12-01`, { token: token!.token });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("InvalidAuthenticationTokenAudience");
  });
});
