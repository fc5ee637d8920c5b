/**
 * A plain ARM REST call on the Azure SDK's own pipeline (@azure/core-client: the same credential,
 * bearer-token policy, TLS options and user agent as the generated clients), for the one resource
 * whose SDK package (@azure/arm-operations, ms-rest-js era) takes no TLS options:
 * Microsoft.OperationsManagement/solutions.
 */
import { ServiceClient } from "@azure/core-client";
import { createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import type { ArmClientOptions, AzureConnection } from "./connection";

const PUBLIC_ARM = "https://management.azure.com";

export class ArmRest {
  private readonly client: ServiceClient;
  private readonly endpoint: string;

  constructor(conn: AzureConnection, o: ArmClientOptions = conn.clientOptions()) {
    this.endpoint = o.endpoint ?? PUBLIC_ARM;
    this.client = new ServiceClient({
      endpoint: this.endpoint,
      credential: conn.credential,
      credentialScopes: o.credentialScopes ?? [`${PUBLIC_ARM}/.default`],
      retryOptions: o.retryOptions,
      userAgentOptions: o.userAgentOptions,
      ...(o.tlsOptions ? { tlsOptions: o.tlsOptions } : {}),
      ...(o.additionalPolicies ? { additionalPolicies: o.additionalPolicies } : {}),
    });
  }

  /** PUT a resource; throws a RestError (status and ARM error code) as the generated clients do. */
  put(path: string, apiVersion: string, body: unknown): Promise<unknown> {
    return this.send("PUT", path, apiVersion, body);
  }

  /** DELETE a resource (a 404 is an error the caller may treat as done). */
  delete(path: string, apiVersion: string): Promise<unknown> {
    return this.send("DELETE", path, apiVersion);
  }

  private async send(method: "PUT" | "DELETE", path: string, apiVersion: string, body?: unknown): Promise<unknown> {
    const request = createPipelineRequest({
      url: `${this.endpoint}${armPath(path)}?api-version=${encodeURIComponent(apiVersion)}`,
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

/**
 * An ARM path with every segment encoded (encodeURI would let `?`, `#` and `&` through, so a name
 * could add a query or cut the path), refusing `.` and `..` segments, which would climb to another
 * scope once a server or proxy normalises the path.
 */
export function armPath(path: string): string {
  if (!path.startsWith("/")) throw new Error(`not an ARM path (it must start with /): ${JSON.stringify(path)}`);
  const segments = path.slice(1).split("/");
  if (segments.some((s) => s === "." || s === ".." || s === "")) throw new Error(`not an ARM path (an empty, . or .. segment): ${JSON.stringify(path)}`);
  return "/" + segments.map(encodeURIComponent).join("/");
}
