/** A tiny HTTPS client for the admin API (tests, benchmarks, the CLI), trusting the emulator's CA. */
import https from "node:https";

export async function adminRequest<T = unknown>(baseUrl: string, ca: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const url = new URL(path.startsWith("/admin") ? path : `/admin${path.startsWith("/") ? "" : "/"}${path}`, baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method, ca, headers: payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : undefined) as T });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}
