/**
 * The emulator's certificate: self-signed, for localhost / 127.0.0.1 / ::1, generated at first
 * start and kept next to the state so clients can trust it once (NODE_EXTRA_CA_CERTS).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { writePrivateFile } from "./privateFiles";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface Certificate {
  readonly cert: string;
  readonly key: string;
  readonly certPath: string;
}

export async function loadOrCreateCertificate(dir: string): Promise<Certificate> {
  const certPath = join(dir, "emulator-cert.pem");
  const keyPath = join(dir, "emulator-key.pem");
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, "utf8");
    const validTo = Date.parse(new X509Certificate(cert).validTo);
    if (validTo - Date.now() > 24 * 3600 * 1000) return { cert, key: readFileSync(keyPath, "utf8"), certPath };
  }
  const notBefore = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: "commonName", value: "localhost" }, { name: "organizationName", value: "asc-autoprovision emulator" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: notBefore,
    notAfterDate: new Date(notBefore.getTime() + 825 * 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }] },
    ],
  });
  writePrivateFile(keyPath, pems.private);
  writeFileSync(certPath, pems.cert);
  return { cert: pems.cert, key: pems.private, certPath };
}
