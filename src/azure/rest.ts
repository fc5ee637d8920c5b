/**
 * A plain ARM REST call on the Azure SDK's own pipeline (@azure/core-client: the same credential,
 * bearer-token policy, TLS options and user agent as the generated clients), for resources whose
 * SDK package is unusable here (Microsoft.OperationsManagement/solutions: @azure/arm-operations,
 * ms-rest-js era, takes no TLS options) or targets an api-version without a property we send.
 *
 * A write the service answers asynchronously (Azure-AsyncOperation, or 202 with Location) is
 * followed to its end by `beginPut`'s poller, as the generated clients' pollers do: a spec that
 * marks the operation long-running (Solutions_CreateOrUpdate) is not done at its 201.
 *
 * Defender's current api-versions, which the installed @azure/arm-security (5.x: pricings
 * 2022-03-01, no settings or vulnerability-assessment settings of today) does not send, go here too:
 * pricings 2024-01-01, settings 2022-05-01, serverVulnerabilityAssessmentsSettings 2023-05-01, a
 * managed cluster's add-ons.
 */
import { ServiceClient } from "@azure/core-client";
import { createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import type { ArmClientOptions, AzureConnection } from "./connection";
import type { Poller } from "./lro";
import { sleep } from "./retry";

/** An operation status document's terminal states (ARM's async-operation contract). */
const DONE = new Set(["succeeded"]);
const FAILED = new Set(["failed", "canceled", "cancelled"]);

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

  /** GET a resource or a list (a 404 is a RestError with statusCode 404: isNotFound tells it apart). */
  get(path: string, apiVersion: string): Promise<unknown> {
    return this.send("GET", path, apiVersion);
  }

  /**
   * PUT a resource and return a poller that waits for the operation the answer names (if any),
   * then yields the resource. Polls every `intervalMs` unless the service sends Retry-After.
   */
  async beginPut(path: string, apiVersion: string, body: unknown, intervalMs: number): Promise<Poller> {
    const { response, parsed } = await this.exchange("PUT", `${this.endpoint}${armPath(path)}?api-version=${encodeURIComponent(apiVersion)}`, body);
    const operation = response.headers.get("azure-asyncoperation") ?? (response.status === 202 ? response.headers.get("location") : undefined);
    return {
      pollUntilDone: async (options) => {
        if (!operation) return parsed;
        for (;;) {
          const { response: r, parsed: status } = await this.exchange("GET", operation);
          const state = String((status as { status?: string } | undefined)?.status ?? (r.status === 202 ? "InProgress" : "Succeeded")).toLowerCase();
          if (DONE.has(state)) return this.get(path, apiVersion);
          if (FAILED.has(state)) {
            const error = (status as { error?: { code?: string; message?: string } } | undefined)?.error;
            throw new RestError(error?.message ?? `the operation on ${path} ended ${state}`, { code: error?.code ?? "OperationFailed", statusCode: 200 });
          }
          const retryAfter = Number(r.headers.get("retry-after"));
          // Cut short by the run's stop, as the SDK's pollers are: Retry-After may say minutes.
          await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : intervalMs, options?.abortSignal);
        }
      },
    };
  }

  /** DELETE a resource (a 404 is an error the caller may treat as done). */
  delete(path: string, apiVersion: string): Promise<unknown> {
    return this.send("DELETE", path, apiVersion);
  }

  private async send(method: "GET" | "PUT" | "DELETE", path: string, apiVersion: string, body?: unknown): Promise<unknown> {
    return (await this.exchange(method, `${this.endpoint}${armPath(path)}?api-version=${encodeURIComponent(apiVersion)}`, body)).parsed;
  }

  private async exchange(method: "GET" | "PUT" | "DELETE", url: string, body?: unknown) {
    const request = createPipelineRequest({
      url,
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
    return { response, parsed };
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
