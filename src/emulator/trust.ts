/**
 * Trusting the emulator's certificate inside an already running node process, for clients that
 * take no TLS options. NODE_EXTRA_CA_CERTS is read only at process start; this adds the CA to
 * every TLS context created without an explicit `ca` (what NODE_EXTRA_CA_CERTS does), for this
 * process only. Prefer `clientOptions().tlsOptions`, which touches nothing global.
 */
import tls from "node:tls";

const trusted = new Set<string>();
let patched = false;

export function trustEmulatorCertificate(caPem: string): void {
  trusted.add(caPem);
  if (patched) return;
  patched = true;
  const original = tls.createSecureContext;
  // SecureContext.context is node's native context; addCACert is how node itself adds extra CAs.
  type NativeContext = { addCACert(pem: string): void };
  tls.createSecureContext = function patchedCreateSecureContext(options?: tls.SecureContextOptions): tls.SecureContext {
    const ctx = original.call(tls, options);
    if (!options?.ca) {
      const native = (ctx as unknown as { context: NativeContext }).context;
      for (const pem of trusted) native.addCACert(pem);
    }
    return ctx;
  };
}
