/**
 * Durability: the emulator runs as a child process through the CLI command; kill -9 right after
 * an acknowledged write, restart on the same state file, and the write is there.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ComputeManagementClient } from "@azure/arm-compute";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET } from "../../src/emulator";
import { FAST_POLL } from "./helpers";

const ROOT = resolve(__dirname, "../..");

interface Child {
  readonly proc: ChildProcess;
  readonly url: string;
  output(): string;
}

function startCli(statePath: string): Promise<Child> {
  const proc = spawn(
    process.execPath,
    ["-r", join(ROOT, "test/emulator/fixtures/ts-register.js"), join(ROOT, "test/emulator/fixtures/emulator-cli.ts"), "emulator", "start", "--port", "0", "--state", statePath, "--fleet", "30"],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  return new Promise((resolveChild, reject) => {
    proc.stdout!.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      const m = /listening on (https:\/\/localhost:\d+)/.exec(out);
      if (m) resolveChild({ proc, url: m[1]!, output: () => out });
    });
    proc.stderr!.on("data", (c: Buffer) => (out += c.toString("utf8")));
    proc.on("exit", (code) => reject(new Error(`emulator exited early (${code}): ${out}`)));
  });
}

function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((r) => proc.once("exit", (code, signal) => r({ code, signal })));
}

function clients(child: Child, statePath: string, sub: string) {
  const info = JSON.parse(readFileSync(join(statePath, "..", "emulator.json"), "utf8")) as { caCertPath: string; tenantId: string };
  const ca = readFileSync(info.caCertPath, "utf8");
  const cred = new ClientSecretCredential(info.tenantId, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, { authorityHost: child.url, disableInstanceDiscovery: true, tlsOptions: { ca } });
  const opts = { endpoint: child.url, credentialScopes: ["https://management.azure.com/.default"], tlsOptions: { ca }, retryOptions: { maxRetries: 0 } };
  return {
    rm: new ResourceManagementClient(cred, sub, opts),
    compute: new ComputeManagementClient(cred, sub, opts),
    oi: new OperationalInsightsManagementClient(cred, sub, opts),
  };
}

let dir: string;
const running: ChildProcess[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "asc-emulator-durability-"));
});
afterAll(() => {
  for (const p of running) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

test("kill -9 right after acknowledged writes; after a restart on the same state they are all there", async () => {
  const state = join(dir, "state.sqlite");
  const first = await startCli(state);
  running.push(first.proc);
  const info = JSON.parse(readFileSync(join(dir, "emulator.json"), "utf8")) as { subscriptionIds: string[]; url: string };
  expect(info.url).toBe(first.url);
  const sub = info.subscriptionIds[0]!;
  const a = clients(first, state, sub);
  await a.rm.resourceGroups.createOrUpdate("rg-durable", { location: "eastus" });
  const ws = await a.oi.workspaces.beginCreateOrUpdateAndWait("rg-durable", "law-durable", { location: "eastus" }, FAST_POLL);
  await a.compute.virtualMachines.beginCreateOrUpdateAndWait("rg-durable", "vm-durable", { location: "eastus", storageProfile: { osDisk: { osType: "Linux", createOption: "FromImage" } } }, FAST_POLL);
  // The extension PUT is acknowledged (201 + Azure-AsyncOperation); the process dies before any poll.
  const poller = await a.compute.virtualMachineExtensions.beginCreateOrUpdate(
    "rg-durable",
    "vm-durable",
    "DependencyAgentLinux",
    { location: "eastus", publisher: "Microsoft.Azure.Monitoring.DependencyAgent", typePropertiesType: "DependencyAgentLinux", typeHandlerVersion: "9.10" },
    FAST_POLL,
  );
  expect(poller.isDone()).toBe(false);
  first.proc.kill("SIGKILL");
  expect((await exited(first.proc)).signal).toBe("SIGKILL");

  const second = await startCli(state);
  running.push(second.proc);
  const b = clients(second, state, sub);
  expect((await b.rm.resourceGroups.get("rg-durable")).name).toBe("rg-durable");
  expect((await b.oi.workspaces.get("rg-durable", "law-durable")).customerId).toBe(ws.customerId);
  const ext = await b.compute.virtualMachineExtensions.get("rg-durable", "vm-durable", "DependencyAgentLinux");
  expect(ext.provisioningState).toBe("Succeeded");
  // The fleet was generated once; the restart kept it rather than adding another.
  let machines = 0;
  for await (const vm of b.compute.virtualMachines.listAll()) if (vm.tags?.["ascEmulatorCase"]) machines++;
  expect(machines).toBeGreaterThan(0);
  // The 30 generated and vm-durable, made before the kill.
  expect(second.output()).toContain("machines:      31 now; the state was generated with 30 (seed ");

  second.proc.kill("SIGTERM");
  const end = await exited(second.proc);
  expect(end.code).toBe(0);
  expect(second.output()).toContain("emulator stopped (SIGTERM)");
});
