/**
 * `host` (`emulator start --host`): by default the emulator answers on loopback only; given
 * 0.0.0.0 (a container whose port is published) it answers on the machine's other addresses too,
 * while its admin API still refuses clients that are not on loopback.
 */
import https from "node:https";
import { networkInterfaces } from "node:os";
import { startEmulator } from "../../src/emulator";

/** A non-loopback IPv4 address of this machine (a container's eth0). */
function externalAddress(): string {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === "IPv4" && !i.internal);
  if (!found) throw new Error("this test needs a non-loopback IPv4 interface");
  return found.address;
}

function get(address: string, port: number, path: string, ca: string, token?: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = https.get({ host: address, port, path, ca, servername: "localhost", headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

const METADATA = "/metadata/endpoints?api-version=2022-09-01";

test("loopback by default; --host 0.0.0.0 answers on the machine's address, the admin API still loopback only", async () => {
  const address = externalAddress();
  const loopback = await startEmulator();
  try {
    expect(await get("127.0.0.1", loopback.port, METADATA, loopback.caCert)).toBe(200);
    expect(await get(address, loopback.port, METADATA, loopback.caCert)).toBe("ECONNREFUSED");
  } finally {
    await loopback.stop();
  }
  const open = await startEmulator({ host: "0.0.0.0" });
  try {
    expect(open.url).toBe(`https://localhost:${open.port}`);
    expect(await get(address, open.port, METADATA, open.caCert)).toBe(200);
    expect(await get(address, open.port, "/admin/health", open.caCert, open.adminToken)).toBe(403);
    expect(await get("127.0.0.1", open.port, "/admin/health", open.caCert, open.adminToken)).toBe(200);
  } finally {
    await open.stop();
  }
});
