/**
 * What a `--state` value may be, checked without loading the storage client: a directory, or an
 * Azure Storage container URL. One check for the CLI's `--state` (openStateStore) and the Pulumi
 * AgentReconciliation's `state` input, so both refuse the same values with the same words.
 */

export interface BlobLocation {
  readonly serviceUrl: string;
  readonly account: string;
  readonly container: string;
  /** Prefix of every blob name, "" or ending with "/". */
  readonly prefix: string;
}

/** The URLs of a container, as the refusals name them. */
const CONTAINER_URLS = "https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX] or http://HOST:PORT/ACCOUNT/CONTAINER[/PREFIX]";

/** What a state location may be, as a refusal names it. */
const STATE_SHAPES = `a directory, or an Azure Storage container URL (${CONTAINER_URLS})`;

// Almost always a pipeline variable that was not set (`--state "$STATE_DIR"`): taken as the working directory, the journal would land there.
const EMPTY_STATE = `empty (an unset variable?): give ${STATE_SHAPES}`;

export function isBlobState(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

/** The container a URL names, or why it names none. */
function blobLocationOf(value: string): BlobLocation | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `not a URL: expected ${CONTAINER_URLS}`;
  }
  // The credential comes from the environment: one in the URL would be written wherever the value is (a Pulumi state, a log).
  if (url.search || url.username || url.password) return "a URL with a query or user info: give the credential in AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN, not in the URL";
  const segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const hostStyle = /^[a-z0-9]{3,24}\.blob\./i.test(url.hostname);
  const account = hostStyle ? url.hostname.split(".")[0]! : segments.shift();
  const container = segments.shift();
  if (!account || !container) return `expected ${CONTAINER_URLS}`;
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(container)) return `"${container}" is not a container name (3-63 lower-case letters, digits and single hyphens)`;
  if (segments.some((s) => s === "." || s === "..")) return `the prefix may not hold "." or ".." segments`;
  const serviceUrl = hostStyle ? `${url.protocol}//${url.host}` : `${url.protocol}//${url.host}/${account}`;
  return { serviceUrl, account, container, prefix: segments.length ? segments.join("/") + "/" : "" };
}

/** A URL as a refusal may echo it: without the query or user info a credential would be in. */
function shown(value: string): string {
  return value.replace(/\?.*$/s, "?…").replace(/^([a-z]+:\/\/)[^/]*@/i, "$1…@");
}

/**
 * `https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]` (any cloud's blob host), or the
 * path-style URL of an emulator: `http://127.0.0.1:10000/ACCOUNT/CONTAINER[/PREFIX]` (Azurite).
 */
export function parseBlobUrl(value: string): BlobLocation {
  const location = blobLocationOf(value);
  if (typeof location === "string") throw new Error(`--state ${shown(value)}: ${location}`);
  return location;
}

/**
 * Why `value` cannot be a state location, starting with the value as JSON (`"https://x": expected
 * ...`), or undefined when it can be: a non-empty string, and a container URL when it is a URL.
 */
export function stateLocationProblem(value: unknown): string | undefined {
  const problem = typeof value !== "string" ? `expected ${STATE_SHAPES}` : value.trim() === "" ? EMPTY_STATE : isBlobState(value) ? blobLocationOf(value) : undefined;
  return typeof problem === "string" ? `${JSON.stringify(typeof value === "string" ? shown(value) : value)}: ${problem}` : undefined;
}
