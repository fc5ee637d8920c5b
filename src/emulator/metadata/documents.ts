/**
 * The ARM cloud-metadata document (`GET /metadata/endpoints?api-version=...`) for the emulator's
 * own cloud: where ARM is (`resourceManager`), where to log in (`authentication.loginEndpoint`)
 * and which token audiences ARM accepts (`authentication.audiences`). Go clients (azure-native,
 * azurerm through hashicorp/go-azure-sdk) configure their whole cloud from it when given a
 * `metadataHost`.
 *
 * Shapes, as recorded from management.azure.com in pulumi/pulumi-azure-native
 * provider/pkg/azure/cloud/metadata/client_test.go (and hashicorp/go-azure-sdk's copy):
 * - `1.0`, `2015-01-01`: one object, `galleryEndpoint`, `graphEndpoint`, `portalEndpoint`,
 *   `authentication {loginEndpoint, audiences}`;
 * - `2018-01-01`: the same plus `graphAudience`, `authentication.tenant/identityProvider` and
 *   `cloudEndpoint` (the clouds' ARM hosts and locations);
 * - `2019-05-01` (and 2019-10-01, 2020-06-01): an ARRAY of clouds (public ARM lists its four;
 *   an Azure Stack Hub lists itself: the emulator lists itself);
 * - `2022-09-01` (and 2023-11-01): ONE object, the cloud the host belongs to, with
 *   `microsoftGraphResourceId` and the other resource ids.
 *
 * Values: the emulator's origin for ARM and login; audiences its token endpoint issues and ARM
 * accepts (its own origin first: azure-native takes `audiences[0]` as the ARM audience and asks for
 * `audiences[0] + "/.default"`); the public audiences of the services it serves (Log Analytics) or
 * issues tokens for (Microsoft Graph); hosts under `.invalid` (RFC 2606: never resolves) for
 * services it does not serve, so a client that tries one fails at once instead of reaching Azure.
 */
import { GEOGRAPHIES } from "../../spec/geography";
import { LOGS_AUDIENCES, msGraphResourceId } from "../constants";
import type { JsonObject } from "../util/json";

/** The emulator cloud's `name` (the public cloud's is `AzureCloud`). */
export const EMULATOR_CLOUD_NAME = "AscAutoprovisionEmulator";

/** The document shapes ARM has had; an api-version selects one (see `schemaForApiVersion`). */
export type MetadataSchema = "2015-01-01" | "2018-01-01" | "2019-05-01" | "2022-09-01";

/** Domain of the services the emulator does not serve. */
const UNSERVED = "asc-emulator.invalid";
const unserved = (service: string): string => `https://${service}.${UNSERVED}`;

/** Public ARM's own audiences, which the emulator's ARM accepts too. */
const PUBLIC_ARM_AUDIENCES = ["https://management.core.windows.net/", "https://management.azure.com/"];

/** The audiences the emulator's ARM accepts, its own origin first. */
export function armAudiences(origin: string): string[] {
  return [`${origin}/`, ...PUBLIC_ARM_AUDIENCES];
}

function authentication(origin: string, loginEndpoint: string, full: boolean): JsonObject {
  return full
    ? { loginEndpoint, audiences: armAudiences(origin), tenant: "common", identityProvider: "AAD" }
    : { loginEndpoint, audiences: armAudiences(origin) };
}

/** `1.0` / `2015-01-01`, and `2018-01-01` (`full`): one object, endpoints named `...Endpoint`. */
function legacyDocument(origin: string, full: boolean): JsonObject {
  const doc: JsonObject = {
    galleryEndpoint: `${unserved("gallery")}/`,
    graphEndpoint: `${unserved("graph")}/`,
    portalEndpoint: `${unserved("portal")}/`,
    authentication: authentication(origin, `${origin}/`, full),
  };
  if (!full) return doc;
  return {
    galleryEndpoint: doc.galleryEndpoint,
    graphEndpoint: doc.graphEndpoint,
    portalEndpoint: doc.portalEndpoint,
    graphAudience: `${unserved("graph")}/`,
    authentication: doc.authentication,
    cloudEndpoint: { emulator: { endpoint: new URL(origin).host, locations: GEOGRAPHIES.flatMap((g) => [...g.regions]) } },
  };
}

/** One cloud of the `2019-05-01` array. */
function cloud2019(origin: string): JsonObject {
  return {
    portal: unserved("portal"),
    authentication: authentication(origin, `${origin}/`, true),
    media: unserved("media"),
    graphAudience: `${unserved("graph")}/`,
    graph: `${unserved("graph")}/`,
    name: EMULATOR_CLOUD_NAME,
    suffixes: {
      azureDataLakeStoreFileSystem: `datalakestore.${UNSERVED}`,
      acrLoginServer: `azurecr.${UNSERVED}`,
      sqlServerHostname: `database.${UNSERVED}`,
      azureDataLakeAnalyticsCatalogAndJob: `datalakeanalytics.${UNSERVED}`,
      keyVaultDns: `vault.${UNSERVED}`,
      storage: `core.${UNSERVED}`,
      azureFrontDoorEndpointSuffix: `azurefd.${UNSERVED}`,
    },
    batch: `${unserved("batch")}/`,
    resourceManager: `${origin}/`,
    vmImageAliasDoc: "https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json",
    activeDirectoryDataLake: `${unserved("datalake")}/`,
    sqlManagement: `${unserved("sqlmanagement")}/`,
    gallery: `${unserved("gallery")}/`,
  };
}

/** The `2022-09-01` object: the cloud itself (no `gallery`; resource ids of more services). */
function cloud2022(origin: string): JsonObject {
  const base = cloud2019(origin);
  return {
    portal: base.portal,
    authentication: authentication(origin, origin, true),
    media: base.media,
    graphAudience: base.graphAudience,
    graph: base.graph,
    name: EMULATOR_CLOUD_NAME,
    suffixes: {
      ...(base.suffixes as JsonObject),
      storageSyncEndpointSuffix: `afs.${UNSERVED}`,
      mhsmDns: `managedhsm.${UNSERVED}`,
      mysqlServerEndpoint: `mysql.${UNSERVED}`,
      postgresqlServerEndpoint: `postgres.${UNSERVED}`,
      mariadbServerEndpoint: `mariadb.${UNSERVED}`,
      synapseAnalytics: `synapse.${UNSERVED}`,
      attestationEndpoint: `attest.${UNSERVED}`,
    },
    batch: base.batch,
    resourceManager: `${origin}/`,
    vmImageAliasDoc: base.vmImageAliasDoc,
    activeDirectoryDataLake: base.activeDirectoryDataLake,
    sqlManagement: base.sqlManagement,
    microsoftGraphResourceId: msGraphResourceId(origin),
    appInsightsResourceId: unserved("applicationinsights"),
    appInsightsTelemetryChannelResourceId: `${unserved("dc.applicationinsights")}/v2/track`,
    attestationResourceId: unserved("attest"),
    synapseAnalyticsResourceId: unserved("synapse"),
    logAnalyticsResourceId: LOGS_AUDIENCES[0],
    ossrDbmsResourceId: unserved("ossrdbms"),
  };
}

/** The document of `schema` for the emulator at `origin` (e.g. `https://localhost:8443`). */
export function cloudMetadataDocument(origin: string, schema: MetadataSchema): JsonObject | JsonObject[] {
  switch (schema) {
    case "2015-01-01":
      return legacyDocument(origin, false);
    case "2018-01-01":
      return legacyDocument(origin, true);
    case "2019-05-01":
      return [cloud2019(origin)];
    case "2022-09-01":
      return cloud2022(origin);
  }
}
