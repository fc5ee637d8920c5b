/**
 * A tiny HTTPS client for the admin API (tests, benchmarks, the CLI), trusting the emulator's CA.
 * The admin API needs this start's bearer token: `readAdminToken(dir)` reads it from the file the
 * emulator writes (mode 0600) next to emulator.json.
 */
import https from "node:https";
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** The token file's name, next to emulator.json and the state. */
export const ADMIN_TOKEN_FILE = "admin-token";

/** This start's admin token, from the emulator's directory or its emulator.json path. */
export function readAdminToken(dirOrConfig: string): string {
  const dir = basename(dirOrConfig).toLowerCase().endsWith(".json") ? dirname(dirOrConfig) : dirOrConfig;
  return readFileSync(join(dir, ADMIN_TOKEN_FILE), "utf8").trim();
}

export async function adminRequest<T = unknown>(baseUrl: string, ca: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const url = new URL(path.startsWith("/admin") ? path : `/admin${path.startsWith("/") ? "" : "/"}${path}`, baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string | number> = payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {};
  if (token) headers["authorization"] = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ca, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : undefined) as T });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}
