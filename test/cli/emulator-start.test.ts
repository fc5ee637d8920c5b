/**
 * `asc-autoprovision emulator start` prints enough to run `pulumi up` against it: the endpoint for
 * the stack config, the ARM_* credentials and SSL_CERT_FILE the Go azure-native plugin reads, and
 * the metadata URL it discovers ARM from. The test follows only what was printed, as a user
 * would: metadata document (trusting only SSL_CERT_FILE) -> token from the printed credentials at
 * the discovered login endpoint -> ARM at the discovered resourceManager.
 */
import { spawn, type ChildProcess } from "node:child_process";
import https from "node:https";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";

const ROOT = resolve(__dirname, "../..");

function startCli(statePath: string): Promise<{ proc: ChildProcess; output: () => string }> {
  const proc = spawn(
    process.execPath,
    ["-r", join(ROOT, "test/emulator/fixtures/ts-register.js"), join(ROOT, "test/emulator/fixtures/emulator-cli.ts"), "emulator", "start", "--port", "0", "--state", statePath],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  return new Promise((resolveChild, reject) => {
    proc.stdout!.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      if (out.includes("Press Ctrl+C")) resolveChild({ proc, output: () => out });
    });
    proc.stderr!.on("data", (c: Buffer) => (out += c.toString("utf8")));
    proc.on("exit", (code) => reject(new Error(`emulator exited early (${code}): ${out}`)));
  });
}

function exports(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of text.matchAll(/^\s*export (\w+)=(".*?")\s*$/gm)) env[m[1]!] = JSON.parse(m[2]!) as string;
  return env;
}

function getJson(url: string, ca: string): Promise<{ status: number; body: unknown }> {
  return new Promise((res, rej) => {
    https
      .get(url, { ca }, (r) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => res({ status: r.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown }));
      })
      .on("error", rej);
  });
}

let dir: string;
let child: { proc: ChildProcess; output: () => string } | undefined;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "emu-cli-"));
  child = await startCli(join(dir, "state.sqlite"));
});
afterAll(() => {
  if (child && child.proc.exitCode === null) child.proc.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

test("emulator start prints the Pulumi recipe, and following it reaches ARM", async () => {
  const out = child!.output();
  const url = /listening on (https:\/\/localhost:\d+)/.exec(out)![1]!;
  expect(out).toContain(`pulumi config set asc-autoprovision:emulatorEndpoint ${url}`);
  const env = exports(out);
  expect(env).toMatchObject({ ASC_EMULATOR_URL: url, SSL_CERT_FILE: join(dir, "emulator-cert.pem") });
  for (const k of ["ARM_TENANT_ID", "ARM_CLIENT_ID", "ARM_CLIENT_SECRET"]) expect(env[k]).toBeTruthy();
  const discovery = new RegExp(`ARM discovery \\(metadataHost ${new URL(url).host}\\): (\\S+)`).exec(out)![1]!;
  expect(discovery).toBe(`https://${new URL(url).host}/metadata/endpoints?api-version=2022-09-01`);

  // Trust only the SSL_CERT_FILE, as Go does when it is set.
  const ca = readFileSync(env.SSL_CERT_FILE!, "utf8");
  const meta = await getJson(discovery, ca);
  expect(meta.status).toBe(200);
  const cloud = meta.body as { resourceManager: string; authentication: { loginEndpoint: string; audiences: string[] } };
  const credential = new ClientSecretCredential(env.ARM_TENANT_ID!, env.ARM_CLIENT_ID!, env.ARM_CLIENT_SECRET!, {
    authorityHost: cloud.authentication.loginEndpoint,
    disableInstanceDiscovery: true,
    tlsOptions: { ca },
  });
  const scope = `${cloud.authentication.audiences[0]}/.default`;
  const subscriptionId = /subscriptions: ([0-9a-f-]{36})/.exec(out)![1]!;
  const rm = new ResourceManagementClient(credential, subscriptionId, { endpoint: cloud.resourceManager, credentials: { scopes: [scope] }, tlsOptions: { ca } });
  const rg = await rm.resourceGroups.createOrUpdate("rg-from-the-recipe", { location: "eastus" });
  expect(rg.name).toBe("rg-from-the-recipe");

  const exited = new Promise<number | null>((r) => child!.proc.once("exit", (code) => r(code)));
  child!.proc.kill("SIGTERM");
  expect(await exited).toBe(0);
  expect(child!.output()).toContain("emulator stopped (SIGTERM)");
});
