/**
 * Issue 14, done-when: a mixed fleet on the emulator converges in one apply (plus Defender's own
 * deployment delay) with Defender for Servers P2 and its components, Guest Configuration, a
 * resource-level override, Defender for Containers and AMA; the next plan is empty; and no
 * extension PUT was sent for anything Defender deploys itself (MDE), while Defender deployed it
 * once per machine. File integrity monitoring is on, so the emulator's check of its properties is met.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import type { ExtensionPut } from "../../src/emulator";
import { emulatorConnection } from "../../src/azure/connection";
import { readInventoryFor } from "../../src/azure/inventory";
import { plan } from "../../src/core";
import { loadSpecFile } from "../../src/spec/load";
import { applyArgs, runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(240_000);

let lab: Lab;
beforeAll(async () => {
  lab = await startLab(90, {
    logAnalyticsAgent: { autoProvision: true, agent: "ama", workspace: "default", securityEvents: "Common" },
    extensions: { kubernetesPolicyAddon: false },
    defender: {
      // The fleet's Free machines (already overridden) and, chosen by a tag the test knows, its deallocated ones on P1.
      servers: { plan: "P2", guestConfiguration: true, overrides: [{ tag: { defenderPlan: "free" }, plan: "Free" }, { tag: { ascEmulatorCase: "deallocated" }, plan: "P1" }] },
      containers: { enabled: true },
    },
  }, 14);
  // File integrity monitoring with one of the fleet's workspaces, known once the fleet is.
  const spec = parse(readFileSync(lab.specPath, "utf8")) as { defender: { servers: Record<string, unknown> } };
  spec.defender.servers["fileIntegrityMonitoring"] = { enabled: true, workspace: { id: lab.emu.fleet!.workspaces[0]!.id } };
  writeFileSync(lab.specPath, stringify(spec));
});
afterAll(() => lab?.emu.stop());

const puts = async (): Promise<ExtensionPut[]> => (await lab.emu.admin<{ value: ExtensionPut[] }>("GET", "/admin/extension-puts")).value;

it("converges in one apply and Defender's delay, never racing or repeating what Defender deploys", async () => {
  const spec = loadSpecFile(lab.specPath);
  const first = plan(spec, await readInventoryFor(lab.conn, spec));
  const actions = new Set(first.steps.map((s) => s.action));
  for (const a of ["set-defender-plan", "set-security-setting", "set-va-setting", "set-resource-pricing", "enable-cluster-addon", "install-extension", "enable-identity"]) expect(actions).toContain(a);
  const waiting = first.machines.filter((m) => m.components?.["endpoint"]?.decision === "mde-awaiting-defender").length;
  expect(waiting).toBeGreaterThan(10);

  const run = runCli(lab, applyArgs(lab));
  const code = await run.exit;
  if (code !== 0) throw new Error(`apply failed:\n${run.stdout().slice(-3000)}\n${run.stderr().slice(-3000)}`);

  // Defender takes its time (up to an hour for MDE): the emulator's clock moves on.
  await lab.emu.admin("POST", "/admin/clock", { advanceSeconds: 3600 });
  // A new connection: the old one's token has expired on the emulator's clock.
  const conn = emulatorConnection({ url: lab.emu.url, tenantId: lab.emu.tenantId, clientId: lab.emu.clientId, clientSecret: lab.emu.clientSecret, caCert: lab.emu.caCert });
  const after = await readInventoryFor(conn, spec);
  const second = plan(spec, after);
  expect(second.steps).toEqual([]);
  const endpoint = new Map<string, number>();
  for (const m of second.machines) endpoint.set(m.components!["endpoint"]!.decision, (endpoint.get(m.components!["endpoint"]!.decision) ?? 0) + 1);
  expect(endpoint.get("mde-awaiting-defender") ?? 0).toBe(0);
  expect(endpoint.get("mde-installed")).toBeGreaterThan(waiting / 2);
  expect(second.clusters!.every((c) => c.components["containerSensor"]!.decision === "sensor-enabled" && c.components["kubernetesPolicyAddon"]!.decision === "addon-enabled")).toBe(true);

  // File integrity monitoring went out with its workspace and the recommended rules, and reads back as planned.
  const vm = after.settings[lab.emu.subscriptionIds[0]!.toLowerCase()] ?? Object.values(after.settings)[0]!;
  const fim = vm.plans!["VirtualMachines"]!.extensions!.find((e) => e.name === "FileIntegrityMonitoring")!;
  expect(fim.isEnabled).toBe("True");
  expect(Object.keys(fim.additionalExtensionProperties ?? {}).sort()).toEqual(["DefinedWorkspaceId", "Rules"]);

  const log = await puts();
  // No client PUT of anything Defender deploys itself.
  expect(log.filter((p) => p.source === "arm" && /^MDE\./.test(p.type))).toEqual([]);
  // Defender deployed MDE once per machine.
  const byMachine = new Map<string, number>();
  for (const p of log.filter((x) => x.source === "defender")) byMachine.set(p.machineId.toLowerCase(), (byMachine.get(p.machineId.toLowerCase()) ?? 0) + 1);
  expect([...byMachine.values()].every((n) => n === 1)).toBe(true);
  // Guest Configuration: installed by this tool, once per machine.
  const gc = log.filter((p) => p.source === "arm" && /^Configuration/i.test(p.type));
  expect(gc.length).toBeGreaterThan(5);
  expect(new Set(gc.map((p) => p.machineId.toLowerCase())).size).toBe(gc.length);
  // The override's machines keep Defender off.
  const free = lab.emu.fleet!.defender!.states["resource-plan-free"]!.map((id) => id.toLowerCase());
  expect(free.filter((id) => byMachine.has(id))).toEqual([]);
});
