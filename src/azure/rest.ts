/**
 * A plain ARM REST call on the Azure SDK's own pipeline (@azure/core-client: the same credential,
 * bearer-token policy, TLS options and user agent as the generated clients), for the one resource
 * whose SDK package (@azure/arm-operations, ms-rest-js era) takes no TLS options:
 * Microsoft.OperationsManagement/solutions; and for Defender's current api-versions, which the
 * installed @azure/arm-security (5.x: pricings 2022-03-01, no settings or vulnerability-assessment
 * settings of today) does not send: pricings 2024-01-01, settings 2022-05-01,
 * serverVulnerabilityAssessmentsSettings 2023-05-01, a managed cluster's add-ons.
 */
import { ServiceClient } from "@azure/core-client";
import { createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import type { AzureConnection } from "./connection";

const PUBLIC_ARM = "https://management.azure.com";

export class ArmRest {
  private readonly client: ServiceClient;
  private readonly endpoint: string;

  constructor(conn: AzureConnection) {
    const o = conn.clientOptions();
    this.endpoint = o.endpoint ?? PUBLIC_ARM;
    this.client = new ServiceClient({
      endpoint: this.endpoint,
      credential: conn.credential,
      credentialScopes: o.credentialScopes ?? [`${PUBLIC_ARM}/.default`],
      retryOptions: o.retryOptions,
      userAgentOptions: o.userAgentOptions,
      ...(o.tlsOptions ? { tlsOptions: o.tlsOptions } : {}),
    });
  }

  /** PUT a resource; throws a RestError (status and ARM error code) as the generated clients do. */
  put(path: string, apiVersion: string, body: unknown): Promise<unknown> {
    return this.send("PUT", path, apiVersion, body);
  }

  /** GET a resource or a list (a 404 is an error: isNotFound tells it apart). */
  get(path: string, apiVersion: string): Promise<unknown> {
    return this.send("GET", path, apiVersion);
  }

  /** DELETE a resource (a 404 is an error the caller may treat as done). */
  delete(path: string, apiVersion: string): Promise<unknown> {
    return this.send("DELETE", path, apiVersion);
  }

  private async send(method: "GET" | "PUT" | "DELETE", path: string, apiVersion: string, body?: unknown): Promise<unknown> {
    const request = createPipelineRequest({
      url: `${this.endpoint}${encodeURI(path)}?api-version=${apiVersion}`,
      method,
      headers: createHttpHeaders(body === undefined ? {} : { "content-type": "application/json" }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const response = await this.client.sendRequest(request);
    const parsed: unknown = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
    if (response.status >= 400) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new RestError(error?.message ?? `HTTP ${response.status}`, { code: error?.code, statusCode: response.status, request, response });
    }
    return parsed;
  }
}
