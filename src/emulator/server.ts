/**
 * HTTPS transport: turns node requests into EmuRequests and EmuResponses into ARM-like answers
 * (x-ms-request-id, x-ms-correlation-request-id, JSON). Listens on 127.0.0.1 and, when the host
 * has IPv6, on ::1 with the same port, since `localhost` may resolve to either; or, given a host
 * (`--host 0.0.0.0` in a container whose port is published), on that address alone.
 */
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { EmulatorCore } from "./core";
import type { EmuRequest } from "./http/types";
import { splitPath } from "./util/armId";
import { ArmErrors } from "./http/errors";

/** The largest request body the emulator accepts (README "ARM behaviour"); larger ones get 413. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Past this much of an oversized body the connection is closed instead of drained. */
const MAX_DRAIN_BYTES = 8 * MAX_BODY_BYTES;

export interface Listening {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The request body, or `tooLarge` past MAX_BODY_BYTES. An oversized body is read to its end and
 * dropped, so the client (still sending) gets the 413 instead of a reset connection.
 */
function readBody(req: IncomingMessage): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_DRAIN_BYTES) {
        req.destroy();
        return;
      }
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on("end", () => resolve({ body: size > MAX_BODY_BYTES ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge: size > MAX_BODY_BYTES }));
    // Destroyed past MAX_DRAIN_BYTES (or by the client): nothing to answer, but settle.
    req.on("close", () => resolve({ body: Buffer.alloc(0), tooLarge: true }));
    req.on("error", reject);
  });
}

async function serve(core: EmulatorCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const corr = req.headers["x-ms-correlation-request-id"];
  const correlationId = (Array.isArray(corr) ? corr[0] : corr) || randomUUID();
  const { body, tooLarge } = await readBody(req);
  if (tooLarge) {
    const payload = JSON.stringify(ArmErrors.requestEntityTooLarge(MAX_BODY_BYTES).body());
    res.writeHead(413, { "x-ms-request-id": requestId, "x-ms-correlation-request-id": correlationId, "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(payload)), connection: "close" });
    res.end(payload);
    core.counters.record("write", `${(req.method ?? "GET").toUpperCase()} too-large`, 413);
    return;
  }
  // `/{+scope}` templates produce `//subscriptions/...`, which URL would read as a host name.
  const rawUrl = (req.url ?? "/").replace(/^\/{2,}/, "/");
  const url = new URL(rawUrl, "https://localhost");
  const path = url.pathname.replace(/\/{2,}/g, "/");
  const emu: EmuRequest = {
    method: (req.method ?? "GET").toUpperCase(),
    path,
    segments: splitPath(path),
    query: url.searchParams,
    headers: req.headers,
    rawBody: body,
    remoteAddress: req.socket.remoteAddress ?? "",
    requestId,
    correlationId,
  };
  const { res: out, cls } = await core.handle(emu);
  if (out.drop) {
    core.counters.record(cls, emu.operation ?? `${emu.method} dropped`, 0);
    req.socket.destroy();
    return;
  }
  const headers: Record<string, string> = {
    "x-ms-request-id": requestId,
    "x-ms-correlation-request-id": correlationId,
    "x-ms-routing-request-id": `LOCAL:${new Date().toISOString().replace(/[-:.]/g, "")}:${requestId}`,
    "cache-control": "no-cache",
    ...(out.headers ?? {}),
  };
  let payload: string | undefined;
  if (out.text !== undefined) {
    payload = out.text;
    headers["content-type"] = headers["content-type"] ?? "text/plain; charset=utf-8";
  } else if (out.body !== undefined && emu.method !== "HEAD") {
    payload = JSON.stringify(out.body);
    headers["content-type"] = "application/json; charset=utf-8";
  }
  if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(out.status, headers);
  res.end(payload);
  if (!out.injected) core.recorder?.record(cls, emu, out.status, headers, payload);
  core.counters.record(cls, emu.operation ?? `${emu.method} ${emu.path.split("/").slice(0, 2).join("/")}`, out.status);
}

export async function listen(core: EmulatorCore, tls: { cert: string; key: string }, port: number, host?: string): Promise<Listening> {
  const sockets = new Set<Socket>();
  const make = (): https.Server => {
    const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
      serve(core, req, res).catch((err: unknown) => {
        process.stderr.write(`emulator: ${err instanceof Error ? err.message : String(err)}\n`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    server.keepAliveTimeout = 30_000;
    server.on("connection", (s: Socket) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    return server;
  };
  const v4 = make();
  await new Promise<void>((resolve, reject) => {
    v4.once("error", reject);
    v4.listen(port, host ?? "127.0.0.1", () => resolve());
  });
  const actual = (v4.address() as AddressInfo).port;
  const servers = [v4];
  if (host === undefined) {
    const v6 = make();
    const v6ok = await new Promise<boolean>((resolve) => {
      v6.once("error", () => resolve(false));
      v6.listen(actual, "::1", () => resolve(true));
    });
    if (v6ok) servers.push(v6);
  }
  return {
    port: actual,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
