/**
 * Which Azure to talk to, decided once for every front end: the CLI (`--cloud`, `--emulator-dir`),
 * the Pulumi components (stack config `asc-autoprovision:emulatorEndpoint`) and the
 * AgentReconciliation resource (its `endpoint` input).
 *
 * Precedence: a value given explicitly (a flag, a resource input, stack config) > the environment
 * that `asc-autoprovision emulator start` prints (ASC_EMULATOR_CONFIG, the path of its
 * emulator.json; then ASC_EMULATOR_DIR, its state directory; then ASC_EMULATOR_ENDPOINT, its URL)
 * > the caller's default (the CLI: the emulator in its default directory; Pulumi: real Azure).
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { emulatorEndpointFromDir, type EmulatorEndpoint } from "./emulatorEndpoint";

export type { EmulatorEndpoint } from "./emulatorEndpoint";

export const EMULATOR_CONFIG_ENV = "ASC_EMULATOR_CONFIG";
export const EMULATOR_DIR_ENV = "ASC_EMULATOR_DIR";
export const EMULATOR_ENDPOINT_ENV = "ASC_EMULATOR_ENDPOINT";
/** Where `emulator start` keeps its state by default, and where the other commands look for it. */
export const DEFAULT_EMULATOR_DIR = ".asc-autoprovision/emulator";

export type EndpointChoice =
  | { readonly kind: "azure" }
  /** The emulator by its ARM endpoint (an https origin); its emulator.json is looked for when a connection is made. */
  | { readonly kind: "emulator-url"; readonly url: string; readonly source: string }
  /** The emulator by its state directory (where its emulator.json is). */
  | { readonly kind: "emulator-dir"; readonly dir: string; readonly source: string };

/** A bad endpoint value: `source` is the flag, input, config key or environment variable that named it. */
export class EndpointError extends Error {
  constructor(
    readonly source: string,
    readonly detail: string,
  ) {
    super(`${source}: ${detail}`);
    this.name = "EndpointError";
  }
}

/** What a value may name: every source takes an https origin; some also "azure" and a directory. */
export interface EndpointValueKinds {
  readonly azure: boolean;
  readonly directory: boolean;
}

const URL_ONLY: EndpointValueKinds = { azure: false, directory: false };

/** The choice a value names; an error names its source and what it may be. */
export function parseEndpointValue(value: string, source: string, kinds: EndpointValueKinds): EndpointChoice {
  const v = value.trim();
  if (kinds.azure && v === "azure") return { kind: "azure" };
  const looksLikeUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(v);
  if (kinds.directory && !looksLikeUrl) return { kind: "emulator-dir", dir: v, source };
  const alternatives = kinds.directory ? `, "azure" or the emulator's state directory` : " (Azure clients send bearer tokens over https only)";
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new EndpointError(source, `${JSON.stringify(v)} is not a URL (expected the emulator's ARM endpoint, e.g. https://localhost:8443)`);
  }
  if (url.protocol !== "https:" || (url.pathname !== "/" && url.pathname !== "") || url.search || url.username) {
    throw new EndpointError(source, `${JSON.stringify(v)} must be an https origin such as https://localhost:8443${alternatives}`);
  }
  return { kind: "emulator-url", url: url.origin, source };
}

/** The endpoint by the one precedence (see above). `explicit`: the value given and where it came from. */
export function chooseEndpoint(
  explicit: { readonly value: string | undefined; readonly source: string; readonly kinds: EndpointValueKinds } | undefined,
  env: NodeJS.ProcessEnv,
  fallback: EndpointChoice,
): EndpointChoice {
  const value = explicit?.value?.trim();
  if (explicit && value) return parseEndpointValue(value, explicit.source, explicit.kinds);
  const config = env[EMULATOR_CONFIG_ENV]?.trim();
  if (config) return { kind: "emulator-dir", dir: dirname(config), source: EMULATOR_CONFIG_ENV };
  const dir = env[EMULATOR_DIR_ENV]?.trim();
  if (dir) return { kind: "emulator-dir", dir, source: EMULATOR_DIR_ENV };
  const url = env[EMULATOR_ENDPOINT_ENV]?.trim();
  if (url) return parseEndpointValue(url, EMULATOR_ENDPOINT_ENV, URL_ONLY);
  return fallback;
}

/** Where an emulator known only by its URL may have its emulator.json: the environment's directories, then the default one. */
function emulatorDirs(env: NodeJS.ProcessEnv): string[] {
  const dirs: string[] = [];
  if (env[EMULATOR_CONFIG_ENV]) dirs.push(dirname(env[EMULATOR_CONFIG_ENV]!));
  if (env[EMULATOR_DIR_ENV]) dirs.push(env[EMULATOR_DIR_ENV]!);
  dirs.push(resolve(DEFAULT_EMULATOR_DIR));
  return dirs;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

function sameEndpoint(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    const host = (h: string) => (LOOPBACK.has(h) ? "loopback" : h);
    return x.protocol === y.protocol && x.port === y.port && host(x.hostname) === host(y.hostname);
  } catch {
    return false;
  }
}

/** The running emulator a choice names, with its credentials and certificate (read from its emulator.json). */
export function emulatorOf(choice: Exclude<EndpointChoice, { kind: "azure" }>, env: NodeJS.ProcessEnv = process.env): EmulatorEndpoint {
  if (choice.kind === "emulator-dir") return emulatorEndpointFromDir(choice.dir);
  const dirs = emulatorDirs(env);
  const found: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(join(dir, "emulator.json"))) continue;
    const ep = emulatorEndpointFromDir(dir);
    if (sameEndpoint(ep.url, choice.url)) return ep;
    found.push(`${dir} (${ep.url})`);
  }
  throw new Error(
    `no emulator.json for ${choice.url}: ${found.length ? `found only ${found.join(", ")}` : `looked in ${dirs.join(", ")}`}; ` +
      `export ${EMULATOR_CONFIG_ENV} with the path \`asc-autoprovision emulator start\` printed`,
  );
}

/** The ARM endpoint a choice names, without reading a certificate (what the azure-native provider needs). */
export function endpointUrlOf(choice: EndpointChoice): string | undefined {
  if (choice.kind === "azure") return undefined;
  return choice.kind === "emulator-url" ? choice.url : emulatorEndpointFromDir(choice.dir).url;
}
