/**
 * `asc-autoprovision emulator start` on one state directory, as user trial 16 ran it: a second
 * start while the first serves it exits 1 naming the running pid and URL and changes nothing (it
 * overwrote emulator.json and the admin token: the first's admin API answered 401); after the first
 * is killed (-9: its emulator.json stays, naming a dead pid) a start takes the directory over and
 * finds the clock where it was. The banner and emulator.json list the hub subscription a
 * management group's `newSubscriptions` made; `--defender-delay` sets when Defender deploys.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { adminRequest, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, readAdminToken, type ExtensionPut } from "../../src/emulator";
import { ClientSecretCredential } from "@azure/identity";

const ROOT = resolve(__dirname, "../..");

interface Child {
  readonly proc: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  readonly exit: Promise<number | null>;
}

function run(args: string[]): Child {
  const proc = spawn(process.execPath, ["-r", join(ROOT, "test/emulator/fixtures/ts-register.js"), join(ROOT, "test/emulator/fixtures/emulator-cli.ts"), "emulator", "start", "--port", "0", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (c: Buffer) => (out += c.toString("utf8")));
  proc.stderr!.on("data", (c: Buffer) => (out += c.toString("utf8")));
  const exit = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  return { proc, output: () => out, exit };
}

async function started(child: Child): Promise<string> {
  const ready = new Promise<void>((r) => {
    const check = (): void => {
      if (child.output().includes("Press Ctrl+C")) r();
      else setTimeout(check, 25);
    };
    check();
  });
  const exited = child.exit.then((code) => {
    throw new Error(`the emulator exited (${code}): ${child.output()}`);
  });
  await Promise.race([ready, exited]);
  return /listening on (https:\/\/localhost:\d+)/.exec(child.output())![1]!;
}

interface Info {
  url: string;
  pid: number;
  tenantId: string;
  caCertPath: string;
  subscriptionIds: string[];
}

let dir: string;
const children: Child[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "emu-cli-dir-"));
});
afterAll(() => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const info = (): Info => JSON.parse(readFileSync(join(dir, "emulator.json"), "utf8")) as Info;
const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const i = info();
  const r = await adminRequest<T>(i.url, readFileSync(i.caCertPath, "utf8"), method, path, body, readAdminToken(dir));
  if (r.status < 200 || r.status > 299) throw new Error(`admin ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const defenderPuts = async (): Promise<number> => (await admin<{ value: ExtensionPut[] }>("GET", "/admin/extension-puts")).value.filter((p) => p.source === "defender").length;

test("one emulator per state directory; the hub subscription listed; Defender's delay; the clock kept across a kill -9", async () => {
  const state = join(dir, "state.sqlite");
  const groups = join(dir, "mg.json");
  writeFileSync(groups, JSON.stringify([{ name: "alz" }, { name: "alz-management", parent: "alz", newSubscriptions: 1 }]));
  const first = run(["--state", state, "--fleet", "20", "--management-groups", groups, "--defender-delay", "30"]);
  children.push(first);
  const url = await started(first);

  // Every subscription: the seed's three and the hub.
  const subs = info().subscriptionIds;
  expect(subs).toHaveLength(4);
  expect(first.output()).toContain(`subscriptions: ${subs.join(", ")}\n`);
  expect(first.output()).toMatch(/Defender: +deploys MDE, vulnerability assessment and the AKS sensor 30 s /);
  expect(first.output()).toMatch(/machines: +20 now; the state was generated with 20 \(seed 1\)\n/);
  // A machine made since: the next start counts it (user trial 17: the banner said "fleet: 2000 machines" of a state holding 2,386).
  await admin("POST", "/admin/machines", { subscriptionId: subs[0], resourceGroup: "rg-late", name: "vm-late", location: "westeurope", osType: "Linux" });

  // Defender deploys 30 s (emulator clock) after a plan goes on, not 600.
  const ca = readFileSync(info().caCertPath, "utf8");
  const credential = new ClientSecretCredential(info().tenantId, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, { authorityHost: url, disableInstanceDiscovery: true, tlsOptions: { ca } });
  const token = (await credential.getToken("https://management.azure.com/.default")).token;
  const pricing = await armStatus(url, ca, token, "PUT", `/subscriptions/${subs[2]}/providers/Microsoft.Security/pricings/VirtualMachines?api-version=2024-01-01`, { properties: { pricingTier: "Standard", subPlan: "P2" } });
  expect(pricing).toBe(200);
  await admin("POST", "/admin/clock", { advanceSeconds: 25 });
  expect(await defenderPuts()).toBe(0);
  await admin("POST", "/admin/clock", { advanceSeconds: 10 });
  expect(await defenderPuts()).toBeGreaterThan(0);

  // A second start on the same directory: refused, naming the first; nothing of the first's changed.
  const json = readFileSync(join(dir, "emulator.json"), "utf8");
  const token1 = readAdminToken(dir);
  const second = run(["--state", state]);
  children.push(second);
  expect(await second.exit).toBe(1);
  expect(second.output()).toContain(`in use by the emulator process ${first.proc.pid} at ${url}`);
  expect(second.output()).toContain(`kill ${first.proc.pid}`);
  expect(readFileSync(join(dir, "emulator.json"), "utf8")).toBe(json);
  expect(readAdminToken(dir)).toBe(token1);
  const clockBefore = await admin<{ now: string; offsetMs: number }>("GET", "/admin/clock");

  // kill -9: emulator.json stays, naming a dead pid; a new start takes the directory over.
  first.proc.kill("SIGKILL");
  await first.exit;
  const third = run(["--state", state, "--lro-delay", "30"]);
  children.push(third);
  const url3 = await started(third);
  expect(third.output()).toMatch(/machines: +21 now; the state was generated with 20 \(seed 1\)\n/);
  // --lro-delay: an extension's install stays Creating for 30 s of the emulator's clock.
  const credential3 = new ClientSecretCredential(info().tenantId, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, { authorityHost: url3, disableInstanceDiscovery: true, tlsOptions: { ca } });
  const token3 = (await credential3.getToken("https://management.azure.com/.default")).token;
  const extension = `/subscriptions/${subs[0]}/resourceGroups/rg-late/providers/Microsoft.Compute/virtualMachines/vm-late/extensions/DependencyAgentLinux?api-version=2024-07-01`;
  const put = await arm(url3, ca, token3, "PUT", extension, { location: "westeurope", properties: { publisher: "Microsoft.Azure.Monitoring.DependencyAgent", type: "DependencyAgentLinux", typeHandlerVersion: "9.10", autoUpgradeMinorVersion: true } });
  expect(put.status).toBe(201);
  const provisioning = async () => ((await arm(url3, ca, token3, "GET", extension)).body as { properties: { provisioningState: string } }).properties.provisioningState;
  expect(await provisioning()).toBe("Creating");
  await admin("POST", "/admin/clock", { advanceSeconds: 31 });
  expect(await provisioning()).toBe("Succeeded");
  expect(info()).toMatchObject({ pid: third.proc.pid, url: url3, subscriptionIds: subs });
  expect(third.output()).toMatch(/clock: +\S+ \(3\d s ahead of this machine's, kept in the state\)/);
  expect(third.output()).toMatch(/Defender: +deploys .* 600 s /);
  const clockAfter = await admin<{ now: string; offsetMs: number }>("GET", "/admin/clock");
  expect(clockAfter.offsetMs).toBeGreaterThanOrEqual(35_000);
  expect(Date.parse(clockAfter.now)).toBeGreaterThanOrEqual(Date.parse(clockBefore.now));
  third.proc.kill("SIGTERM");
  expect(await third.exit).toBe(0);
});

async function armStatus(url: string, ca: string, token: string, method: string, path: string, body: unknown): Promise<number> {
  return (await arm(url, ca, token, method, path, body)).status;
}

async function arm(url: string, ca: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const https = await import("node:https");
  const payload = body === undefined ? "" : JSON.stringify(body);
  return new Promise((res, rej) => {
    const req = https.request(new URL(path, url), { method, ca, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(payload) } }, (r) => {
      let text = "";
      r.on("data", (d: Buffer) => (text += d.toString()));
      r.on("end", () => res({ status: r.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined }));
    });
    req.on("error", rej);
    req.end(payload);
  });
}
