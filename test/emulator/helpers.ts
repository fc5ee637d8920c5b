/** Shared setup for emulator tests: one emulator per test file, official SDK clients over HTTPS. */
import { join } from "node:path";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator";
import { EmulatorCore } from "../../src/emulator/core";

export async function withEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ remediationDeploymentMs: 5, ...opts });
}

/**
 * For tests of the remediation engine itself (parallelism, thresholds, resumption): assignments
 * are evaluated at once, not after Azure's delay (the default; see policyEvaluation.test.ts).
 */
export const INSTANT_EVALUATION = 0;

/**
 * For tests of Resource Graph's paging mechanics: no row repeated or skipped across pages (the
 * default repeats one, as Azure's paging can; see test/azure/inventory.emulator.test.ts).
 */
export const EXACT_PAGING = { graphRepeatedRows: 0, graphMissingRows: 0 } as const;

/** Poll options for SDK long-running operations against the emulator (Azure's default waits 2 s). */
export const FAST_POLL = { updateIntervalInMs: 10 } as const;

export async function eventually<T>(fn: () => Promise<T>, done: (value: T) => boolean, attempts = 400, delayMs = 25): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < attempts; i++) {
    last = await fn();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, delayMs));
  }
  throw new Error(`condition not reached; last value: ${JSON.stringify(last)}`);
}

/** What the SDK's RestError carries. */
export interface RestErrorLike {
  readonly statusCode?: number;
  readonly code?: string;
  readonly message: string;
}

export async function errorOf(p: Promise<unknown>): Promise<RestErrorLike> {
  try {
    await p;
  } catch (err) {
    return err as RestErrorLike;
  }
  throw new Error("expected the call to fail");
}

/** A raw HTTPS call to the emulator (for what SDK clients cannot send: no token, bad JSON, ...). */
export async function raw(
  emu: RunningEmulator,
  method: string,
  path: string,
  opts: { token?: string; body?: string | object; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- test helper: bodies are inspected ad hoc
  const https = await import("node:https");
  const payload = opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers["authorization"] = `Bearer ${opts.token}`;
  if (payload !== undefined) {
    headers["content-type"] = headers["content-type"] ?? "application/json";
    headers["content-length"] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, emu.url), { method, ca: emu.caCert, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

export async function armToken(emu: RunningEmulator): Promise<string> {
  const t = await emu.credential().getToken("https://management.azure.com/.default");
  if (!t) throw new Error("no token");
  return t.token;
}

/** An emulator core in process, its state in `dir`, without a fleet and without delays (a test fills its store or replays writes). */
export function coreIn(dir: string): EmulatorCore {
  return new EmulatorCore({
    dbPath: join(dir, "state.sqlite"),
    tenantId: "00000000-0000-0000-0000-0000000000aa",
    seed: 7,
    admin: { token: "test", tokenPath: join(dir, "admin-token") },
    settings: {
      lroDelayMs: 0, listPageSize: 100, remediationDeploymentMs: 5, policyEvaluationDelayMs: 0, tokenLifetimeSeconds: 3600,
      queryBudgetMs: 5000, graphRepeatedRows: 0, graphMissingRows: 0, graphWriteLagMs: 0, defenderDelayMs: 600_000,
    },
  });
}
