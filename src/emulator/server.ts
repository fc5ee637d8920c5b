/**
 * HTTPS transport: turns node requests into EmuRequests and EmuResponses into ARM-like answers
 * (x-ms-request-id, x-ms-correlation-request-id, JSON). Listens on 127.0.0.1 and, when the host
 * has IPv6, on ::1 with the same port, since `localhost` may resolve to either.
 */
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { EmulatorCore } from "./core";
import type { EmuRequest } from "./http/types";
import { splitPath } from "./util/armId";

const MAX_BODY = 16 * 1024 * 1024;

export interface Listening {
  readonly port: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function serve(core: EmulatorCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const corr = req.headers["x-ms-correlation-request-id"];
  const correlationId = (Array.isArray(corr) ? corr[0] : corr) || randomUUID();
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch {
    res.writeHead(413, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "RequestEntityTooLarge", message: "The request body is too large." } }));
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
  core.counters.record(cls, emu.operation ?? `${emu.method} ${emu.path.split("/").slice(0, 2).join("/")}`, out.status);
}

export async function listen(core: EmulatorCore, tls: { cert: string; key: string }, port: number): Promise<Listening> {
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
    v4.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (v4.address() as AddressInfo).port;
  const v6 = make();
  const v6ok = await new Promise<boolean>((resolve) => {
    v6.once("error", () => resolve(false));
    v6.listen(actual, "::1", () => resolve(true));
  });
  const servers = v6ok ? [v4, v6] : [v4];
  return {
    port: actual,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
