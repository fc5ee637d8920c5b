/**
 * How the executor treats an error from ARM: retry after a wait (429, 5xx, network), or stop
 * (everything the caller has to fix: bad request, Deprecated, AuthorizationFailed, ...).
 */

/** The parts of an Azure SDK RestError (or a plain Error) we look at. */
export interface ErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly statusCode?: number;
  readonly response?: { readonly headers?: { get?(name: string): string | undefined } | Record<string, string | undefined> };
}

/** Codes that never succeed on retry. Deprecated: Azure's answer to autoProvision "On". */
export const TERMINAL_CODES = new Set([
  "Deprecated",
  "AuthorizationFailed",
  "LinkedAuthorizationFailed",
  "InvalidAuthenticationToken",
  "AuthenticationFailed",
  "ExpiredAuthenticationToken",
  "InvalidRequestContent",
  "InvalidApiVersionParameter",
  "MissingApiVersionParameter",
  "SubscriptionNotFound",
  "ResourceGroupNotFound",
]);

/** Errors that mean no further write can succeed with these credentials: the whole run stops. */
export const CREDENTIAL_CODES = new Set(["InvalidAuthenticationToken", "AuthenticationFailed", "ExpiredAuthenticationToken"]);

const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "REQUEST_SEND_ERROR", "UND_ERR_SOCKET"]);

export type ErrorClass =
  | { readonly kind: "throttled"; readonly retryAfterMs: number | undefined }
  | { readonly kind: "transient"; readonly retryAfterMs?: number }
  | { readonly kind: "terminal"; readonly credential: boolean };

export function classifyError(err: unknown): ErrorClass {
  const e = (err ?? {}) as ErrorLike;
  const status = e.statusCode;
  // The run was stopped (a signal, a lost lease, the give-up deadline): never retried.
  if (e.name === "RunStopped") return { kind: "terminal", credential: false };
  if (e.code && TERMINAL_CODES.has(e.code)) return { kind: "terminal", credential: CREDENTIAL_CODES.has(e.code) };
  if (status === 429) return { kind: "throttled", retryAfterMs: retryAfterMs(e) };
  if (status === 401) return { kind: "terminal", credential: true };
  if (status !== undefined && (status >= 500 || status === 408)) {
    // A 503 may say when to come back (ARM's and the SDK's throttling policy honour it).
    const after = header(e, "retry-after") ? retryAfterMs(e) : undefined;
    return after === undefined ? { kind: "transient" } : { kind: "transient", retryAfterMs: after };
  }
  if (status !== undefined && status >= 400) return { kind: "terminal", credential: false };
  if (e.code && NETWORK_CODES.has(e.code)) return { kind: "transient" };
  if (e.name === "AbortError" || /socket hang up|ECONNRESET|ECONNREFUSED|timed? ?out/i.test(e.message ?? "")) return { kind: "transient" };
  // An error without status (a bug, a malformed answer): stop rather than loop.
  return { kind: "terminal", credential: false };
}

function header(e: ErrorLike, name: string): string | undefined {
  const h = e.response?.headers;
  if (!h) return undefined;
  if (typeof (h as { get?: unknown }).get === "function") return (h as { get(n: string): string | undefined }).get(name);
  return (h as Record<string, string | undefined>)[name] ?? (h as Record<string, string | undefined>)[name.toLowerCase()];
}

/**
 * Retry-After in seconds or as an HTTP date, as ARM sends it; else Resource Graph's
 * `x-ms-user-quota-resets-after` (hh:mm:ss), which is how a throttled Resource Graph query is told to wait.
 */
export function retryAfterMs(e: ErrorLike, now = Date.now()): number | undefined {
  const v = header(e, "retry-after");
  if (!v) return quotaResetsAfterMs(header(e, "x-ms-user-quota-resets-after"));
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** `hh:mm:ss` as milliseconds, or undefined when absent or malformed. */
export function quotaResetsAfterMs(value: string | undefined): number | undefined {
  const m = value ? /^(\d+):([0-5]\d):([0-5]\d)(?:\.\d+)?$/.exec(value.trim()) : null;
  return m ? ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 : undefined;
}

/** A one-line description for logs: code, status and message, never a header or a body. */
export function describeArmError(err: unknown): string {
  const e = (err ?? {}) as ErrorLike;
  const parts = [e.code, e.statusCode ? `HTTP ${e.statusCode}` : undefined].filter(Boolean).join(", ");
  const message = (e.message ?? String(err)).split("\n")[0]!;
  return parts ? `${parts}: ${message}` : message;
}

/** A 404 from ARM: the resource does not exist. */
export function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number } | null)?.statusCode === 404;
}
