/**
 * Records every ARM, Microsoft Graph and Log Analytics exchange the emulator answers, one JSON
 * file each, in the format Microsoft's `oav validate-traffic` reads
 * (`{liveRequest: {method, url, headers, body}, liveResponse: {statusCode, headers, body}}`), so a
 * test suite's traffic can be checked against the published API specifications
 * (test/contract). Turned on by `EmulatorOptions.recordTraffic` or `ASC_EMULATOR_RECORD_DIR`.
 *
 * Secrets never reach the files: the Authorization header is dropped and the values of secret
 * fields (workspace keys, protected settings, tokens) are replaced by "REDACTED", keeping their
 * type, which is all a schema check needs.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeDirs } from "../../spec";
import type { EmuRequest, OpClass } from "./types";

/** Classes of traffic that have a published API specification. */
const RECORDED: ReadonlySet<OpClass> = new Set(["read", "write", "delete", "graph", "query"]);

const SECRET_KEYS = new Set(["workspacekey", "primarysharedkey", "secondarysharedkey", "protectedsettings", "access_token", "client_secret", "password", "adminpassword"]);

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (!SECRET_KEYS.has(k.toLowerCase())) out[k] = redact(v);
      else if (typeof v === "string") out[k] = "REDACTED";
      else if (v && typeof v === "object" && !Array.isArray(v)) out[k] = Object.fromEntries(Object.keys(v).map((key) => [key, "REDACTED"]));
      else out[k] = v;
    }
    return out;
  }
  return value;
}

function parsed(text: string | undefined): unknown {
  if (text === undefined || text === "") return undefined;
  try {
    return redact(JSON.parse(text));
  } catch {
    return text;
  }
}

function plainHeaders(headers: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === "authorization" || v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
  }
  return out;
}

export class TrafficRecorder {
  private seq = 0;

  constructor(
    readonly dir: string,
    private readonly origin: () => string,
  ) {
    makeDirs(dir);
  }

  record(cls: OpClass, req: EmuRequest, status: number, headers: Record<string, string>, payload: string | undefined): void {
    if (!RECORDED.has(cls) || status === 0) return;
    const query = req.query.toString();
    const exchange = {
      liveRequest: {
        method: req.method,
        url: `${this.origin()}${req.path}${query ? `?${query}` : ""}`,
        headers: plainHeaders(req.headers as Record<string, unknown>),
        body: parsed(req.rawBody.length > 0 ? req.rawBody.toString("utf8") : undefined),
      },
      liveResponse: { statusCode: String(status), headers: plainHeaders(headers), body: parsed(payload) },
    };
    this.seq += 1;
    const name = `${String(this.seq).padStart(6, "0")}-${process.pid}-${req.requestId}.json`;
    writeFileSync(join(this.dir, name), JSON.stringify(exchange, null, 1));
  }
}
